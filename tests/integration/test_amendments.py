"""Records can be corrected (policy section 6, Accurate; the right to rectification):
a role granted `amend` changes a field it sees in full, with a reason; the old value
is kept sealed under the record's key (who, when, why), shown to whoever may see the
field, logged without values, and erased with the record (issue 19)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from secure_records.admin import Administration
from secure_records.core.errors import AccessRefused, BadInput
from secure_records.core.log_actions import LogAction
from secure_records.core.permissions import Permission
from secure_records.session import Session
from tests.conftest import canary_row
from tests.integration.test_disposal import REASON, TODAY, adult, approved, import_rows
from tests.support.in_process import Cli, no_traceback
from tests.support.raw_db import behind_the_back, stored

WHY = "Case closed at the review meeting"


def open_adult(rid: str) -> dict[str, object]:
    """An adult's record whose case was still open at import: no closing date."""
    row = adult(rid)
    del row["case_closed"]
    return row


def test_closing_a_case_open_at_import_starts_the_adults_six_year_clock(home: Path) -> None:
    import_rows(home, [open_adult("R-0001")])  # an adult's case still open at import
    with Session.open("it", home) as it:
        assert it.retention.retention_queue(TODAY) == []

    with Session.open("alice", home) as alice:
        view = alice.amendments.amend("R-0001", "case_closed", "31/03/2019", WHY)

    field = view.field("case_closed")
    assert field is not None and field.text == "2019-03-31"
    with Session.open("it", home) as it:
        [item] = it.retention.retention_queue(TODAY)
    assert (item.record_id, item.rule, item.due) == ("R-0001", "adults", date(2025, 3, 31))


def test_reopening_a_case_stops_the_clock_and_keeps_the_date_it_had(home: Path) -> None:
    import_rows(home, [adult("R-0001")])
    with Session.open("lead", home) as lead:
        view = lead.amendments.amend("R-0001", "case_closed", "", "Reopened: a new referral")
        history = lead.amendments.history("R-0001")

    field = view.field("case_closed")
    assert field is not None and field.text == ""
    [line] = history
    assert (line.field, line.by, line.reason) == ("case_closed", "lead", "Reopened: a new referral")
    assert line.words == "Case closed: was 01 Jan 2015, now (none)"
    with Session.open("it", home) as it:
        assert it.retention.retention_queue(TODAY) == []


def test_the_old_value_is_kept_with_who_when_and_why(populated: Path) -> None:
    with Session.open("alice", populated) as alice:
        view = alice.amendments.amend("R-0001", "name", "Corrected Name", "Misspelt at referral")
        alice.amendments.amend("R-0001", "date_of_birth", "03/04/2013", "Day and month swapped")
        history = alice.amendments.history("R-0001")

    name = view.field("name")
    assert name is not None and name.text == "Corrected Name"
    assert [(line.field, line.words, line.by, line.reason) for line in history] == [
        (
            "name",
            "Name: was Canaryname R-0001, now Corrected Name",
            "alice",
            "Misspelt at referral",
        ),
        (
            "date_of_birth",
            "Date of birth: was 02 Apr 2013, now 03 Apr 2013",
            "alice",
            "Day and month swapped",
        ),
    ]
    assert all(line.at.startswith(date.today().isoformat()) for line in history)
    # The exact-match index follows the corrected name and date of birth.
    with Session.open("reception", populated) as reception:
        assert reception.records.find_exact("Canaryname R-0001", "2013-04-02") is None
        found = reception.records.find_exact("Corrected Name", "2013-04-03")
    assert found is not None and found.reference == "R-0001"


def test_the_search_finds_the_corrected_name_at_once(populated: Path) -> None:
    with Session.open("alice", populated) as alice:
        assert alice.records.search("Canaryname R-0001") == ["R-0001"]
        alice.amendments.amend("R-0001", "name", "Corrected Name", "Misspelt at referral")
        assert alice.records.search("Corrected") == ["R-0001"]
        assert alice.records.search("Canaryname R-0001") == []


def test_a_field_seen_masked_or_hidden_cannot_be_corrected_nor_its_history_read(
    populated: Path,
) -> None:
    with Session.open("lead", populated) as lead:
        lead.amendments.amend("R-0001", "nhs_number", "NEW-NHS-1", "Wrong number at import")
        lead.amendments.amend("R-0001", "address", "NEW-ADDRESS-1", "Moved house in May this year")
    with Session.open("alice", populated) as alice:
        # masked for caseworkers: never; reveal: only once revealed, with a reason
        with pytest.raises(AccessRefused, match="not a field you can correct"):
            alice.amendments.amend("R-0001", "nhs_number", "X", WHY)
        with pytest.raises(AccessRefused, match="not a field you can correct"):
            alice.amendments.amend("R-0001", "address", "X", WHY)
        assert alice.amendments.history("R-0001") == []
        assert "nhs_number" not in alice.amendments.amendable("R-0001")
        alice.records.reveal("R-0001", "address", "Checking where to send the letter")
        assert [line.field for line in alice.amendments.history("R-0001")] == ["address"]
        alice.amendments.amend(
            "R-0001", "address", "NEWER-ADDRESS", "Typo in the postcode at import"
        )


