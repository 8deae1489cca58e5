"""Emergency access to a restricted record, in the app: asked for with a reason on the
leads' list of restricted records, and shown there to every lead."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from secure_records.admin import Administration
from secure_records.session import Session
from secure_records.tui.app import SecureRecordsApp
from secure_records.tui.modals import AskReason
from secure_records.tui.restricted_screen import RestrictedScreen
from tests.tui.conftest import app_for, screen_text, signed_in, wait_for_screen
from tests.tui.test_screens import log

SIZE = (160, 40)
URGENT = "Police at the door about tonight's placement"


async def restricted_list(pilot, app: SecureRecordsApp) -> str:  # type: ignore[no-untyped-def]
    """The lead's list of restricted records (`x` on the record list), as drawn."""
    await pilot.pause()
    await pilot.press("x")
    await wait_for_screen(pilot, app, RestrictedScreen)
    return screen_text(app)


async def test_a_lead_kept_out_breaks_glass_and_every_lead_sees_it(populated: Path) -> None:
    with Administration.open(populated) as admin:
        admin.add_staff("lead2", "safeguarding_lead")
    with Session.open("lead", populated) as lead:
        lead.oversight.restrict_record("R-0001", "A member of staff's relative", 30)
    app = app_for(populated, "lead2")
    async with signed_in(app, SIZE) as pilot:
        assert "another lead must" in await restricted_list(pilot, app)
        await pilot.press("e")
        await wait_for_screen(pilot, app, AskReason)
        app.screen.query_one("#reason", Input).value = URGENT
        await pilot.click("#save")
        await wait_for_screen(pilot, app, RestrictedScreen)
        await pilot.pause()
        text = screen_text(app)
        assert "R-0001: you can open it until" in text
        assert "EMERGENCY ACCESS by lead2" in text
    app = app_for(populated, "lead")
    async with signed_in(app, SIZE) as pilot:
        assert "EMERGENCY ACCESS by lead2" in await restricted_list(pilot, app)


async def test_emergency_access_refused_says_why_once_its_dialog_has_closed(
    populated: Path,
) -> None:
    """The lead who restricted it holds a grant already: the refusal must be seen, not
    said under the dialog and wiped by the list's reload."""
    with Session.open("lead", populated) as lead:
        lead.oversight.restrict_record("R-0001", "A member of staff's relative", 30)
    app = app_for(populated, "lead")
    async with signed_in(app, SIZE) as pilot:
        await restricted_list(pilot, app)
        await pilot.press("e")
        await wait_for_screen(pilot, app, AskReason)
        app.screen.query_one("#reason", Input).value = URGENT
        await pilot.click("#save")
        await wait_for_screen(pilot, app, RestrictedScreen)
        await pilot.pause()
        assert "You can already open R-0001." in screen_text(app)


async def test_opening_the_restricted_records_logs_one_listing(populated: Path) -> None:
    """The list was read, and logged, twice on the way in (on mount and on resume)."""
    app = app_for(populated, "lead")
    async with signed_in(app, SIZE) as pilot:
        await restricted_list(pilot, app)
        await pilot.pause()
    assert len(log(populated, "restricted_records_listed")) == 1
