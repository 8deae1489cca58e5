"""Pilot helpers: the real app over a real vault in tmp_path."""

from __future__ import annotations

import html
from pathlib import Path

from secure_records.session import Session
from secure_records.tui.app import SecureRecordsApp

SIZE = (120, 40)


def app_for(home: Path, staff_name: str) -> SecureRecordsApp:
    """The app as `staff_name` would get it from `secure-records session NAME`."""
    return SecureRecordsApp(lambda name: Session.open(name, home), staff_name=staff_name)


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
