"""Subject access requests on time (UK GDPR Art. 12(3)): when an answer is due, and
where a request stands. Pure: today is the caller's.

One calendar month from the day the request was received: the corresponding day of
the next month, or that month's last day when it has none (31 Jan -> 28 Feb, or 29
in a leap year). The law lets the time be extended by up to two further months, with
a reason; the extended date is counted from receipt too (31 Jan + 3 months -> 30 Apr),
as chaining from a shortened date (28 Feb -> 28 Apr) would lose days the law gives.
A due date on a weekend or bank holiday is not moved: answering earlier is never late.
"""

from __future__ import annotations

import calendar
from datetime import date
from enum import StrEnum

from secure_records.core.errors import BadInput

MAX_EXTENSION_MONTHS = 2
# A lead is told of a request this many days before it falls due, not only after.
DUE_SOON_DAYS = 7


class AccessRequestStatus(StrEnum):
    """Stored with the request: answered once its report is made."""

    OPEN = "open"
    ANSWERED = "answered"


class Standing(StrEnum):
    """Where a request stands today, as a lead is told."""

    OPEN = "open"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    ANSWERED = "answered"


def months_later(day: date, months: int) -> date:
    """The corresponding day `months` later, or that month's last day if it has none."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_date(received: date, extension_months: int = 0) -> date:
    """When the answer is due: one calendar month after `received`, and as many more
    as the extension (0 to 2), each counted from `received`."""
    if not 0 <= extension_months <= MAX_EXTENSION_MONTHS:
        raise BadInput(f"The time can be extended by at most {MAX_EXTENSION_MONTHS} months.")
    return months_later(received, 1 + extension_months)


def standing(due: date, answered: bool, today: date) -> Standing:
    if answered:
        return Standing.ANSWERED
    if today > due:
        return Standing.OVERDUE
    if (due - today).days <= DUE_SOON_DAYS:
        return Standing.DUE_SOON
    return Standing.OPEN


def answered_words(due: date, answered_on: date) -> str:
    """'answered on time' or 'answered 5 days late': an answer's lateness stays said."""
    late = (answered_on - due).days
    if late <= 0:
        return "answered on time"
    return f"answered {late} {'day' if late == 1 else 'days'} late"


def standing_words(due: date, answered: bool, today: date) -> str:
    """'OVERDUE by 3 days', 'due today', 'due in 5 days', 'open', 'answered'."""
    found = standing(due, answered, today)
    days = abs((due - today).days)
    plural = "day" if days == 1 else "days"
    if found is Standing.OVERDUE:
        return f"OVERDUE by {days} {plural}"
    if found is Standing.DUE_SOON:
        return "due today" if days == 0 else f"due in {days} {plural}"
    return found.value
