"""A consistent copy of the database for a backup, taken under the write lock."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from secure_records.core.errors import VaultError

T = TypeVar("T")


def copy_locked(db: sqlite3.Connection, path: Path, target: Path, under_lock: Callable[[], T]) -> T:
    """Copy the database at `path` to `target` with SQLite's backup API while `db`
    holds the write lock, and run `under_lock` before letting it go.

    The lock on `db`, the copy through a second connection: SQLite's backup cannot
    read a database through the connection holding its write lock, and in WAL mode
    the second connection sees exactly what was committed when the lock was taken."""
    try:
        db.execute("BEGIN IMMEDIATE")
    except sqlite3.DatabaseError as exc:
        raise VaultError(f"The vault database {path} cannot be locked ({exc}).") from None
    try:
        reader = sqlite3.connect(path, isolation_level=None, timeout=30.0)
        copy = sqlite3.connect(target)
        try:
            reader.backup(copy)
        finally:
            copy.close()
            reader.close()
        return under_lock()
    except sqlite3.DatabaseError as exc:
        raise VaultError(f"The vault database {path} cannot be copied ({exc}).") from None
    finally:
        db.execute("ROLLBACK")
