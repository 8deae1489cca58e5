"""Dates as people in the UK type and read them.

Typed: DD/MM/YYYY (or D/M/YYYY) and YYYY-MM-DD, nothing else. 02/04/2018 is the
2nd of April, never February the 4th: a date read the wrong way round finds the
wrong child, so a form refuses what it cannot read one way only, in one sentence
that names the field and the form it wants, rather than guessing.

Shown: "04 Feb 2018", with the months in English whatever the host's locale. A
stamp (the log's and the stores' UTC ISO times) is shown in the zone given, with
how long ago it was where recency matters: "04 Dec 2026 12:35 (12 min ago)".

Pure: the zone and the time now are the caller's, so nothing here reads a clock or
a file.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, tzinfo

from secure_records.core.errors import BadInput
from secure_records.core.masking import MASK

TYPED_FORM = "DD/MM/YYYY"
EXAMPLE = "04/02/2018"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# ASCII digits only: "٠٤/٠٢/٢٠١٨" is not something a form should half-understand.
_UK = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
# The year_only partial form (core.masking): the year and nothing else.
_YEAR_ONLY = re.compile(rf"([0-9]{{4}})-{MASK}{MASK}-{MASK}{MASK}")
# A date or a stamp inside a sentence someone else wrote (a log detail, a checkpoint).
_STAMP = re.compile(
    r"(?<![0-9])[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?"
    r"(?![0-9])"
)

_MINUTE = 60
_HOUR = 60 * _MINUTE
_DAY = 24 * _HOUR


class DateRefused(BadInput):
    """A typed date that cannot be read one way only."""


def typed_hint(label: str) -> str:
    """A form's label with the form it takes: 'Date of birth (DD/MM/YYYY)'."""
    return f"{label} ({TYPED_FORM})"


def refusal(field: str, example: str = EXAMPLE) -> str:
    return f"{field}: write the date as {TYPED_FORM}, for example {example}."


def _day(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def read_typed(text: str) -> date | None:
    """The date `text` means, or None when it is not DD/MM/YYYY or YYYY-MM-DD."""
    text = text.strip()
    if found := _UK.fullmatch(text):
        day, month, year = found.groups()
        return _day(year, month, day)
    if found := _ISO.fullmatch(text):
        return _day(*found.groups())
    return None


def parse_typed(text: str, field: str, example: str = EXAMPLE) -> date:
    """The date typed into `field`; DateRefused, naming the field (and an example
    date, as typed), if it is not one."""
    found = read_typed(text)
    if found is None:
        raise DateRefused(refusal(field, example))
    return found


def parse_optional(text: str, field: str) -> date | None:
    """As `parse_typed`, but a blank field is no date rather than a mistake."""
    return parse_typed(text, field) if text.strip() else None


def typed_iso(text: str, field: str) -> str:
    """What was typed, as the YYYY-MM-DD that Session and the stores hold; blank stays
    blank, so Session says what is missing in its own words."""
    found = parse_optional(text, field)
    return "" if found is None else found.isoformat()


def search_form(text: str) -> str:
    """A search typed as a whole UK date, in the stored form; any other search as typed."""
    found = read_typed(text) if _UK.fullmatch(text.strip()) else None
    return text if found is None else found.isoformat()


def uk_date(day: date) -> str:
    return f"{day.day:02d} {MONTHS[day.month - 1]} {day.year:04d}"


def shown_date(value: str) -> str:
    """A stored value as a person reads it: "2018-02-04" as "04 Feb 2018", the
    year_only partial form "2018-••-••" as "•• ••• 2018" (still the year alone);
    anything else (another mask, a blank, a value that is not a date) unchanged."""
    if (found := _ISO.fullmatch(value)) and (day := _day(*found.groups())) is not None:
        return uk_date(day)
    if found := _YEAR_ONLY.fullmatch(value):
        return f"{MASK * 2} {MASK * 3} {found.group(1)}"
    return value


def _moment(stamp: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(stamp.strip())
    except ValueError:
        return None
    # The stores write UTC; a stamp without a zone is theirs too.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def how_long(then: datetime, now: datetime) -> str:
    """'12 min', '3 h', '2 days': how long something has waited."""
    return _span(max((now - then).total_seconds(), 0.0))


def moment(stamp: str) -> datetime | None:
    """An ISO stamp the stores wrote, as a moment; None if it is not one."""
    return _moment(stamp)


def _span(seconds: float) -> str:
    if seconds < _HOUR:
        return f"{int(seconds // _MINUTE)} min"
    if seconds < _DAY:
        return f"{int(seconds // _HOUR)} h"
    days = int(seconds // _DAY)
    return "1 day" if days == 1 else f"{days} days"


def ago(then: datetime, now: datetime) -> str:
    """'12 min ago', '3 h ago', '2 days ago'; 'just now' under a minute either way
    (clocks on two hosts differ a little); 'in 3 days' for what is still to come."""
    seconds = (now - then).total_seconds()
    if abs(seconds) < _MINUTE:
        return "just now"
    return f"{_span(seconds)} ago" if seconds > 0 else f"in {_span(-seconds)}"


def uk_time(stamp: str, zone: tzinfo = UTC, now: datetime | None = None) -> str:
    """An ISO stamp as "04 Dec 2026 12:35" in `zone`, with "(12 min ago)" when `now` is
    given; a date alone as "04 Dec 2026"; anything else unchanged."""
    if _ISO.fullmatch(stamp.strip()):
        return shown_date(stamp.strip())
    moment = _moment(stamp)
    if moment is None:
        return stamp
    local = moment.astimezone(zone)
    shown = f"{uk_date(local.date())} {local:%H:%M}"
    return shown if now is None else f"{shown} ({ago(moment, now)})"


def uk_stamps(text: str, zone: tzinfo = UTC) -> str:
    """Every ISO date and stamp inside a sentence, shown the UK way."""
    return _STAMP.sub(lambda found: uk_time(found.group(0), zone), text)
