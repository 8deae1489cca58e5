"""The PostgreSQL store: one psycopg connection, its transactions, around the same
tables as SQLite's (`vault.tables`), behind the flat `vault.store.Store` interface.

One writer at a time, as SQLite's BEGIN IMMEDIATE gives: every write transaction's
first statement locks the log head's row (`SELECT ... FOR UPDATE`), so writers on any
number of hosts queue on that one row and append in one order. Under READ COMMITTED
each later statement sees everything committed before the lock was granted.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import psycopg
from psycopg import errors

from secure_records.core.errors import VaultError
from secure_records.vault import rows
from secure_records.vault.postgres import opening, schema
from secure_records.vault.postgres.dialect import PgConnection, said
from secure_records.vault.postgres.log_rows import LogRows
from secure_records.vault.row_seals import TABLES
from secure_records.vault.sqlite.migrations import Migration, behind_refusal
from secure_records.vault.sqlite.sealed_rows import SealedRows
from secure_records.vault.sqlite.stored_rows import BATCH_ROWS
from secure_records.vault.tables import VaultTables

if TYPE_CHECKING:
    from secure_records.vault.connection import Connection

T = TypeVar("T")

WRITE = "BEGIN ISOLATION LEVEL READ COMMITTED"
LOCK_HEAD = "SELECT id FROM log_head WHERE id = 1 FOR UPDATE"
# Neither can arise once the head is locked first (READ COMMITTED never fails to
# serialize; writers wait on nothing else); retried anyway, never shown to a person.
VACUUM = "VACUUM records"
RETRIED = (errors.SerializationFailure, errors.DeadlockDetected)
ATTEMPTS = 8


class PostgresStore(VaultTables):
    def __init__(self, connection: PgConnection, where: str) -> None:
        # SealedRows is annotated for sqlite3; it uses only what `Connection` declares.
        shared: Connection = connection
        super().__init__(shared, Path(where), SealedRows(cast(sqlite3.Connection, shared)))
        self._db = connection
        self.where = where
        self._conninfo = ""

    @classmethod
    def connect(cls, conninfo: str, *, upgrade: bool = False) -> PostgresStore:
        """Open a vault's database (a URL or `service=name`); a schema an older release
        made is refused, naming `secure-records upgrade`, which alone passes `upgrade`."""
        return cls._opened(conninfo, lambda store: store._migrate(upgrade=upgrade))

    @staticmethod
    def still_needed(conninfo: str) -> list[Migration]:
        """What the vault's schema lacks, nothing changed (for `upgrade`)."""
        raw = opening.connect(conninfo)
        try:
            db = PgConnection(raw)
            return schema.pending(db, opening.describe(raw))
        finally:
            raw.close()

    @classmethod
    def create(cls, conninfo: str, meta: dict[str, str]) -> PostgresStore:
        """A new vault in an empty database the account may create tables in."""
        return cls._opened(conninfo, lambda store: store._lay_out(meta))

    @classmethod
    def _opened(cls, conninfo: str, then: Callable[[PostgresStore], None]) -> PostgresStore:
        raw = opening.connect(conninfo)
        store = cls(PgConnection(raw), opening.describe(raw))
        store._conninfo = conninfo  # for discard() to reconnect
        try:
            then(store)
        except psycopg.Error as exc:
            store.close()
            raise VaultError(f"{store.where} could not be used as a vault ({said(exc)}).") from None
        except BaseException:
            store.close()
            raise
        return store

    def _migrate(self, *, upgrade: bool) -> None:
        needed = schema.pending(self._db, self.where)
        if needed and not upgrade:
            raise VaultError(behind_refusal(self.where, needed))
        if needed:
            with self.transaction():
                # Again under the head's lock: another host may have just done it.
                schema.apply(self._db, schema.pending(self._db, self.where))

    def _lay_out(self, meta: dict[str, str]) -> None:
        found = schema.taken(self._db)
        if "meta" in found:
            raise VaultError(f"{self.where} already holds a vault; nothing was changed.")
        if found:
            # Someone else's tables: never taken over, and never dropped on a failure.
            raise VaultError(
                f"{self.where} already has tables named {', '.join(found)}; a vault needs an "
                "empty database. Nothing was changed."
            )
        # No head row to lock yet: the schema is laid out in one plain transaction.
        self._db.execute(WRITE)
        try:
            schema.create(self._db)
            for key, value in meta.items():
                self.set_meta(key, value)
            self._db.execute("COMMIT")
        except BaseException:
            self._db.rollback()
            raise

    def close(self) -> None:
        self._db.close()

    def discard(self) -> None:
        """Take out the schema `create` just made (a vault whose laying out failed),
        over a new connection if this one was lost."""
        try:
            if self._db.raw.broken or self._db.raw.closed:
                self._db = PgConnection(opening.connect(self._conninfo))
            elif self._db.in_transaction:
                self._db.rollback()
            schema.drop(self._db)
        finally:
            self.close()

    @property
    def in_transaction(self) -> bool:
        return self._db.in_transaction

    def _begin_locked(self) -> None:
        for attempt in range(ATTEMPTS):
            try:
                self._db.execute(WRITE)
                self._db.execute(LOCK_HEAD)
                return
            except RETRIED:
                self._db.rollback()
                time.sleep(random.uniform(0, 0.01 * 2**attempt))  # noqa: S311
            except psycopg.Error as exc:
                if self._db.in_transaction:
                    self._db.rollback()
                raise VaultError(
                    f"The vault database {self.where} cannot be written ({said(exc)})."
                ) from None
        raise VaultError(
            f"The vault database {self.where} is too busy to write to; nothing was changed."
        )

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self._begin_locked()
        commit = lambda: self._db.execute("COMMIT")  # noqa: E731
        with self._one_change(commit, self._db.rollback, psycopg.Error, said):
            yield

    def log_head(self) -> rows.LogHead | None:
        # The head's row is there from the start (to be locked); empty until the first entry.
        head = self._settings.log_head()
        return None if head is None or head.seq is None else head

    def log_at(self, file: Path) -> LogRows:
        # No file: the lines are rows appended under the head's lock, on any host.
        return LogRows(self._db, self.where)

    def row_count(self, table: str) -> int:
        sql = f"SELECT count(*) AS n FROM {TABLES[table].name}"  # noqa: S608 (a known table)
        return int(self._db.execute(sql).fetchone()["n"])

    def row_batches(self, table: str, columns: Sequence[str]) -> Iterator[list[tuple[Any, ...]]]:
        spec = TABLES[table]
        known = {*spec.framed, *(column for column, _ in spec.later), "seal"}
        if not set(columns) <= known:  # only names from the table's spec reach the SQL
            raise ValueError(f"not a sealed column of {table}: {sorted(set(columns) - known)}")
        order = ", ".join(spec.identity)
        sql = f"SELECT {', '.join(columns)} FROM {spec.name} ORDER BY {order}"  # noqa: S608
        # A server-side cursor inside one read-only snapshot: a few thousand rows held
        # at a time, however large the table.
        yield from self._db.batches(sql, BATCH_ROWS)

    def checkpoint(self) -> bool:
        """After a disposal (and the other callers of SQLite's WAL truncation): the
        deleted rows, wrapped data keys among them, vacuumed from `records` so their
        space is marked free. PostgreSQL overwrites neither freed pages nor archived
        WAL in place: the destroyed key is the guarantee (README, "PostgreSQL")."""
        if self._db.in_transaction:
            return False  # VACUUM cannot run inside one; the caller tries again
        try:
            self._db.execute(VACUUM)
        except psycopg.Error:
            return False  # e.g. a concurrent VACUUM: not needed for the erase
        return True

    def for_one_person(self) -> None:
        pass  # the server keeps the pages, shared by every session: none held here

    def snapshot(self, target: Path, under_lock: Callable[[], T]) -> T:
        raise VaultError(
            f"{self.where} is backed up with PostgreSQL's own tools (pg_dump or a base "
            "backup), not by secure-records backup."
        )
