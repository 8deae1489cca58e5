"""The SQLite store: one connection, its pragmas and transactions, around the tables
(`vault.tables`) behind the flat `vault.store.Store` interface.

WAL mode lets several sessions read while one writes; `secure_delete` makes SQLite
overwrite what it frees.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from secure_records.core.errors import VaultError
from secure_records.vault.log_lines import LogFile
from secure_records.vault.sqlite import migrations, opening, snapshot, stored_rows
from secure_records.vault.sqlite.sealed_rows import SealedRows
from secure_records.vault.tables import VaultTables

T = TypeVar("T")


class SqliteStore(VaultTables):
    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        super().__init__(connection, path, SealedRows(connection))
        self._db = connection

    @classmethod
    def connect(cls, path: Path, *, one_pass: bool = False, upgrade: bool = False) -> SqliteStore:
        """Open a vault's database; `one_pass` for a connection that reads each page
        once (a small page cache). A schema an older release made is refused, naming
        `secure-records upgrade`, which alone passes `upgrade` to migrate it first."""
        db, needed = opening.open_vault_database(path, one_pass=one_pass, upgrade=upgrade)
        store = cls(db, path)
        if needed:
            try:
                with store.transaction():
                    # Again under the write lock: another process may have just done it.
                    migrations.apply(db, migrations.pending(db, path))
            except BaseException:
                store.close()
                raise
        return store

    @classmethod
    def create(cls, path: Path, meta: dict[str, str]) -> SqliteStore:
        db = opening.open_new(path)
        store = cls(db, path)
        with store.transaction():
            migrations.apply(store._db, list(migrations.MIGRATIONS))
            for key, value in meta.items():
                store.set_meta(key, value)
        return store

    def close(self) -> None:
        self._db.close()

    def discard(self) -> None:
        """Close and delete the file `create` just made (a vault whose laying out failed)."""
        self.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    @property
    def in_transaction(self) -> bool:
        return self._db.in_transaction

    @contextmanager
    def transaction(self) -> Iterator[None]:
        # IMMEDIATE takes the write lock up front.
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as exc:
            raise VaultError(f"The vault database {self.path} cannot be written ({exc}).") from None
        with self._one_change(
            lambda: self._db.execute("COMMIT"),
            lambda: self._db.execute("ROLLBACK"),
            sqlite3.DatabaseError,
        ):
            yield

    def log_at(self, file: Path) -> LogFile:
        return LogFile(file)

    def row_count(self, table: str) -> int:
        return stored_rows.row_count(self._db, table)

    def row_batches(self, table: str, columns: Sequence[str]) -> Iterator[list[tuple[Any, ...]]]:
        return stored_rows.row_batches(self._db, table, columns)

    def checkpoint(self) -> bool:
        # Everything into the main file and the WAL emptied, unless a reader holds some.
        row = self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return row is not None and row["busy"] == 0  # 1: a reader held it

    def for_one_person(self) -> None:
        # The file's pages stay in the host's own cache, shared by every session.
        self._db.execute(f"PRAGMA cache_size = -{opening.SESSION_CACHE_KIB}")

    def snapshot(self, target: Path, under_lock: Callable[[], T]) -> T:
        return snapshot.copy_locked(self._db, self.path, target, under_lock)
