"""Emergency access to a restricted record, in the app: asked for with a reason on the
leads' list of restricted records, and shown there to every lead."""

from __future__ import annotations

import re
from pathlib import Path

from textual.widgets import Input

from secure_records.admin import Administration
from secure_records.session import Session
from secure_records.tui.app import SecureRecordsApp
from secure_records.tui.modals import AskReason, RestrictDialog
from secure_records.tui.restricted_screen import RestrictedScreen
from secure_records.tui.typed_confirmation import TypedConfirmation
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


def restrict(home: Path) -> None:
    with Session.open("lead", home) as lead:
        lead.oversight.restrict_record("R-0001", "A member of staff's relative", 30)


def restricted(home: Path) -> bool:
    with Session.open("lead", home) as lead:
        return lead.oversight.restriction("R-0001") is not None


async def test_lifting_a_restriction_is_typed_and_enter_alone_lifts_nothing(
    populated: Path,
) -> None:
    """Issue 18: lifting opens the record to everyone at once; it is typed."""
    restrict(populated)
    app = app_for(populated, "lead")
    async with signed_in(app, SIZE) as pilot:
        await restricted_list(pilot, app)
        await pilot.press("enter")
        await wait_for_screen(pilot, app, RestrictDialog)
        app.screen.query_one("#reason", Input).value = "The relative has left the charity"
        await pilot.click("#lift")
        await wait_for_screen(pilot, app, TypedConfirmation)
        assert "Type R-0001 to lift the restriction." in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TypedConfirmation) and restricted(populated)
        await pilot.press("escape")
        await wait_for_screen(pilot, app, RestrictDialog)
        assert restricted(populated)
        await pilot.click("#lift")
        await wait_for_screen(pilot, app, TypedConfirmation)
        await pilot.press(*"R-0001", "enter")
        await wait_for_screen(pilot, app, RestrictedScreen)
    assert not restricted(populated)


async def test_the_list_of_restrictions_shows_uk_dates_and_age(populated: Path) -> None:
    restrict(populated)
    app = app_for(populated, "lead")
    async with signed_in(app, SIZE) as pilot:
        text = await restricted_list(pilot, app)
        assert "restricted by lead" in text and "(just now)" in text
        assert not re.search(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text)
