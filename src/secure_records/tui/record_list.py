"""A list of records that draws only the lines on screen.

A DataTable with 100k rows blocks the screen for 6-9 s on first paint and holds some
180 MB, because it measures every cell; an OptionList takes about 5.5 s. A line-API
ScrollView paints in well under a second. This keeps only references; a line's name
and date of birth are fetched through Session (decrypting just those records) when
the line is first drawn.

The first line is the column headings, drawn by the list itself so that they stay
put while the rows scroll and line up with them at any width. A long value is cut
with an ellipsis, counted in terminal cells (a CJK character or an emoji is two),
so the date of birth always keeps its place on the row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from secure_records.core.access import RecordSummary
from secure_records.core.dates import shown_date
from secure_records.core.text import printable

MARK = "▶"  # the row selected: seen without colour, and read by a screen reader
ELLIPSIS = "…"
ARROWS = {False: "▲", True: "▼"}  # ascending, descending
# Narrowest each column is drawn (besides its heading): a date as "04 Feb 2018", a
# category as "Vulnerable adult". The name takes what is left.
LEAST = {"reference": 8, "date_of_birth": 11, "category": 16}
LEAST_NAME = 8
SORTED_GAP = 2  # " ▲" after the heading of the column the list is sorted by


def fit(text: str, width: int) -> str:
    """`text` in exactly `width` cells: padded, or cut with an ellipsis."""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + ELLIPSIS


@dataclass(frozen=True)
class Column:
    name: str  # "reference", or the field shown
    heading: str
    width: int


def layout(columns: Sequence[tuple[str, str]], width: int) -> list[Column]:
    """Columns across `width` cells: each at its least (and its heading's) width,
    the name given whatever is left."""
    fixed = {
        name: max(LEAST.get(name, 0), cell_len(heading) + SORTED_GAP)
        for name, heading in columns
        if name != "name"
    }
    # The mark and its space, a space between columns, one before the border.
    used = len(MARK) + 1 + sum(fixed.values()) + len(columns)
    rest = max(LEAST_NAME, width - used)
    return [Column(name, heading, fixed.get(name, rest)) for name, heading in columns]


DEFAULT_COLUMNS = (
    ("reference", "Reference"),
    ("name", "Name"),
    ("date_of_birth", "Date of birth"),
)


class RecordList(ScrollView, can_focus=True):
    BINDINGS = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
        Binding("enter", "choose", "Open record"),
    ]

    DEFAULT_CSS = """
    RecordList { height: 1fr; }
    """

    highlighted: reactive[int] = reactive(0)

    class Chosen(Message):
        def __init__(self, record_id: str) -> None:
            self.record_id = record_id
            super().__init__()

    class HeadingClicked(Message):
        """A click on a column's heading: sort by it (again: the other way)."""

        def __init__(self, column: str) -> None:
            self.column = column
            super().__init__()

    def __init__(
        self,
        fetch: Callable[[Sequence[str]], list[RecordSummary]],
        columns: Sequence[tuple[str, str]] = DEFAULT_COLUMNS,
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._fetch = fetch
        self._columns = tuple(columns)
        self._ids: list[str] = []
        self._lines: dict[str, RecordSummary] = {}
        self.sorted_by = "reference"
        self.descending = False

    @property
    def record_ids(self) -> list[str]:
        return self._ids

    @property
    def rows_shown(self) -> int:
        """How many records fit under the headings."""
        return max(1, self.size.height - 1)

    def show(self, record_ids: list[str]) -> None:
        """Replace what the list shows; keeps no summaries of records now hidden."""
        self._ids = record_ids
        self._lines = {}
        self.highlighted = 0
        # One line more than the records: the headings, which never scroll away.
        self.virtual_size = Size(self.size.width, len(record_ids) + 1)
        self.scroll_to(y=0, animate=False)
        self.refresh()

    def show_order(self, by: str, descending: bool) -> None:
        """Which column the headings mark as sorted, and which way."""
        self.sorted_by, self.descending = by, descending
        self.refresh()

    def forget(self) -> None:
        """Drop every summary held (the lock screen calls this)."""
        self.show([])

    def _summary(self, record_id: str) -> RecordSummary | None:
        if record_id not in self._lines:
            # Fetch the whole screenful at once: one trip through Session.
            top = int(self.scroll_offset.y)
            window = self._ids[top : top + self.rows_shown]
            missing = [rid for rid in window if rid not in self._lines]
            if record_id not in missing:
                missing.append(record_id)
            for summary in self._fetch(missing):
                self._lines[summary.id] = summary
        return self._lines.get(record_id)

    def _headings(self, columns: list[Column]) -> str:
        cells = []
        for column in columns:
            heading = column.heading
            if column.name == self.sorted_by:
                heading = f"{heading} {ARROWS[self.descending]}"
            cells.append(fit(heading, column.width))
        return " " * (len(MARK) + 1) + " ".join(cells)

    def _line(self, columns: list[Column], summary: RecordSummary | None, rid: str) -> str:
        values = {"reference": rid}
        if summary is not None:
            values.update(
                name=summary.name,
                date_of_birth=shown_date(summary.date_of_birth),
                category=summary.category,
            )
        return " ".join(fit(printable(values.get(c.name, "")), c.width) for c in columns)

    def render_line(self, y: int) -> Strip:
        # Clear of the scrollbar, which a list longer than the screen has.
        width = self.scrollable_content_region.width
        columns = layout(self._columns, width)
        if y == 0:
            style = Style(bold=True, underline=True)
            return Strip([Segment(self._headings(columns), style)]).adjust_cell_length(
                width, Style()
            )
        index = int(self.scroll_offset.y) + y - 1
        if index >= len(self._ids):
            # A style, never None: the NO_COLOR filter reads every segment's colour.
            return Strip.blank(width, Style())
        record_id = self._ids[index]
        text = self._line(columns, self._summary(record_id), record_id)
        chosen = index == self.highlighted
        mark = MARK if chosen else " "
        style = Style()
        if chosen:
            # Reverse video while the list has focus, bold otherwise; the mark either way.
            style = Style(reverse=True) if self.has_focus else Style(bold=True)
        return Strip([Segment(f"{mark} {text}", style)]).adjust_cell_length(width, style)

    def watch_highlighted(self, old: int, new: int) -> None:
        if not self._ids:
            return
        if new < self.scroll_offset.y:
            self.scroll_to(y=new, animate=False)
        elif new >= self.scroll_offset.y + self.rows_shown:
            self.scroll_to(y=new - self.rows_shown + 1, animate=False)
        self.refresh()

    def _move_to(self, index: int) -> None:
        if self._ids:
            self.highlighted = max(0, min(len(self._ids) - 1, index))

    def action_move(self, step: int) -> None:
        self._move_to(self.highlighted + step)

    def action_page(self, direction: int) -> None:
        self._move_to(self.highlighted + direction * max(1, self.rows_shown - 1))

    def action_jump(self, index: int) -> None:
        self._move_to(index if index >= 0 else len(self._ids) - 1)

    def action_choose(self) -> None:
        if self._ids:
            self.post_message(self.Chosen(self._ids[self.highlighted]))

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        # The event's y counts the border: mapped as it is, a click would open the
        # record below the one clicked, a wrong person's.
        inside = event.get_content_offset(self)
        if inside is None:
            return
        if inside.y == 0:
            self._heading_clicked(inside.x)
            return
        index = int(self.scroll_offset.y) + inside.y - 1
        if 0 <= index < len(self._ids):
            self._move_to(index)
            self.post_message(self.Chosen(self._ids[index]))

    def _heading_clicked(self, x: int) -> None:
        left = len(MARK) + 1
        for column in layout(self._columns, self.scrollable_content_region.width):
            if left <= x < left + column.width:
                self.post_message(self.HeadingClicked(column.name))
                return
            left += column.width + 1
