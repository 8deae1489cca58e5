"""Times on screen: UK local time, and how long ago where recency matters.

The stores keep UTC; a person at the desk in July reads 15:35, not 14:35. The zone
is looked up once; a host without the time zone database shows UTC rather than
failing.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from secure_records.core.dates import uk_stamps, uk_time


@cache
def uk_zone() -> tzinfo:
    try:
        return ZoneInfo("Europe/London")
    except ZoneInfoNotFoundError:
        return UTC


def when(stamp: str) -> str:
    """'04 Dec 2026 12:35 (12 min ago)': for queues, where how old a thing is matters."""
    return uk_time(stamp, uk_zone(), datetime.now(UTC))


def at(stamp: str) -> str:
    """'04 Dec 2026 12:35': for a time read for itself (a log entry)."""
    return uk_time(stamp, uk_zone())


def stamps_in(text: str) -> str:
    """A sentence Session wrote, with its ISO dates and stamps the UK way."""
    return uk_stamps(text, uk_zone())
