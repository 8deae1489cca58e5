"""Partial forms of a value: what a role sees of a field it may not read in full.

A partial form never shows more than half of a value's non-space characters: a
short value (an NHS number typed as "1 2 3 4 5", a two-letter name) would otherwise
be shown nearly or wholly, which is what the mask is there to prevent.
"""

from __future__ import annotations

from secure_records.core.policy import MaskForm
from secure_records.core.text import counted

MASK = "•"
_LAST = 4
_YEAR = 4


def _most_shown(value: str) -> int:
    """How many characters of `value` a partial form may show: half of those that
    are not spaces, rounded down."""
    return sum(1 for ch in value if not ch.isspace()) // 2


def partial_form(value: str, form: MaskForm) -> str:
    """The part of `value` a masked rule lets through, and never more."""
    allowed = _most_shown(value)
    if form is MaskForm.LAST4:
        compact = "".join(ch for ch in value if not ch.isspace())
        # Four at most, half at most, and none of a value of four or fewer.
        shown = min(_LAST, allowed) if len(compact) > _LAST else 0
        return MASK * 4 + " " + compact[-shown:] if shown else MASK * 4
    if form is MaskForm.INITIALS:
        initials = [word[0].upper() + "." for word in value.split() if word[:1].isalpha()]
        # "A. B." of "Al B" would be two of its three letters: show none instead.
        fits = initials and len(initials) <= allowed
        return " ".join(initials) if fits else MASK * 3
    if form is MaskForm.YEAR_ONLY:
        year = value[:_YEAR]
        fits = year.isdigit() and len(year) == _YEAR and allowed >= _YEAR
        return f"{year}-{MASK * 2}-{MASK * 2}" if fits else MASK * 4
    # REDACTED, and COUNT asked of a scalar: a fixed width, so even length is hidden.
    return MASK * 8


def count_form(count: int, one: str, many: str | None = None) -> str:
    """How many entries a field holds, and nothing of them: "1 note", "0 entries"."""
    return counted(count, one, many)
