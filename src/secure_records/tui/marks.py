"""Glyphs that carry state a colour alone would (NO_COLOR, colour blindness)."""

from __future__ import annotations

# Before the checkbox or radio button the keyboard is on.
FOCUS_MARK = "▶"
# Beside the field or the page the keyboard is on (app.tcss: `border-left: outer`).
FOCUS_BAR = "▌"
