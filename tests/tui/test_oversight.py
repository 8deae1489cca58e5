"""The auditor's screen, restricting a record and a subject access report, in the app."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from secure_records.session import Session
from secure_records.tui.audit_screen import AuditScreen
from secure_records.tui.modals import AskReason, RestrictDialog
from secure_records.tui.record_screen import RecordScreen
from tests.tui.conftest import app_for, screen_text, signed_in, wait_for_screen

SIZE = (140, 60)
REASON = "A member of staff's relative: kept to named staff"


def rendered(app, widget_id: str) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one(f"#{widget_id}", Static).render())


async def test_the_auditor_sees_the_verdict_filters_the_log_and_reviews_access(
    populated: Path,
) -> None:
    with Session.open("alice", populated) as alice:
        alice.records.reveal("R-0001", "address", "Home visit planned for next week")
    app = app_for(populated, "auditor")
    async with signed_in(app, SIZE) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AuditScreen)
        assert rendered(app, "verdict").startswith("log verify: intact")
        app.screen.query_one("#f-actor", Input).value = "alice"
        app.screen.query_one("#f-action", Input).value = "field_revealed"
        await pilot.click("#show")
        await pilot.pause()
        entries = rendered(app, "entries")
        assert "alice (caseworker) field_revealed R-0001" in entries
        assert "Home visit planned for next week" in entries
        assert "1 entries match" in rendered(app, "problem")
        await pilot.click("#review")
        await pilot.pause()
        assert "reason: Home visit planned" in rendered(app, "entries")
        await pilot.click("#export")
        await pilot.pause()
        assert "Written to exports/access-review-" in rendered(app, "problem")
        app.screen.query_one("#f-since", Input).value = "last tuesday"
        await pilot.click("#show")
        await pilot.pause()
        assert "YYYY-MM-DD" in rendered(app, "problem")


async def test_a_lead_restricts_a_record_and_alice_no_longer_sees_it(populated: Path) -> None:
    app = app_for(populated, "lead")
    async with signed_in(app, SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # R-0001
        await pilot.pause()
        assert isinstance(app.screen, RecordScreen)
        await pilot.press("x")
        await wait_for_screen(pilot, app, RestrictDialog)
        app.screen.query_one("#reason", Input).value = REASON
        await pilot.click("#restrict")
        await pilot.pause()
        assert isinstance(app.screen, RecordScreen)
    with Session.open("alice", populated) as alice:
        assert "R-0001" not in alice.records.listing_ids()
    app = app_for(populated, "alice")
    async with signed_in(app, SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "1 records" in text and "Canaryname R-0002" in text
        assert "Canaryname R-0001" not in text


async def test_a_lead_writes_a_subject_access_report_from_the_record(populated: Path) -> None:
    app = app_for(populated, "lead")
    async with signed_in(app, SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("a")
        await wait_for_screen(pilot, app, AskReason)
        app.screen.query_one("#reason", Input).value = "Request from the young person, by letter"
        await pilot.press("enter")
        await pilot.pause()
    [report] = (populated / "exports").glob("subject-access-R-0001-*.md")
    assert "Subject access report: R-0001" in report.read_text()
