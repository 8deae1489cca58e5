"""The store beneath the vault: its schema as recorded migrations, and status queries
answered in SQL exactly as the Python filter they replaced answered them."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import pytest

from secure_records.admin import Administration
from secure_records.admin.upgrade import upgrade
from secure_records.core.errors import AccessRefused, IntegrityError, VaultError
from secure_records.core.statuses import DisposalStatus, SharingStatus
from secure_records.core.telephone import Status
from secure_records.session import Session
from secure_records.vault.door import open_vault
from secure_records.vault.postgres.dialect import translate
from secure_records.vault.postgres.store import PostgresStore
from secure_records.vault.row_seals import TABLES, RowSeals
from secure_records.vault.rows import (
    DecisionRow,
    DisposalRow,
    NewRecordRows,
    PhoneRequestRow,
    RecordKeyRow,
)
from secure_records.vault.sqlite.store import SqliteStore
from secure_records.vault.store import Store

# Picks its backend itself.
pytestmark = pytest.mark.not_on_postgres


@contextmanager
def raw(home: Path) -> Iterator[sqlite3.Connection]:
    """vault.db through plain sqlite3, each statement committed as it runs."""
    with closing(sqlite3.connect(home / "vault.db", isolation_level=None)) as db:
        yield db


# Every migration this release knows, in order.
ALL = [
    (1, "initial"),
    (2, "row_seals"),
    (3, "pin_lockout"),
    (4, "sealed_outputs"),
    (5, "keep_until"),
    (6, "access_requests"),
    (7, "concerns"),
    (8, "recovery"),
    (9, "hosts"),
]
# The tables migration 2 gave a seal column.
SEALED_TABLES = tuple(TABLES)


def migrations(home: Path) -> list[tuple[int, str]]:
    with raw(home) as db:
        return db.execute("SELECT number, name FROM migrations ORDER BY number").fetchall()


def tables(home: Path) -> set[str]:
    with raw(home) as db:
        rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {name for (name,) in rows}


def columns(home: Path, table: str) -> set[str]:
    with raw(home) as db:
        return {row[1] for row in db.execute(f"PRAGMA table_info({table})")}


def fingerprint(home: Path) -> dict[str, str]:
    return {
        str(p.relative_to(home)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(home.rglob("*"))
        if p.is_file()
    }


def record_ids(home: Path) -> list[str]:
    with Session.open("lead", home) as session:
        return [summary.id for summary in session.records.matching()]


def test_a_new_vault_records_its_migration_once_however_often_it_is_opened(
    populated: Path,
) -> None:
    assert migrations(populated) == ALL
    for _ in range(3):
        assert record_ids(populated) == ["R-0001", "R-0002", "R-0003"]
    assert migrations(populated) == ALL
    with raw(populated) as db:
        (applied_at,) = db.execute("SELECT applied_at FROM migrations").fetchone()
    assert applied_at.startswith("20")


def test_a_vault_from_before_migrations_is_migrated_then_refused_until_its_rows_are_sealed(
    populated: Path,
) -> None:
    """As a release from before migrations (and before row seals) left it: schema
    version 4, no migrations table, no seal columns, no ledger."""
    with raw(populated) as db:
        db.execute("DROP TABLE migrations")
        db.execute("DROP INDEX sharing_decisions_by_record")
        db.execute("DROP INDEX phone_requests_by_record")
        for table in SEALED_TABLES:
            db.execute(f"ALTER TABLE {table} DROP COLUMN seal")
        db.execute("ALTER TABLE records DROP COLUMN history")
        db.execute("DELETE FROM meta WHERE key = 'row_ledger'")
        db.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    before = tables(populated)
    with pytest.raises(VaultError) as refused:
        record_ids(populated)
    assert "run 'secure-records upgrade'" in str(refused.value)
    upgrade(populated)
    # Rows written before seals are never trusted unchecked (issue 15, item 6).
    with pytest.raises(IntegrityError) as caught:
        record_ids(populated)
    message = str(caught.value)
    assert "staff row lead has no seal" in message and "vault seal" in message
    assert message.endswith(".") and ". " not in message and "\n" not in message
    assert migrations(populated) == ALL  # migrated all the same, once
    assert tables(populated) == before | {"migrations"}  # nothing else made or lost
    assert all("seal" in columns(populated, table) for table in SEALED_TABLES)
    with raw(populated) as db:
        ids = [rid for (rid,) in db.execute("SELECT id FROM records ORDER BY id")]
        seals = db.execute("SELECT count(*) FROM records WHERE seal IS NOT NULL").fetchone()
    assert ids == ["R-0001", "R-0002", "R-0003"] and seals == (0,)  # kept, not sealed


def test_a_vault_that_lost_its_migrations_table_has_them_recorded_and_opens(
    populated: Path,
) -> None:
    """Its columns already there: migration 2 adds none twice and breaks no seal."""
    with raw(populated) as db:
        db.execute("DROP TABLE migrations")
        db.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    before = tables(populated)
    upgrade(populated)
    assert record_ids(populated) == ["R-0001", "R-0002", "R-0003"]
    assert migrations(populated) == ALL
    assert tables(populated) == before | {"migrations"}  # nothing else made or lost


def test_staff_rows_sealed_before_migration_3_keep_their_seals_and_count_pins(
    populated: Path,
) -> None:
    """As a release with migrations 1 and 2 left it: no PIN count on the staff table.
    Migration 3 adds it; every staff row sealed before still matches its seal."""
    with raw(populated) as db:
        db.execute("ALTER TABLE staff DROP COLUMN pin_failures")
        db.execute("ALTER TABLE staff DROP COLUMN locked_until")
        db.execute("DELETE FROM migrations WHERE number = 3")
    upgrade(populated)
    assert record_ids(populated) == ["R-0001", "R-0002", "R-0003"]
    assert migrations(populated) == ALL
    assert {"pin_failures", "locked_until"} <= columns(populated, "staff")
    with Administration.open(populated) as admin:
        admin.set_pin("alice", "246810")
    with pytest.raises(AccessRefused):
        Session.open("alice", populated, pin="135790")
    with Administration.open(populated) as admin:
        assert admin.existing_staff("alice").pin_failures == 1


def test_an_older_schema_version_from_before_migrations_gets_its_missing_tables(
    populated: Path,
) -> None:
    with raw(populated) as db:
        db.execute("DROP TABLE migrations")
        db.execute("DROP TABLE restrictions")  # grants, added with it, reference it
        db.execute("DROP TABLE grants")
        db.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    upgrade(populated)
    with Session.open("lead", populated) as session:
        assert session.oversight.restricted_records() == []
    assert {"restrictions", "grants"} <= tables(populated)
    assert {"seal"} <= columns(populated, "restrictions") & columns(populated, "grants")
    assert migrations(populated) == ALL
    with raw(populated) as db:
        version = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    # Past the 4 that releases from before migrations look for: they do not seal the
    # rows they write, so they must refuse this vault rather than write to it.
    assert version == ("5",)


def test_a_vault_migrated_by_a_newer_release_is_refused_in_one_sentence_and_unchanged(
    populated: Path,
) -> None:
    with raw(populated) as db:
        db.execute(
            "INSERT INTO migrations (number, name, applied_at) "
            "VALUES (?, 'sealed outputs', '2030-01-01T00:00:00+00:00')",
            (ALL[-1][0] + 1,),
        )
    before = fingerprint(populated)
    with pytest.raises(VaultError) as caught:
        Session.open("lead", populated)
    message = str(caught.value)
    assert f"with migration {len(ALL) + 1} (sealed outputs);" in message
    assert message.endswith(f"install a release that has migration {len(ALL) + 1}.")
    assert message.endswith(".") and ". " not in message and "\n" not in message
    assert fingerprint(populated) == before
    assert migrations(populated) == [*ALL, (ALL[-1][0] + 1, "sealed outputs")]


# Status queries: the same rows, in the same order, as fetching every row and
# filtering in Python (as the store did before).

SHARING = list(SharingStatus)
TELEPHONE = list(Status)
DISPOSAL = list(DisposalStatus)
WAITING, URGENT = SharingStatus.AWAITING_MANAGER, SharingStatus.ACTED_URGENTLY
# A misspelt status no longer reaches the store: the signatures take the enums.
STATUS_SETS: list[tuple[SharingStatus, ...]] = [
    (),
    (WAITING,),
    (WAITING, URGENT),
    (URGENT, WAITING, URGENT),  # repeated, reordered
]


def opened_store(request: pytest.FixtureRequest) -> tuple[Store, Callable[[], None]]:
    """The store as the vault opens it, with its keys (rows are sealed as written) and
    records R-0001 to R-0003; and how to close it. On PostgreSQL, a new vault in a
    new database of the throwaway cluster."""
    if request.param == "sqlite":
        admin = Administration.open(request.getfixturevalue("populated"))
        assert isinstance(admin.vault.store, SqliteStore)
        return admin.vault.store, admin.close
    where = request.getfixturevalue("postgres_database")
    pg = PostgresStore.create(where, {"vault_id": "v", "kek_version": "1", "created_at": "t"})
    pg.use_row_seals(RowSeals("v", bytes(32)))
    with pg.transaction():
        pg.mark_rows_sealed()
        keys = [RecordKeyRow(rid, f"k-{rid}", 1, b"w") for rid in ("R-0001", "R-0002", "R-0003")]
        pg.add_records([NewRecordRows(key, b"i", b"f", [], []) for key in keys], "t")
    return pg, pg.close


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    store, close = opened_store(request)
    ids = ["R-0001", "R-0002", "R-0003"]
    with store.transaction():
        for n in range(30):
            record = ids[n % 3]
            at = f"2026-01-{30 - n:02d}T00:00:00+00:00"  # later rows are older
            status = SHARING[n * 7 % len(SHARING)]
            store.add_decision(DecisionRow(f"D-{n:02d}", record, status, "lead", at), b"x")
            phone = TELEPHONE[n * 5 % len(TELEPHONE)]
            row = PhoneRequestRow(f"P-{n:02d}", record if n % 4 else None, phone, "rec", at)
            store.add_phone_request(row, b"x")
            disposal = DISPOSAL[n * 3 % len(DISPOSAL)]
            store.add_disposal(
                DisposalRow(f"X-{n:02d}", record, "adult", "rule", "2020", disposal, "it", at)
            )
    try:
        yield store
    finally:
        close()


def behind_the_back(store: Store, sql: str, *params: object) -> list[Any]:
    """One statement straight to the store's database, committed as it runs."""
    if isinstance(store, PostgresStore):
        cursor = store._db.raw.execute(translate(sql), params)
        return cursor.fetchall() if cursor.description else []
    with closing(sqlite3.connect(store.path, isolation_level=None)) as db:
        return db.execute(sql, params).fetchall()


