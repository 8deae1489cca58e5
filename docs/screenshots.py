"""Draw the README's screenshots from the demo vault (fictional records only).

    .venv/bin/python docs/screenshots.py
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from secure_records.demo import build_demo_vault
from secure_records.session import Session
from secure_records.tui.app import SecureRecordsApp

HERE = Path(__file__).resolve().parent


async def draw() -> None:
    built = build_demo_vault(500, 7)
    try:
        app = SecureRecordsApp(lambda n: Session.open(n, built.home), staff_name="alice")
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause(0.5)
            (HERE / "screenshot-list.svg").write_text(app.export_screenshot(title="Caseload"))
            await pilot.press("down", "enter")
            await pilot.pause(0.5)
            (HERE / "screenshot-record.svg").write_text(app.export_screenshot(title="Record"))
            await pilot.press("ctrl+q")
    finally:
        built.close()


if __name__ == "__main__":
    asyncio.run(draw())
