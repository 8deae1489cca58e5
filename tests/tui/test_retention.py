"""IT's retention queue, the lead's approval and legal hold, in the app."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from textual.widgets import Button, Input, OptionList, Static

from secure_records.admin import Administration
from secure_records.session import Session
from secure_records.tui.app import SecureRecordsApp
from secure_records.tui.disposal_queue_screen import DisposalQueueScreen
from secure_records.tui.modals import AskReason
from secure_records.tui.record_screen import RecordScreen
from secure_records.tui.retention_screen import RetentionScreen
from secure_records.tui.role_page import RolePage
from tests.conftest import canaries, canary_row, write_jsonl
from tests.tui.conftest import app_for, screen_text, signed_in, wait_for_screen

SIZE = (120, 50)
REASON = "a reason long enough to record"


def adult(rid: str) -> dict:  # type: ignore[type-arg]
    row = canary_row(rid, ["alice"])
    row["category"] = "vulnerable_adult"
    row["case_closed"] = "2015-01-01"
    return row


@pytest.fixture
def due(home: Path) -> Path:
    with Administration.open(home) as admin:
        admin.import_file(write_jsonl(home.parent / "due.jsonl", [adult("R-0001")]))
    return home


async def press(pilot, app: SecureRecordsApp, button: str) -> None:  # type: ignore[no-untyped-def]
    app.screen.query_one(f"#{button}", Button).press()
    await pilot.pause()


async def test_it_proposes_a_lead_approves_and_it_erases_with_a_certificate(due: Path) -> None:
    planted = canaries(adult("R-0001")).values()
    app = app_for(due, "it")
    async with signed_in(app, SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, RolePage)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, RetentionScreen)
        text = screen_text(app)
        # The category in words, the due date the UK way.
        assert "R-0001" in text and "Vulnerable adult" in text and "due 31 Mar 2021" in text
        assert "vulnerable_adult" not in text and "2021-03-31" not in text
        assert [v for v in planted if v in text] == []
        app.screen.query_one("#reason", Input).value = REASON
        await press(pilot, app, "propose")
        assert "a safeguarding lead must approve it" in screen_text(app)
    app = app_for(due, "lead")
    async with signed_in(app, SIZE) as pilot:
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DisposalQueueScreen)
        assert "proposed by it" in screen_text(app)
        app.screen.query_one("#reason", Input).value = REASON
        await press(pilot, app, "approve")
        assert "approved (record R-0001)" in screen_text(app)
    app = app_for(due, "it")
    async with signed_in(app, SIZE) as pilot:
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        await press(pilot, app, "execute")
        text = screen_text(app)
        assert "R-0001 erased" in text and "DISPOSAL CERTIFICATE" in text
        assert app.screen.query_one("#due", OptionList).option_count == 0
        assert [v for v in planted if v in text] == []
    with Session.open("lead", due) as lead:
        assert "R-0001" not in lead.records.listing_ids()


async def test_a_lead_puts_a_record_on_hold_and_it_says_so_everywhere(due: Path) -> None:
    app = app_for(due, "lead")
    async with signed_in(app, SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RecordScreen)
        await pilot.press("h")
        await wait_for_screen(pilot, app, AskReason)
        app.screen.query_one("#reason", Input).value = "Independent inquiry into placements"
        await pilot.press("enter")
        await pilot.pause()
        assert "ON LEGAL HOLD" in screen_text(app)
        assert "Independent inquiry into placements" in screen_text(app)
    app = app_for(due, "it")
    async with signed_in(app, SIZE) as pilot:
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        text = screen_text(app)
        assert "ON LEGAL HOLD" in text
        assert "Independent inquiry" not in text  # why is for those who may open it
        app.screen.query_one("#reason", Input).value = REASON
        await press(pilot, app, "propose")
        assert "on legal hold; it cannot be disposed of" in screen_text(app)


async def test_a_caseworker_has_no_hold_key_and_no_disposal_queue(due: Path) -> None:
    app = app_for(due, "alice")
    async with signed_in(app, SIZE) as pilot:
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        assert not isinstance(app.screen, DisposalQueueScreen)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, RecordScreen)
        assert "Legal hold" not in screen_text(app)


async def test_it_shreds_released_files_past_their_days_from_the_retention_queue(
    due: Path,
) -> None:
    with Session.open("lead", due) as lead:
        report = lead.oversight.subject_access_report("R-0001", "Request from the person")
        old = lead.outputs.release(report, "The person, by hand at the office")
        days = lead.policy.sharing.disclosure_keep_days
    app = app_for(due, "it")
    with time_machine.travel(datetime.now(UTC) + timedelta(days=days + 1)):
        async with signed_in(app, SIZE) as pilot:
            await pilot.pause()
            assert "1 released file past their days" in screen_text(app)
            await pilot.press("r")
            await pilot.pause()
            text = screen_text(app)
            assert "Released files past their" in text and old.release_id in text
            assert "Canaryname" not in text  # where it is, never what it holds
            await press(pilot, app, "shred")
            said = str(app.screen.query_one("#shredded", Static).render())
            assert "overwritten twice" in said and "copy-on-write" in said
    assert not old.path.exists()
    with Administration.open(due) as admin:
        [entry] = [e for e in admin.read_log(None, "it", None) if e.action == "package_shredded"]
    assert entry.details["release"] == old.release_id
