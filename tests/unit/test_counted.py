"""One helper puts every count shown to a person into words that agree with it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from secure_records.core.access import project
from secure_records.core.errors import ImportRejected
from secure_records.core.policy import parse_policy
from secure_records.core.text import counted, plural
from tests.unit.test_access import RECORD

POLICIES = Path(__file__).resolve().parents[2] / "policies"


@pytest.mark.parametrize(
    ("count", "one", "many", "said"),
    [
        (0, "record", None, "0 records"),
        (1, "record", None, "1 record"),
        (2, "record", None, "2 records"),
        (0, "entry", "entries", "0 entries"),
        (1, "entry", "entries", "1 entry"),
        (12, "entry", "entries", "12 entries"),
        (1, "red flag", None, "1 red flag"),
        (3, "red flag", None, "3 red flags"),
        (1, "more try", "more tries", "1 more try"),
        (-1, "record", None, "-1 records"),
    ],
)
def test_counted_agrees_with_its_count(count: int, one: str, many: str | None, said: str) -> None:
    assert counted(count, one, many) == said


def test_plural_gives_the_word_alone_for_counts_formatted_elsewhere() -> None:
    assert plural(1, "table adds", "tables add") == "table adds"
    assert plural(1000, "table adds", "tables add") == "tables add"
    assert plural(0, "row") == "rows"


def test_no_consent_is_0_entries_and_one_note_is_1_note() -> None:
    policy = parse_policy({p.name: p.read_text() for p in POLICIES.glob("*.toml")})
    view = project(replace(RECORD, consent=()), policy.role("caseworker"), policy)
    assert view.consent is not None and view.consent.summary == "0 entries"  # was "0 entrys"
    assert view.notes is not None and view.notes.summary == "1 note"


def test_an_import_with_one_bad_line_says_one() -> None:
    assert str(ImportRejected(["line 1: not valid JSON"], 1)).endswith("(1 bad line)")
    said = str(ImportRejected(["line 1: x"] * 20, 21)).splitlines()
    assert said[-2:] == ["... and 1 more bad line", "nothing was imported (21 bad lines)"]
