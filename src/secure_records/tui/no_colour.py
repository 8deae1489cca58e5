"""NO_COLOR without a crash: Textual's monochrome filter, made to take any segment.

Under NO_COLOR Textual turns every segment grey through `Monochrome`, which reads
`style.color` and fails on a segment drawn without a style (None): Strip.blank's
default, a blank line of a line-API widget, a cropped line. That ended the session
with AttributeError whenever such a line was on screen. The filter here treats no
style as the plain style; everything else is Textual's own conversion.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.filter import LineFilter, Monochrome, monochrome_style

_PLAIN = Style()


class SafeMonochrome(Monochrome):
    """`Monochrome`, for segments with no style too."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        return [
            Segment(text, monochrome_style(_PLAIN if style is None else style), None)
            for text, style, _ in segments
        ]


def colour_filters_safe(filters: list[LineFilter]) -> None:
    """Swap Textual's `Monochrome` (installed when NO_COLOR is set) for `SafeMonochrome`."""
    for index, line_filter in enumerate(filters):
        if type(line_filter) is Monochrome:
            filters[index] = SafeMonochrome(enabled=line_filter.enabled)
