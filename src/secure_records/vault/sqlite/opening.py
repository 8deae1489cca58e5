"""Opening a vault's SQLite database: the pragmas every connection runs under, and
the refusal of a schema an older release made."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from secure_records.core.errors import VaultError
from secure_records.vault.sqlite import migrations

BIG_CACHE_KIB = 65536
# A reader passes over the records once (a search index built): a page is not read
# twice, so a cache would only keep the whole table (65 MB at 100k records) in memory.
ONE_PASS_CACHE_KIB = 1024
# A staff member's session reads a screenful and a record at a time: the id indexes
# a list walks fit, and the 64 MB that would fill over a day of opening records stays
# in the host's file cache, shared, rather than in each session (issue 21).
SESSION_CACHE_KIB = 4096


def _open(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None, timeout=30.0, check_same_thread=False)
    db.row_factory = sqlite3.Row  # every row is read by column name
    return db


def _configure(db: sqlite3.Connection) -> None:
    db.execute("PRAGMA journal_mode = WAL")
    # Debian's build defaults it on, upstream's off: say so explicitly.
    db.execute("PRAGMA secure_delete = ON")
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA synchronous = FULL")
    db.execute("PRAGMA busy_timeout = 30000")
    # A 100k-record vault's indexes fit in 64 MiB; sorts never spill to temp files.
    db.execute(f"PRAGMA cache_size = -{BIG_CACHE_KIB}")
    db.execute("PRAGMA temp_store = MEMORY")


def open_new(path: Path) -> sqlite3.Connection:
    db = _open(path)
    _configure(db)
    return db


def open_vault_database(
    path: Path, *, one_pass: bool, upgrade: bool
) -> tuple[sqlite3.Connection, list[migrations.Migration]]:
    """The connection and the migrations still to apply (empty unless `upgrade`)."""
    if not path.is_file():
        raise VaultError(f"No vault database at {path}; run 'secure-records init' first.")
    try:
        db = _open(path)
        try:
            _configure(db)
            if one_pass:
                db.execute(f"PRAGMA cache_size = -{ONE_PASS_CACHE_KIB}")
            needed = migrations.pending(db, path)
            if needed and not upgrade:
                raise VaultError(migrations.behind_refusal(path, needed))
        except BaseException:
            db.close()
            raise
    except sqlite3.DatabaseError as exc:
        raise VaultError(f"{path} is not a readable vault database ({exc}).") from None
    return db, needed
