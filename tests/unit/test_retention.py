"""Retention: how long records are kept, when they fall due, and the disposal certificate."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from pathlib import Path

import pytest

from secure_records.core.errors import PolicyError
from secure_records.core.policy import parse_policy
from secure_records.core.retention import (
    Action,
    Certificate,
    RetentionPolicy,
    RetentionRule,
    RoundUp,
    add_months,
    add_years,
    next_review_refused,
    parse_retention,
    round_up,
    rule_words,
)
from secure_records.vault.policy_files import read_policy_texts

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "src" / "secure_records" / "default_policies"
POLICIES = ROOT / "policies"

# The directory's "checked" dates must not be after this; never date.today().
TODAY = date(2026, 11, 30)

DATE_FIELDS = frozenset({"date_of_birth", "case_closed"})
CATEGORIES = frozenset({"child", "young_person", "vulnerable_adult"})

# Values are raw TOML, written as they would appear after `key = `; None leaves the key out.
Table = dict[str, str | None]

CHILDREN: Table = {
    "categories": '["child", "young_person"]',
    "from": '"date_of_birth"',
    "years": "25",
    "action": '"review"',
    "basis": '"Reviewed at the 25th birthday."',
}
ADULTS: Table = {
    "categories": '["vulnerable_adult"]',
    "from": '"case_closed"',
    "years": "6",
    "action": '"dispose"',
    "basis": '"Six years after the case closed."',
}


def table(header: str, base: Table, changes: Table | None = None) -> str:
    merged = {**base, **(changes or {})}
    lines = [f"[{header}]"]
    lines += [f"{key} = {value}" for key, value in merged.items() if value is not None]
    return "\n".join(lines) + "\n"


def retention_toml(
    *,
    round_up_to: str | None = '"quarter"',
    children: Table | None = None,
    adults: Table | None = None,
    top: str = "",
    extra: str = "",
) -> str:
    """A small valid retention policy, with changes merged into one rule or the other.

    `top` goes before the first table (top-level keys); `extra` after the last.
    """
    settings = "" if round_up_to is None else f"[retention]\nround_up_to = {round_up_to}\n"
    return "\n".join(
        [
            top,
            settings,
            table("rules.children", CHILDREN, children),
            table("rules.adults", ADULTS, adults),
            extra,
        ]
    )


def parse(text: str) -> RetentionPolicy:
    return parse_retention(text, DATE_FIELDS, CATEGORIES)


def problems_of(text: str) -> list[str]:
    with pytest.raises(PolicyError) as caught:
        parse(text)
    return caught.value.problems


def policy_with(round_up_to: RoundUp) -> RetentionPolicy:
    return dataclasses.replace(parse(retention_toml()), round_up_to=round_up_to)


def children_rule(policy: RetentionPolicy) -> RetentionRule:
    rule = policy.rule_for("child")
    assert rule is not None
    return rule


def shipped_texts() -> dict[str, str]:
    return read_policy_texts(SHIPPED)


def parse_policy_problems(texts: dict[str, str]) -> list[str]:
    with pytest.raises(PolicyError) as caught:
        parse_policy(texts, TODAY)
    return caught.value.problems


# --- The shipped retention policy ---------------------------------------------------


def test_the_shipped_policy_loads_with_two_retention_rules() -> None:
    policy = parse_policy(shipped_texts(), TODAY)
    assert set(policy.retention.rules) == {"children", "adults"}
    assert policy.retention.round_up_to is RoundUp.QUARTER
    assert "retention: 2 rules" in policy.summary()


def test_the_shipped_rules_cover_every_category_of_records_toml_once() -> None:
    policy = parse_policy(shipped_texts(), TODAY)
    covered = [c for rule in policy.retention.rules.values() for c in rule.categories]
    assert sorted(covered) == sorted(policy.field("category").choices)
    assert set(covered) == {"child", "young_person", "vulnerable_adult"}


def test_children_and_young_people_are_reviewed_at_25_from_their_date_of_birth() -> None:
    retention = parse_policy(shipped_texts(), TODAY).retention
    for category in ("child", "young_person"):
        rule = retention.rule_for(category)
        assert rule is not None, category
        assert rule.name == "children"
        assert rule.starts == "date_of_birth"
        assert rule.years == 25
        assert rule.action is Action.REVIEW


def test_vulnerable_adults_are_disposed_of_six_years_after_the_case_closed() -> None:
    rule = parse_policy(shipped_texts(), TODAY).retention.rule_for("vulnerable_adult")
    assert rule is not None
    assert rule.name == "adults"
    assert rule.starts == "case_closed"
    assert rule.years == 6
    assert rule.action is Action.DISPOSE


def test_every_shipped_rule_says_why_it_keeps_records_that_long() -> None:
    for rule in parse_policy(shipped_texts(), TODAY).retention.rules.values():
        assert len(rule.basis.strip()) > 20, rule.name


def test_the_packaged_retention_policy_and_the_policies_folder_copy_are_the_same() -> None:
    assert (POLICIES / "retention.toml").read_text() == (SHIPPED / "retention.toml").read_text()


def test_a_category_with_no_rule_gets_none_rather_than_a_guess() -> None:
    retention = parse_policy(shipped_texts(), TODAY).retention
    assert retention.rule_for("adult") is None
    assert retention.rule_for("") is None


def test_policy_without_retention_file_is_refused_saying_it_is_missing() -> None:
    texts = shipped_texts()
    del texts["retention.toml"]
    assert "retention.toml: is missing" in parse_policy_problems(texts)


def test_a_bad_retention_file_is_reported_by_parse_policy_with_the_other_files() -> None:
    texts = shipped_texts()
    texts["retention.toml"] = texts["retention.toml"].replace("years = 25", "years = 0", 1)
    texts["session.toml"] = texts["session.toml"].replace(
        "pin_min_length = 6", "pin_min_length = 1", 1
    )
    problems = parse_policy_problems(texts)
    years = "retention.toml: rules.children.years: must be between 1 and 150 years, not 0"
    assert years in problems
    assert any(line.startswith("session.toml: session.pin_min_length:") for line in problems)


def test_parse_policy_checks_from_against_records_toml_date_fields() -> None:
    texts = shipped_texts()
    texts["retention.toml"] = texts["retention.toml"].replace(
        'from = "case_closed"', 'from = "health"', 1
    )
    assert parse_policy_problems(texts) == [
        "retention.toml: rules.adults.from: must name a date field of records.toml"
    ]


def test_parse_policy_checks_categories_against_records_toml_choices() -> None:
    texts = shipped_texts()
    texts["records.toml"] = texts["records.toml"].replace(
        'choices = ["child", "young_person", "vulnerable_adult"]',
        'choices = ["child", "young_person", "vulnerable_adult", "family"]',
        1,
    )
    assert parse_policy_problems(texts) == [
        "retention.toml: rules: category 'family' has no retention rule"
    ]


def test_a_case_closed_field_that_is_not_a_date_cannot_start_the_clock() -> None:
    texts = shipped_texts()
    old = '[fields.case_closed]\nlabel = "Case closed"\nkind = "date"'
    assert old in texts["records.toml"], "test setup"
    texts["records.toml"] = texts["records.toml"].replace(
        old, '[fields.case_closed]\nlabel = "Case closed"\nkind = "text"', 1
    )
    assert "retention.toml: rules.adults.from: must name a date field of records.toml" in (
        parse_policy_problems(texts)
    )


# --- A small policy parsed on its own -----------------------------------------------


def test_a_small_valid_policy_parses_into_its_rules() -> None:
    policy = parse(retention_toml())
    assert policy.rules["children"] == RetentionRule(
        "children",
        frozenset({"child", "young_person"}),
        "date_of_birth",
        25,
        Action.REVIEW,
        "Reviewed at the 25th birthday.",
    )
    assert policy.rules["adults"].categories == frozenset({"vulnerable_adult"})
    assert policy.rules["adults"].action is Action.DISPOSE


def test_rounding_is_to_the_quarter_when_the_policy_does_not_say() -> None:
    assert parse(retention_toml(round_up_to=None)).round_up_to is RoundUp.QUARTER


@pytest.mark.parametrize("to", ["month", "quarter", "year"])
def test_each_rounding_named_in_the_policy_is_used(to: str) -> None:
    assert parse(retention_toml(round_up_to=f'"{to}"')).round_up_to is RoundUp(to)


# --- A record kept at review: its next review date (issue 19) -------------------------


def test_the_shipped_policy_offers_a_next_review_a_year_on() -> None:
    retention = parse_policy(shipped_texts(), TODAY).retention
    assert retention.next_review_months == 12
    assert retention.next_review(TODAY) == date(2027, 11, 30)


def test_a_retention_policy_sealed_before_the_next_review_key_offers_a_year() -> None:
    # Older vaults' sealed retention.toml: with [retention] but no key, and without it.
    assert parse(retention_toml()).next_review(TODAY) == date(2027, 11, 30)
    assert parse(retention_toml(round_up_to=None)).next_review_months == 12


def test_the_next_review_offered_follows_the_policy() -> None:
    policy = parse(retention_toml(round_up_to='"quarter"\nnext_review_months = 6'))
    assert policy.next_review(date(2026, 8, 31)) == date(2027, 2, 28)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 11, 30), 2, date(2027, 1, 30)),
        (date(2026, 12, 5), 12, date(2027, 12, 5)),
        (date(2026, 3, 15), 120, date(2036, 3, 15)),
    ],
)
def test_months_are_added_to_the_same_day_or_the_months_last(
    start: date, months: int, expected: date
) -> None:
    assert add_months(start, months) == expected


def test_a_next_review_must_be_after_today() -> None:
    assert next_review_refused(TODAY + timedelta(days=1), TODAY) is None
    for day in (TODAY, TODAY - timedelta(days=1), date(2001, 1, 1)):
        assert next_review_refused(day, TODAY) == "The next review must be a date after today."


def test_years_from_1_to_150_are_allowed() -> None:
    assert parse(retention_toml(adults={"years": "1"})).rules["adults"].years == 1
    assert parse(retention_toml(adults={"years": "150"})).rules["adults"].years == 150


# --- Due dates ----------------------------------------------------------------------


def test_a_child_born_17_may_2001_is_due_for_review_at_the_end_of_june_2026() -> None:
    policy = policy_with(RoundUp.QUARTER)
    assert policy.due(children_rule(policy), date(2001, 5, 17)) == date(2026, 6, 30)


def test_month_rounding_puts_the_review_at_the_end_of_the_birthday_month() -> None:
    policy = policy_with(RoundUp.MONTH)
    assert policy.due(children_rule(policy), date(2001, 5, 17)) == date(2026, 5, 31)


def test_year_rounding_puts_the_review_at_the_end_of_the_year() -> None:
    policy = policy_with(RoundUp.YEAR)
    assert policy.due(children_rule(policy), date(2001, 5, 17)) == date(2026, 12, 31)


def test_an_adult_case_closed_in_january_is_due_for_disposal_six_years_on() -> None:
    policy = policy_with(RoundUp.QUARTER)
    rule = policy.rule_for("vulnerable_adult")
    assert rule is not None
    assert policy.due(rule, date(2020, 1, 2)) == date(2026, 3, 31)


def test_a_29_february_birthday_becomes_28_february_in_a_common_year() -> None:
    assert add_years(date(2000, 2, 29), 25) == date(2025, 2, 28)


def test_a_29_february_birthday_stays_29_february_in_a_leap_year() -> None:
    assert add_years(date(2000, 2, 29), 24) == date(2024, 2, 29)
    assert add_years(date(2000, 2, 29), 100) == date(2100, 2, 28)


def test_add_years_keeps_the_day_and_month() -> None:
    assert add_years(date(2001, 5, 17), 25) == date(2026, 5, 17)
    assert add_years(date(2019, 12, 31), 6) == date(2025, 12, 31)


def test_a_29_february_child_is_due_at_the_end_of_february_or_march() -> None:
    born = date(2000, 2, 29)
    month = policy_with(RoundUp.MONTH)
    quarter = policy_with(RoundUp.QUARTER)
    assert month.due(children_rule(month), born) == date(2025, 2, 28)
    assert quarter.due(children_rule(quarter), born) == date(2025, 3, 31)


@pytest.mark.parametrize(
    ("day", "end"),
    [
        (date(2026, 1, 1), date(2026, 3, 31)),
        (date(2026, 3, 31), date(2026, 3, 31)),
        (date(2026, 4, 1), date(2026, 6, 30)),
        (date(2026, 6, 30), date(2026, 6, 30)),
        (date(2026, 7, 1), date(2026, 9, 30)),
        (date(2026, 9, 30), date(2026, 9, 30)),
        (date(2026, 10, 1), date(2026, 12, 31)),
        (date(2026, 12, 31), date(2026, 12, 31)),
    ],
)
def test_quarter_rounding_ends_on_the_last_day_of_the_quarter(day: date, end: date) -> None:
    assert round_up(day, RoundUp.QUARTER) == end


@pytest.mark.parametrize(
    ("day", "end"),
    [
        (date(2026, 2, 1), date(2026, 2, 28)),
        (date(2024, 2, 1), date(2024, 2, 29)),
        (date(2026, 4, 15), date(2026, 4, 30)),
        (date(2026, 12, 31), date(2026, 12, 31)),
    ],
)
def test_month_rounding_ends_on_the_last_day_of_the_month(day: date, end: date) -> None:
    assert round_up(day, RoundUp.MONTH) == end


@pytest.mark.parametrize("to", list(RoundUp))
def test_a_date_already_on_the_last_day_stays_where_it_is(to: RoundUp) -> None:
    assert round_up(date(2026, 12, 31), to) == date(2026, 12, 31)
    assert round_up(round_up(date(2026, 5, 17), to), to) == round_up(date(2026, 5, 17), to)


@pytest.mark.parametrize("to", list(RoundUp))
def test_rounding_never_moves_a_date_earlier_or_into_another_year(to: RoundUp) -> None:
    day = date(2024, 1, 1)
    while day.year == 2024:
        rounded = round_up(day, to)
        assert rounded >= day
        assert rounded.year == day.year
        day += timedelta(days=1)


@pytest.mark.parametrize(("to", "count"), [("month", 12), ("quarter", 4), ("year", 1)])
def test_a_due_date_never_gives_away_the_exact_birthday(to: str, count: int) -> None:
    policy = policy_with(RoundUp(to))
    rule = children_rule(policy)
    born = date(2001, 1, 1)
    dues = set()
    while born.year == 2001:
        dues.add(policy.due(rule, born))
        born += timedelta(days=1)
    assert len(dues) == count


def test_quarter_rounding_of_a_leap_year_also_gives_only_four_due_dates() -> None:
    policy = policy_with(RoundUp.QUARTER)
    rule = children_rule(policy)
    born = date(2000, 1, 1)
    dues = set()
    while born.year == 2000:
        dues.add(policy.due(rule, born))
        born += timedelta(days=1)
    assert dues == {date(2025, 3, 31), date(2025, 6, 30), date(2025, 9, 30), date(2025, 12, 31)}


# --- Bad retention policies, one line each -------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            retention_toml(children={"from": '"name"'}),
            "retention.toml: rules.children.from: must name a date field of records.toml",
        ),
        (
            retention_toml(children={"from": '"date_of_brith"'}),
            "retention.toml: rules.children.from: must name a date field of records.toml",
        ),
        (
            retention_toml(children={"from": None}),
            "retention.toml: rules.children.from: must name a date field of records.toml",
        ),
        (
            retention_toml(adults={"years": "0"}),
            "retention.toml: rules.adults.years: must be between 1 and 150 years, not 0",
        ),
        (
            retention_toml(adults={"years": "151"}),
            "retention.toml: rules.adults.years: must be between 1 and 150 years, not 151",
        ),
        (
            retention_toml(adults={"years": "-6"}),
            "retention.toml: rules.adults.years: must be between 1 and 150 years, not -6",
        ),
        (
            retention_toml(adults={"years": "true"}),
            "retention.toml: rules.adults.years: must be a whole number of years, not true/false",
        ),
        (
            retention_toml(adults={"years": '"six"'}),
            "retention.toml: rules.adults.years: must be a whole number of years, not text",
        ),
        (
            retention_toml(adults={"years": "6.5"}),
            "retention.toml: rules.adults.years:"
            " must be a whole number of years, not a decimal number",
        ),
        (
            retention_toml(adults={"years": None}),
            "retention.toml: rules.adults.years:"
            " is required (a whole number of years between 1 and 150)",
        ),
        (
            retention_toml(adults={"action": '"delete"'}),
            "retention.toml: rules.adults.action: 'delete' is not one of review, dispose",
        ),
        (
            retention_toml(adults={"action": '"Dispose"'}),
            "retention.toml: rules.adults.action: 'Dispose' is not one of review, dispose",
        ),
        (
            retention_toml(adults={"action": None}),
            "retention.toml: rules.adults.action: is required (one of review, dispose)",
        ),
        (
            retention_toml(adults={"basis": None}),
            "retention.toml: rules.adults.basis: is required (why this period:"
            " the law or guidance behind it)",
        ),
        (
            retention_toml(adults={"basis": '""'}),
            "retention.toml: rules.adults.basis: is required (why this period:"
            " the law or guidance behind it)",
        ),
        (
            retention_toml(adults={"basis": '"   "'}),
            "retention.toml: rules.adults.basis: is required (why this period:"
            " the law or guidance behind it)",
        ),
        (
            retention_toml(adults={"basis": "6"}),
            "retention.toml: rules.adults.basis: must be text, not a number",
        ),
        (
            retention_toml(adults={"categories": "[]"}),
            "retention.toml: rules.adults.categories:"
            " must be a list of category names, at least one",
        ),
        (
            retention_toml(adults={"categories": '"vulnerable_adult"'}),
            "retention.toml: rules.adults.categories:"
            " must be a list of category names, at least one",
        ),
        (
            retention_toml(adults={"categories": "[1]"}),
            "retention.toml: rules.adults.categories:"
            " must be a list of category names, at least one",
        ),
        (
            retention_toml(adults={"categories": None}),
            "retention.toml: rules.adults.categories:"
            " must be a list of category names, at least one",
        ),
        (
            retention_toml(adults={"categories": '["vulnerable_adult", "adult"]'}),
            "retention.toml: rules.adults.categories:"
            " unknown category 'adult' (known: child, vulnerable_adult, young_person)",
        ),
        (
            retention_toml(adults={"categories": '["vulnerable_adult", "child"]'}),
            "retention.toml: rules.adults.categories:"
            " 'child' already has rule 'children'; one rule each",
        ),
        (
            retention_toml(adults={"colour": '"red"'}),
            "retention.toml: rules.adults.colour:"
            " unknown key (expected one of: action, basis, categories, from, years)",
        ),
        (
            retention_toml(adults={"start": '"case_closed"'}),
            "retention.toml: rules.adults.start:"
            " unknown key (expected one of: action, basis, categories, from, years)",
        ),
        (
            retention_toml(top="version = 1\n"),
            "retention.toml: version: unknown key (expected one of: retention, rules, telephone)",
        ),
        (
            retention_toml(extra="[rule.extra]\nyears = 1\n"),
            "retention.toml: rule: unknown key (expected one of: retention, rules, telephone)",
        ),
        (
            retention_toml(round_up_to='"week"'),
            "retention.toml: retention.round_up_to: 'week' is not one of month, quarter, year",
        ),
        (
            retention_toml(round_up_to='"Quarter"'),
            "retention.toml: retention.round_up_to: 'Quarter' is not one of month, quarter, year",
        ),
        (
            retention_toml(round_up_to="3"),
            "retention.toml: retention.round_up_to:"
            " must be one of month, quarter, year, not a number",
        ),
        (
            retention_toml(round_up_to='"quarter"\nnext_review_months = 0'),
            "retention.toml: retention.next_review_months: must be between 1 and 120 months, not 0",
        ),
        (
            retention_toml(round_up_to='"quarter"\nnext_review_months = "a year"'),
            "retention.toml: retention.next_review_months:"
            " must be a whole number of months, not text",
        ),
        (
            retention_toml(round_up_to='"quarter"\nround = "down"'),
            "retention.toml: retention.round: unknown key "
            "(expected one of: next_review_months, round_up_to)",
        ),
    ],
)
def test_a_bad_retention_policy_is_refused_in_one_line_naming_the_key(
    text: str, expected: str
) -> None:
    assert problems_of(text) == [expected]


def test_a_retention_policy_that_is_not_toml_is_refused() -> None:
    problems = problems_of(retention_toml(round_up_to='"quarter'))
    assert len(problems) == 1
    assert problems[0].startswith("retention.toml: not valid TOML (")


def test_a_retention_policy_without_rules_is_refused() -> None:
    assert problems_of('[retention]\nround_up_to = "quarter"\n') == [
        "retention.toml: rules: must be a table of rules, at least one"
    ]
    assert problems_of("rules = []\n") == [
        "retention.toml: rules: must be a table of rules, at least one"
    ]
    assert problems_of("") == ["retention.toml: rules: must be a table of rules, at least one"]


def test_retention_settings_that_are_not_a_table_are_refused() -> None:
    text = 'retention = "quarter"\n' + retention_toml(round_up_to=None)
    assert problems_of(text) == ["retention.toml: retention: must be a table, not text"]


def test_a_rule_that_is_not_a_table_is_refused() -> None:
    text = 'rules = { children = "forever" }\n'
    problems = problems_of(text)
    assert problems == ["retention.toml: rules.children: must be a table, not text"]


def test_a_category_with_no_rule_is_named() -> None:
    text = retention_toml(children={"categories": '["child"]'})
    assert problems_of(text) == [
        "retention.toml: rules: category 'young_person' has no retention rule"
    ]


def test_every_uncovered_category_is_named_in_order() -> None:
    text = "\n".join(["[retention]", 'round_up_to = "year"', table("rules.adults", ADULTS)])
    assert problems_of(text) == [
        "retention.toml: rules: category 'child' has no retention rule",
        "retention.toml: rules: category 'young_person' has no retention rule",
    ]


def test_an_uncovered_category_is_not_reported_when_a_rule_is_already_wrong() -> None:
    # The bad rule would have covered young_person: saying so again would be noise.
    text = retention_toml(children={"categories": '["child"]'}, adults={"years": "0"})
    assert problems_of(text) == [
        "retention.toml: rules.adults.years: must be between 1 and 150 years, not 0"
    ]


def test_a_rule_that_did_not_parse_does_not_also_report_its_categories_uncovered() -> None:
    text = retention_toml(children={"action": '"delete"'})
    assert problems_of(text) == [
        "retention.toml: rules.children.action: 'delete' is not one of review, dispose"
    ]


def test_every_problem_in_a_rule_is_reported_not_only_the_first() -> None:
    text = retention_toml(
        adults={
            "categories": "[]",
            "from": '"name"',
            "years": "0",
            "action": '"delete"',
            "basis": '""',
            "colour": '"red"',
        }
    )
    problems = problems_of(text)
    assert len(problems) == 6
    assert all(line.startswith("retention.toml: rules.adults.") for line in problems)
    assert all("\n" not in line for line in problems)


def test_an_empty_rule_is_told_everything_it_lacks() -> None:
    assert problems_of(retention_toml(extra="[rules.spare]\n")) == [
        "retention.toml: rules.spare.categories: must be a list of category names, at least one",
        "retention.toml: rules.spare.from: must name a date field of records.toml",
        "retention.toml: rules.spare.years:"
        " is required (a whole number of years between 1 and 150)",
        "retention.toml: rules.spare.action: is required (one of review, dispose)",
        "retention.toml: rules.spare.basis: is required (why this period:"
        " the law or guidance behind it)",
    ]


def test_problems_in_several_places_are_all_reported() -> None:
    text = retention_toml(
        round_up_to='"week"', top="colour = 1\n", children={"years": "151"}, adults={"x": "1"}
    )
    assert problems_of(text) == [
        "retention.toml: colour: unknown key (expected one of: retention, rules, telephone)",
        "retention.toml: retention.round_up_to: 'week' is not one of month, quarter, year",
        "retention.toml: rules.children.years: must be between 1 and 150 years, not 151",
        "retention.toml: rules.adults.x:"
        " unknown key (expected one of: action, basis, categories, from, years)",
    ]


def test_problems_name_the_file_they_were_given() -> None:
    text = retention_toml(adults={"action": '"delete"'})
    with pytest.raises(PolicyError) as caught:
        parse_retention(text, DATE_FIELDS, CATEGORIES, "examples/retention-long.toml")
    assert caught.value.problems == [
        "examples/retention-long.toml: rules.adults.action: 'delete' is not one of review, dispose"
    ]


def test_with_no_category_choices_every_named_category_is_refused() -> None:
    with pytest.raises(PolicyError) as caught:
        parse_retention(retention_toml(), DATE_FIELDS, frozenset())
    assert caught.value.problems == [
        "retention.toml: rules.children.categories: unknown category 'child' (known: none)",
        "retention.toml: rules.children.categories: unknown category 'young_person' (known: none)",
        "retention.toml: rules.adults.categories:"
        " unknown category 'vulnerable_adult' (known: none)",
    ]


@pytest.mark.parametrize("value", ['["date_of_birth"]', '{ field = "date_of_birth" }'])
def test_a_from_that_is_a_list_or_table_is_refused_not_crashed_on(value: str) -> None:
    assert problems_of(retention_toml(children={"from": value})) == [
        "retention.toml: rules.children.from: must name a date field of records.toml"
    ]


# --- The disposal certificate -------------------------------------------------------


def certificate() -> Certificate:
    return Certificate(
        id="DC-0007",
        reference="R-4F2A",
        category="vulnerable_adult",
        rule="adults",
        due="2026-03-31",
        proposed_by="cw.jones",
        approved_by="sl.patel",
        executed_by="it.okafor",
        executed_at="2026-04-02T10:15:00Z",
        key_id="k-91c3",
        method="crypto-shred",
        log_seq=412,
    )


def test_the_certificate_holds_no_name_or_date_of_birth_field() -> None:
    assert {f.name for f in dataclasses.fields(Certificate)} == {
        "id",
        "reference",
        "category",
        "rule",
        "due",
        "proposed_by",
        "approved_by",
        "executed_by",
        "executed_at",
        "key_id",
        "method",
        "log_seq",
    }


def test_the_certificate_text_is_headed_disposal_certificate() -> None:
    lines = certificate().text().splitlines()
    assert lines[0] == "DISPOSAL CERTIFICATE DC-0007"


def test_the_certificate_text_has_each_field_on_a_labelled_line() -> None:
    assert certificate().text().splitlines() == [
        "DISPOSAL CERTIFICATE DC-0007",
        "Record reference: R-4F2A",
        "Category: Vulnerable adult",
        "Retention rule applied: adults (due 2026-03-31)",
        "Proposed by: cw.jones",
        "Approved by: sl.patel",
        "Executed by: it.okafor",
        "Executed at: 2026-04-02T10:15:00Z",
        "Method: crypto-shred",
        "Data key destroyed: k-91c3",
        "Log entry: 412",
    ]


def test_every_certificate_field_value_appears_on_exactly_one_line() -> None:
    cert = certificate()
    lines = cert.text().splitlines()
    for field in dataclasses.fields(Certificate):
        value = str(getattr(cert, field.name))
        if field.name == "category":  # said in words
            value = "Vulnerable adult"
        holding = [line for line in lines if value in line]
        assert len(holding) == 1, field.name


def test_the_certificate_text_ends_with_a_newline() -> None:
    text = certificate().text()
    assert text.endswith("\n")
    assert not text.endswith("\n\n")


def test_a_certificate_cannot_be_altered_once_made() -> None:
    cert = certificate()
    with pytest.raises(dataclasses.FrozenInstanceError):
        cert.approved_by = "someone.else"  # type: ignore[misc]


def test_a_rule_reads_its_date_field_mid_sentence_in_lower_case() -> None:
    rule = children_rule(parse(retention_toml()))
    assert rule_words(rule, "Case closed").endswith(" after the case closed")
    assert rule_words(rule, "NHS review date").endswith(" after the NHS review date")


def test_a_next_review_beyond_ten_years_is_a_rule_not_a_review() -> None:
    """Kept "until 01/01/2099" was taken: a record kept for ever, never seen again."""
    assert next_review_refused(add_months(TODAY, 120), TODAY) is None
    assert next_review_refused(date(2099, 1, 1), TODAY) == (
        "The next review must be within 10 years of today."
    )
