"""Concerns and suspected breaches (issue 19; policy section 11; UK GDPR Art. 33):
anyone raises one; a lead triages, with the 72 hours to report a breach to the ICO
counted from the moment it was raised; the outcome recorded and logged, what was
typed sealed (in the row and in the log's personal part), never in plain details."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from secure_records.admin import Administration
from secure_records.core.concerns import ConcernKind, ConcernStatus, Outcome, clock_words
from secure_records.core.errors import AccessRefused, BadInput
from secure_records.core.log_actions import LogAction
from secure_records.session import Session
from tests.conftest import STAFF
from tests.support.raw_db import behind_the_back

WHAT = "CANARY-WHAT a laptop with case notes left on the train"
WHY = "CANARY-WHY the laptop was encrypted and is recovered"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("name", [name for name, _ in STAFF])
def test_anyone_in_any_role_raises_a_concern(home: Path, name: str) -> None:
    with Session.open(name, home) as someone:
        raised = someone.concerns.raise_concern(
            ConcernKind.BREACH, WHAT, date(2026, 11, 30), True, "R-0001", now=NOW
        )
    assert raised.status is ConcernStatus.OPEN and raised.raised_by == name
    with Session.open("lead", home) as lead:
        [shown] = lead.concerns.queue()
    assert (shown.what_happened, shown.record_reference) == (WHAT, "R-0001")
    assert shown.noticed == date(2026, 11, 30) and shown.personal_data


def test_only_a_lead_triages(home: Path) -> None:
    for name in ("alice", "reception", "it", "auditor"):
        with Session.open(name, home) as someone, pytest.raises(AccessRefused):
            someone.concerns.queue()
        with Session.open(name, home) as someone:
            assert someone.concerns.open_breaches().count == 0


def test_the_clock_says_hours_left_then_overdue() -> None:
    raised = NOW
    assert clock_words(raised, raised + timedelta(hours=41)) == (
        "reported within 72 hours: 31 h left"
    )
    assert clock_words(raised, raised + timedelta(hours=71)) == "reported within 72 hours: 1 h left"
    assert clock_words(raised, raised + timedelta(hours=73)) == "OVERDUE by 1 h"
    assert clock_words(raised, raised + timedelta(hours=77)) == "OVERDUE by 5 h"


def test_open_breaches_count_the_least_time_left(home: Path) -> None:
    with Session.open("alice", home) as alice:
        alice.concerns.raise_concern(ConcernKind.BREACH, WHAT, NOW.date(), True, now=NOW)
        later = NOW + timedelta(hours=10)
        alice.concerns.raise_concern(ConcernKind.BREACH, WHAT, NOW.date(), True, now=later)
        alice.concerns.raise_concern(ConcernKind.CONCERN, WHAT, NOW.date(), False, now=NOW)
    with Session.open("lead", home) as lead:
        at_71 = lead.concerns.open_breaches(now=NOW + timedelta(hours=71))
        at_73 = lead.concerns.open_breaches(now=NOW + timedelta(hours=73))
    assert (at_71.count, at_71.least_left, at_71.concerns) == (2, 1, 1)
    assert (at_73.count, at_73.least_left) == (2, -1)


def test_a_concern_found_to_be_a_breach_starts_its_clock_from_when_it_was_raised(
    home: Path,
) -> None:
    """A concern could not become a breach, so its 72 hours could never start
    (reviewer's find)."""
    with Session.open("reception", home) as reception:
        raised = reception.concerns.raise_concern(
            ConcernKind.CONCERN, WHAT, NOW.date(), True, now=NOW
        )
    with Session.open("lead", home) as lead:
        with pytest.raises(BadInput, match="The outcome of a concern is action taken"):
            lead.concerns.decide(raised.id, Outcome.REPORTED, WHY)
        treated = lead.concerns.treat_as_breach(raised.id, WHY)
        assert (treated.kind, treated.status) == (ConcernKind.BREACH, ConcernStatus.OPEN)
        at_10 = lead.concerns.open_breaches(now=NOW + timedelta(hours=10))
        assert (at_10.count, at_10.least_left, at_10.concerns) == (1, 62, 0)
        with pytest.raises(BadInput, match="is not an open concern"):
            lead.concerns.treat_as_breach(raised.id, WHY)
        lead.concerns.decide(raised.id, Outcome.REPORTED, WHY)
    with Administration.open(home) as admin:
        [entry] = [
            e for e in admin.vault.log.entries() if e.action == LogAction.CONCERN_TREATED_AS_BREACH
        ]
    assert entry.details["concern"] == raised.id and WHY not in str(entry.details)


def test_the_outcome_is_recorded_and_logged_with_the_typed_words_sealed(home: Path) -> None:
    with Session.open("reception", home) as reception:
        raised = reception.concerns.raise_concern(
            ConcernKind.BREACH, WHAT, NOW.date(), True, "R-0001", now=NOW
        )
    with Session.open("lead", home) as lead:
        with pytest.raises(BadInput, match="reported to the ICO"):
            lead.concerns.decide(raised.id, Outcome.ACTION_TAKEN, WHY)
        decided = lead.concerns.decide(raised.id, Outcome.NOT_REPORTED, WHY)
        with pytest.raises(BadInput, match="already decided"):
            lead.concerns.decide(raised.id, Outcome.REPORTED, WHY)
        assert lead.concerns.open_breaches().count == 0
        [shown] = lead.concerns.queue()
    assert decided.status is ConcernStatus.CLOSED
    assert (shown.outcome, shown.outcome_reason, shown.decided_by) == (
        Outcome.NOT_REPORTED,
        WHY,
        "lead",
    )
    # Nothing typed reaches a file in the clear: not the vault, not the log.
    for path in home.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert b"CANARY-WHAT" not in data and b"CANARY-WHY" not in data, path
    with Administration.open(home) as admin:
        plain = admin.read_log()
        with_personal = admin.read_log(personal=True)
    entries = {e.action: e for e in plain}
    raised_entry = entries[LogAction.CONCERN_RAISED]
    assert raised_entry.details["concern"] == raised.id
    assert raised_entry.details["kind"] == "breach"
    decided_entry = entries[LogAction.CONCERN_DECIDED]
    assert decided_entry.details["outcome"] == "not_reported"
    assert decided_entry.actor == "lead"
    assert "CANARY" not in repr([e.details for e in plain])
    # The typed words are in the entries' sealed personal parts, for a reader let in.
    personal = {e.action: e.personal for e in with_personal}
    assert personal[LogAction.CONCERN_RAISED] == {
        "what_happened": WHAT,
        "record_reference": "R-0001",
    }
    assert personal[LogAction.CONCERN_DECIDED] == {"reason": WHY}


def test_a_concern_changed_by_hand_in_the_file_is_refused(home: Path) -> None:
    with Session.open("it", home) as it:
        it.concerns.raise_concern(ConcernKind.BREACH, WHAT, NOW.date(), True, now=NOW)
    with behind_the_back(home) as db:
        db.execute("UPDATE concerns SET raised_at = '2026-12-05T09:00:00+00:00'")
    with Session.open("lead", home) as lead, pytest.raises(Exception, match="concern"):
        lead.concerns.queue()
