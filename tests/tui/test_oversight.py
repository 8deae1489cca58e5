"""The auditor's screen, restricting a record and a subject access report, in the app."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from secure_records.session import Session
from secure_records.tui.audit_screen import AuditScreen
from secure_records.tui.modals import AskReason, RestrictDialog
from secure_records.tui.output_screens import OutputScreen
from secure_records.tui.record_screen import RecordScreen
from tests.tui.conftest import app_for, screen_text, signed_in, wait_for_screen

SIZE = (140, 60)
REASON = "A member of staff's relative: kept to named staff"


def rendered(app, widget_id: str) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one(f"#{widget_id}", Static).render())


async def entries_of(pilot, app, actor: str, action: str) -> str:  # type: ignore[no-untyped-def]
    """The audit screen's entries by `actor` for `action`, as drawn."""
    app.screen.query_one("#f-actor", Input).value = actor
    app.screen.query_one("#f-action", Input).value = action
    # A button ignores a click while it still shows the last one (0.2 s), as for a person.
    while app.screen.query_one("#show").has_class("-active"):
        await pilot.pause(0.05)
    await pilot.click("#show")
    await pilot.pause()
    return rendered(app, "entries")


async def test_the_auditor_sees_the_verdict_filters_the_log_and_reviews_access(
    populated: Path,
) -> None:
    with Session.open("alice", populated) as alice:
        alice.records.reveal("R-0001", "address", "Home visit planned for next week")
    with Session.open("reception", populated) as reception:
        assert reception.records.find_exact("Canaryname R-0002", "2013-04-02") is not None
    app = app_for(populated, "auditor")
    async with signed_in(app, SIZE) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AuditScreen)
        assert rendered(app, "verdict").startswith("log verify: intact")
        entries = await entries_of(pilot, app, "alice", "field_revealed")
        # Roles and actions in words; the action filter takes them as shown or as keys.
        assert "alice (Caseworker) field revealed R-0001" in entries
        # The reason may name the person; the auditor's field rules hide every field.
        assert "Home visit planned" not in entries
        assert "personal details withheld: the reason" in entries
        assert "1 entry matches; the newest 1 is shown" in rendered(app, "problem")
        # Reception's lookup: who looked, and what it found; not the name and date asked.
        entries = await entries_of(pilot, app, "reception", "index lookup")
        assert "reception (Reception) index lookup R-0002 found: True" in entries
        assert "Canaryname" not in entries
        assert "2013-04-02" not in entries and "02 Apr 2013" not in entries
        assert "withheld: the name asked, the date of birth asked" in entries
        assert "Canaryname" not in screen_text(app)
        # The review shows reveals' reasons: the shipped oversight.toml says so.
        await pilot.click("#review")
        await pilot.pause()
        assert "reason: Home visit planned" in rendered(app, "entries")
        await pilot.click("#export")
        await wait_for_screen(pilot, app, OutputScreen)
        await pilot.pause()
        # Read in the app, kept sealed in the vault: no CSV written to a disk.
        assert "Access review A-" in screen_text(app)
        assert "Home visit planned" in rendered(app, "text")
        await pilot.press("escape")
        await wait_for_screen(pilot, app, AuditScreen)
        app.screen.query_one("#f-since", Input).value = "last tuesday"
        await pilot.click("#show")
        await pilot.pause()
        assert rendered(app, "problem") == (
            "Since: write the date as DD/MM/YYYY, for example 04/02/2018."
        )


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
        assert "1 record" in text and "1 records" not in text and "Canaryname R-0002" in text
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
        await wait_for_screen(pilot, app, OutputScreen)
        await pilot.pause()
        assert "Subject access report: R-0001" in rendered(app, "text")
        assert "Release" in screen_text(app)  # a lead may release it from here
    assert not list((populated / "exports").iterdir())
