"""At 80x24 the callback screen opens at its top: the number to call is on screen."""

from __future__ import annotations

from pathlib import Path

from secure_records.tui.callback_screen import CallbackScreen
from tests.tui.conftest import app_for, screen_text, signed_in, wait_for_screen
from tests.tui.test_telephone import SWITCHBOARD, take_request


async def test_the_number_to_call_is_on_screen_at_80x24(populated: Path) -> None:
    app = app_for(populated, "reception")
    async with signed_in(app, (120, 70)) as pilot:
        await pilot.pause()
        await take_request(pilot, app)  # the request form itself needs the room
        await pilot.click("#done")
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.press("enter")  # the call waiting on reception's desk
        await wait_for_screen(pilot, app, CallbackScreen)
        await pilot.pause()
        text = screen_text(app)
        assert SWITCHBOARD in text
        assert "Telephone request" in text  # its title: opened at the top
        # Still no outcome by default: a stray Enter verifies nobody. The focus is on the
        # note box, in view beside the number (not on "Later", scrolled out of sight).
        focused = app.focused
        assert focused is not None and focused.id == "note"
        assert not (focused.id or "").startswith("outcome-")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CallbackScreen)