def python_filtered(store: Store, query: str, statuses: Iterable[str] | None) -> list[str]:
    """The old way: every row, in the query's order, kept if its status was asked."""
    wanted = None if statuses is None else set(statuses)
    rows = behind_the_back(store, query)  # id first, status second
    return [rid for rid, status in rows if wanted is None or status in wanted]


@pytest.mark.parametrize("statuses", [*STATUS_SETS, tuple(SharingStatus)])
def test_decisions_by_status_are_what_the_python_filter_gave(
    store: Store, statuses: tuple[SharingStatus, ...]
) -> None:
    query = "SELECT id, status FROM sharing_decisions ORDER BY rowid"
    old = python_filtered(store, query, statuses)
    assert [row.id for row in store.decisions(statuses)] == old
    assert old or not set(statuses) & set(SHARING)  # the filter had rows to choose from


@pytest.mark.parametrize(
    "statuses", [(), (Status.AWAITING_CALLBACK,), (Status.VERIFIED, Status.REFERRED), Status]
)
def test_phone_requests_by_status_are_what_the_python_filter_gave(
    store: Store, statuses: tuple[Status, ...]
) -> None:
    query = "SELECT id, status FROM phone_requests ORDER BY created_at, id"
    old = python_filtered(store, query, statuses)
    assert [row.id for row in store.phone_requests(statuses)] == old
    assert old or not tuple(statuses)


