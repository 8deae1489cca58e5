"""The mouse in the record list: a click opens exactly the row under the pointer.

A click counted the list's top border as a row, so it highlighted the record below
the one clicked, and Enter then opened (and logged) a wrong person's record. Every
visible row is clicked, at 80x24 and at 120x40, at the top of the list and scrolled;
the list's first line is its column headings, which a click sorts by, never opens.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from secure_records.admin import Administration
from secure_records.tui.app import SecureRecordsApp
from secure_records.tui.list_screen import RecordListScreen
from secure_records.tui.record_list import RecordList
from secure_records.tui.record_screen import RecordScreen
from secure_records.vault.log import LogEntry
from tests.conftest import canary_row, write_jsonl
from tests.tui.conftest import app_for, signed_in, wait_for_screen

RECORDS = 90  # more than one screenful at either size


@pytest.fixture
def many(home: Path, tmp_path: Path) -> Path:
    rows = [canary_row(f"R-{n:04d}", ["alice"]) for n in range(1, RECORDS + 1)]
    with Administration.open(home) as admin:
        admin.import_file(write_jsonl(tmp_path / "many.jsonl", rows))
    return home


def opened(home: Path) -> list[LogEntry]:
    with Administration.open(home) as admin:
        return [e for e in admin.vault.log.entries() if e.action == "record_opened"]


async def settle(app: SecureRecordsApp, pilot: Pilot[None]) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def click_row(pilot: Pilot[None], rows: RecordList, row: int) -> None:
    """Click the row'th record shown (under the headings), where a person sees it."""
    content = rows.content_region
    assert 0 <= row < content.height - 1
    await pilot.click(offset=(content.x + 3, content.y + 1 + row))
    await pilot.pause()


def drawn_id(rows: RecordList, row: int) -> str:
    """The reference drawn on the list's row'th visible record line."""
    return rows.render_line(row + 1).text.lstrip("▶ ").split()[0]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_a_click_opens_exactly_the_row_clicked(many: Path, size: tuple[int, int]) -> None:
    app = app_for(many, "alice")
    async with signed_in(app, size) as pilot:
        await wait_for_screen(pilot, app, RecordListScreen)
        await settle(app, pilot)
        rows = app.screen.query_one(RecordList)
        visible = rows.content_region.height - 1  # under the headings
        assert 10 <= visible < RECORDS
        clicks: list[str] = []

        # Every visible row at the top of the list, opened; then every one a page on.
        for scrolled in (False, True):
            if scrolled:
                await pilot.press("pagedown", "pagedown")
                await pilot.pause()
                assert rows.scroll_offset.y > 0
            for row in range(visible):
                top = int(rows.scroll_offset.y)
                clicked = drawn_id(rows, row)
                await click_row(pilot, rows, row)
                await wait_for_screen(pilot, app, RecordScreen)
                clicks.append(clicked)
                assert rows.record_ids[rows.highlighted] == clicked, (size, scrolled, row)
                assert rows.highlighted == top + row
                await pilot.press("escape")
                await wait_for_screen(pilot, app, RecordListScreen)
                assert int(rows.scroll_offset.y) == top
    # What was logged as opened is what was clicked, one for one.
    assert [e.record_id for e in opened(many)] == clicks
    assert len(clicks) == 2 * visible


async def test_a_click_on_the_border_or_the_headings_opens_nothing(many: Path) -> None:
    app = app_for(many, "alice")
    async with signed_in(app, (80, 24)) as pilot:
        await wait_for_screen(pilot, app, RecordListScreen)
        await settle(app, pilot)
        rows = app.screen.query_one(RecordList)
        await pilot.press("down", "down", "down", "down")
        assert rows.highlighted == 4
        region = rows.region
        for y in (region.y, region.bottom - 1, rows.content_region.y):  # borders, headings
            await pilot.click(offset=(region.x + 5, y))
            await pilot.pause()
            assert isinstance(app.screen, RecordListScreen)
            assert rows.highlighted in (0, 4)  # sorting by a heading starts at the top
    assert opened(many) == []
