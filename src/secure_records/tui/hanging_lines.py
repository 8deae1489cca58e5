"""Lines that wrap under themselves (a hanging indent), not back to the left edge.

The auditor's log is numbered entries with labelled lines under them; at 80 columns a
long line wrapped back to column 0 ("R-000001" alone at the left edge) and no longer
read as part of its entry. Each line here is a lead ("  Reason:") and a body that wraps
under the body's start, as record_entries.py does for notes. Every piece is printable
text, never markup.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text
from textual.app import RenderResult as WidgetRenderResult
from textual.widgets import Static

from secure_records.core.text import printable

# Narrower than this beside its lead, a body wraps to the edge: a column of two words
# under a long label would be harder to read than the wrap.
NARROWEST = 16


@dataclass(frozen=True)
class Hanging:
    """Lines of (lead, body): the body's wrapped lines start under its first word."""

    lines: tuple[tuple[str, str], ...]

    def __str__(self) -> str:
        """The lines as written, unwrapped: what a test or a reader of the text finds."""
        return "\n".join(f"{lead}{body}".rstrip() for lead, body in self.lines)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        for lead, body in self.lines:
            lead, body = printable(lead), printable(body)
            room = width - cell_len(lead)
            if room < NARROWEST:
                yield Text(f"{lead}{body}".rstrip())
                continue
            wrapped = Text(body).wrap(console, room) if body else [Text()]
            for n, part in enumerate(wrapped):
                part.rstrip()
                yield Text.assemble(lead if n == 0 else " " * cell_len(lead), part)


class HangingText(Static):
    """A Static that shows `Hanging` lines; its render() reads back as their text."""

    def show(self, blocks: Iterable[Hanging]) -> None:
        self.update(Hanging(tuple(line for block in blocks for line in block.lines)))

    def render(self) -> WidgetRenderResult:
        # The Hanging itself, not Textual's wrapper of it, so str() gives the words.
        return self.content if isinstance(self.content, Hanging) else super().render()
