"""Memory per session on PostgreSQL (issue 21): psycopg's ordinary cursor holds a
whole result in memory, so a read of every record (the search index, IT's retention
scan, the lead's list) or of a caseload goes through a server-side cursor, a batch at
a time. These count the rows any one result holds, on a real throwaway cluster."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from secure_records.admin import Administration
from secure_records.core.errors import SecureRecordsError
from secure_records.demo import synthetic_records
from secure_records.session import Session
from secure_records.vault.home import VaultPaths
from secure_records.vault.postgres import dialect
from secure_records.vault.vault import Vault
from tests.conftest import STAFF
from tests.support.open_keyring import OpenKeyring

# Picks its backend itself: PostgreSQL.
pytestmark = pytest.mark.not_on_postgres

RECORDS = 300
BATCH = 16  # far below RECORDS: a whole read would show
CASEWORKERS = ("alice", "bilal")


@pytest.fixture
def pg_home(tmp_path: Path, postgres_database: str, memory_keyring: OpenKeyring) -> Path:
    home = tmp_path / "vault"
    with Administration.init(home, database=postgres_database) as admin:
        for name, role in STAFF:
            admin.add_staff(name, role)
        admin.add_records(list(synthetic_records(RECORDS, 7, CASEWORKERS)))
    return home


class Held:
    """The rows each result held at once: every ordinary cursor's whole result, and
    every batch a server-side cursor fetched."""

    def __init__(self) -> None:
        self.whole: list[int] = []
        self.batches: list[int] = []

    def most(self) -> int:
        return max(self.whole + self.batches, default=0)


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[Held]:
    monkeypatch.setattr(dialect, "STREAM_ROWS", BATCH, raising=False)
    seen = Held()
    execute, fetchmany = psycopg.Cursor.execute, psycopg.ServerCursor.fetchmany

    def whole(cursor: psycopg.Cursor[Any], *args: Any, **kwargs: Any) -> Any:
        done = execute(cursor, *args, **kwargs)
        if cursor.pgresult is not None:
            seen.whole.append(cursor.pgresult.ntuples)
        return done

    def batch(cursor: psycopg.ServerCursor[Any], size: int = 0) -> list[Any]:
        rows = fetchmany(cursor, size)
        seen.batches.append(len(rows))
        return rows

    monkeypatch.setattr(psycopg.Cursor, "execute", whole)
    monkeypatch.setattr(psycopg.ServerCursor, "fetchmany", batch)
    yield seen


def test_every_record_and_a_caseload_are_read_a_batch_at_a_time(pg_home: Path, held: Held) -> None:
    vault = Vault.open(VaultPaths(pg_home))
    reader = vault.reader()
    try:
        ids = reader.record_ids()
        listed = [(key.record_id, packed) for key, packed in reader.listing_rows(None)]
        caseload = reader.ids_assigned_to("alice")
        assert held.most() <= BATCH
        assert sum(held.batches) == 2 * RECORDS + len(caseload)
        # The same rows, in the same order, as reading them one by one.
        one_by_one = [(key.record_id, packed) for key, packed in reader.listing_rows(ids)]
        assert listed == one_by_one and ids == sorted(ids) and len(ids) == RECORDS
        assert caseload == sorted(caseload) and len(caseload) == RECORDS // 2
        assert not reader.in_transaction  # the read's own snapshot ended with it
    finally:
        reader.close()
        vault.close()


def test_a_lead_search_and_it_retention_hold_no_whole_table(pg_home: Path, held: Held) -> None:
    with Session.open("lead", pg_home) as session:
        session.records.listing_ids()
        session.records.prepare_search()
        assert session.records.search("a")
    with Session.open("it", pg_home) as session:
        session.retention.retention_queue()
    assert held.most() <= BATCH
    assert sum(held.batches) >= 3 * RECORDS  # the list, the index and the scan, streamed


def test_a_broken_seal_in_a_streamed_read_is_refused_and_logged(
    pg_home: Path, postgres_database: str
) -> None:
    vault = Vault.open(VaultPaths(pg_home))
    try:
        raw = psycopg.connect(postgres_database, autocommit=True)
        raw.execute("UPDATE records SET created_at = '2001-01-01' WHERE id = 'R-000150'")
        (before,) = raw.execute("SELECT count(*) FROM log_entries").fetchone() or (0,)
        with pytest.raises(SecureRecordsError):
            vault.field_values(None, ("name",))
        assert not vault.store.in_transaction
        # Reported once the read's snapshot ended: the entry could be written.
        (after,) = raw.execute("SELECT count(*) FROM log_entries").fetchone() or (0,)
        assert after == before + 1
        raw.close()
    finally:
        vault.close()
