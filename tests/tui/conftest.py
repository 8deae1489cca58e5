"""Pilot helpers: the real app over a real vault in tmp_path."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from textual.pilot import Pilot

from secure_records.admin import Administration
from secure_records.session import Session
from secure_records.tui.app import SecureRecordsApp
from secure_records.tui.pin_screen import PinScreen

SIZE = (120, 40)
# The PIN `app_for` gives a staff member who has none, typed as they would type it.
PIN = "246810"


def app_for(home: Path, staff_name: str) -> SecureRecordsApp:
    """The app as `staff_name` would get it from `secure-records session NAME`: the
    PIN asked first (see `signed_in`)."""
    with Administration.open(home) as admin:
        if any(row.name == staff_name and not row.pin_hash for row in admin.list_staff()):
            admin.set_pin(staff_name, PIN)
    return SecureRecordsApp(
        lambda name, pin: Session.open(name, home, pin=pin), staff_name=staff_name
    )


async def type_pin(pilot: Pilot[None], app: SecureRecordsApp, pin: str = PIN) -> None:
    """Type the PIN on the PIN screen, and wait for what comes after it."""
    await wait_for_screen(pilot, app, PinScreen)
    await pilot.pause()
    await pilot.press(*pin, "enter")
    for _ in range(100):
        if not isinstance(app.screen, PinScreen) or not app.is_running:
            break
        await pilot.pause(0.05)
    await app.workers.wait_for_complete()
    await pilot.pause()


@asynccontextmanager
async def signed_in(
    app: SecureRecordsApp, size: tuple[int, int] = SIZE, pin: str = PIN
) -> AsyncIterator[Pilot[None]]:
    """`run_test`, with the PIN typed first, as the staff member would."""
    async with app.run_test(size=size) as pilot:
        await type_pin(pilot, app, pin)
        yield pilot


def screen_text(app: SecureRecordsApp) -> str:
    """Everything drawn on the screen right now (the exported SVG, entities decoded,
    so a canary with spaces in it is found as it was written)."""
    return html.unescape(app.export_screenshot()).replace("\xa0", " ")


async def wait_for_screen(pilot, app: SecureRecordsApp, kind: type) -> None:  # type: ignore[no-untyped-def]
    """Pushing a screen takes a few turns of the loop, more on a loaded machine."""
    for _ in range(50):
        if isinstance(app.screen, kind):
            return
        await pilot.pause(0.05)
    raise AssertionError(f"{kind.__name__} never came up; on screen: {app.screen!r}")
