"""Consent withdrawn in place: the entry that recorded it says when it was withdrawn,
no second entry is added, the log says so without a value, and the sealed rows still
add up; a withdrawal undone or forged in the file is caught (issue 17)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from secure_records.admin import Administration
from secure_records.core.errors import AccessRefused, BadInput, IntegrityError
from secure_records.core.log_actions import LogAction
from secure_records.core.records import ConsentCapacity
from secure_records.session import Session
from tests.conftest import canaries, canary_row
from tests.integration.test_row_seals import replay, saved, sql, verify_lines
from tests.support.in_process import Cli, no_traceback

GIVEN = date(2024, 5, 1)  # the canary record's consent, in force
ENDED = date(2026, 2, 4)
WHY = "She told us in person she no longer agrees"


def consent_of(home: Path, record_id: str = "R-0001") -> list[tuple[str, date | None]]:
    with Session.open("alice", home) as alice:
        view = alice.records.open_record(record_id)
    assert view.consent is not None
    return [(entry.scope, entry.withdrawn) for entry in view.consent.entries]


def test_withdrawal_changes_the_entry_it_ends_and_adds_none(populated: Path) -> None:
    with Session.open("alice", populated) as alice:
        view = alice.records.withdraw_consent("R-0001", 1, ENDED, WHY)

    assert view.consent is not None
    assert len(view.consent.entries) == 1
    entry = view.consent.entries[0]
    assert (entry.date, entry.withdrawn, entry.in_force) == (GIVEN, ENDED, False)
    assert consent_of(populated) == [("CANARY-SCOPE-R-0001", ENDED)]  # as stored
    assert consent_of(populated, "R-0002") == [("CANARY-SCOPE-R-0002", None)]


def test_the_second_of_two_entries_is_the_one_withdrawn(populated: Path) -> None:
    with Session.open("alice", populated) as alice:
        alice.records.record_consent(
            "R-0001", "Parent", "Share with GP", date(2025, 1, 6), capacity=ConsentCapacity.PARENT
        )
        alice.records.withdraw_consent("R-0001", 2, ENDED, WHY)

    assert consent_of(populated) == [("CANARY-SCOPE-R-0001", None), ("Share with GP", ENDED)]


@pytest.mark.parametrize(
    ("number", "withdrawn", "said"),
    [
        (1, date.today() + timedelta(days=1), "Consent cannot be withdrawn in the future."),
        (1, date(2024, 4, 30), "Consent cannot be withdrawn before it was given."),
        (2, ENDED, "This record has no consent entry 2."),
    ],
)
def test_a_withdrawal_that_cannot_be_is_refused_in_one_sentence(
    populated: Path, number: int, withdrawn: date, said: str
) -> None:
    with Session.open("alice", populated) as alice, pytest.raises(BadInput) as caught:
        alice.records.withdraw_consent("R-0001", number, withdrawn, WHY)

    assert str(caught.value) == said
    assert consent_of(populated) == [("CANARY-SCOPE-R-0001", None)]
    assert not withdrawals(populated)


def test_consent_already_withdrawn_is_not_withdrawn_again(populated: Path) -> None:
    with Session.open("alice", populated) as alice:
        alice.records.withdraw_consent("R-0001", 1, ENDED, WHY)
        with pytest.raises(BadInput, match=r"^That consent was already withdrawn\.$"):
            alice.records.withdraw_consent("R-0001", 1, ENDED + timedelta(days=1), WHY)

    assert consent_of(populated) == [("CANARY-SCOPE-R-0001", ENDED)]
    assert len(withdrawals(populated)) == 1


def test_only_a_role_that_records_consent_withdraws_it(populated: Path) -> None:
    for who in ("reception", "auditor"):
        with Session.open(who, populated) as session, pytest.raises(AccessRefused):
            session.records.withdraw_consent("R-0001", 1, ENDED, WHY)
    with Session.open("bilal", populated) as bilal, pytest.raises(AccessRefused):
        bilal.records.withdraw_consent("R-0001", 1, ENDED, WHY)  # not on his caseload
    assert consent_of(populated) == [("CANARY-SCOPE-R-0001", None)]


def withdrawals(home: Path) -> list[dict[str, object]]:
    with Administration.open(home) as admin:
        return [
            dict(e.details)
            for e in admin.vault.log.entries(personal=False)
            if e.action == LogAction.CONSENT_WITHDRAWN
        ]


def test_the_withdrawal_is_logged_by_its_number_with_no_value(populated: Path) -> None:
    with Session.open("alice", populated) as alice:
        alice.records.withdraw_consent("R-0001", 1, ENDED, WHY)

    with Administration.open(populated) as admin:
        entry = list(admin.vault.log.entries(personal=False))[-2]  # before session end
    assert (entry.action, entry.actor, entry.record_id) == ("consent_withdrawn", "alice", "R-0001")
    assert entry.details["entry"] == 1
    logged = repr(entry.details)
    for value in [*canaries(canary_row("R-0001", ["alice"])).values(), ENDED.isoformat()]:
        assert value not in logged


def test_the_vault_verifies_clean_after_a_withdrawal(populated: Path, cli: Cli) -> None:
    with Session.open("alice", populated) as alice:
        alice.records.withdraw_consent("R-0001", 1, ENDED, WHY)

    result = cli("vault", "verify", home=populated)

    no_traceback(result)
    assert result.code == 0, result
    assert "records: 3 complete, 0 incomplete" in result.out


def test_a_withdrawal_undone_in_the_file_is_caught(populated: Path) -> None:
    before = saved(populated, "record_entries", "record_id = 'R-0001' AND kind = 'consent'")
    with Session.open("alice", populated) as alice:
        alice.records.withdraw_consent("R-0001", 1, ENDED, WHY)
    # The entry as it was before, its own seal good: consent "in force" again.
    replay(populated, before, "record_entries", "record_id = 'R-0001' AND kind = 'consent'")

    with Session.open("alice", populated) as alice, pytest.raises(IntegrityError) as caught:
        alice.records.open_record("R-0001")

    assert "records row R-0001 does not add up" in str(caught.value)
    intact, lines = verify_lines(populated)
    assert not intact and any("first incomplete record: record R-0001" in x for x in lines)


def test_a_withdrawal_forged_in_the_file_is_caught(populated: Path) -> None:
    with Session.open("alice", populated) as alice:
        alice.records.withdraw_consent("R-0002", 1, ENDED, WHY)
    # R-0002's withdrawn entry put in R-0001's place, by someone without the keyring.
    sql(
        populated,
        "UPDATE record_entries SET sealed = (SELECT sealed FROM record_entries "
        "WHERE record_id = 'R-0002' AND kind = 'consent') "
        "WHERE record_id = 'R-0001' AND kind = 'consent'",
    )

    with Session.open("alice", populated) as alice, pytest.raises(IntegrityError) as caught:
        alice.records.open_record("R-0001")

    assert "record_entries row R-0001 consent 0 does not match its seal" in str(caught.value)
    intact, _ = verify_lines(populated)
    assert not intact
