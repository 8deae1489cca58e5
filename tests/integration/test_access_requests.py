"""The register of subject access requests (issue 19): received, identity checked,
due one calendar month later, extended with a reason, answered by the report; sealed
under the record's key where it names a person, and logged."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from secure_records.admin import Administration
from secure_records.core.access_requests import Standing
from secure_records.core.errors import AccessRefused, BadInput
from secure_records.core.log_actions import LogAction
from secure_records.core.log_words import said
from secure_records.session import Session
from secure_records.vault.log import DISPOSED
from tests.integration.test_disposal import adult, approved, import_rows
from tests.support.raw_db import behind_the_back

IDENTITY = "CANARY-IDENTITY passport seen at the office"
WHY = "CANARY-EXTENSION many records held over ten years"


def test_a_request_is_due_one_calendar_month_after_it_was_received(populated: Path) -> None:
    with Session.open("lead", populated) as lead:
        entered = lead.access_requests.record("R-0001", date(2026, 1, 31), IDENTITY)
        assert entered.due == date(2026, 2, 28)
        [shown] = lead.access_requests.register(today=date(2026, 2, 25))
    assert (shown.record_id, shown.received, shown.due) == (
        "R-0001",
        date(2026, 1, 31),
        date(2026, 2, 28),
    )
    assert shown.identity_check == IDENTITY
    assert shown.standing is Standing.DUE_SOON


def test_the_register_is_sealed_under_the_records_key_and_logged(populated: Path) -> None:
    with Session.open("lead", populated) as lead:
        request = lead.access_requests.record("R-0001", date(2026, 11, 20), IDENTITY)
        lead.access_requests.extend(request.id, 1, WHY, today=date(2026, 12, 1))
        lead.access_requests.register()
    for path in populated.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert b"CANARY-IDENTITY" not in data and b"CANARY-EXTENSION" not in data
    with Administration.open(populated) as admin:
        actions = [e.action for e in admin.read_log("R-0001", "lead", None)]
    assert LogAction.ACCESS_REQUEST_RECORDED in actions
    assert LogAction.ACCESS_REQUEST_EXTENDED in actions


def test_a_date_moved_by_hand_in_the_file_is_refused(populated: Path) -> None:
    with Session.open("lead", populated) as lead:
        lead.access_requests.record("R-0001", date(2026, 11, 20), IDENTITY)
    with behind_the_back(populated) as db:
        db.execute("UPDATE access_requests SET due = '2027-06-01'")
    with Session.open("lead", populated) as lead, pytest.raises(Exception, match="access request"):
        lead.access_requests.register()


def test_the_time_is_extended_by_up_to_two_months_with_a_reason_within_the_first(
    populated: Path,
) -> None:
    received = date(2026, 1, 31)
    with Session.open("lead", populated) as lead:
        request = lead.access_requests.record("R-0001", received, IDENTITY, today=received)
        with pytest.raises(BadInput, match="why the time is extended"):
            lead.access_requests.extend(request.id, 1, "", today=received)
        once = lead.access_requests.extend(request.id, 1, WHY, today=date(2026, 2, 1))
        assert once.due == date(2026, 3, 31)
        twice = lead.access_requests.extend(
            request.id, 1, "and the archive is off site", today=date(2026, 2, 2)
        )
        assert twice.due == date(2026, 4, 30)
        assert twice.extension_reason == f"{WHY}; and the archive is off site"
        with pytest.raises(BadInput, match="already extended by 2 months"):
            lead.access_requests.extend(request.id, 1, WHY, today=date(2026, 2, 3))
        late = lead.access_requests.record("R-0002", received, IDENTITY, today=received)
        with pytest.raises(BadInput, match="only within the first month, by 28 Feb 2026"):
            lead.access_requests.extend(late.id, 1, WHY, today=date(2026, 3, 1))
        with pytest.raises(BadInput, match="by 2 more months at most"):
            lead.access_requests.extend(late.id, 3, WHY, today=date(2026, 2, 1))


def test_overdue_and_due_soon_are_counted_for_the_lead_only(populated: Path) -> None:
    with Session.open("lead", populated) as lead:
        lead.access_requests.record("R-0001", date(2026, 1, 5), IDENTITY)
        lead.access_requests.record("R-0002", date(2026, 1, 31), IDENTITY)
        lead.access_requests.record("R-0003", date(2026, 2, 20), IDENTITY)
        due = lead.access_requests.due(today=date(2026, 2, 25))
        assert (due.overdue, due.soon) == (1, 1)
    with Session.open("alice", populated) as alice:
        assert alice.access_requests.due(today=date(2026, 2, 25)).count == 0
        with pytest.raises(AccessRefused):
            alice.access_requests.record("R-0001", date(2026, 1, 5), IDENTITY)
        with pytest.raises(AccessRefused):
            alice.access_requests.register()


def test_a_request_is_answered_by_the_report_made_for_it(populated: Path) -> None:
    with Session.open("lead", populated) as lead:
        first = lead.access_requests.record("R-0001", date(2026, 1, 5), IDENTITY)
        second = lead.access_requests.record("R-0001", date(2026, 1, 9), IDENTITY)
        report = lead.oversight.subject_access_report("R-0001", "the person's own request")
        shown = {r.id: r for r in lead.access_requests.register(today=date(2026, 3, 1))}
        assert shown[first.id].standing is Standing.ANSWERED
        assert shown[first.id].report_id == report
        assert shown[second.id].standing is Standing.OVERDUE
        assert lead.access_requests.due(today=date(2026, 3, 1)).overdue == 1
        named = lead.oversight.subject_access_report(
            "R-0001", "the second request, by letter", second.id
        )
        with pytest.raises(BadInput, match="not an open request"):
            lead.oversight.subject_access_report(
                "R-0001", "the second request, by letter", second.id
            )
        assert lead.access_requests.due(today=date(2026, 3, 1)).count == 0
        assert lead.access_requests.register()[1].report_id == named


def test_a_request_in_the_future_or_about_no_record_is_refused(populated: Path) -> None:
    with Session.open("lead", populated) as lead:
        with pytest.raises(BadInput, match="future"):
            lead.access_requests.record(
                "R-0001", date(2026, 3, 2), IDENTITY, today=date(2026, 3, 1)
            )
        with pytest.raises(AccessRefused):
            lead.access_requests.record("R-9999", date(2026, 2, 2), IDENTITY)
        with pytest.raises(BadInput, match="identity"):
            lead.access_requests.record("R-0001", date(2026, 2, 2), "ok")


def test_disposal_erases_the_request_with_the_record(home: Path) -> None:
    import_rows(home, [adult("R-0001")])
    with Session.open("lead", home) as lead:
        lead.access_requests.record("R-0001", date(2026, 11, 2), IDENTITY)
    disposal_id = approved(home, "R-0001")
    with Session.open("it", home) as it:
        it.retention.execute_disposal(disposal_id)
    with Session.open("lead", home) as lead:
        assert lead.access_requests.register() == []
    with Administration.open(home) as admin:
        recorded = [
            e
            for e in admin.read_log("R-0001", "lead", None)
            if e.action == LogAction.ACCESS_REQUEST_RECORDED
        ]
        assert [e.personal for e in recorded] == [DISPOSED]


def test_the_log_names_a_subject_access_request_as_such_not_a_telephone_request(
    populated: Path,
) -> None:
    """The auditor read "Telephone request: S-..." for a subject access request and
    would look for a call that never happened."""
    with Session.open("lead", populated) as lead:
        request = lead.access_requests.record("R-0001", date.today(), IDENTITY)
        lead.access_requests.extend(request.id, 1, "The request is complex: many records")
    with Administration.open(populated) as admin:
        policy = admin.vault.policy
        entries = [e for e in admin.vault.log.entries() if e.action.startswith("access_request")]
    shown = [f"{s.label}: {s.value}" for e in entries for s in said(e.details, None, policy.fields)]
    assert f"Subject access request: {request.id}" in shown
    assert not any(line.startswith("Telephone request") for line in shown)
