"""Partial forms of a value: what a role sees of a field it may not read in full."""

from __future__ import annotations

from secure_records.core.policy import MaskForm

MASK = "•"


def partial_form(value: str, form: MaskForm) -> str:
    """The part of `value` a masked rule lets through, and never more."""
    if form is MaskForm.LAST4:
        compact = "".join(ch for ch in value if not ch.isspace())
        if len(compact) <= 4:
            # A value this short would be shown whole: show nothing of it.
            return MASK * 4
        return MASK * 4 + " " + compact[-4:]
    if form is MaskForm.INITIALS:
        initials = [word[0].upper() + "." for word in value.split() if word[:1].isalpha()]
        return " ".join(initials) if initials else MASK * 3
    if form is MaskForm.YEAR_ONLY:
        year = value[:4]
        return f"{year}-{MASK * 2}-{MASK * 2}" if year.isdigit() else MASK * 4
    # REDACTED, and COUNT asked of a scalar: a fixed width, so even length is hidden.
    return MASK * 8


def count_form(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")
