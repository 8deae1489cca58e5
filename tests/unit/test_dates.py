"""Dates as people in the UK type and read them (core/dates.py), and identifiers as
words (core/words.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from secure_records.core.dates import (
    DateRefused,
    ago,
    parse_optional,
    parse_typed,
    search_form,
    shown_date,
    typed_hint,
    typed_iso,
    uk_date,
    uk_stamps,
    uk_time,
)
from secure_records.core.fields import FieldKind
from secure_records.core.masking import partial_form
from secure_records.core.policy import MaskForm
from secure_records.core.words import in_words, shown_value

DOB = "Date of birth"
LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("04/02/2018", date(2018, 2, 4)),
        ("4/2/2018", date(2018, 2, 4)),
        (" 31/12/1999 ", date(1999, 12, 31)),
        ("2018-02-04", date(2018, 2, 4)),
        ("29/02/2024", date(2024, 2, 29)),
    ],
)
def test_a_date_typed_the_uk_way_or_as_iso_is_read_day_first(typed: str, meant: date) -> None:
    assert parse_typed(typed, DOB) == meant


@pytest.mark.parametrize(
    "typed",
    [
        "02/13/2018",  # US order: month 13
        "2018-W05-7",  # a week date
        "2018-035",  # an ordinal date
        "04/02/18",  # a two-digit year
        "04-02-2018",
        "04.02.2018",
        "4 Feb 2018",
        "20180204",
        "2018-2-4",
        "31/02/2018",
        "29/02/2023",
        "00/01/2018",
        "٠٤/٠٢/٢٠١٨",  # digits, but not the ones on the keyboard
        "04/02/2018 12:00",
        "yesterday",
        "0",
    ],
)
def test_anything_else_is_refused_in_one_sentence_naming_the_field(typed: str) -> None:
    with pytest.raises(DateRefused) as refused:
        parse_typed(typed, DOB)
    assert (
        str(refused.value) == "Date of birth: write the date as DD/MM/YYYY, for example 04/02/2018."
    )


def test_a_blank_optional_date_is_no_date_and_a_blank_typed_date_stays_blank() -> None:
    assert parse_optional("  ", "Since") is None
    assert typed_iso("", DOB) == ""
    assert typed_iso("4/2/2018", DOB) == "2018-02-04"
    with pytest.raises(DateRefused, match=r"^Since: "):
        parse_optional("2/30/2018", "Since")


def test_the_hint_says_the_form_before_the_first_try() -> None:
    assert typed_hint(DOB) == "Date of birth (DD/MM/YYYY)"


def test_a_search_typed_as_a_uk_date_looks_for_the_stored_form() -> None:
    assert search_form("04/02/2018") == "2018-02-04"
    assert search_form("4/2/2018") == "2018-02-04"
    # Anything else is searched as typed: a name, part of a date, an ISO date.
    for typed in ("Ann", "2018", "2018-02-04", "31/02/2018", "02/2018"):
        assert search_form(typed) == typed


def test_dates_are_shown_the_uk_way_whatever_the_locale() -> None:
    assert uk_date(date(2018, 2, 4)) == "04 Feb 2018"
    assert shown_date("2018-02-04") == "04 Feb 2018"
    assert shown_date("0999-12-31") == "31 Dec 0999"


def test_a_value_that_is_not_a_date_is_shown_as_it_is() -> None:
    for value in ("", "••••••••", "••••", "2018-02-31", "not a date", "2018-02-04x"):
        assert shown_date(value) == value


def test_a_year_only_date_is_shown_the_uk_way_and_still_holds_only_the_year() -> None:
    masked = partial_form("2018-02-04", MaskForm.YEAR_ONLY)
    assert shown_date(masked) == "•• ••• 2018"


@given(st.dates(min_value=date(1000, 1, 1)))
def test_every_date_shown_reads_back_as_itself(day: date) -> None:
    shown = shown_date(day.isoformat())
    assert shown == uk_date(day)
    assert parse_typed(day.strftime("%d/%m/%Y"), DOB) == day
    assert parse_typed(day.isoformat(), DOB) == day


@given(st.dates(min_value=date(1000, 1, 1)))
def test_a_masked_date_never_shows_more_than_its_mask_did(day: date) -> None:
    for form in MaskForm:
        masked = partial_form(day.isoformat(), form)
        shown = shown_date(masked)
        digits = [c for c in shown if c.isdigit()]
        assert sorted(digits) == sorted(c for c in masked if c.isdigit())
        assert f"{day:%b}" not in shown


def spellings(day: date) -> set[str]:
    """Every way a person may type `day`: ISO, and D/M/YYYY padded or not."""
    days, months = {f"{day.day}", f"{day.day:02d}"}, {f"{day.month}", f"{day.month:02d}"}
    return {day.isoformat()} | {f"{d}/{m}/{day.year:04d}" for d in days for m in months}


@given(st.text(max_size=30) | st.dates().map(lambda d: f"{d.month}/{d.day}/{d.year:04d}"))
def test_text_is_read_as_a_date_only_when_it_spells_that_date_day_first(text: str) -> None:
    try:
        found = parse_typed(text, DOB)
    except DateRefused:
        return
    assert text.strip() in spellings(found)


NOW = datetime(2026, 12, 4, 12, 47, 24, tzinfo=UTC)


@pytest.mark.parametrize(
    ("then", "said"),
    [
        (NOW - timedelta(seconds=20), "just now"),
        (NOW - timedelta(minutes=12), "12 min ago"),
        (NOW - timedelta(minutes=59, seconds=59), "59 min ago"),
        (NOW - timedelta(hours=3, minutes=5), "3 h ago"),
        (NOW - timedelta(days=1, hours=2), "1 day ago"),
        (NOW - timedelta(days=2), "2 days ago"),
        (NOW + timedelta(days=3, hours=1), "in 3 days"),
    ],
)
def test_how_long_ago_in_words(then: datetime, said: str) -> None:
    assert ago(then, NOW) == said


def test_a_stamp_is_shown_the_uk_way_with_how_long_ago() -> None:
    stamp = "2026-12-04T12:35:24+00:00"
    assert uk_time(stamp, UTC, NOW) == "04 Dec 2026 12:35 (12 min ago)"
    assert uk_time(stamp) == "04 Dec 2026 12:35"
    assert uk_time("2026-12-04", UTC, NOW) == "04 Dec 2026"
    assert uk_time("not a time", UTC, NOW) == "not a time"


def test_a_summer_stamp_is_shown_in_uk_local_time() -> None:
    # 14:35 UTC in July is 15:35 at the desk; near midnight, the date moves too.
    assert uk_time("2026-07-01T14:35:00+00:00", LONDON) == "01 Jul 2026 15:35"
    assert uk_time("2026-07-01T23:30:00+00:00", LONDON) == "02 Jul 2026 00:30"


def test_dates_inside_a_sentence_are_shown_the_uk_way() -> None:
    said = "entry 41, taken 2026-12-04T12:35 by dora; until=2027-01-04T12:00:00.123456+00:00"
    assert uk_stamps(said) == ("entry 41, taken 04 Dec 2026 12:35 by dora; until=04 Jan 2027 12:00")
    assert uk_stamps("since=2026-12-01 seq=120261201") == "since=01 Dec 2026 seq=120261201"


@given(st.datetimes(timezones=st.just(UTC), min_value=datetime(1000, 1, 1)))
def test_no_iso_stamp_survives_in_a_sentence(moment: datetime) -> None:
    shown = uk_stamps(f"at {moment.isoformat()} and {moment.date().isoformat()}.")
    assert "T" not in shown.replace("at ", "")
    assert moment.date().isoformat() not in shown


@pytest.mark.parametrize(
    ("identifier", "words"),
    [
        ("vulnerable_adult", "Vulnerable adult"),
        ("young_person", "Young person"),
        ("child", "Child"),
    ],
)
def test_categories_are_words(identifier: str, words: str) -> None:
    assert in_words(identifier) == words


def test_identifiers_only_are_turned_into_words() -> None:
    for value in ("NHS", "••••••••", "", "Already words", "x-y"):
        assert in_words(value) == value


def test_a_record_value_is_shown_by_its_kind_and_a_mask_stays_a_mask() -> None:
    assert shown_value(FieldKind.DATE, "2013-04-02") == "02 Apr 2013"
    assert shown_value(FieldKind.DATE, "2013-••-••") == "•• ••• 2013"
    assert shown_value(FieldKind.DATE, "••••••••") == "••••••••"
    assert shown_value(FieldKind.CHOICE, "young_person") == "Young person"
    assert shown_value(FieldKind.CHOICE, "••••••••") == "••••••••"
    assert shown_value(FieldKind.TEXT, "2013-04-02 young_person") == "2013-04-02 young_person"