@pytest.mark.parametrize(
    "statuses",
    [
        None,
        (),
        (DisposalStatus.PROPOSED, DisposalStatus.APPROVED),
        (DisposalStatus.EXECUTED,),
        (DisposalStatus.APPROVED, DisposalStatus.APPROVED),
    ],
)
def test_disposals_by_status_are_what_the_python_filter_gave(
    store: Store, statuses: tuple[DisposalStatus, ...] | None
) -> None:
    query = "SELECT id, status FROM disposals ORDER BY proposed_at, id"
    old = python_filtered(store, query, statuses)
    assert [row.id for row in store.disposals(statuses)] == old
    assert old or statuses == ()


READS: list[tuple[str, Callable[[Store, str], object]]] = [
    ("sharing_decisions", lambda s, rid: s.decision(rid)),
    ("sharing_decisions", lambda s, rid: s.decisions_for("R-0002")),
    ("phone_requests", lambda s, rid: s.phone_request(rid)),
    ("disposals", lambda s, rid: s.disposal(rid)),
    ("disposals", lambda s, rid: s.disposals()),
]
ROW_ID = {"sharing_decisions": "D-{}", "phone_requests": "P-{}", "disposals": "X-{}"}


def refused(read: Callable[[], object], *named: str) -> str:
    """The IntegrityError's message: one line naming the row, never the value found."""
    with pytest.raises(IntegrityError) as caught:
        read()
    message = str(caught.value)
    assert all(name in message for name in named), message
    assert "CANARY" not in message and "\n" not in message
    return message


