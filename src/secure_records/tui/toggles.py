"""Checkboxes and radio buttons whose state reads without colour.

Textual draws both as the same glyph, ticked or not, and tells them apart by colour
alone: under NO_COLOR (or to anyone who cannot tell the two greens apart) a ticked
box and an empty one look the same. These draw `[x]`/`[ ]` and `(•)`/`( )`, and a
`▶` before the one the keyboard is on. Every screen builds its toggles from here.
"""

from __future__ import annotations

from textual import widgets
from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget

from secure_records.tui.marks import FOCUS_MARK


def _focus_mark(focused: bool) -> str:
    return FOCUS_MARK if focused else " "  # the same width either way


def _drawn(toggle: widgets.Checkbox | widgets.RadioButton, glyphs: tuple[str, str]) -> Content:
    opening, closing = glyphs
    inner = toggle.BUTTON_INNER if toggle.value else " "
    return Content.assemble(
        (_focus_mark(_keyboard_on(toggle)), "bold"),
        (f"{opening}{inner}{closing}", toggle.get_visual_style("toggle--button")),
    )


def _keyboard_on(toggle: Widget) -> bool:
    """A toggle has the focus itself, or is the one chosen in a radio set that has it."""
    if toggle.has_focus:
        return True
    parent = toggle.parent
    return (
        isinstance(parent, widgets.RadioSet) and parent.has_focus and toggle.has_class("-selected")
    )


# A label longer than the screen is wide wraps onto lines of its own: cut at 80
# columns, an Art. 9 condition or a note lost the words that told it from the next.
WRAPPING = """
    %s { text-wrap: wrap; height: auto; max-width: 100%%; }
"""


def _wrapped_height(
    toggle: widgets.Checkbox | widgets.RadioButton, container: Size, viewport: Size, width: int
) -> int:
    # A toggle is one line in Textual (ToggleButton); a widget's own measure wraps.
    return Widget.get_content_height(toggle, container, viewport, width)


class Checkbox(widgets.Checkbox):
    """`[x]` ticked, `[ ]` not."""

    DEFAULT_CSS = WRAPPING % "Checkbox"
    BUTTON_INNER = "x"

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return _wrapped_height(self, container, viewport, width)

    @property
    def _button(self) -> Content:
        return _drawn(self, ("[", "]"))


class RadioButton(widgets.RadioButton):
    """`(•)` chosen, `( )` not."""

    DEFAULT_CSS = WRAPPING % "RadioButton"
    BUTTON_INNER = "•"

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return _wrapped_height(self, container, viewport, width)

    @property
    def _button(self) -> Content:
        return _drawn(self, ("(", ")"))
