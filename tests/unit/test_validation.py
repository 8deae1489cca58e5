"""The validation kit: one line per problem, every problem listed, one wording."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest

from secure_records.core.errors import PolicyError
from secure_records.core.policy import POLICY_FILES, parse_policy
from secure_records.core.validation import FileReader, Problems, parse_file, unknown_key

SHIPPED = Path(__file__).resolve().parents[2] / "policies"
TODAY = date(2026, 11, 30)


class Colour(StrEnum):
    RED = "red"
    GREEN = "green"


def reader() -> FileReader:
    return Problems().in_file("x.toml")


def errors_of(read: Callable[[FileReader], object]) -> list[str]:
    file = reader()
    read(file)
    return file.problems.errors


# --- The format ---------------------------------------------------------------------


def test_a_problem_is_file_key_path_and_what_is_wrong() -> None:
    problems = Problems()
    problems.error("roles.toml", "roles.it.scope", "is required")
    problems.error("roles.toml", "", "is missing")
    problems.warn("roles.toml", "roles.it.fields.name", "no rule, so the field is hidden")
    assert problems.errors == ["roles.toml: roles.it.scope: is required", "roles.toml: is missing"]
    assert problems.warnings == [
        "roles.toml: roles.it.fields.name: no rule, so the field is hidden"
    ]


def test_a_warning_alone_refuses_nothing() -> None:
    problems = Problems()
    problems.in_file("roles.toml").warn("roles.it", "no rule")
    problems.raise_if_any()
    assert problems.errors == []


def test_every_problem_is_listed_in_the_order_found_not_only_the_first() -> None:
    def read(file: FileReader) -> None:
        table = {"a": "x", "b": True, "c": 0, "d": "blue", "e": 1}
        file.keys("t", table, {"a", "b", "c", "d"})
        file.whole_number("t.a", table["a"], 1, 9)
        file.whole_number("t.b", table["b"], 1, 9)
        file.whole_number("t.c", table["c"], 1, 9)
        file.choice("t.d", table["d"], Colour)

    assert errors_of(read) == [
        "x.toml: t.e: unknown key (expected one of: a, b, c, d)",
        "x.toml: t.a: must be a whole number, not text",
        "x.toml: t.b: must be a whole number, not true/false",
        "x.toml: t.c: must be between 1 and 9, not 0",
        "x.toml: t.d: 'blue' is not one of red, green",
    ]


def test_parse_file_raises_one_error_listing_every_problem() -> None:
    def read(file: FileReader, doc: Any) -> None:
        file.keys("", doc, {"a"})
        return None

    with pytest.raises(PolicyError) as caught:
        parse_file("b = 1\nc = 2\n", "x.toml", read)
    assert caught.value.problems == [
        "x.toml: b: unknown key (expected one of: a)",
        "x.toml: c: unknown key (expected one of: a)",
    ]


def test_parse_file_gives_what_was_read_when_nothing_is_wrong() -> None:
    assert parse_file("a = 3\n", "x.toml", lambda file, doc: doc["a"]) == 3


def test_text_that_is_not_toml_is_one_problem() -> None:
    with pytest.raises(PolicyError) as caught:
        parse_file("a = \n", "x.toml", lambda file, doc: doc)
    (problem,) = caught.value.problems
    assert problem.startswith("x.toml: not valid TOML (")


def test_another_files_problems_are_collected_and_reading_goes_on() -> None:
    problems = Problems()

    def refuse() -> int:
        raise PolicyError(["y.toml: a: is required"])

    assert problems.collect(refuse) is None
    assert problems.collect(lambda: 4) == 4
    assert problems.errors == ["y.toml: a: is required"]
    with pytest.raises(PolicyError):
        problems.raise_if_any()


def test_a_key_cannot_forge_a_second_problem_line() -> None:
    with pytest.raises(PolicyError) as caught:
        parse_file(
            '"a\\nx.toml: fine" = 1\n', "x.toml", lambda file, doc: file.keys("", doc, {"a"})
        )
    assert caught.value.problems == [
        "x.toml: a\\x0ax.toml: fine: unknown key (expected one of: a)",
    ]


# --- Unknown keys: one wording everywhere -------------------------------------------


def test_unknown_key_names_what_was_expected_in_order() -> None:
    assert unknown_key({"b", "a"}) == "unknown key (expected one of: a, b)"


@pytest.mark.parametrize("file", POLICY_FILES)
def test_an_unknown_key_reads_the_same_in_every_policy_file(file: str) -> None:
    texts = {p.name: p.read_text() for p in SHIPPED.glob("*.toml")}
    texts[file] = "colour = 1\n" + texts[file]
    with pytest.raises(PolicyError) as caught:
        parse_policy(texts, TODAY)
    (problem,) = caught.value.problems
    assert problem.startswith(f"{file}: colour: unknown key (expected one of: ")


# --- The readers --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kwargs", "problem", "result"),
    [
        ("Hello", {}, None, "Hello"),
        (None, {}, "is required", None),
        ("  ", {}, "is required", None),
        (None, {"hint": "the name"}, "is required (the name)", None),
        (None, {"default": "Label"}, None, "Label"),
        ("", {"allow_blank": True}, None, ""),
        (3, {}, "must be text, not a number", None),
    ],
)
def test_text(value: object, kwargs: Any, problem: str | None, result: str | None) -> None:
    file = reader()
    assert file.text("t.k", value, **kwargs) == result
    assert file.problems.errors == ([f"x.toml: t.k: {problem}"] if problem else [])


@pytest.mark.parametrize(
    ("value", "default", "problem", "result"),
    [
        (True, None, None, True),
        (None, False, None, False),
        (None, None, "is required (true or false)", None),
        ("yes", None, "must be true or false, not text", None),
        (1, False, "must be true or false, not a number", None),
    ],
)
def test_flag(
    value: object, default: bool | None, problem: str | None, result: bool | None
) -> None:
    file = reader()
    assert file.flag("t.k", value, default=default) == result
    assert file.problems.errors == ([f"x.toml: t.k: {problem}"] if problem else [])


@pytest.mark.parametrize(
    ("value", "unit", "problem"),
    [
        (None, "", "is required (a whole number between 1 and 9)"),
        (None, "days", "is required (a whole number of days between 1 and 9)"),
        (2.0, "", "must be a whole number, not a decimal number"),
        (False, "days", "must be a whole number of days, not true/false"),
        (10, "days", "must be between 1 and 9 days, not 10"),
        (0, "", "must be between 1 and 9, not 0"),
    ],
)
def test_whole_number_refused(value: object, unit: str, problem: str) -> None:
    file = reader()
    assert file.whole_number("t.k", value, 1, 9, unit=unit) is None
    assert file.problems.errors == [f"x.toml: t.k: {problem}"]


@pytest.mark.parametrize("value", [1, 9])
def test_whole_number_at_either_end(value: int) -> None:
    assert reader().whole_number("t.k", value, 1, 9) == value


@pytest.mark.parametrize(
    ("value", "problem", "result"),
    [
        ("green", None, Colour.GREEN),
        ("Green", "'Green' is not one of red, green", None),
        (None, "is required (one of red, green)", None),
        (["red"], "must be one of red, green, not a list", None),
    ],
)
def test_choice(value: object, problem: str | None, result: Colour | None) -> None:
    file = reader()
    assert file.choice("t.k", value, Colour) == result
    assert file.problems.errors == ([f"x.toml: t.k: {problem}"] if problem else [])


def test_choice_with_a_default_is_not_required() -> None:
    file = reader()
    assert file.choice("t.k", None, Colour, default=Colour.RED) is Colour.RED
    assert file.clean


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (None, "is required (a date, YYYY-MM-DD, unquoted)"),
        ("2026-01-01", "must be a date (YYYY-MM-DD, unquoted), not text"),
        (datetime(2026, 1, 1, 9), "must be a date (YYYY-MM-DD, unquoted), not a date and time"),
    ],
)
def test_date_refused(value: object, problem: str) -> None:
    file = reader()
    assert file.date("t.k", value) is None
    assert file.problems.errors == [f"x.toml: t.k: {problem}"]


def test_date() -> None:
    assert reader().date("t.k", date(2026, 1, 1)) == date(2026, 1, 1)


def test_names_reports_every_unknown_name() -> None:
    file = reader()
    assert file.names("t.k", ["a", "x", "y"], {"a", "b"}, "action") is None
    assert file.problems.errors == [
        "x.toml: t.k: unknown action 'x' (known: a, b)",
        "x.toml: t.k: unknown action 'y' (known: a, b)",
    ]


@pytest.mark.parametrize(
    ("value", "at_least_one", "problem"),
    [
        ("a", False, "must be a list of action names"),
        ([1], False, "must be a list of action names"),
        ([], True, "must be a list of action names, at least one"),
    ],
)
def test_names_refused(value: object, at_least_one: bool, problem: str) -> None:
    file = reader()
    assert file.names("t.k", value, {"a"}, "action", at_least_one=at_least_one) is None
    assert file.problems.errors == [f"x.toml: t.k: {problem}"]


def test_names_with_nothing_known_says_so() -> None:
    assert errors_of(lambda file: file.names("t.k", ["a"], set(), "category")) == [
        "x.toml: t.k: unknown category 'a' (known: none)"
    ]


def test_names_and_texts_accepted() -> None:
    file = reader()
    assert file.names("t.k", ["a"], {"a", "b"}, "action", at_least_one=True) == ("a",)
    assert file.names("t.k", [], {"a"}, "action") == ()
    assert file.texts("t.t", ["One", "Two"]) == ("One", "Two")
    assert file.clean


@pytest.mark.parametrize("value", [None, [], ["ok", " "], "one", [1]])
def test_texts_refused(value: object) -> None:
    assert errors_of(lambda file: file.texts("t.k", value)) == [
        "x.toml: t.k: must be a list of text, at least one"
    ]


def test_table() -> None:
    file = reader()
    assert file.table("t", {"a": 1}) == {"a": 1}
    assert file.table("t", None) == {}
    assert file.table("t", None, required=True) is None
    assert file.table("t", [1]) is None
    assert file.problems.errors == [
        "x.toml: t: is required (a table)",
        "x.toml: t: must be a table, not a list",
    ]


@pytest.mark.parametrize("value", [None, {}, "x"])
def test_entries_refused(value: object) -> None:
    file = reader()
    assert file.entries("rules", value, "rules") == {}
    assert file.problems.errors == ["x.toml: rules: must be a table of rules, at least one"]


@pytest.mark.parametrize(
    ("name", "what", "problem"),
    [
        ("Bad", "role name", "a role name must be lower-case letters, digits and _"),
        ("1x", "organisation id", "an organisation id must be lower-case letters, digits and _"),
        ("x" * 41, "field name", "a field name must be lower-case letters, digits and _"),
    ],
)
def test_a_name_a_policy_gives_must_be_plain(name: str, what: str, problem: str) -> None:
    file = reader()
    assert not file.name(f"t.{name}", name, what)
    assert file.problems.errors == [f"x.toml: t.{name}: {problem}"]


def test_clean_is_per_file() -> None:
    problems = Problems()
    one, two = problems.in_file("one.toml"), problems.in_file("two.toml")
    one.error("a", "is required")
    assert not one.clean and two.clean
