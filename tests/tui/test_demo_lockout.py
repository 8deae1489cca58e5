"""The demo outlives a person locked out: back to the picker, the others still usable.

Issue 17: the demo's third wrong PIN ended the whole app (and `make demo` with
"Error 1"), though the demo is where people learn by trying.
"""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from secure_records.admin import Administration
from secure_records.session import Session
from secure_records.tui.app import SecureRecordsApp
from secure_records.tui.pin_screen import PinScreen
from secure_records.tui.role_picker import RolePicker
from tests.conftest import STAFF
from tests.tui.conftest import PIN, screen_text, type_pin, wait_for_screen

SIZE = (80, 24)


def demo_app(home: Path) -> SecureRecordsApp:
    with Administration.open(home) as admin:
        for name, _role in STAFF:
            admin.set_pin(name, PIN)
    return SecureRecordsApp(
        lambda name, pin: Session.open(name, home, pin=pin), demo_staff=list(STAFF)
    )


async def wrong_pins(pilot: Pilot[None], app: SecureRecordsApp, times: int) -> None:
    for _ in range(times):
        await wait_for_screen(pilot, app, PinScreen)
        await type_pin(pilot, app, "999999")


async def test_a_lockout_at_sign_in_returns_to_the_picker(populated: Path) -> None:
    app = demo_app(populated)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")  # alice, the first on the picker
        await wrong_pins(pilot, app, 3)
        await wait_for_screen(pilot, app, RolePicker)
        assert app.is_running
        assert "locked out" in screen_text(app)
        await pilot.press("down", "enter")  # bilal is still free to try the demo
        await type_pin(pilot, app)
        assert app.session is not None and app.session.staff_name == "bilal"


async def test_a_lockout_at_the_lock_returns_to_the_picker(populated: Path) -> None:
    app = demo_app(populated)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await type_pin(pilot, app)
        await pilot.press("ctrl+l")
        await pilot.pause()
        for _ in range(3):
            await pilot.press(*"999999", "enter")
            await pilot.pause()
        await wait_for_screen(pilot, app, RolePicker)
        assert app.is_running and app.session is None
        assert "locked out" in screen_text(app)
