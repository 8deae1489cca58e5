"""A retention review that ends somewhere (issue 19): a lead who keeps a record (rejects
its disposal) sets its next review date, and the record is out of IT's queue until
then, through a real vault and real Sessions."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import pytest
import time_machine

from secure_records.admin import Administration
from secure_records.admin.row_sealing import verify_vault
from secure_records.admin.upgrade import upgrade
from secure_records.core.errors import BadInput, IntegrityError
from secure_records.session import Session
from tests.integration.test_disposal import adult, import_rows
from tests.support.raw_db import behind_the_back

TODAY = date(2026, 11, 30)
NEXT = date(2027, 11, 30)
REASON = "a reason long enough to record"
KEEP = "Keep: the family's complaint is still open"


@pytest.fixture
def due(home: Path) -> Path:
    """R-0001: an adult whose case closed in 2015, due for disposal since 2021."""
    import_rows(home, [adult("R-0001")])
    return home


def proposed(home: Path, today: date = TODAY) -> str:
    with Session.open("it", home) as it:
        return it.retention.propose_disposal("R-0001", REASON, today=today)


def kept(home: Path, next_review: date = NEXT) -> str:
    disposal_id = proposed(home)
    with Session.open("lead", home) as lead:
        done = lead.retention.review_disposal(disposal_id, False, KEEP, next_review, TODAY)
    assert done.status == "rejected"
    return disposal_id


def queued(home: Path, today: date | None = None) -> list[str]:
    with Session.open("it", home) as it:
        return [item.record_id for item in it.retention.retention_queue(today)]


def test_a_kept_record_leaves_its_queue_until_its_next_review(due: Path) -> None:
    kept(due)
    assert queued(due, TODAY) == []
    assert queued(due, date(2027, 11, 29)) == []
    # Back on its next review date, to be proposed again (or kept again).
    assert queued(due, NEXT) == ["R-0001"]
    with Session.open("it", due) as it:
        with pytest.raises(BadInput, match="next reviewed on 30 Nov 2027"):
            it.retention.propose_disposal("R-0001", REASON, today=TODAY)
        assert it.retention.propose_disposal("R-0001", REASON, today=NEXT).startswith("X-")


def test_it_sees_the_kept_record_again_once_the_date_has_come(due: Path) -> None:
    # retention_queue() with no date reads the clock: the clock is moved, nothing else.
    kept(due)
    with time_machine.travel(datetime.combine(date(2027, 11, 29), time(12)), tick=False):
        assert queued(due) == []
    with time_machine.travel(datetime.combine(date(2027, 12, 1), time(12)), tick=False):
        assert queued(due) == ["R-0001"]


def test_keeping_needs_a_next_review_date_after_today(due: Path) -> None:
    disposal_id = proposed(due)
    with Session.open("lead", due) as lead:
        with pytest.raises(BadInput, match="next reviewed: keeping it needs one"):
            lead.retention.review_disposal(disposal_id, False, KEEP, None, TODAY)
        for day in (date(2026, 1, 1), TODAY):
            with pytest.raises(BadInput, match="must be a date after today"):
                lead.retention.review_disposal(disposal_id, False, KEEP, day, TODAY)
        assert [d.status for d in lead.retention.disposals()] == ["proposed"]
    assert queued(due, TODAY) == ["R-0001"]


def test_the_next_review_date_is_logged_with_the_decision(due: Path) -> None:
    disposal_id = kept(due)
    with Administration.open(due) as admin:
        [entry] = [
            e for e in admin.read_log("R-0001", "lead", None) if e.action == "disposal_reviewed"
        ]
        assert admin.verify_log().intact
    assert entry.details["disposal"] == disposal_id
    assert (entry.details["status"], entry.details["next_review"]) == ("rejected", "2027-11-30")


def test_an_approval_sets_no_next_review(due: Path) -> None:
    disposal_id = proposed(due)
    with Session.open("lead", due) as lead:
        lead.retention.review_disposal(disposal_id, True, REASON, NEXT, TODAY)
    with Administration.open(due) as admin:
        [entry] = [
            e for e in admin.read_log("R-0001", "lead", None) if e.action == "disposal_reviewed"
        ]
        assert "next_review" not in entry.details
        assert admin.vault.store.kept_until() == {}


def test_a_next_review_date_moved_by_hand_is_refused(due: Path) -> None:
    kept(due)
    with behind_the_back(due) as db:
        db.execute("UPDATE disposals SET keep_until = '2026-01-01'")
    with Session.open("it", due) as it, pytest.raises(IntegrityError, match="disposals row"):
        it.retention.retention_queue(TODAY)


def test_a_later_keep_takes_over_from_an_earlier_one(due: Path) -> None:
    kept(due)
    with Session.open("it", due) as it:
        disposal_id = it.retention.propose_disposal("R-0001", REASON, today=NEXT)
    with Session.open("lead", due) as lead:
        lead.retention.review_disposal(disposal_id, False, KEEP, date(2029, 6, 30), NEXT)
    assert queued(due, date(2029, 6, 29)) == []
    assert queued(due, date(2029, 6, 30)) == ["R-0001"]


@pytest.mark.not_on_postgres  # a PostgreSQL vault starts at migration 8: none predates it
def test_a_vault_from_before_migration_5_keeps_its_disposal_seals_and_keeps_records(
    due: Path,
) -> None:
    """As a release with migrations 1 to 4 left it: no next review on disposals.
    Migration 5 adds it; a disposal row sealed before still matches its seal."""
    disposal_id = proposed(due)
    with behind_the_back(due, autocommit=True) as db:
        db.execute("ALTER TABLE disposals DROP COLUMN keep_until")
        db.execute("DELETE FROM migrations WHERE number = 5")
    upgrade(due)  # refused until then (tests/integration/test_upgrade.py)
    with Session.open("lead", due) as lead:
        lead.retention.review_disposal(disposal_id, False, KEEP, NEXT, TODAY)
    with behind_the_back(due) as db:
        names = [name for (name,) in db.execute("SELECT name FROM migrations ORDER BY number")]
    assert "keep_until" in names
    assert queued(due, TODAY) == []
    with Administration.open(due) as admin:
        assert verify_vault(admin).intact
