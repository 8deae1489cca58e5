"""The record list at 80x24, as a caseworker uses it (issue 17, "Lists"): headings
over the columns, long names cut with an ellipsis and the date of birth kept, sorted
and narrowed from the keyboard (the headings say how, without colour), a click opens
the record clicked, the selected row marked under NO_COLOR, UK dates found."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.pilot import Pilot
from textual.widgets import Input

from secure_records.admin import Administration
from secure_records.core.dates import shown_date
from secure_records.tui.app import SecureRecordsApp
from secure_records.tui.list_screen import RecordListScreen
from secure_records.tui.record_list import RecordList
from secure_records.tui.record_screen import RecordScreen
from tests.conftest import canary_row, write_jsonl
from tests.integration.test_list_order import import_people
from tests.tui.conftest import app_for, screen_text, signed_in, wait_for_screen

SIZE = (80, 24)
LONG = "Bartholomew Alexander Montgomery-Fitzwilliam Wolstenholme-Smythe"
WIDE = "山田太郎山田太郎山田太郎山田太郎山田太郎山田太郎 👩‍👧"
# reference -> (name, date of birth, category); all on alice's caseload
PEOPLE = {
    "R-0001": ("Zoe Young", "2013-04-02", "child"),
    "R-0002": (LONG, "1950-12-30", "vulnerable_adult"),
    "R-0003": ("Maya Stone", "2008-02-04", "young_person"),
    "R-0004": (WIDE, "2018-02-04", "child"),
    "R-0005": ("adam Brook", "1990-06-15", "vulnerable_adult"),
}


@pytest.fixture
def people(home: Path, tmp_path: Path) -> Path:
    return import_people(home, tmp_path, PEOPLE)


async def settle(app: SecureRecordsApp, pilot: Pilot[None]) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def lines(rows: RecordList) -> list[str]:
    """The list's lines as drawn: its headings, then one per record."""
    return [rows.render_line(y).text for y in range(len(rows.record_ids) + 1)]


def order(rows: RecordList) -> list[str]:
    return [line.strip("▶ ").split()[0] for line in lines(rows)[1:]]


async def the_list(pilot: Pilot[None], app: SecureRecordsApp) -> RecordList:
    await wait_for_screen(pilot, app, RecordListScreen)
    await settle(app, pilot)
    return app.screen.query_one(RecordList)


@asynccontextmanager
async def alices_list(
    home: Path,
) -> AsyncIterator[tuple[SecureRecordsApp, Pilot[None], RecordList]]:
    """Alice signed in at 80x24, her caseload drawn."""
    app = app_for(home, "alice")
    async with signed_in(app, SIZE) as pilot:
        yield app, pilot, await the_list(pilot, app)


async def test_headings_stay_at_the_top_and_name_each_column(people: Path) -> None:
    async with alices_list(people) as (app, _pilot, rows):
        headings = lines(rows)[0]
        for heading in ("Reference", "Name", "Date of birth", "Category"):
            assert heading in headings
        assert headings.index("Reference") < headings.index("Name")
        assert headings.index("Name") < headings.index("Date of birth")
        assert "Reference" in screen_text(app)


async def test_a_long_name_is_cut_with_an_ellipsis_and_the_date_of_birth_kept(
    people: Path,
) -> None:
    async with alices_list(people) as (app, _pilot, rows):
        drawn = lines(rows)
        born_at = drawn[0].index("Date of birth")
        for line, (name, stored, _) in zip(drawn[1:], PEOPLE.values(), strict=True):
            born = shown_date(stored)  # "30 Dec 1950", as a person reads it
            assert cell_len(line) == rows.size.width
            assert born in line, line
            # The date of birth starts under its heading, counted in cells.
            assert cell_len(line[: line.index(born)]) == born_at, line
            if cell_len(name) > 30:
                assert "…" in line and name not in line
        assert "Vulnerable adult" in drawn[2]
        shown = screen_text(app)
        assert "30 Dec 1950" in shown and "vulnerable_adult" not in shown


