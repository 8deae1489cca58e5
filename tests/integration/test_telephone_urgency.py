"""Urgency first (issue 18), through Session: urgent callbacks first, a caller not
reached tried again and then escalated, the lead's referral seen whole and forwarded,
and what has waited too long for a manager counted for every lead."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from secure_records.core.directory import parse_directory
from secure_records.core.errors import BadInput, PolicyError
from secure_records.core.log_actions import LogAction
from secure_records.core.oversight import parse_oversight
from secure_records.core.sharing import Requester, SharingFlow
from secure_records.core.telephone import Callback, Status, Urgency
from secure_records.session import Session
from tests.integration.test_disposal import adult, import_rows
from tests.integration.test_oracles import with_policy
from tests.integration.test_sharing_decisions import how
from tests.integration.test_telephone import (
    ABOUT,
    REASON,
    TODAY,
    caller,
    log_entries,
    queue_ids,
    take,
)

NOBODY = ("Nobody On Record", "2010-01-01")
SOON = datetime.now(UTC) + timedelta(hours=1)
LATER = datetime.now(UTC) + timedelta(hours=49)  # past the shipped 48 hours
ASKER = Requester("DC Jane Smith", "Northshire Police", "Detective constable", "01632 960 100")


def referral(home: Path, about: tuple[str, str] = ABOUT) -> str:
    """A request the police may not make (a pupil's welfare): referred to the lead."""
    with Session.open("reception", home) as reception:
        call = take(reception, about=about, kind="education_welfare")
    assert call.status is Status.REFERRED
    return call.id


def not_reached(home: Path, request_id: str, times: int) -> Status:
    with Session.open("reception", home) as reception:
        for _ in range(times):
            status = reception.telephone.record_callback(request_id, Callback.NOT_REACHED).status
    return status


def test_urgent_callbacks_are_marked_and_come_first_for_reception(populated: Path) -> None:
    with Session.open("reception", populated) as reception:
        routine = take(reception)
        urgent = reception.telephone.take_phone_request(
            caller(), *ABOUT, "safeguarding_concern", "Is she safe", Urgency.IMMEDIATE, TODAY
        )
        calls = reception.telephone.awaiting_callback()
    assert [call.id for call in calls] == [urgent.id, routine.id]
    assert calls[0].urgent and not calls[1].urgent


def test_a_caller_not_reached_is_tried_again_later_with_no_words_of_refusal(
    populated: Path,
) -> None:
    with Session.open("reception", populated) as reception:
        call = take(reception)
        after = reception.telephone.record_callback(call.id, Callback.NOT_REACHED)
        waiting = reception.telephone.awaiting_callback()
    assert after.status is Status.AWAITING_CALLBACK
    assert after.say == ""  # nobody on the line to read a refusal to
    assert [(c.id, c.attempts, c.attempts_allowed) for c in waiting] == [(call.id, 1, 3)]
    assert call.id not in queue_ids(populated, "lead")


def test_after_the_directorys_attempts_the_request_goes_to_the_lead_logged(
    populated: Path,
) -> None:
    with Session.open("reception", populated) as reception:
        call = take(reception)
    assert not_reached(populated, call.id, 2) is Status.AWAITING_CALLBACK
    assert not_reached(populated, call.id, 1) is Status.ESCALATED
    with Session.open("reception", populated) as reception:
        assert reception.telephone.awaiting_callback() == []
    assert call.id in queue_ids(populated, "lead")
    assert call.id not in queue_ids(populated, "alice")  # not verified: the lead's
    with Session.open("lead", populated) as lead:
        detail = lead.telephone.phone_request(call.id)
    assert "could not reach the caller" in detail.why and len(detail.attempts) == 3
    [escalated] = [e for e in log_entries(populated) if e.action == "phone_request_escalated"]
    assert escalated.details["request"] == call.id and escalated.details["attempts"] == 3


def test_the_number_of_attempts_comes_from_the_directory(populated: Path, tmp_path: Path) -> None:
    with_policy(populated, tmp_path, directory=("callback_attempts = 3", "callback_attempts = 1"))
    with Session.open("reception", populated) as reception:
        call = take(reception)
    assert not_reached(populated, call.id, 1) is Status.ESCALATED


def test_a_directory_sealed_before_callback_attempts_gets_three_and_a_bad_one_is_refused(
    populated: Path,
) -> None:
    text = (populated / "policies" / "directory.toml").read_text()
    older = text.replace("callback_attempts = 3\n", "")
    assert parse_directory(older, TODAY).callback_attempts == 3
    with pytest.raises(PolicyError, match=r"telephone\.callback_attempts"):
        parse_directory(text.replace("callback_attempts = 3", "callback_attempts = 0"), TODAY)


def test_the_lead_sees_a_referral_whole_and_why_a_decision_cannot_be_taken(
    populated: Path,
) -> None:
    found, unknown = referral(populated), referral(populated, NOBODY)
    with Session.open("lead", populated) as lead:
        on_record = lead.telephone.phone_request(found)
        nobody = lead.telephone.phone_request(unknown)
    assert on_record.asked == "Any concerns recorded about the child"
    assert (on_record.caller, on_record.switchboard) == ("DC Jane Smith", "01632 960 100")
    assert "is not entitled to ask for" in on_record.why
    assert on_record.decide_refused == ""  # the lead may decide on it
    assert "No record matched" in nobody.decide_refused


def test_the_lead_decides_on_a_referral_and_it_leaves_the_queue(populated: Path) -> None:
    request = referral(populated)
    with Session.open("lead", populated) as lead:
        detail = lead.telephone.phone_request(request)
        assert "NOT verified" in detail.how_verified
        flow = SharingFlow(lead.policy.sharing).answer(False, REASON)
        lead.sharing.decide_sharing(
            "R-0001",
            detail.requester,
            "Police asked about a pupil's welfare",
            flow,
            discussed="Told the officer to ask through the school",
            phone_request=request,
        )
        assert lead.records.sharing_history("R-0001")[-1].phone_request == request
    assert request not in queue_ids(populated, "lead")


def test_the_lead_forwards_a_referral_with_a_reason_to_someone_who_decides(
    populated: Path,
) -> None:
    request = referral(populated)
    with Session.open("lead", populated) as lead:
        assert lead.telephone.forward_choices() == ["alice", "bilal"]
        with pytest.raises(BadInput, match="reason"):
            lead.telephone.forward_phone_request(request, "alice", "hers")
        with pytest.raises(BadInput, match="Choose a staff member"):
            lead.telephone.forward_phone_request(request, "reception", REASON)
        lead.telephone.forward_phone_request(request, "alice", REASON)
    assert request in queue_ids(populated, "alice")  # hers now, though not verified
    assert request not in queue_ids(populated, "bilal")
    with Session.open("alice", populated) as alice:
        [item] = alice.telephone.phone_queue()
        assert item.forwarded_to == "alice"
        assert alice.telephone.phone_request(request).forwarded[-1].reason == REASON
    [entry] = [e for e in log_entries(populated) if e.action == LogAction.PHONE_REQUEST_FORWARDED]
    assert entry.details["to"] == "alice" and entry.record_id == "R-0001"


def test_what_waits_for_a_manager_too_long_is_counted_for_a_lead_only(populated: Path) -> None:
    request = referral(populated)
    with Session.open("alice", populated) as alice:
        flow = SharingFlow(alice.policy.sharing)
        for yes in (True, True, True, False, True):  # without consent: a manager confirms
            flow = flow.answer(yes, REASON)
        alice.sharing.decide_sharing(
            "R-0001", ASKER, "Child protection enquiry", flow, how(alice, ("name",), ())
        )
        assert alice.waiting.overdue(LATER).count == 0  # alice decides none of it
    import_rows(populated, [adult("R-0009")])
    with Session.open("it", populated) as it:
        it.retention.propose_disposal("R-0009", REASON, today=TODAY)
    with Session.open("lead", populated) as lead:
        assert lead.waiting.overdue(SOON).count == 0  # not yet 48 hours
        overdue = lead.waiting.overdue(LATER)
    assert (overdue.shares, overdue.disposals, overdue.requests) == (1, 1, 1)
    assert overdue.hours == 48 and overdue.oldest is not None
    with Session.open("lead", populated) as lead:
        lead.telephone.close_phone_request(request, REASON)
        assert lead.waiting.overdue(LATER).requests == 0  # answered: no longer waiting


def test_the_hours_come_from_oversight_and_default_to_48_for_an_older_file(
    populated: Path, tmp_path: Path
) -> None:
    text = (populated / "policies" / "oversight.toml").read_text()
    older = text[: text.index("[waiting]")]
    assert parse_oversight(older).manager_wait_hours == 48
    with_policy(populated, tmp_path, oversight=("manager_hours = 48", "manager_hours = 1"))
    referral(populated)
    with Session.open("lead", populated) as lead:
        assert lead.waiting.overdue(datetime.now(UTC) + timedelta(hours=2)).requests == 1
