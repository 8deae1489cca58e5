"""The app opens on the list for a caseworker and shows their caseload."""

from __future__ import annotations

from pathlib import Path

from tests.tui.conftest import app_for, screen_text, signed_in


async def test_a_caseworker_sees_their_caseload_and_opens_a_record(populated: Path) -> None:
    app = app_for(populated, "alice")
    async with signed_in(app) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "R-0001" in text and "R-0002" in text
        assert "R-0003" not in text  # bilal's
        await pilot.press("enter")
        await pilot.pause()
        assert "Canaryname" in screen_text(app)
