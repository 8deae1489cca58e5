"""Consent withdrawn from the record screen, in place, at 80x24 (issue 17)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from secure_records.tui.app import SecureRecordsApp
from secure_records.tui.consent_withdrawal import WithdrawConsent
from secure_records.tui.record_screen import RecordScreen
from tests.tui.conftest import app_for, screen_text, signed_in, wait_for_screen
from tests.tui.test_screens import shown

SIZE = (80, 24)


async def open_record(pilot, app: SecureRecordsApp) -> RecordScreen:  # type: ignore[no-untyped-def]
    await pilot.pause()
    await pilot.press("enter")
    await wait_for_screen(pilot, app, RecordScreen)
    await pilot.pause()
    assert isinstance(app.screen, RecordScreen)
    return app.screen


async def consent_shown(pilot, app: SecureRecordsApp) -> str:  # type: ignore[no-untyped-def]
    """The screen's words, scrolled so that the record's consent is in view (a line
    wrapped at 80 columns read as one)."""
    app.screen.scroll_to_widget(app.screen.query_one("#consent", Static), animate=False)
    await pilot.pause()
    return " ".join(shown(app).split())


WHY = "She told us she no longer agrees"


async def withdraw_from(pilot, app: SecureRecordsApp, typed: str, why: str = WHY) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("w")
    await wait_for_screen(pilot, app, WithdrawConsent)
    field = app.screen.query_one("#withdrawn", Input)
    assert app.focused is field  # the one consent in force is chosen already
    app.screen.query_one("#why", Input).value = why
    field.value = ""
    await pilot.press(*typed, "enter")
    await pilot.pause()


async def test_consent_is_withdrawn_in_place_with_its_date(populated: Path) -> None:
    app = app_for(populated, "alice")
    async with signed_in(app, SIZE) as pilot:
        screen = await open_record(pilot, app)
        assert "w" in screen.active_bindings  # consent in force, and alice may record it
        await withdraw_from(pilot, app, "04/02/2026")
        assert isinstance(app.screen, RecordScreen)
        text = await consent_shown(pilot, app)
        assert f"CANARY-SCOPE-R-0001; withdrawn on 04 Feb 2026 ({WHY})" in text
        assert "in force" not in text  # the same entry, not a second one beside it
        # Nothing left in force: nothing to withdraw, and no key that offers it.
        assert "w" not in screen.active_bindings
        await pilot.press("w")
        await pilot.pause()
        assert not isinstance(app.screen, WithdrawConsent)


async def test_a_refused_date_is_said_beside_it_and_kept(populated: Path) -> None:
    app = app_for(populated, "alice")
    async with signed_in(app, SIZE) as pilot:
        await open_record(pilot, app)
        await withdraw_from(pilot, app, "30/04/2024")  # the day before it was given
        assert isinstance(app.screen, WithdrawConsent)
        said = app.screen.query_one("#date-problem", Static)
        assert "Consent cannot be withdrawn before it was given." in str(said.render())
        assert app.screen.query_one("#withdrawn", Input).value == "30/04/2024"
        assert "Consent cannot be withdrawn before it was given." in screen_text(app)
        field = app.screen.query_one("#withdrawn", Input)
        field.value = "2026-02-04"  # the other form people type
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RecordScreen)
        assert f"withdrawn on 04 Feb 2026 ({WHY})" in await consent_shown(pilot, app)


async def test_a_withdrawal_needs_its_reason_and_the_entry_says_it(populated: Path) -> None:
    app = app_for(populated, "alice")
    async with signed_in(app, SIZE) as pilot:
        await open_record(app=app, pilot=pilot)
        await withdraw_from(pilot, app, "04/02/2026", why="  ")
        assert isinstance(app.screen, WithdrawConsent)  # nothing withdrawn yet
        assert "Say why consent was withdrawn." in screen_text(app)
        app.screen.query_one("#why", Input).value = "Moved out of the area [b]x[/b]"
        app.screen.query_one("#withdrawn", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RecordScreen)
        text = await consent_shown(pilot, app)
        assert "given by CANARY-CONSENTER-R-0001 (capacity not recorded)" in text
        assert "withdrawn on 04 Feb 2026 (Moved out of the area [b]x[/b])" in text
