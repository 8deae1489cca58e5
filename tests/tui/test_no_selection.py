"""10(c): no text selection, so a record's values cannot be carried off to the
clipboard (ctrl+c, OSC 52) by dragging, double- or triple-clicking over them."""

from __future__ import annotations

from pathlib import Path

from secure_records.tui.record_screen import FieldRow, RecordScreen
from tests.tui.conftest import app_for, signed_in, wait_for_screen

SIZE = (80, 24)
NAME = "Canaryname R-0001"  # R-0001 is on alice's caseload; she sees its name in full


async def test_no_value_can_be_selected_or_copied(populated: Path) -> None:
    app = app_for(populated, "alice")
    async with signed_in(app, SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")  # the first record on the list: R-0001
        await wait_for_screen(pilot, app, RecordScreen)
        name = next(row for row in app.screen.query(FieldRow) if row.view.name == "name")
        assert NAME in str(name.render())
        await pilot.double_click(name)
        await pilot.triple_click(name)
        # A drag from the top left corner to the bottom right, over everything drawn.
        await pilot.mouse_down(offset=(0, 1))
        await pilot.hover(offset=(SIZE[0] // 2, SIZE[1] // 2))
        await pilot.hover(offset=(SIZE[0] - 1, SIZE[1] - 2))
        await pilot.mouse_up(offset=(SIZE[0] - 1, SIZE[1] - 2))
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert app.screen.get_selected_text() is None
        assert NAME not in app.clipboard
