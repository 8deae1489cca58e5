"""Memory per session (issue 21): what a session holds, and reads, is bounded by what
its screen shows. bench/session_memory.py measures the megabytes; these count reads
and objects, so they hold on any machine."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from secure_records.admin import Administration
from secure_records.core.access import SearchMode
from secure_records.core.errors import SecureRecordsError
from secure_records.demo import synthetic_records
from secure_records.session import Session
from secure_records.session.search_index import SearchIndex
from secure_records.vault.sqlite import opening
from secure_records.vault.sqlite.store import SqliteStore
from secure_records.vault.vault import Vault

SCREENFUL = 40
CASEWORKERS = ("alice", "bilal")  # the test vault's
# About SQLite's store, its page cache or its file: PostgreSQL's reads are counted in
# test_postgres_streaming.py.
sqlite_only = pytest.mark.not_on_postgres


@pytest.fixture
def hundreds(home: Path) -> Path:
    """300 records, each on a caseworker's caseload (demo.synthetic_records)."""
    with Administration.open(home) as admin:
        admin.add_records(list(synthetic_records(300, 7, CASEWORKERS)))
    return home


def counting_rows(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every record row the store hands out for a list or an index, by reference."""
    read: list[str] = []
    real = SqliteStore.listing_rows

    def counted(store: SqliteStore, *args: object, **kwargs: object) -> Iterator[object]:
        for key, packed in real(store, *args, **kwargs):  # type: ignore[arg-type]
            read.append(key.record_id)
            yield key, packed

    monkeypatch.setattr(SqliteStore, "listing_rows", counted)
    return read


@sqlite_only
def test_the_first_page_of_the_list_reads_only_its_own_rows(
    hundreds: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    read = counting_rows(monkeypatch)
    with Session.open("lead", hundreds) as session:
        ids = session.records.arrange(session.records.listing_ids())
        assert len(ids) == 300
        lines = session.records.summaries(ids[:SCREENFUL])
    assert [line.id for line in lines] == ids[:SCREENFUL]
    assert sorted(read) == sorted(ids[:SCREENFUL])  # not one row beyond the screenful


def test_a_role_that_looks_up_by_exact_match_decrypts_no_name(
    hundreds: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = next(synthetic_records(300, 7, CASEWORKERS))
    read = counting_rows(monkeypatch)
    with Session.open("reception", hundreds) as session:
        session.telephone.awaiting_callback()
        found = session.records.find_exact(first.values["name"], first.values["date_of_birth"])
        assert found is not None and found.reference == first.id
        assert not session.records.search_ready  # no name index built, none held
    assert read == []


def test_the_index_keeps_the_listed_references_not_copies(hundreds: Path) -> None:
    with Session.open("lead", hundreds) as session:
        listed = session.records.listing_ids()
        session.records.prepare_search()
        found = session.records.search("a")
        assert found
        by_value = {rid: rid for rid in listed}
        # The very strings the list holds: 100,000 copies would be 6 MB more.
        assert all(rid is by_value[rid] for rid in found)


@sqlite_only
def test_a_session_keeps_few_pages_of_the_database_in_memory(hundreds: Path) -> None:
    with Session.open("alice", hundreds) as session:
        store = session._door.vault.store  # its connection's own setting
        assert isinstance(store, SqliteStore)
        (kib,) = store._db.execute("PRAGMA cache_size").fetchone()
    assert -kib == opening.SESSION_CACHE_KIB < opening.BIG_CACHE_KIB


@sqlite_only
def test_the_retention_queue_scans_every_record_through_a_reader(
    hundreds: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    readers: list[object] = []
    real = Vault.reader

    def counted(vault: Vault) -> object:
        readers.append(real(vault))
        return readers[-1]

    monkeypatch.setattr(Vault, "reader", counted)
    read = counting_rows(monkeypatch)
    with Session.open("it", hundreds) as session:
        session.retention.retention_queue()
    # Every row read once, by a connection of its own with a one-pass page cache.
    assert len(readers) == 1 and len(read) == 300


@sqlite_only
def test_a_caseload_still_adds_up_when_read_a_row_at_a_time(hundreds: Path) -> None:
    with Administration.open(hundreds) as admin:
        admin.assign("R-000001", "bilal")
    with Session.open("bilal", hundreds) as session:
        ids = session.records.listing_ids()
    assert "R-000001" in ids and ids == sorted(ids)
    # An assignment removed behind the vault's back no longer adds up: refused.
    db = sqlite3.connect(hundreds / "vault.db")
    db.execute("DELETE FROM assignments WHERE staff = 'bilal' AND record_id = 'R-000001'")
    db.commit()
    db.close()
    with Session.open("bilal", hundreds) as session, pytest.raises(SecureRecordsError) as caught:
        session.records.listing_ids()
    assert "add up" in str(caught.value)


def index_of(rows: list[tuple[str, str, str, str]]) -> SearchIndex:
    from secure_records.session.search_index import IndexBuild  # new with the packed index

    build = IndexBuild(("child",))
    for row in rows:
        build.add(*row)
    index = SearchIndex()
    index.publish(index.generation, build.done(), lambda: True)
    return index


ODD = [
    ("R-3", "Zoë  ŁUKASZ", "2011-02-03", "child"),
    ("R-1", "Ada Quill", "2013-02-04", "young_person"),
    ("R-2", "Line\nBreak", "2012-12-12", ""),
    ("R-4", "😀 Emoji", "2010-01-01", "child"),
    ("R-1", "Ada Quill", "2013-02-04", "young_person"),  # read twice: indexed once
]


def test_the_packed_index_finds_what_a_scan_of_each_name_would() -> None:
    index = index_of(ODD)
    assert index.order == ["R-1", "R-2", "R-3", "R-4"]  # in reference order, each once
    part = (SearchMode.PART, SearchMode.PART)
    assert index.matches("zoë ł", *part) == ["R-3"]
    assert index.matches("😀", *part) == ["R-4"]
    assert index.matches("-02-", *part) == ["R-1", "R-3"]
    assert index.matches("line break", *part) == ["R-2"]  # spacing does not count
    assert index.matches("quill line", *part) == []  # never from one record into the next
    assert index.matches("ada quill", SearchMode.WHOLE, SearchMode.NEVER) == ["R-1"]
    assert index.matches("ada", SearchMode.WHOLE, SearchMode.NEVER) == []
    assert index.matches("2013-02-04", SearchMode.NEVER, SearchMode.WHOLE) == ["R-1"]
    assert index.matches("2013", SearchMode.NEVER, SearchMode.NEVER) == []
    assert index.rows(["R-2", "R-9", "R-4"]) == [
        ("R-2", "Line\nBreak", "2012-12-12", ""),
        ("R-4", "😀 Emoji", "2010-01-01", "child"),
    ]
    assert index.in_category(["R-4", "R-1", "R-3"], "child") == ["R-4", "R-3"]
    assert index.sorted_by("name", lambda row: row[2]) == ["R-1", "R-2", "R-3", "R-4"]


def test_a_search_over_many_lines_finds_the_same_as_one_over_few() -> None:
    rows = [(f"R-{n:05d}", f"Name {n}", "2013-02-04", "child") for n in range(25_000)]
    index = index_of(rows)
    part = (SearchMode.PART, SearchMode.PART)
    assert len(index.matches("name", *part)) == 25_000  # many: line by line
    assert index.matches("name 24999", *part) == ["R-24999"]  # few: match to match
    assert index.matches("name 1234", SearchMode.WHOLE, SearchMode.NEVER) == ["R-01234"]
