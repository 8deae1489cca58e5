"""The access review: who opened and revealed what, the patterns flagged, and its CSV."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from secure_records.core.errors import PolicyError
from secure_records.core.log_actions import LogAction
from secure_records.core.log_filter import LogFilter
from secure_records.core.oversight import (
    CSV_HEADER,
    Access,
    Flag,
    ReviewSettings,
    _cell,
    csv_rows,
    narrowed,
    parse_oversight,
    review,
)
from secure_records.core.policy import parse_policy
from secure_records.vault.policy_files import read_policy_texts

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "src" / "secure_records" / "default_policies"

# The directory's "checked" dates must not be after this; never date.today().
TODAY = date(2026, 11, 30)
DAY = "2026-03-02"
NEXT_DAY = "2026-03-03"

# The roles whose scope is their caseload (roles.toml): only they can be off it.
CASELOAD_ROLES = frozenset({"caseworker"})
EVERYTHING_ON = ReviewSettings(
    reveals_per_day=20,
    outside_caseload=True,
    restricted=True,
    search_without_open=True,
    reasons=True,
)

# Values are raw TOML, written as they would appear after `key = `; None leaves the key out.
Table = dict[str, str | None]

REVIEW: Table = {
    "reveals_per_day": "20",
    "outside_caseload": "true",
    "restricted": "true",
    "search_without_open": "true",
}


def oversight_toml(
    changes: Table | None = None, *, top: str = "", extra: str = "", minutes: str | None = "60"
) -> str:
    merged = {**REVIEW, **(changes or {})}
    lines = [top, "[review]"]
    lines += [f"{key} = {value}" for key, value in merged.items() if value is not None]
    lines.append(extra)
    lines.append("[restricted]")
    if minutes is not None:
        lines.append(f"emergency_access_minutes = {minutes}")
    return "\n".join(lines) + "\n"


def problems_of(text: str) -> list[str]:
    with pytest.raises(PolicyError) as caught:
        parse_oversight(text)
    return caught.value.problems


def shipped_texts() -> dict[str, str]:
    return read_policy_texts(SHIPPED)


@dataclass(frozen=True)
class Entry:
    """Just enough of a LogEntry for the review."""

    time: str
    actor: str
    action: str
    record_id: str | None = None
    role: str = "caseworker"
    details: dict[str, Any] = field(default_factory=dict)
    personal: dict[str, Any] | str | None = None


def at(day: str, minute: int = 0) -> str:
    return f"{day}T{9 + minute // 60:02d}:{minute % 60:02d}:00+00:00"


def reveals(actor: str, day: str, count: int) -> list[Entry]:
    return [
        Entry(
            at(day, i),
            actor,
            "field_revealed",
            "R0001",
            details={"field": "health"},
            personal={"reason": "Checking before a visit"},
        )
        for i in range(count)
    ]


def nobody_assigned(record: str, staff: str) -> bool:
    return False


def everyone_assigned(record: str, staff: str) -> bool:
    """Each record on the caseload of whoever opens it: no caseload flag in the way."""
    return True


def caseload(pairs: Iterable[tuple[str, str]]) -> Any:
    known = set(pairs)
    return lambda record, staff: (record, staff) in known


def run(
    entries: list[Entry],
    settings: ReviewSettings = EVERYTHING_ON,
    assigned: Any = everyone_assigned,
) -> tuple[list[Access], list[Flag]]:
    return review(entries, settings, assigned, CASELOAD_ROLES)


def flags_of(entries: list[Entry], settings: ReviewSettings = EVERYTHING_ON) -> list[str]:
    return [f.what for f in run(entries, settings)[1]]


def only_access(entries: list[Entry], **kwargs: Any) -> Access:
    accesses, _ = run(entries, **kwargs)
    assert len(accesses) == 1
    return accesses[0]


def without(setting: str) -> ReviewSettings:
    changed: dict[str, Any] = {setting: False}
    return dataclasses.replace(EVERYTHING_ON, **changed)


def lead_opens(record: str, **details: Any) -> Entry:
    return Entry(at(DAY), "sam", "record_opened", record, role="safeguarding_lead", details=details)


# --- The shipped file and the policy ----------------------------------------------


def test_the_shipped_oversight_file_flags_over_twenty_reveals_and_every_pattern() -> None:
    policy = parse_policy(shipped_texts(), TODAY)
    assert policy.oversight == ReviewSettings(
        reveals_per_day=20,
        outside_caseload=True,
        restricted=True,
        search_without_open=True,
        reasons=True,
        log_personal_details=False,
        searches_flagged_from=3,
        privacy=policy.oversight.privacy,  # tests/unit/test_policy_duties.py
        policy_review=policy.oversight.policy_review,
    )


def test_a_policy_without_oversight_toml_is_refused() -> None:
    texts = shipped_texts()
    del texts["oversight.toml"]
    with pytest.raises(PolicyError) as caught:
        parse_policy(texts, TODAY)
    assert caught.value.problems == ["oversight.toml: is missing"]


def test_a_bad_oversight_file_is_reported_by_the_policy_as_its_own_line() -> None:
    texts = shipped_texts()
    texts["oversight.toml"] = oversight_toml({"reveals_per_day": "0"})
    with pytest.raises(PolicyError) as caught:
        parse_policy(texts, TODAY)
    assert caught.value.problems == [
        "oversight.toml: review.reveals_per_day: must be between 1 and 10000, not 0"
    ]


# --- Parsing oversight.toml ---------------------------------------------------------


def test_a_small_valid_file_gives_its_settings() -> None:
    text = oversight_toml({"reveals_per_day": "5", "restricted": "false"})
    assert parse_oversight(text) == ReviewSettings(
        reveals_per_day=5, outside_caseload=True, restricted=False, search_without_open=True
    )


@pytest.mark.parametrize("value", ["1", "10000"])
def test_reveals_per_day_at_either_end_of_its_range_is_accepted(value: str) -> None:
    assert parse_oversight(oversight_toml({"reveals_per_day": value})).reveals_per_day == int(value)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("0", "must be between 1 and 10000, not 0"),
        ("10001", "must be between 1 and 10000, not 10001"),
        ("-1", "must be between 1 and 10000, not -1"),
        ("true", "must be a whole number, not true/false"),
        ('"20"', "must be a whole number, not text"),
        ("20.0", "must be a whole number, not a decimal number"),
        (None, "is required (a whole number between 1 and 10000)"),
    ],
)
def test_reveals_per_day_outside_1_to_10000_or_not_a_number_is_refused(
    value: str | None, problem: str
) -> None:
    assert problems_of(oversight_toml({"reveals_per_day": value})) == [
        f"oversight.toml: review.reveals_per_day: {problem}"
    ]


@pytest.mark.parametrize("key", ["outside_caseload", "restricted", "search_without_open"])
@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ('"yes"', "must be true or false, not text"),
        ("1", "must be true or false, not a number"),
        ('"true"', "must be true or false, not text"),
        (None, "is required (true or false)"),
    ],
)
def test_a_flag_that_is_not_true_or_false_is_refused(
    key: str, value: str | None, problem: str
) -> None:
    assert problems_of(oversight_toml({key: value})) == [f"oversight.toml: review.{key}: {problem}"]


def test_an_unknown_key_in_review_is_refused_by_name() -> None:
    assert problems_of(oversight_toml({"reveals_per_week": "100"})) == [
        "oversight.toml: review.reveals_per_week: unknown key (expected one of: "
        "outside_caseload, reasons, restricted, reveals_per_day, search_without_open, "
        "searches_flagged_from)"
    ]


def test_an_unknown_top_level_key_is_refused_by_name() -> None:
    problems = problems_of(oversight_toml(top="colour = 'red'"))
    assert problems == [
        "oversight.toml: colour: unknown key (expected one of: log, policy_review, privacy, "
        "restricted, review, waiting)"
    ]


def test_every_problem_is_reported_at_once() -> None:
    text = oversight_toml({"reveals_per_day": "0", "restricted": '"no"', "typo": "1"})
    assert problems_of(text) == [
        "oversight.toml: review.typo: unknown key (expected one of: "
        "outside_caseload, reasons, restricted, reveals_per_day, search_without_open, "
        "searches_flagged_from)",
        "oversight.toml: review.reveals_per_day: must be between 1 and 10000, not 0",
        "oversight.toml: review.restricted: must be true or false, not text",
    ]


def test_reasons_and_the_logs_personal_details_are_withheld_unless_the_file_says() -> None:
    settings = parse_oversight(oversight_toml())
    assert (settings.reasons, settings.log_personal_details) == (False, False)
    text = oversight_toml({"reasons": "true"}, extra="[log]\npersonal_details = true")
    settings = parse_oversight(text)
    assert (settings.reasons, settings.log_personal_details) == (True, True)


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        (
            "[log]\npersonal_details = 1",
            "log.personal_details: must be true or false, not a number",
        ),
        ("[log]\npersonal = true", "log.personal: unknown key (expected one of: personal_details)"),
    ],
)
def test_a_bad_log_table_is_refused_by_name(extra: str, problem: str) -> None:
    assert problems_of(oversight_toml(extra=extra)) == [f"oversight.toml: {problem}"]
    assert problems_of(oversight_toml(top="log = true")) == [
        "oversight.toml: log: must be a table, not true/false"
    ]


def test_a_reason_that_is_not_true_or_false_is_refused() -> None:
    assert problems_of(oversight_toml({"reasons": '"yes"'})) == [
        "oversight.toml: review.reasons: must be true or false, not text"
    ]


def test_a_file_without_a_review_table_is_refused() -> None:
    assert problems_of("[restricted]\nemergency_access_minutes = 60\n") == [
        "oversight.toml: review: is required (a table)"
    ]
    assert problems_of("review = 20\n") == [
        "oversight.toml: review: must be a table, not a number",
    ]


@pytest.mark.parametrize("value", ["0", "10001", '"3"', "true"])
def test_searches_flagged_from_outside_1_to_10000_is_refused(value: str) -> None:
    [problem] = problems_of(oversight_toml({"searches_flagged_from": value}))
    assert problem.startswith("oversight.toml: review.searches_flagged_from: must be")


def test_a_file_from_before_searches_flagged_from_flags_from_three() -> None:
    # A vault's oversight.toml is sealed at init: one sealed before the key existed
    # still loads, and a single lookup is still not a pattern there.
    assert "searches_flagged_from" not in oversight_toml()
    assert parse_oversight(oversight_toml()).searches_flagged_from == 3
    assert (
        parse_oversight(oversight_toml({"searches_flagged_from": "7"})).searches_flagged_from == 7
    )


def test_the_shipped_file_lets_emergency_access_last_an_hour() -> None:
    assert parse_policy(shipped_texts(), TODAY).oversight.emergency_access_minutes == 60


def test_a_file_from_before_emergency_access_gets_an_hour() -> None:
    # A vault's sealed file from before [restricted] still loads: the shipped box.
    assert parse_oversight(oversight_toml(minutes=None)).emergency_access_minutes == 60


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("4", "must be between 5 and 240 minutes, not 4"),
        ("241", "must be between 5 and 240 minutes, not 241"),
        ("1440", "must be between 5 and 240 minutes, not 1440"),
        ('"60"', "must be a whole number of minutes, not text"),
    ],
)
def test_emergency_access_is_time_boxed_by_the_policy_to_minutes_not_days(
    value: str | None, problem: str
) -> None:
    # Break glass is for an emergency: never a working day, never left unbounded.
    assert problems_of(oversight_toml(minutes=value)) == [
        f"oversight.toml: restricted.emergency_access_minutes: {problem}"
    ]
    assert parse_oversight(oversight_toml(minutes="90")).emergency_access_minutes == 90


def test_invalid_toml_is_refused_in_one_line() -> None:
    problems = problems_of("[review\nreveals_per_day = 20\n")
    assert len(problems) == 1
    assert problems[0].startswith("oversight.toml: not valid TOML (")


def test_the_file_name_given_is_the_one_named_in_problems() -> None:
    with pytest.raises(PolicyError) as caught:
        parse_oversight(oversight_toml({"restricted": "3"}), "/etc/org/oversight.toml")
    assert caught.value.problems == [
        "/etc/org/oversight.toml: review.restricted: must be true or false, not a number"
    ]


# --- Reveals per day ----------------------------------------------------------------


def test_21_reveals_by_one_person_in_one_day_are_flagged() -> None:
    _, flags = run(reveals("alex", DAY, 21))
    assert flags == [Flag("alex", DAY, "21 reveals in one day (over 20)")]


def test_20_reveals_in_one_day_are_not_flagged() -> None:
    assert flags_of(reveals("alex", DAY, 20)) == []


def test_reveals_split_over_two_days_are_counted_per_day() -> None:
    assert flags_of(reveals("alex", DAY, 11) + reveals("alex", NEXT_DAY, 10)) == []


def test_reveals_by_two_people_are_counted_per_person() -> None:
    assert flags_of(reveals("alex", DAY, 15) + reveals("bea", DAY, 15)) == []


def test_the_reveal_limit_comes_from_the_settings() -> None:
    settings = dataclasses.replace(EVERYTHING_ON, reveals_per_day=2)
    assert flags_of(reveals("alex", DAY, 3), settings) == ["3 reveals in one day (over 2)"]


def test_every_reveal_is_listed_as_an_access() -> None:
    accesses, _ = run(reveals("alex", DAY, 21))
    assert len(accesses) == 21
    assert {a.action for a in accesses} == {"field_revealed"}
    assert {a.field for a in accesses} == {"health"}


# --- Outside the caseload -----------------------------------------------------------


def caseworker_opens(record: str) -> Entry:
    return Entry(at(DAY), "alex", "record_opened", record, role="caseworker")


def test_a_lead_whose_scope_is_all_is_never_outside_their_caseload() -> None:
    # Issue 18: a safeguarding lead opening any record is their work, not a flag.
    assert only_access([lead_opens("R0001")], assigned=nobody_assigned).flags == ()
    access = only_access([lead_opens("R0001")], assigned=caseload([("R0001", "alex")]))
    assert access.flags == ()


def test_a_caseworker_opening_a_record_off_their_caseload_is_flagged() -> None:
    # Only a grant to a restricted record lets a caseworker in off their caseload.
    access = only_access([caseworker_opens("R0001")], assigned=caseload([("R0001", "bo")]))
    assert access.flags == ("outside their caseload",)


def test_a_caseworker_opening_a_record_on_their_caseload_is_not_flagged() -> None:
    access = only_access([caseworker_opens("R0001")], assigned=caseload([("R0001", "alex")]))
    assert access.flags == ()


def test_outside_caseload_turned_off_flags_nothing() -> None:
    access = only_access(
        [caseworker_opens("R0001")], settings=without("outside_caseload"), assigned=nobody_assigned
    )
    assert access.flags == ()


# --- Restricted records and refusals ------------------------------------------------


def test_opening_a_restricted_record_is_flagged() -> None:
    entry = Entry(at(DAY), "alex", "record_opened", "R0001", details={"restricted": True})
    assert only_access([entry]).flags == ("restricted record",)


def test_a_lead_opening_a_restricted_record_is_flagged_for_the_restriction_only() -> None:
    access = only_access([lead_opens("R0001", restricted=True)])
    assert access.flags == ("restricted record",)


def test_a_refused_attempt_at_a_restricted_record_is_flagged() -> None:
    entry = Entry(at(DAY), "alex", "restricted_record_refused", "R0001")
    access = only_access([entry])
    assert access.flags == ("restricted record (refused)",)
    assert access.action == "restricted_record_refused"


def test_restricted_turned_off_flags_neither_an_open_nor_a_refusal() -> None:
    entries = [
        Entry(at(DAY), "alex", "record_opened", "R0001", details={"restricted": True}),
        Entry(at(DAY, 1), "alex", "restricted_record_refused", "R0002"),
    ]
    accesses, _ = run(entries, settings=without("restricted"))
    assert [a.flags for a in accesses] == [(), ()]


def test_a_refused_open_of_someone_elses_record_is_flagged() -> None:
    entry = Entry(at(DAY), "alex", "record_refused", "R0001")
    assert only_access([entry]).flags == ("refused: not theirs to open",)


def test_an_ordinary_open_has_no_flags() -> None:
    entry = Entry(at(DAY), "alex", "record_opened", "R0001", details={"restricted": False})
    assert only_access([entry]).flags == ()


def test_entries_that_are_not_looks_at_a_record_are_not_accesses() -> None:
    entries = [
        Entry(at(DAY), "alex", "session_started"),
        Entry(at(DAY, 1), "alex", "add_note", "R0001"),
        Entry(at(DAY, 2), "alex", "record_opened", None),
        Entry(at(DAY, 3), "alex", "session_ended"),
    ]
    assert run(entries) == ([], [])


# --- Searching without opening ------------------------------------------------------


def session(actor: str, middle: list[tuple[str, str | None]]) -> list[Entry]:
    actions = [("session_started", None), *middle, ("session_ended", None)]
    return [Entry(at(DAY, i), actor, action, record) for i, (action, record) in enumerate(actions)]


def test_a_session_that_searched_and_opened_nothing_is_flagged() -> None:
    entries = session("bea", [("searched", None), ("index_lookup", None), ("searched", None)])
    _, flags = run(entries)
    assert flags == [Flag("bea", DAY, "searched 3 times, opened nothing")]


def test_a_session_that_searched_and_opened_a_record_is_not_flagged() -> None:
    entries = session("bea", [("searched", None), ("record_opened", "R0001")])
    assert flags_of(entries) == []


def test_a_session_without_searches_is_not_flagged() -> None:
    assert flags_of(session("bea", [])) == []


THREE_SEARCHES: list[tuple[str, str | None]] = [("searched", None)] * 3


def test_an_open_in_an_earlier_session_does_not_excuse_a_later_one() -> None:
    earlier = session("bea", [*THREE_SEARCHES, ("record_opened", "R0001")])
    later = session("bea", THREE_SEARCHES)
    assert flags_of(earlier + later) == ["searched 3 times, opened nothing"]


def test_one_persons_open_does_not_excuse_anothers_searching() -> None:
    bea = session("bea", THREE_SEARCHES)
    alex_opens = Entry(at(DAY, 1), "alex", "record_opened", "R0001")
    entries = [bea[0], alex_opens, *bea[1:]]
    assert flags_of(entries) == ["searched 3 times, opened nothing"]


@pytest.mark.parametrize("action", ["index_lookup", "searched"])
def test_one_lookup_or_two_searches_in_a_session_are_not_a_pattern(action: str) -> None:
    # Issue 18: reception's single lookup read "PATTERN ... searched 1 time".
    assert flags_of(session("reception", [(action, None)])) == []
    assert flags_of(session("reception", [(action, None)] * 2)) == []


def test_how_many_searches_are_a_pattern_comes_from_the_settings() -> None:
    once = dataclasses.replace(EVERYTHING_ON, searches_flagged_from=1)
    assert flags_of(session("bea", [("searched", None)]), once) == [
        "searched 1 time, opened nothing"
    ]
    five = dataclasses.replace(EVERYTHING_ON, searches_flagged_from=5)
    assert flags_of(session("bea", [("searched", None)] * 4), five) == []


def test_search_without_open_turned_off_flags_nothing() -> None:
    entries = session("bea", THREE_SEARCHES)
    assert flags_of(entries, without("search_without_open")) == []


# --- Reasons ------------------------------------------------------------------------


def test_a_reveals_reason_comes_from_its_personal_details() -> None:
    entry = Entry(
        at(DAY),
        "alex",
        "field_revealed",
        "R0001",
        details={"field": "health"},
        personal={"reason": "Planning a home visit"},
    )
    access = only_access([entry])
    assert access.reason == "Planning a home visit"
    assert access.field == "health"


def test_a_reveals_reason_is_withheld_unless_the_file_shows_reasons() -> None:
    entry = reveals("alex", DAY, 1)
    assert only_access(entry, settings=without("reasons")).reason == "[withheld]"
    assert only_access(entry).reason == "Checking before a visit"
    gone = dataclasses.replace(entry[0], personal="[disposed]")
    assert only_access([gone], settings=without("reasons")).reason == "[disposed]"


def test_a_disposed_records_reason_reads_disposed() -> None:
    entry = Entry(
        at(DAY),
        "alex",
        "field_revealed",
        "R0001",
        details={"field": "health"},
        personal="[disposed]",
    )
    assert only_access([entry]).reason == "[disposed]"


def test_an_access_with_no_personal_details_has_an_empty_reason() -> None:
    entry = Entry(at(DAY), "alex", "record_opened", "R0001", personal=None)
    access = only_access([entry])
    assert access.reason == ""
    assert access.field == ""


def test_an_access_keeps_who_when_and_what() -> None:
    entry = Entry(at(DAY, 5), "alex", "record_opened", "R0042", role="caseworker")
    access = only_access([entry])
    assert (access.time, access.staff, access.role, access.action, access.record_id) == (
        at(DAY, 5),
        "alex",
        "caseworker",
        "record_opened",
        "R0042",
    )


# --- The CSV ------------------------------------------------------------------------


def test_csv_starts_with_the_header_then_accesses_then_pattern_flags() -> None:
    opened = Access(
        at(DAY), "sam", "safeguarding_lead", "record_opened", "R0001", "", "", ("a", "b")
    )
    revealed = Access(
        at(DAY, 1), "alex", "caseworker", "field_revealed", "R0002", "health", "Visit", ()
    )
    flag = Flag("bea", DAY, "searched 2 times, opened nothing")
    rows = csv_rows([opened, revealed], [flag])
    assert rows == [
        CSV_HEADER,
        (at(DAY), "sam", "safeguarding_lead", "record_opened", "R0001", "", "", "a; b"),
        (at(DAY, 1), "alex", "caseworker", "field_revealed", "R0002", "health", "Visit", ""),
        (DAY, "bea", "", "pattern", "", "", "", "searched 2 times, opened nothing"),
    ]


def test_csv_of_nothing_is_only_the_header() -> None:
    assert csv_rows([], []) == [CSV_HEADER]


def test_csv_of_a_review_has_a_row_per_access_and_per_pattern_flag() -> None:
    accesses, flags = run(reveals("alex", DAY, 21) + session("bea", THREE_SEARCHES))
    rows = csv_rows(accesses, flags)
    assert len(rows) == 1 + 21 + 2
    assert [row[3] for row in rows[-2:]] == ["pattern", "pattern"]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t"])
def test_a_reason_that_starts_like_a_formula_is_made_text(start: str) -> None:
    value = f"{start}HYPERLINK(1)"
    access = Access(at(DAY), "alex", "caseworker", "field_revealed", "R0001", "x", value, ())
    assert csv_rows([access], [])[1][6] == "'" + value
    assert _cell(value) == "'" + value


@pytest.mark.parametrize(
    "value", ["Planning a home visit", "", "1+1", "a=b", "'quoted", " =spaced", "[disposed]"]
)
def test_ordinary_text_is_left_as_it_is(value: str) -> None:
    assert _cell(value) == value


def test_a_formula_is_quoted_once_only() -> None:
    assert _cell("==1") == "'==1"


def test_every_column_is_protected_not_only_the_reason() -> None:
    access = Access("=t", "=s", "=r", "=a", "=i", "=f", "=why", ("=flag",))
    flag = Flag("-staff", "@day", "+what")
    rows = csv_rows([access], [flag])
    assert rows[1] == ("'=t", "'=s", "'=r", "'=a", "'=i", "'=f", "'=why", "'=flag")
    assert rows[2] == ("'@day", "'-staff", "", "pattern", "", "", "", "'+what")


# Every optional flag off: what is flagged anyway.
QUIET = ReviewSettings(
    reveals_per_day=20, outside_caseload=False, restricted=False, search_without_open=False
)


def test_a_row_refused_for_its_seal_is_always_flagged_for_the_review() -> None:
    entries = [
        Entry(at(DAY), "alice", "seal_broken", details={"table": "staff", "row": "alice"}),
    ]
    _, flags = review(entries, QUIET, lambda record, staff: True, CASELOAD_ROLES)

    assert flags == [
        Flag("alice", DAY, "refused: the vault's staff row alice did not match its seal")
    ]


def test_reading_the_logs_personal_details_at_the_host_is_always_flagged() -> None:
    entries = [Entry(at(DAY), "root", "log_read_with_personal_details", role="host")]
    _, flags = review(entries, QUIET, lambda record, staff: True, CASELOAD_ROLES)

    assert flags == [Flag("root", DAY, "read the log with its personal details, at the host")]


def test_a_lockout_is_always_flagged_for_the_review() -> None:
    entries = [Entry(at(DAY), "alice", "pin_locked_out", details={"failures": 3})]
    _, flags = review(entries, QUIET, lambda record, staff: True, CASELOAD_ROLES)

    assert flags == [Flag("alice", DAY, "locked out after too many wrong PINs")]


# --- The auditor's filters narrow the review too ---------------------------------------


def filtered(entries: list[Entry], wanted: LogFilter) -> tuple[list[Access], list[Flag]]:
    return narrowed(*run(entries), wanted)


MIXED = [
    *reveals("alex", DAY, 21),
    Entry(at(NEXT_DAY), "bea", "record_opened", "R0002"),
    Entry(at(NEXT_DAY, 1), "sam", "emergency_access", "R0003", role="safeguarding_lead"),
]


def test_the_staff_filter_keeps_only_that_persons_accesses_and_flags() -> None:
    accesses, flags = filtered(MIXED, LogFilter(actor="bea"))
    assert [(a.staff, a.record_id) for a in accesses] == [("bea", "R0002")]
    assert flags == []
    accesses, flags = filtered(MIXED, LogFilter(actor="alex"))
    assert {a.staff for a in accesses} == {"alex"} and len(accesses) == 21
    assert [f.what for f in flags] == ["21 reveals in one day (over 20)"]


def test_the_record_filter_keeps_that_records_accesses_and_flags_about_it() -> None:
    accesses, flags = filtered(MIXED, LogFilter(record_id="R0003"))
    assert [a.record_id for a in accesses] == ["R0003"]
    assert [f.what[:22] for f in flags] == ["emergency access to R0"]


def test_the_action_filter_keeps_that_actions_accesses_and_flags() -> None:
    accesses, flags = filtered(MIXED, LogFilter(action=LogAction.RECORD_OPENED))
    assert [a.staff for a in accesses] == ["bea"] and flags == []
    _, flags = filtered(MIXED, LogFilter(action=LogAction.FIELD_REVEALED))
    assert [f.staff for f in flags] == ["alex"]


def test_the_since_filter_keeps_that_day_and_after() -> None:
    accesses, flags = filtered(MIXED, LogFilter(since=date(2026, 3, 3)))
    assert [a.staff for a in accesses] == ["bea", "sam"]
    assert [f.staff for f in flags] == ["sam"]


def test_no_filter_keeps_the_whole_review() -> None:
    assert filtered(MIXED, LogFilter()) == run(MIXED)
