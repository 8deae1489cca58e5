"""The footer: the screen's keys that fit, whole, then the key for the rest.

Textual's footer draws every key and lets the last ones fall off the edge ("^r Swi"
at 80 columns). This one stops before a key that would not fit and ends with
"? more" (or "F1 more" where ? would be typed), which opens the help panel listing
them all.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.text import Text
from textual.screen import Screen
from textual.widget import Widget

from secure_records.tui.screen_keys import DeskKey, desk_keys

_GAP = "  "


def help_key(screen: Screen[object]) -> str:
    """The key that opens help here: ? unless the focused widget would type it."""
    return "?" if "question_mark" in screen.active_bindings else "F1"


def footer_line(keys: Sequence[DeskKey], width: int, ask: str = "?") -> Text:
    """As many keys as fit in `width`, whole, then `ask` and "more" (or "help" if
    none was left out)."""
    shown = [key for key in keys if key.in_footer]
    line = Text(" ")
    for index, key in enumerate(shown):
        piece = f"{key.key} {key.description}"
        rest = shown[index + 1 :]
        # Room for this key, and for the "more" that would follow if keys are left.
        tail = f"{_GAP}{ask} more" if rest else f"{_GAP}{ask} help"
        if cell_len(line.plain) + cell_len(piece) + cell_len(tail) > width:
            _ending(line, ask, "more")
            return line
        line.append(key.key, style="bold")
        line.append(f" {key.description}{_GAP}")
    _ending(line, ask, "help")
    return line


def _ending(line: Text, ask: str, word: str) -> None:
    line.append(ask, style="bold")
    line.append(f" {word}")


class KeyFooter(Widget):
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        background: $panel;
        color: $text;
    }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        self.refresh()

    def render(self) -> Text:
        screen = self.screen
        return footer_line(desk_keys(screen, typing_aware=True), self.size.width, help_key(screen))
