"""Someone who holds the vault's keys and writes its rows through the store, so every
row is sealed as the app would seal it, but never through the log: what a row seal
cannot catch, and the checks behind it (the log's proof, AEAD) must."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from secure_records.admin import Administration
from secure_records.vault.connection import Connection
from secure_records.vault.postgres.store import PostgresStore
from secure_records.vault.row_seals import TABLES, total
from secure_records.vault.sqlite.store import SqliteStore

EitherStore = SqliteStore | PostgresStore


@contextmanager
def insider(home: Path) -> Iterator[EitherStore]:
    """The vault's store (either backend), opened with its keys, inside one write
    transaction."""
    with Administration.open(home) as admin:
        store = admin.vault.store
        assert isinstance(store, SqliteStore | PostgresStore)
        with store.transaction():
            yield store


@contextmanager
def resealed(store: EitherStore, table: str, identity: Mapping[str, Any]) -> Iterator[Connection]:
    """Plain SQL on one row that the store has no method for, then the row sealed
    again (and its record's history) exactly as the store seals its own writes."""
    with store._sealed.changing(table, identity):
        yield store._tables_db


def reseal_all(store: EitherStore, tables: Iterable[str]) -> None:
    """Every row of these tables sealed as it now stands, every record's history and the
    ledger with them: tampering made to look legitimate by someone with the keys."""
    sealed, db = store._sealed, store._tables_db
    with store.transaction():
        for table in tables:
            spec = TABLES[table]
            where = " AND ".join(f"{c} = ?" for c in spec.identity)
            for row in db.execute(f"SELECT * FROM {table}").fetchall():  # noqa: S608
                identity = tuple(row[c] for c in spec.identity)
                seal = sealed.seals.mac(spec, row)
                db.execute(f"UPDATE {table} SET seal = ? WHERE {where}", (seal, *identity))  # noqa: S608
            seals = db.execute(f"SELECT seal FROM {table}")  # noqa: S608
            sealed.ledger.totals[table] = total(bytes(seal) for (seal,) in seals)
        for (record_id,) in db.execute("SELECT id FROM records").fetchall():
            sealed.reseal_history(record_id)
