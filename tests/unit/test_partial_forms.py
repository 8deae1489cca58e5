"""A partial form never shows more than half of a value's non-space characters."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from secure_records.core.masking import MASK, partial_form
from secure_records.core.policy import MaskForm

YEAR_SHOWN = re.compile(rf"(\d{{4}})-{MASK}{MASK}-{MASK}{MASK}")

# Short values, spaces and digits most of all: where a mask is tempted to show the lot.
values = st.text(alphabet=st.sampled_from("0123456789 abcAB-\t\u00a0é"), max_size=24) | st.text(
    max_size=24
)


def _non_space(value: str) -> int:
    return sum(1 for ch in value if not ch.isspace())


def _shown_of(value: str, form: MaskForm, out: str) -> int:
    """How many of `value`'s characters `out` shows, checking it shows only those."""
    if form is MaskForm.LAST4:
        if out == MASK * 4:
            return 0
        assert out.startswith(MASK * 4 + " ")
        tail = out[5:]
        assert "".join(ch for ch in value if not ch.isspace()).endswith(tail)
        return len(tail)
    if form is MaskForm.INITIALS:
        if out == MASK * 3:
            return 0
        initials = out.split(" ")
        assert all(len(part) >= 2 and part.endswith(".") for part in initials)
        return len(initials)
    if form is MaskForm.YEAR_ONLY:
        if out == MASK * 4:
            return 0
        match = YEAR_SHOWN.fullmatch(out)
        assert match is not None and value.startswith(match[1])
        return 4
    assert out == MASK * 8  # redacted, or a count asked of a single value
    return 0


@pytest.mark.parametrize("form", list(MaskForm))
@given(value=values)
def test_a_partial_form_shows_at_most_half_of_a_value(form: MaskForm, value: str) -> None:
    out = partial_form(value, form)
    assert 2 * _shown_of(value, form, out) <= _non_space(value), (value, out)


@pytest.mark.parametrize(
    ("value", "form", "shown"),
    [
        ("1 2 3 4 5", MaskForm.LAST4, "•••• 45"),  # was "•••• 2345"
        ("1234567", MaskForm.LAST4, "•••• 567"),
        ("12345678", MaskForm.LAST4, "•••• 5678"),
        ("485 777 3456", MaskForm.LAST4, "•••• 3456"),
        ("Al B", MaskForm.INITIALS, "•••"),  # "A. B." would be two of three letters
        ("J K", MaskForm.INITIALS, "•••"),
        ("Jo Bo", MaskForm.INITIALS, "J. B."),
        ("2013", MaskForm.YEAR_ONLY, "••••"),  # the year alone is the whole value
        ("2013-04-02", MaskForm.YEAR_ONLY, "2013-••-••"),
    ],
)
def test_short_values_show_less(value: str, form: MaskForm, shown: str) -> None:
    assert partial_form(value, form) == shown
