"""Oversight through Session: restricted records, the auditor's log, access review,
subject access reports (policy 10(b), 10(d), 8)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import time_machine

from secure_records.core.errors import AccessRefused, BadInput
from secure_records.core.log_actions import LogAction
from secure_records.core.log_filter import LogFilter
from secure_records.core.records import NoteKind
from secure_records.core.sharing import Requester, SharingFlow
from secure_records.session import Session
from tests.conftest import canaries, canary_row

REASON = "a reason long enough to record"
SAR_REASON = "Request from the young person, received by letter on 2026-11-20"


def restricted(home: Path, rid: str = "R-0001") -> None:
    with Session.open("lead", home) as lead:
        lead.oversight.restrict_record(rid, "A member of staff's relative: kept to named staff", 30)


def test_a_restricted_record_vanishes_for_everyone_not_named_even_in_search(
    populated: Path,
) -> None:
    restricted(populated)
    with Session.open("alice", populated) as alice:  # R-0001 is on her caseload
        assert "R-0001" not in alice.records.listing_ids()
        assert "R-0001" not in [s.id for s in alice.records.matching("Canaryname")]
        assert alice.records.summaries(["R-0001"]) == []
        with pytest.raises(AccessRefused, match="not one you can open"):
            alice.records.open_record("R-0001")
    with Session.open("reception", populated) as reception:
        assert reception.records.find_exact("Canaryname R-0001", "2013-04-02") is None
    with Session.open("lead", populated) as lead:  # named first, by restricting it
        assert lead.records.open_record("R-0001").id == "R-0001"


def test_a_grant_lets_one_named_person_in_for_its_days_and_is_logged(populated: Path) -> None:
    restricted(populated)
    with Session.open("lead", populated) as lead:
        with pytest.raises(BadInput, match="1 to 365 days"):
            lead.oversight.grant_access("R-0001", "alice", 0, REASON)
        until = lead.oversight.grant_access("R-0001", "alice", 7, REASON)
        assert until[:10] > date.today().isoformat()
    with Session.open("alice", populated) as alice:
        assert alice.records.open_record("R-0001").id == "R-0001"
    with Session.open("bilal", populated) as bilal, pytest.raises(AccessRefused):
        bilal.records.open_record("R-0001")
    # The grant ends after its 7 days.
    with (
        time_machine.travel(datetime.now(UTC) + timedelta(days=8)),
        Session.open("alice", populated) as alice,
        pytest.raises(AccessRefused),
    ):
        alice.records.open_record("R-0001")
    with Session.open("auditor", populated) as auditor:
        actions = [
            line.action for line in auditor.oversight.audit_log(LogFilter(record_id="R-0001"))
        ]
    assert {"record_restricted", "access_granted", "restricted_record_refused"} <= set(actions)


def test_only_a_role_that_restricts_may_and_lifting_brings_it_back(populated: Path) -> None:
    for name in ("alice", "it", "auditor"):
        with Session.open(name, populated) as session, pytest.raises(AccessRefused):
            session.oversight.restrict_record("R-0001", REASON, 30)
    restricted(populated)
    with Session.open("lead", populated) as lead:
        lead.oversight.lift_restriction("R-0001", "The relative has left the organisation")
    with Session.open("alice", populated) as alice:
        assert "R-0001" in alice.records.listing_ids()


def test_the_auditor_reads_the_log_filtered_with_its_verdict(populated: Path) -> None:
    with Session.open("alice", populated) as alice:
        alice.records.open_record("R-0001")
        alice.records.reveal("R-0001", "address", "Home visit planned for next week")
    with Session.open("auditor", populated) as auditor:
        sentence, checkpoint = auditor.oversight.log_state()
        assert sentence.startswith("intact")
        assert checkpoint == "none taken"
        lines = auditor.oversight.audit_log(
            LogFilter(actor="alice", action=LogAction.FIELD_REVEALED)
        )
        assert [(line.record_id, line.actor) for line in lines] == [("R-0001", "alice")]
        # The reason may name the person: the auditor's field rules hide every field.
        assert lines[0].personal == () and lines[0].withheld == ("the reason",)
    for name in ("alice", "lead", "it", "reception"):
        with Session.open(name, populated) as session, pytest.raises(AccessRefused):
            session.oversight.audit_log()


def test_the_access_review_flags_what_the_policy_names_and_exports_csv(
    populated: Path,
) -> None:
    with Session.open("alice", populated) as alice:
        for _ in range(3):  # searched (three times: the shipped pattern), opened nothing
            alice.records.matching("Canaryname R-000")
    with Session.open("lead", populated) as lead:
        lead.records.open_record("R-0003")  # any record is a lead's work (scope all)
        for field in ["health"] * 21:  # over reveals_per_day (20)
            lead.records.reveal("R-0003", field, "Checking the care plan for the review")
    restricted(populated, "R-0002")
    with Session.open("alice", populated) as alice, pytest.raises(AccessRefused):
        alice.records.open_record("R-0002")  # hers, but restricted now
    with Session.open("bilal", populated) as bilal, pytest.raises(AccessRefused):
        bilal.records.open_record("R-0001")  # alice's
    with Session.open("auditor", populated) as auditor:
        accesses, flags = auditor.oversight.access_review()
        kept = auditor.oversight.export_access_review()
        exported = auditor.outputs.read(kept).text
    patterns = [f.what for f in flags]
    assert any("searched" in p and "opened nothing" in p for p in patterns)
    assert any(p.startswith("21 reveals in one day") for p in patterns)
    flagged = {(a.staff, a.record_id): a.flags for a in accesses if a.flags}
    assert ("lead", "R-0003") not in flagged
    assert "restricted record (refused)" in flagged[("alice", "R-0002")]
    assert "refused: not theirs to open" in flagged[("bilal", "R-0001")]
    reveal = next(a for a in accesses if a.action == "field_revealed")
    assert reveal.reason == "Checking the care plan for the review"
    rows = list(csv.reader(io.StringIO(exported)))
    assert rows[0] == ["time", "staff", "role", "action", "record", "field", "reason", "flags"]
    assert len(rows) == 1 + len(accesses) + len(flags)


def test_a_csv_cell_that_looks_like_a_formula_is_kept_as_text(populated: Path) -> None:
    with Session.open("alice", populated) as alice:
        alice.records.reveal("R-0001", "address", '=HYPERLINK("http://x.invalid")  reason')
    with Session.open("auditor", populated) as auditor:
        text = auditor.outputs.read(auditor.oversight.export_access_review()).text
    assert "'=HYPERLINK" in text


def test_a_subject_access_report_holds_everything_and_marks_what_to_review(
    populated: Path,
) -> None:
    planted = canaries(canary_row("R-0001", ["alice"]))
    with Session.open("alice", populated) as alice:
        alice.records.add_note(
            "R-0001", NoteKind.OPINION, "Seems settled at school", date(2025, 1, 2)
        )
        flow = SharingFlow(alice.policy.sharing).answer(False, REASON)
        asker = Requester("D. Example", "Nowhere School", "Lead", "01632 960000")
        alice.sharing.decide_sharing(
            "R-0001", asker, "Planning support next term", flow, discussed=REASON
        )
        with pytest.raises(AccessRefused):
            alice.oversight.subject_access_report("R-0001", SAR_REASON)
    with Session.open("lead", populated) as lead:
        with pytest.raises(BadInput, match="whose request"):
            lead.oversight.subject_access_report("R-0001", "asked")
        kept = lead.oversight.subject_access_report("R-0001", SAR_REASON)
        text = lead.outputs.read(kept).text
    for value in planted.values():  # every field and note, the health one included
        assert value in text
    assert "OPINION (REVIEW BEFORE RELEASE)" in text and "HISTORICAL" in text
    assert "«D. Example» (REVIEW BEFORE RELEASE: third party)" in text
    assert "decided not to share" in text and "Planning support next term" in text
    with Session.open("auditor", populated) as auditor:
        assert (
            auditor.oversight.audit_log(LogFilter(action=LogAction.SUBJECT_ACCESS_REPORT))[
                0
            ].record_id
            == "R-0001"
        )


def test_a_restricted_record_leaves_every_queue_of_those_without_a_grant(
    populated: Path,
) -> None:
    from secure_records.core.telephone import Callback, Urgency
    from secure_records.session.telephone import Caller

    with Session.open("reception", populated) as reception:
        caller = Caller("DC Jane Smith", "Detective", "northshire_police_ppu", "", "01632 960 100")
        call = reception.telephone.take_phone_request(
            caller,
            "Canaryname R-0001",
            "2013-04-02",
            "safeguarding_concern",
            "Any concerns",
            Urgency.TODAY,
        )
        reception.telephone.record_callback(call.id, Callback.CONFIRMED)
    restricted(populated)  # by lead; nobody else is named
    with Session.open("alice", populated) as alice:
        assert alice.telephone.phone_queue() == []  # hers, but restricted now
    with Session.open("reception", populated) as reception:
        assert reception.telephone.awaiting_callback() == []
    with Session.open("lead", populated) as lead:  # named: still sees it
        assert [item.record_id for item in lead.telephone.phone_queue()] == ["R-0001"]


def test_a_record_whose_grants_all_ran_out_can_still_be_granted_again(populated: Path) -> None:
    restricted(populated)  # the lead's own grant runs for 30 days
    with (
        time_machine.travel(datetime.now(UTC) + timedelta(days=31)),
        Session.open("lead", populated) as lead,
    ):
        with pytest.raises(AccessRefused):
            lead.records.open_record("R-0001")
        [(rid, restriction)] = lead.oversight.restricted_records()
        assert (rid, restriction.set_by) == ("R-0001", "lead")
        # To someone else: a lead cannot grant themselves access (another lead must).
        lead.oversight.grant_access(
            "R-0001", "alice", 7, "Reviewing whether it still needs restricting"
        )
    with (
        time_machine.travel(datetime.now(UTC) + timedelta(days=31)),
        Session.open("alice", populated) as alice,
    ):
        assert alice.records.open_record("R-0001").id == "R-0001"
