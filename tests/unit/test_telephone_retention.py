"""retention.toml's [telephone] table (issue 20): days for closed, unverified and
unmatched telephone requests, with defaults for a file sealed before it existed."""

from __future__ import annotations

from datetime import date

from secure_records.core.telephone import Status
from secure_records.core.telephone_retention import Expired, TelephoneRetention
from tests.unit.test_retention import parse, problems_of, retention_toml

TAKEN = "2026-01-01T09:00:00+00:00"


def test_a_file_without_the_table_keeps_the_defaults() -> None:
    assert parse(retention_toml()).telephone == TelephoneRetention(365, 90, 90)


def test_the_table_sets_each_kinds_days_and_refuses_what_it_does_not_know() -> None:
    days = "[telephone]\nclosed_after_days = 30\nunmatched_after_days = 7\n"
    assert parse(retention_toml(extra=days)).telephone == TelephoneRetention(30, 90, 7)
    wrong = "[telephone]\nclosed_after_day = 30\nunverified_after_days = 0\n"
    problems = problems_of(retention_toml(extra=wrong))
    assert any("telephone.closed_after_day" in p for p in problems)
    assert any("telephone.unverified_after_days" in p for p in problems)


def test_which_requests_are_past_their_days() -> None:
    rules = TelephoneRetention(365, 90, 30)
    day = date(2026, 1, 1)

    def expired(status: Status, matched: bool, days: int) -> Expired | None:
        return rules.expired(status, matched, TAKEN, date.fromordinal(day.toordinal() + days))

    assert expired(Status.CLOSED, True, 365) is None
    assert expired(Status.CLOSED, True, 366) is Expired.CLOSED
    assert expired(Status.DECIDED, True, 366) is Expired.CLOSED
    assert expired(Status.NOT_VERIFIED, True, 91) is Expired.UNVERIFIED
    assert expired(Status.AWAITING_CALLBACK, False, 31) is Expired.UNMATCHED
    # A request still waiting, about a record, is never past its days.
    assert expired(Status.AWAITING_CALLBACK, True, 5000) is None
    assert expired(Status.VERIFIED, True, 5000) is None
