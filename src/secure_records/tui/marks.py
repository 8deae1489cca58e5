"""Glyphs that carry state a colour alone would (NO_COLOR, colour blindness)."""

from __future__ import annotations

# Before whatever the keyboard is on: a field, a checkbox, a radio button.
FOCUS_MARK = "▶"
