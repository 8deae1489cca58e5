"""A correction's sealed payload and the value a typed correction is held as (issue 19)."""

from __future__ import annotations

from datetime import date

import pytest

from secure_records.core.amendments import Amendment, amendment_words, held_value
from secure_records.core.errors import BadInput, PayloadError
from secure_records.core.fields import FieldKind, FieldSpec

TODAY = date(2026, 12, 4)
CLOSED = FieldSpec("case_closed", "Case closed", FieldKind.DATE, False, False)
CATEGORY = FieldSpec(
    "category", "Category", FieldKind.CHOICE, False, False, ("child", "vulnerable_adult")
)


def test_a_correction_reads_back_as_it_was_written() -> None:
    amendment = Amendment(
        "case_closed", "", "2019-03-31", "alice", "2026-12-04T10:00:00+00:00", "why"
    )
    assert Amendment.from_json(amendment.to_json(), "amendment 0") == amendment
    assert amendment_words(amendment, "Case closed", FieldKind.DATE) == (
        "Case closed: was (none), now 31 Mar 2019"
    )


def test_a_correction_of_a_later_format_is_refused_not_guessed() -> None:
    with pytest.raises(PayloadError, match="format version 2"):
        Amendment.from_json(b'{"v": 2, "field": "name"}', "amendment 0")


@pytest.mark.parametrize(
    ("spec", "typed", "held"),
    [
        (CLOSED, "31/03/2019", "2019-03-31"),
        (CLOSED, "2019-03-31", "2019-03-31"),
        (CLOSED, "  ", ""),  # a case reopened
        (CATEGORY, "Vulnerable adult", "vulnerable_adult"),
        (CATEGORY, "child", "child"),
    ],
)
def test_what_is_typed_is_held_as_the_record_holds_it(
    spec: FieldSpec, typed: str, held: str
) -> None:
    assert held_value(spec, typed, TODAY, 100) == held


def test_a_value_longer_than_the_limit_is_refused() -> None:
    name = FieldSpec("name", "Name", FieldKind.TEXT, True, False)
    with pytest.raises(BadInput, match=r"^Name can be at most 5 characters\.$"):
        held_value(name, "x" * 6, TODAY, 5)