async def test_a_list_longer_than_the_screen_keeps_its_last_column_clear_of_the_scrollbar(
    home: Path, tmp_path: Path
) -> None:
    rows = []
    for n in range(1, 41):  # more than 80x24 shows: a scrollbar takes the right edge
        row = canary_row(f"R-{n:04d}", ["alice"])
        row["category"] = "vulnerable_adult"
        rows.append(row)
    with Administration.open(home) as admin:
        admin.import_file(write_jsonl(tmp_path / "many.jsonl", rows))
    async with alices_list(home) as (_app, _pilot, drawn_list):
        region = drawn_list.scrollable_content_region.width
        assert region < drawn_list.size.width  # the scrollbar is there
        for line in lines(drawn_list)[1:4]:
            # Was "Vulnerable adul": the last cells were drawn under the scrollbar.
            assert "Vulnerable adult" in line[:region], line


async def test_sorted_by_name_and_date_of_birth_either_way_marked_in_the_headings(
    people: Path,
) -> None:
    async with alices_list(people) as (app, pilot, rows):
        assert order(rows) == ["R-0001", "R-0002", "R-0003", "R-0004", "R-0005"]
        assert "Reference ▲" in lines(rows)[0]
        await pilot.press("o")
        await settle(app, pilot)
        assert "Name ▲" in lines(rows)[0] and "Reference ▲" not in lines(rows)[0]
        assert order(rows) == ["R-0005", "R-0002", "R-0003", "R-0001", "R-0004"]
        await pilot.press("O")
        await settle(app, pilot)
        assert "Name ▼" in lines(rows)[0]
        assert order(rows) == ["R-0004", "R-0001", "R-0003", "R-0002", "R-0005"]
        await pilot.press("o")
        await settle(app, pilot)
        assert "Date of birth ▲" in lines(rows)[0]
        assert order(rows) == ["R-0002", "R-0005", "R-0003", "R-0001", "R-0004"]
        # A click on a heading sorts by it; a second click the other way.
        content = rows.content_region
        heading_x = lines(rows)[0].index("Reference")
        await pilot.click(offset=(content.x + heading_x, content.y))
        await settle(app, pilot)
        assert order(rows)[0] == "R-0001"
        await pilot.click(offset=(content.x + heading_x, content.y))
        await settle(app, pilot)
        assert order(rows)[0] == "R-0005" and "Reference ▼" in lines(rows)[0]


async def test_f_narrows_the_list_by_category_in_words(people: Path) -> None:
    async with alices_list(people) as (app, pilot, rows):
        await pilot.press("f")
        await settle(app, pilot)
        assert order(rows) == ["R-0001", "R-0004"]
        assert "Child only" in screen_text(app)
        await pilot.press("f", "f")
        await settle(app, pilot)
        assert order(rows) == ["R-0002", "R-0005"]
        shown = screen_text(app)
        assert "Vulnerable adult only" in shown and "vulnerable_adult" not in shown
        await pilot.press("f")
        await settle(app, pilot)
        assert len(order(rows)) == len(PEOPLE)


async def test_a_click_on_a_row_opens_that_record(people: Path) -> None:
    async with alices_list(people) as (app, pilot, rows):
        content = rows.content_region
        # The third record, on the list's fourth line (under the headings).
        await pilot.click(offset=(content.x + 4, content.y + 3))
        await wait_for_screen(pilot, app, RecordScreen)
        await settle(app, pilot)
        assert "Maya Stone" in screen_text(app)
    with Administration.open(people) as admin:
        opened = [e.record_id for e in admin.vault.log.entries() if e.action == "record_opened"]
    assert opened == ["R-0003"]


async def test_the_selected_row_is_marked_without_colour(
    people: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    async with alices_list(people) as (app, pilot, rows):
        await pilot.press("down")
        await settle(app, pilot)
        marked = [line for line in lines(rows)[1:] if line.startswith("▶")]
        assert len(marked) == 1 and "R-0002" in marked[0]
        # Still marked while the search box has the focus.
        await pilot.press("/")
        await settle(app, pilot)
        assert [line for line in lines(rows)[1:] if line.startswith("▶")] == marked
        assert "▶ R-0002" in screen_text(app)


async def test_a_date_of_birth_typed_the_uk_way_is_found(people: Path) -> None:
    async with alices_list(people) as (app, pilot, rows):
        await pilot.press("/")
        app.screen.query_one("#search", Input).value = "04/02/2018"
        await pilot.press("enter")
        await settle(app, pilot)
        assert rows.record_ids == ["R-0004"]
        assert "1 record" in screen_text(app)
