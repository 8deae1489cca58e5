"""When a subject access request is due (UK GDPR Art. 12(3)), and where it stands:
core/access_requests.py, pure."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from secure_records.core.access_requests import (
    DUE_SOON_DAYS,
    Standing,
    answered_words,
    due_date,
    months_later,
    standing,
    standing_words,
)
from secure_records.core.errors import BadInput


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2026, 9, 3), date(2026, 10, 3)),  # the ICO's own example
        (date(2026, 1, 31), date(2026, 2, 28)),  # no 31 Feb: the month's last day
        (date(2028, 1, 31), date(2028, 2, 29)),  # a leap year
        (date(2028, 1, 29), date(2028, 2, 29)),
        (date(2026, 1, 29), date(2026, 2, 28)),
        (date(2026, 3, 31), date(2026, 4, 30)),
        (date(2026, 8, 31), date(2026, 9, 30)),
        (date(2026, 12, 15), date(2027, 1, 15)),  # over the year's end
        (date(2026, 12, 31), date(2027, 1, 31)),
        (date(2026, 2, 28), date(2026, 3, 28)),  # not the last day of March
    ],
)
def test_an_answer_is_due_on_the_corresponding_day_of_the_next_month(
    received: date, due: date
) -> None:
    assert due_date(received) == due


@pytest.mark.parametrize(
    ("received", "months", "due"),
    [
        (date(2026, 1, 31), 1, date(2026, 3, 31)),  # not 28 Mar, from the shortened date
        (date(2026, 1, 31), 2, date(2026, 4, 30)),
        (date(2026, 11, 30), 2, date(2027, 2, 28)),
        (date(2027, 11, 30), 2, date(2028, 2, 29)),
        (date(2026, 10, 31), 2, date(2027, 1, 31)),
    ],
)
def test_an_extension_is_counted_from_receipt(received: date, months: int, due: date) -> None:
    assert due_date(received, months) == due


@pytest.mark.parametrize("months", [-1, 3, 12])
def test_the_time_is_extended_by_two_months_at_most(months: int) -> None:
    with pytest.raises(BadInput, match="at most 2 months"):
        due_date(date(2026, 1, 1), months)


@given(st.dates(date(1990, 1, 1), date(2100, 12, 31)), st.integers(0, 2))
def test_the_due_date_is_in_the_right_month_and_never_past_the_day(day: date, more: int) -> None:
    due = due_date(day, more)
    assert (due.year * 12 + due.month) - (day.year * 12 + day.month) == 1 + more
    assert due.day <= day.day
    # Short of the day only where the month has no such day.
    assert due.day == day.day or (due + timedelta(days=1)).day == 1


def test_months_later_crosses_years_both_ways() -> None:
    assert months_later(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert months_later(date(2026, 3, 31), -1) == date(2026, 2, 28)


def test_a_request_is_overdue_the_day_after_it_is_due_and_due_soon_before() -> None:
    due = date(2026, 2, 28)
    assert standing(due, False, date(2026, 3, 1)) is Standing.OVERDUE
    assert standing(due, False, due) is Standing.DUE_SOON
    assert standing(due, False, due - timedelta(days=DUE_SOON_DAYS)) is Standing.DUE_SOON
    assert standing(due, False, due - timedelta(days=DUE_SOON_DAYS + 1)) is Standing.OPEN
    assert standing(due, True, date(2027, 1, 1)) is Standing.ANSWERED


@pytest.mark.parametrize(
    ("today", "said"),
    [
        (date(2026, 3, 3), "OVERDUE by 3 days"),
        (date(2026, 3, 1), "OVERDUE by 1 day"),
        (date(2026, 2, 28), "due today"),
        (date(2026, 2, 27), "due in 1 day"),
        (date(2026, 2, 23), "due in 5 days"),
        (date(2026, 1, 31), "open"),
    ],
)
def test_where_a_request_stands_in_words(today: date, said: str) -> None:
    assert standing_words(date(2026, 2, 28), False, today) == said


def test_an_answer_says_whether_it_was_on_time_and_how_late() -> None:
    """A request answered 5 days late said only "answered" (reviewer's find)."""
    due = date(2026, 2, 28)
    assert answered_words(due, date(2026, 2, 28)) == "answered on time"
    assert answered_words(due, date(2026, 3, 1)) == "answered 1 day late"
    assert answered_words(due, date(2026, 3, 5)) == "answered 5 days late"