@pytest.mark.parametrize(("table", "read"), READS)
def test_a_status_edited_into_the_file_is_refused_by_its_seal_in_one_sentence(
    store: Store, table: str, read: Callable[[Store, str], object]
) -> None:
    """Edited into the file by hand: refused as altered, never passed up as a word.
    (A query by status filters in SQL, so it simply does not find such a row.)"""
    row_id = ROW_ID[table].format("07")
    sql = f"UPDATE {table} SET status = ? WHERE id = ?"  # noqa: S608
    behind_the_back(store, sql, "CANARY-status", row_id)
    message = refused(lambda: read(store, row_id), f"{table} row {row_id} does not match")
    # One sentence, saying what to run.
    assert message.endswith("then restore from a backup).") and message.count(". ") == 0


@pytest.mark.parametrize(("table", "read"), READS)
def test_a_status_no_version_writes_is_refused_in_one_sentence_even_when_sealed(
    store: Store, table: str, read: Callable[[Store, str], object]
) -> None:
    """Written and sealed by something holding the keys (a newer version, a bug): its
    seal matches, so the status itself is what is refused, never passed up as a word."""
    row_id = ROW_ID[table].format("99")
    bad: Any = "CANARY-status"  # what no version of the store's signatures allows
    at = "2026-02-01T00:00:00+00:00"
    with store.transaction():
        if table == "sharing_decisions":
            store.add_decision(DecisionRow(row_id, "R-0002", bad, "lead", at), b"x")
        elif table == "phone_requests":
            store.add_phone_request(PhoneRequestRow(row_id, "R-0002", bad, "rec", at), b"x")
        else:
            store.add_disposal(
                DisposalRow(row_id, "R-0002", "adult", "rule", "2020", bad, "it", at)
            )
    message = refused(lambda: read(store, row_id), row_id, "status this version never writes")
    assert ". " not in message  # one sentence


def test_the_reader_that_builds_a_search_index_keeps_no_copy_of_the_table(
    populated: Path,
) -> None:
    """It reads every record once: a page cache the size of the records table (65 MB
    at 100,000 records) only added to the session's peak memory (issue 17)."""
    vault = open_vault(populated)
    try:
        reader = vault.reader()
        assert isinstance(reader, SqliteStore)
        try:
            (cache,) = reader._db.execute("PRAGMA cache_size").fetchone()
        finally:
            reader.close()
        (session_cache,) = vault.store._db.execute("PRAGMA cache_size").fetchone()  # type: ignore[attr-defined]
    finally:
        vault.close()
    kib = -cache if cache < 0 else cache * 4  # negative: KiB; positive: pages
    assert kib <= 2048, kib
    assert session_cache == -65536  # the session's own connection keeps its cache