def test_only_roles_granted_amend_correct_and_only_records_they_may_open(
    populated: Path,
) -> None:
    for who in ("reception", "it", "auditor"):
        with Session.open(who, populated) as session:
            assert not session.may(Permission.AMEND)
            with pytest.raises(AccessRefused):
                session.amendments.amend("R-0001", "case_closed", "01/01/2020", WHY)
    with Session.open("bilal", populated) as bilal, pytest.raises(AccessRefused):
        bilal.amendments.amend("R-0001", "case_closed", "01/01/2020", WHY)  # not his
    with Session.open("lead", populated) as lead:
        assert lead.amendments.history("R-0001") == []


@pytest.mark.parametrize(
    ("field", "typed", "reason", "said"),
    [
        ("case_closed", "31/02/2020", WHY, "Case closed: write the date as DD/MM/YYYY"),
        ("case_closed", "01/01/2999", WHY, "Case closed cannot be in the future."),
        # Born 02 Apr 2013 (reviewer: a case closed before the birth was accepted).
        ("case_closed", "01/01/2010", WHY, "Case closed cannot be before the date of birth."),
        ("name", "  ", WHY, "Name cannot be left blank."),
        ("category", "adult", WHY, "Category must be one of: Child, Young person"),
        ("case_closed", "01/01/2020", "too short", "Say why Case closed is being corrected"),
        ("category", "Child", WHY, "That is what the record says already"),
    ],
)
def test_a_correction_that_cannot_be_is_refused_in_one_sentence_and_nothing_changes(
    populated: Path, field: str, typed: str, reason: str, said: str
) -> None:
    with Session.open("alice", populated) as alice:
        with pytest.raises(BadInput) as caught:
            alice.amendments.amend("R-0001", field, typed, reason)
        assert str(caught.value).startswith(said)
        assert alice.amendments.history("R-0001") == []
    assert amended_entries(populated) == []


def amended_entries(home: Path) -> list[tuple[str | None, dict[str, object], object]]:
    with Administration.open(home) as admin:
        return [
            (e.record_id, dict(e.details), e.personal)
            for e in admin.vault.log.entries(personal=True)
            if e.action == LogAction.FIELD_AMENDED
        ]


def test_a_correction_is_logged_by_field_with_the_reason_under_the_records_key(
    home: Path,
) -> None:
    import_rows(home, [open_adult("R-0001")])
    with Session.open("alice", home) as alice:
        alice.amendments.amend("R-0001", "case_closed", "31/03/2019", WHY)
        alice.amendments.amend("R-0001", "name", "Corrected Name", "Misspelt at referral")

    [closed, named] = amended_entries(home)
    assert closed[:2] == ("R-0001", {"field": "case_closed", "case": "closed"})
    assert named[:2] == ("R-0001", {"field": "name"})
    assert closed[2] == {"reason": WHY}
    logged = repr(closed) + repr(named)
    for value in ("2019-03-31", "Canaryname", "Corrected Name"):
        assert value not in logged


def test_the_history_is_sealed_and_erased_with_the_record(home: Path) -> None:
    import_rows(home, [adult("R-0001"), canary_row("R-0002", ["alice"])])
    with Session.open("alice", home) as alice:
        alice.amendments.amend("R-0001", "name", "AMENDED-NAME", "Misspelt at referral")
    with behind_the_back(home) as db:
        history = [
            bytes(s)
            for (s,) in db.execute(
                "SELECT sealed FROM record_entries "
                "WHERE record_id = 'R-0001' AND kind = 'amendment'"
            )
        ]

    before = stored(home)  # the files, and on PostgreSQL the rows
    assert len(history) == 1 and history[0] in before
    assert b"Canaryname R-0001" not in before  # the old value, sealed
    with Session.open("it", home) as it:
        it.retention.execute_disposal(approved(home, "R-0001"))

    after = stored(home)
    assert history[0] not in after
    with Administration.open(home) as admin:
        assert admin.vault.amendments.history("R-0001") == []


def test_the_vault_verifies_clean_after_a_correction(populated: Path, cli: Cli) -> None:
    with Session.open("alice", populated) as alice:
        alice.amendments.amend("R-0001", "case_closed", "31/03/2019", WHY)

    result = cli("vault", "verify", home=populated)

    no_traceback(result)
    assert result.code == 0, result
    assert "records: 3 complete, 0 incomplete" in result.out


def test_a_vault_whose_sealed_roles_predate_amend_grants_it_to_nobody(
    populated: Path, tmp_path: Path
) -> None:
    # roles.toml as sealed before issue 19: no role names `amend` until IT applies it.
    older = Path(shutil.copytree(populated / "policies", tmp_path / "older"))
    roles = older / "roles.toml"
    roles.write_text(
        roles.read_text(encoding="utf-8").replace('"amend", ', "").replace('    "amend",\n', ""),
        encoding="utf-8",
    )
    with Administration.open(populated) as admin:
        admin.apply_policy(admin.propose_policy(older))
    with Session.open("lead", populated) as lead:
        assert not lead.may(Permission.AMEND)
        assert lead.amendments.amendable("R-0001") == ()
        with pytest.raises(AccessRefused, match="cannot correct records"):
            lead.amendments.amend("R-0001", "case_closed", "01/01/2020", REASON)
