"""The record list through Session: sorted by reference, name or date of birth,
narrowed by category shown as words, and dates typed the UK way found (issue 17).
A role that sees the category masked gets neither its value nor a filter by it."""

from __future__ import annotations

from pathlib import Path

import pytest

from secure_records.admin import Administration
from secure_records.core.errors import AccessRefused
from secure_records.session import Session
from tests.conftest import canary_row, write_jsonl
from tests.integration.test_oracles import with_policy

# reference -> (name, date of birth, category); all on alice's caseload
PEOPLE = {
    "R-0001": ("Zoe Young", "2013-04-02", "child"),
    "R-0002": ("adam Brook", "1950-12-30", "vulnerable_adult"),
    "R-0003": ("Maya Stone", "2008-02-04", "young_person"),
    "R-0004": ("Bea Cole", "2018-02-04", "child"),
}


def import_people(home: Path, tmp_path: Path, people: dict[str, tuple[str, str, str]]) -> Path:
    """These records, each (name, date of birth, category), on alice's caseload."""
    rows = []
    for rid, (name, born, category) in people.items():
        row = canary_row(rid, ["alice"])
        row.update(name=name, date_of_birth=born, category=category)
        rows.append(row)
    with Administration.open(home) as admin:
        admin.import_file(write_jsonl(tmp_path / "people.jsonl", rows))
    return home


@pytest.fixture
def people(home: Path, tmp_path: Path) -> Path:
    return import_people(home, tmp_path, PEOPLE)


def arranged(home: Path, **how: object) -> list[str]:
    with Session.open("alice", home) as session:
        records = session.records
        return records.arrange(records.listing_ids(), **how)  # type: ignore[arg-type]


def test_the_list_sorts_by_reference_name_and_date_of_birth_either_way(people: Path) -> None:
    assert arranged(people) == ["R-0001", "R-0002", "R-0003", "R-0004"]
    assert arranged(people, descending=True) == ["R-0004", "R-0003", "R-0002", "R-0001"]
    # By name, case not counted ("adam" before "Bea").
    assert arranged(people, by="name") == ["R-0002", "R-0004", "R-0003", "R-0001"]
    assert arranged(people, by="date_of_birth") == ["R-0002", "R-0003", "R-0001", "R-0004"]
    assert arranged(people, by="date_of_birth", descending=True) == [
        "R-0004",
        "R-0001",
        "R-0003",
        "R-0002",
    ]


def test_the_list_narrows_by_category_named_in_words(people: Path) -> None:
    with Session.open("alice", people) as session:
        records = session.records
        assert records.categories() == (
            ("child", "Child"),
            ("young_person", "Young person"),
            ("vulnerable_adult", "Vulnerable adult"),
        )
        everyone = records.listing_ids()
        assert records.arrange(everyone, "name", category="child") == ["R-0004", "R-0001"]
        assert records.arrange(everyone, category="vulnerable_adult") == ["R-0002"]
        # A search's results are narrowed too.
        assert records.arrange(records.search("o"), category="child") == ["R-0001", "R-0004"]
        lines = {s.id: s for s in records.summaries(everyone)}
        headings = [h for _, h in records.columns()]
    assert lines["R-0002"].category == "Vulnerable adult"
    assert lines["R-0003"].category == "Young person"
    assert headings == ["Reference", "Name", "Date of birth", "Category"]


def test_a_category_seen_masked_is_neither_shown_nor_a_filter(people: Path, tmp_path: Path) -> None:
    with_policy(
        people,
        tmp_path,
        roles=('category = "visible"', 'category = { rule = "masked", form = "redacted" }'),
    )
    with Session.open("alice", people) as session:
        records = session.records
        assert records.categories() == ()
        everyone = records.listing_ids()
        shown = {s.category for s in records.summaries(everyone)}
        assert not shown & {"child", "Child", "vulnerable_adult", "Vulnerable adult"}
        with pytest.raises(AccessRefused):
            records.arrange(everyone, category="child")
        # Ready or not, the index gives the masked form too.
        records.prepare_search()
        assert {s.category for s in records.summaries(everyone)} == shown


def test_a_date_of_birth_typed_the_uk_way_is_found(people: Path) -> None:
    with Session.open("alice", people) as session:
        records = session.records
        assert records.search("04/02/2018") == ["R-0004"]
        assert records.search("4/2/2008") == ["R-0003"]
        assert records.search("2018-02-04") == ["R-0004"]
        assert records.search("31/02/2018") == []  # no such day
