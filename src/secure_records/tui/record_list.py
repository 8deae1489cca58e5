"""A list of records that draws only the lines on screen.

A DataTable with 100k rows blocks the screen for 6-9 s on first paint and holds some
180 MB, because it measures every cell; an OptionList takes about 5.5 s. A line-API
ScrollView paints in well under a second. This keeps only references; a line's name
and date of birth are fetched through Session (decrypting just those records) when
the line is first drawn.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

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
from secure_records.core.text import printable


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

    def __init__(
        self,
        fetch: Callable[[Sequence[str]], list[RecordSummary]],
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._fetch = fetch
        self._ids: list[str] = []
        self._lines: dict[str, RecordSummary] = {}

    @property
    def record_ids(self) -> list[str]:
        return self._ids

    def show(self, record_ids: list[str]) -> None:
        """Replace what the list shows; keeps no summaries of records now hidden."""
        self._ids = record_ids
        self._lines = {}
        self.highlighted = 0
        self.virtual_size = Size(self.size.width, len(record_ids))
        self.scroll_to(y=0, animate=False)
        self.refresh()

    def forget(self) -> None:
        """Drop every summary held (the lock screen calls this)."""
        self.show([])

    def _summary(self, record_id: str) -> RecordSummary | None:
        if record_id not in self._lines:
            # Fetch the whole screenful at once: one trip through Session.
            top = int(self.scroll_offset.y)
            window = self._ids[top : top + self.size.height + 1]
            missing = [rid for rid in window if rid not in self._lines]
            if record_id not in missing:
                missing.append(record_id)
            for summary in self._fetch(missing):
                self._lines[summary.id] = summary
        return self._lines.get(record_id)

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_offset.y) + y
        width = self.size.width
        if index >= len(self._ids):
            # A style, never None: the NO_COLOR filter reads every segment's colour.
            return Strip.blank(width, Style())
        record_id = self._ids[index]
        summary = self._summary(record_id)
        name = printable(summary.name) if summary else ""
        dob = printable(summary.date_of_birth) if summary else ""
        text = f" {record_id:<10} {name:<40} {dob}"
        style = Style(reverse=True) if index == self.highlighted and self.has_focus else Style()
        if index == self.highlighted and not self.has_focus:
            style = Style(bold=True)
        return Strip([Segment(text, style)]).adjust_cell_length(width, style)

    def watch_highlighted(self, old: int, new: int) -> None:
        if not self._ids:
            return
        if new < self.scroll_offset.y:
            self.scroll_to(y=new, animate=False)
        elif new >= self.scroll_offset.y + self.size.height:
            self.scroll_to(y=new - self.size.height + 1, animate=False)
        self.refresh()

    def _move_to(self, index: int) -> None:
        if self._ids:
            self.highlighted = max(0, min(len(self._ids) - 1, index))

    def action_move(self, step: int) -> None:
        self._move_to(self.highlighted + step)

    def action_page(self, direction: int) -> None:
        self._move_to(self.highlighted + direction * max(1, self.size.height - 1))

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
        # The event's y counts the border: mapped as it is, a click would highlight
        # (and Enter open) the record below the one clicked, a wrong person's.
        inside = event.get_content_offset(self)
        if inside is not None:
            self._move_to(int(self.scroll_offset.y) + inside.y)
