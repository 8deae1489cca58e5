"""Telephone requests through Session: entitlement, callback, queues, the log (section 11)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from secure_records.admin import Administration
from secure_records.admin.upgrade import upgrade
from secure_records.core.errors import AccessRefused, BadInput
from secure_records.core.sharing import HowChoices, Requester, SharingFlow
from secure_records.core.telephone import Callback, Status, Urgency
from secure_records.session import Session
from secure_records.session.telephone import OTHER_ORGANISATION, Caller, CallView
from tests.conftest import canaries, canary_row
from tests.support.bases import basis
from tests.support.raw_db import behind_the_back

POLICE = "northshire_police_ppu"
SWITCHBOARD = "01632 960 100"  # the shipped directory's number for POLICE
GIVEN = "07700 900123"  # a mobile the caller offers: never to be used
ABOUT = ("Canaryname R-0001", "2013-04-02")  # R-0001 is on alice's caseload
REASON = "recorded reason of some length"
TODAY = date(2026, 11, 30)  # the shipped directory's entries are checked as of this day


def caller(org: str = POLICE, number: str = GIVEN, other: str = "") -> Caller:
    return Caller("DC Jane Smith", "Detective constable", org, other, number)


def take(
    session: Session,
    who: Caller | None = None,
    about: tuple[str, str] = ABOUT,
    kind: str = "safeguarding_concern",
) -> CallView:
    return session.telephone.take_phone_request(
        who or caller(),
        *about,
        kind,
        "Any concerns recorded about the child",
        Urgency.TODAY,
        today=TODAY,
    )


def verified(home: Path, about: tuple[str, str] = ABOUT) -> str:
    with Session.open("reception", home) as reception:
        call = take(reception, about=about)
        done = reception.telephone.record_callback(call.id, Callback.CONFIRMED)
    assert done.status is Status.VERIFIED
    return call.id


def queue_ids(home: Path, name: str) -> list[str]:
    with Session.open(name, home) as session:
        return [item.id for item in session.telephone.phone_queue()]


def log_entries(home: Path) -> list:  # type: ignore[type-arg]
    with Administration.open(home) as admin:
        return list(admin.vault.log.entries())


def test_reception_is_given_only_the_directorys_number_and_told_a_record_exists(
    populated: Path,
) -> None:
    with Session.open("reception", populated) as reception:
        call = take(reception)
    assert call.status is Status.AWAITING_CALLBACK
    assert call.callback_number == SWITCHBOARD
    assert call.reference == "R-0001"
    assert call.flags == ("The number the caller gave is not the directory's",)
    # Nothing a record holds reaches reception, not even the name it was asked about.
    shown = repr(call)
    for value in canaries(canary_row("R-0001", ["alice"])).values():
        assert value not in shown


def test_the_callers_own_number_raises_no_flag_when_it_is_the_directorys(
    populated: Path,
) -> None:
    with Session.open("reception", populated) as reception:
        call = take(reception, caller(number="+44 1632 960100"))
    assert call.flags == ()


def test_a_verified_request_reaches_the_assigned_worker_and_the_lead_and_nobody_else(
    populated: Path,
) -> None:
    request = verified(populated)
    assert request in queue_ids(populated, "alice")
    assert request in queue_ids(populated, "lead")
    assert request not in queue_ids(populated, "bilal")  # caseworker, not assigned
    for name in ("reception", "it", "auditor"):
        with Session.open(name, populated) as session, pytest.raises(AccessRefused):
            session.telephone.phone_queue()
    with Session.open("bilal", populated) as bilal, pytest.raises(AccessRefused):
        bilal.telephone.phone_request(request)


def test_an_organisation_not_entitled_to_the_kind_of_request_is_referred_to_the_lead(
    populated: Path,
) -> None:
    with Session.open("reception", populated) as reception:
        # The police may not ask for a school's kind of request.
        call = take(reception, kind="education_welfare")
        assert call.status is Status.REFERRED
        assert "not entitled" in call.why
        assert "safeguarding lead will consider it" in call.say and call.id in call.say
        with pytest.raises(BadInput, match="not waiting for a callback"):
            reception.telephone.record_callback(call.id, Callback.CONFIRMED)
    assert call.id in queue_ids(populated, "lead")
    assert call.id not in queue_ids(populated, "alice")


def test_an_organisation_not_in_the_directory_gets_no_callback_number(populated: Path) -> None:
    with Session.open("reception", populated) as reception:
        call = take(reception, caller(OTHER_ORGANISATION, other="Northshire Private Inquiries"))
    assert call.status is Status.REFERRED
    assert call.callback_number == ""
    assert call.organisation == "Northshire Private Inquiries"


# A caller not reached is tried again (test_telephone_urgency.py), not refused.
@pytest.mark.parametrize("outcome", [Callback.CALLER_UNKNOWN, Callback.REFUSED_CALLBACK])
def test_a_callback_that_does_not_confirm_refuses_in_words_that_confirm_nothing(
    populated: Path, outcome: Callback
) -> None:
    with Session.open("reception", populated) as reception:
        call = take(reception)
        done = reception.telephone.record_callback(call.id, outcome)
    assert done.status is Status.NOT_VERIFIED
    assert "R-0001" not in done.say and "can't discuss whether we hold" in done.say
    assert call.id not in queue_ids(populated, "lead")
    assert call.id not in queue_ids(populated, "alice")


def test_red_flags_are_kept_on_the_request_for_the_person_deciding(populated: Path) -> None:
    with Session.open("reception", populated) as reception:
        call = take(reception)
        reception.telephone.record_callback(call.id, Callback.CONFIRMED, pressed_for_speed=True)
    with Session.open("alice", populated) as alice:
        detail = alice.telephone.phone_request(call.id)
    assert set(detail.flags) == {
        "The number the caller gave is not the directory's",
        "The caller pressed for speed",
    }
    assert detail.switchboard == SWITCHBOARD and detail.number_given == GIVEN
    assert detail.callback.startswith("Reached the named caller")


def test_the_log_holds_every_step_with_the_directory_entry_and_both_numbers(
    populated: Path,
) -> None:
    request = verified(populated)
    entries = log_entries(populated)
    taken = next(e for e in entries if e.action == "phone_request_taken")
    assert taken.details["request"] == request and taken.record_id == "R-0001"
    assert taken.details["organisation"] == POLICE
    assert taken.details["switchboard"] == SWITCHBOARD
    assert taken.details["directory_checked"] == "2026-10-05"
    assert taken.personal["caller"]["number_given"] == GIVEN
    called = next(e for e in entries if e.action == "callback_recorded")
    assert called.details["outcome"] == "confirmed"
    assert called.details["number_called"] == SWITCHBOARD


def test_the_callers_details_are_sealed_on_disk(populated: Path) -> None:
    verified(populated)
    for path in populated.rglob("*"):
        if path.is_file():
            raw = path.read_bytes()
            assert b"DC Jane Smith" not in raw and GIVEN.encode() not in raw, path


def test_a_sharing_decision_answers_the_verified_request_and_names_it(populated: Path) -> None:
    request = verified(populated)
    with Session.open("alice", populated) as alice:
        detail = alice.telephone.phone_request(request)
        assert detail.requester == Requester(
            "DC Jane Smith",
            "Northshire Police, Public Protection Unit",
            "Detective constable",
            SWITCHBOARD,
        )
        flow = SharingFlow(alice.policy.sharing)
        for yes in (True, True, True, True):
            flow = flow.answer(yes, REASON)
        policy = alice.policy.sharing
        how = HowChoices(("name",), (), True, policy.methods[0], basis(policy), True)
        done = alice.sharing.decide_sharing(
            "R-0001",
            detail.requester,
            "Police welfare enquiry",
            flow,
            how,
            phone_request=request,
        )
        history = alice.records.sharing_history("R-0001")
        # Answered: it leaves every queue.
        assert request not in [item.id for item in alice.telephone.phone_queue()]
        assert done.package is not None
        assert "DC Jane Smith" in alice.outputs.read(done.package).text
    assert history[-1].phone_request == request
    assert request not in queue_ids(populated, "lead")
    entry = [e for e in log_entries(populated) if e.action == "sharing_decision"][-1]
    assert entry.details["phone_request"] == request


def test_a_verification_cannot_be_borrowed_for_another_caller_or_record(populated: Path) -> None:
    request = verified(populated)
    with Session.open("lead", populated) as lead:
        flow = SharingFlow(lead.policy.sharing)
        for yes in (True, True, True, True):
            flow = flow.answer(yes, REASON)
        policy = lead.policy.sharing
        how = HowChoices(("name",), (), True, policy.methods[0], basis(policy), True)
        someone_else = Requester("A. Nother", "Anywhere", "Officer", "01632 960999")
        real = lead.telephone.phone_request(request).requester
        for record, requester in (("R-0001", someone_else), ("R-0003", real)):
            with pytest.raises(BadInput, match="another record or another caller"):
                lead.sharing.decide_sharing(
                    record, requester, "Police welfare enquiry", flow, how, phone_request=request
                )
    assert request in queue_ids(populated, "lead")
    assert not list((populated / "exports").iterdir())


def test_a_request_about_nobody_on_record_goes_to_the_lead_only(populated: Path) -> None:
    request = verified(populated, about=("Nobody Known", "2010-01-01"))
    assert request in queue_ids(populated, "lead")
    assert request not in queue_ids(populated, "alice")
    with Session.open("lead", populated) as lead:
        detail = lead.telephone.phone_request(request)
        assert detail.record_id is None and detail.about == "Nobody Known, born 2010-01-01"
        with pytest.raises(BadInput, match="at least"):
            lead.telephone.close_phone_request(request, "no")
        lead.telephone.close_phone_request(request, "We hold nothing; told the officer so")
    assert request not in queue_ids(populated, "lead")


@pytest.mark.parametrize(
    ("who", "kind", "problem"),
    [
        (Caller("", "Officer", POLICE, "", GIVEN), "safeguarding_concern", "caller's name"),
        (caller(number="ring me back"), "safeguarding_concern", "number the caller gave"),
        (caller(), "gossip", "kind of request"),
        (caller("no_such_org"), "safeguarding_concern", "organisation"),
    ],
)
def test_an_incomplete_request_is_refused_and_nothing_is_stored(
    populated: Path, who: Caller, kind: str, problem: str
) -> None:
    with Session.open("reception", populated) as reception:
        with pytest.raises(BadInput, match=problem):
            take(reception, who, kind=kind)
        assert reception.telephone.awaiting_callback() == []
    assert not any(e.action == "phone_request_taken" for e in log_entries(populated))


def test_only_reception_takes_requests_and_records_callbacks(populated: Path) -> None:
    with Session.open("reception", populated) as reception:
        call = take(reception)
    for name in ("alice", "lead", "it", "auditor"):
        with Session.open(name, populated) as session:
            with pytest.raises(AccessRefused):
                take(session)
            with pytest.raises(AccessRefused):
                session.telephone.record_callback(call.id, Callback.CONFIRMED)


@pytest.mark.not_on_postgres  # a PostgreSQL vault starts at migration 8: none predates it
def test_a_vault_from_before_telephone_requests_is_upgraded(home: Path) -> None:
    with behind_the_back(home) as db:
        db.execute("DROP TABLE phone_requests")
        db.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    upgrade(home)  # refused until then (tests/integration/test_upgrade.py)
    with Session.open("reception", home) as reception:
        assert reception.telephone.awaiting_callback() == []
        take(reception, about=("Nobody Known", "2010-01-01"))
        assert len(reception.telephone.awaiting_callback()) == 1


def test_a_directory_entry_overdue_for_checking_is_flagged_when_used(populated: Path) -> None:
    with Session.open("reception", populated) as reception:
        call = reception.telephone.take_phone_request(
            caller(number=SWITCHBOARD),
            *ABOUT,
            "safeguarding_concern",
            "Any concerns",
            Urgency.ROUTINE,
            today=date(2028, 1, 1),
        )
    assert call.flags == ("The directory entry is overdue for checking",)
    taken = [e for e in log_entries(populated) if e.action == "phone_request_taken"][-1]
    assert taken.details["flags"] == ["stale_directory_entry"]
