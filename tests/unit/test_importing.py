"""Import rows: every problem names the line and key, never the value."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest

from secure_records.core.importing import ImportResult, parse_import
from secure_records.core.policy import Policy, parse_policy
from secure_records.core.records import NoteKind
from tests.conftest import canary_row

POLICIES = Path(__file__).resolve().parents[2] / "policies"
TODAY = date(2026, 11, 30)
STAFF = frozenset({"alice", "bilal"})


@pytest.fixture(scope="module")
def policy() -> Policy:
    return parse_policy({p.name: p.read_text() for p in POLICIES.glob("*.toml")})


def parse(
    policy: Policy, rows: Sequence[object], existing: frozenset[str] = frozenset()
) -> ImportResult:
    lines = [r if isinstance(r, str) else json.dumps(r) for r in rows]
    return parse_import("in.jsonl", lines, policy, STAFF, existing, TODAY)


def test_a_good_row_becomes_a_record_with_labelled_notes(policy: Policy) -> None:
    result = parse(policy, [canary_row("R-1", ["alice"])])
    assert result.bad_lines == 0
    (record,) = result.records
    assert record.values["date_of_birth"] == "2013-04-02"
    assert [n.kind for n in record.notes] == [NoteKind.FACT, NoteKind.OPINION]
    assert record.notes[1].historical
    assert record.assigned_to == {"alice"}


def bad(row: dict[str, object], **changes: object) -> dict[str, object]:
    changed = dict(row)
    for key, value in changes.items():
        if value is None:
            changed.pop(key, None)
        else:
            changed[key] = value
    return changed


GOOD = canary_row("R-9", ["alice"], tag="SECRET")


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "a line must hold one JSON object"),
        (bad(GOOD, id="has space"), "id is missing or not a reference"),
        (bad(GOOD, colour="red"), "field 'colour' is not declared in records.toml"),
        (bad(GOOD, date_of_birth="02/04/2013"), "date_of_birth is not a date (YYYY-MM-DD)"),
        (bad(GOOD, date_of_birth="2099-01-01"), "date_of_birth is in the future"),
        (bad(GOOD, category="adult"), "category must be one of child, young_person"),
        (bad(GOOD, assigned_to=["mallory"]), "assigned_to names unknown staff member 'mallory'"),
        (bad(GOOD, name=None), "name is required"),
        (bad(GOOD, health=42), "health must be text"),
        (
            bad(GOOD, notes=[{"date": "2024-01-01", "author": "a", "kind": "rumour", "text": "x"}]),
            'notes[0].kind must be "fact" or "opinion"',
        ),
        (
            bad(GOOD, consent=[{"given_by": "x", "scope": "y"}]),
            "consent[0] is missing 'date'",
        ),
        (
            bad(GOOD, consent=[{"given_by": "x", "scope": "y", "date": "2024-01-01", "by": "z"}]),
            "consent[0].by: unknown key (expected one of: date, given_by, scope, withdrawn)",
        ),
        (
            bad(
                GOOD,
                notes=[
                    {"date": "2024-01-01", "author": "a", "kind": "fact", "text": "x", "a\nb": 1}
                ],
            ),
            "notes[0]['a\\nb']: unknown key (expected one of:"
            " author, date, historical, kind, text)",
        ),
    ],
)
def test_bad_rows_are_named_by_line_and_key_without_their_values(
    policy: Policy, row: object, problem: str
) -> None:
    result = parse(policy, [canary_row("R-1", ["alice"]), row])
    assert result.bad_lines == 1
    (line,) = result.problems
    assert line.startswith("in.jsonl:2: ")
    assert problem in line
    assert "SECRET" not in line


def test_duplicates_within_the_file_and_with_the_vault(policy: Policy) -> None:
    rows = [canary_row("R-1", []), canary_row("R-2", []), canary_row("R-1", [])]
    result = parse(policy, rows, existing=frozenset({"R-2"}))
    assert result.problems == (
        "in.jsonl:2: record R-2 already exists in the vault",
        "in.jsonl:3: record R-1 appears again (first on line 1)",
    )


def test_problems_are_capped_but_all_counted(policy: Policy) -> None:
    result = parse(policy, ["{"] * 30)
    assert result.bad_lines == 30
    assert len(result.problems) == 20


def test_an_empty_file_is_a_problem(policy: Policy) -> None:
    result = parse(policy, ["", "  "])
    assert result.bad_lines == 1 and result.problems == ("in.jsonl: holds no records",)


def test_a_value_never_comes_back_as_a_key_or_staff_name(policy: Policy) -> None:
    row = dict(canary_row("R-1", ["alice"]))
    row["Jane Doe 12 Acacia Ave"] = "x"
    result = parse(policy, [row, canary_row("R-2", ["Jane Doe, DOB 2010-01-01"])])
    assert all("Jane" not in problem for problem in result.problems)
    assert len(result.problems) == 2


def test_a_week_date_is_not_a_date_of_birth(policy: Policy) -> None:
    result = parse(policy, [bad(GOOD, date_of_birth="2010-W01-1")])
    assert result.problems == ("in.jsonl:1: date_of_birth is not a date (YYYY-MM-DD)",)
