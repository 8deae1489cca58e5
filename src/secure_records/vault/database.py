"""Which database holds a vault: SQLite's file in the vault's home (the default), or a
PostgreSQL database that the home's `vault.conf` names in a `database = ...` line.

`init` takes the database from `--database`, else SECURE_RECORDS_DATABASE, else a
`vault.conf` the operator wrote into the empty home first; it then writes (or keeps)
that line, so every later command, on every host that has a copy of the home, opens
the same database without being told again. Only a connection string is kept: the
credentials come from a PostgreSQL service or password file (postgres/opening.py).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from secure_records.core.errors import VaultError
from secure_records.vault.home import VaultPaths
from secure_records.vault.private_files import make_private_file, write_private_file
from secure_records.vault.sqlite.store import SqliteStore

if TYPE_CHECKING:
    from secure_records.vault.postgres.store import PostgresStore
    from secure_records.vault.store import Store

DATABASE_ENV = "SECURE_RECORDS_DATABASE"
CONFIG_NAME = "vault.conf"
DATABASE_KEY = "database"


def config_path(paths: VaultPaths) -> Path:
    return paths.home / CONFIG_NAME


def configured(paths: VaultPaths) -> str | None:
    """The PostgreSQL connection string the home's vault.conf names, or None (SQLite)."""
    path = config_path(paths)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise VaultError(f"{path} cannot be read ({exc}).") from None
    found: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, equals, value = (part.strip() for part in line.partition("="))
        if not equals or key != DATABASE_KEY or not value:
            raise VaultError(
                f"{path} line {number} is not understood: the only setting is "
                "'database = <PostgreSQL URL or service=name>'."
            )
        found = value
    return found


def requested(explicit: str | None, paths: VaultPaths) -> str | None:
    """For init: --database, else SECURE_RECORDS_DATABASE, else the home's vault.conf."""
    written = configured(paths)
    for given, where in ((explicit, "--database"), (os.environ.get(DATABASE_ENV), DATABASE_ENV)):
        if given is not None:
            if not given.strip():
                raise VaultError(f"{where} was given but is empty; name the PostgreSQL database.")
            conninfo = _one_line(given.strip(), where)
            if written is not None and written != conninfo:
                raise VaultError(
                    f"{where} names a different database from {config_path(paths)}; "
                    "give one or the other."
                )
            return conninfo
    return written


def _one_line(conninfo: str, where: str) -> str:
    # It is written into vault.conf as one line: no line breaks or terminal controls.
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in conninfo):
        raise VaultError(f"{where} holds a control character; name the database on one line.")
    return conninfo


def holds_vault(paths: VaultPaths) -> bool:
    """Whether the home names a vault: SQLite's file, or a vault.conf naming a database."""
    return paths.database.is_file() or configured(paths) is not None


def postgres() -> type[PostgresStore]:
    try:
        from secure_records.vault.postgres.store import PostgresStore
    except ImportError:
        raise VaultError(
            "This vault's database is PostgreSQL, and this installation lacks its driver: "
            "install secure-records with its postgres extra."
        ) from None
    return PostgresStore


def connect(paths: VaultPaths, *, one_pass: bool = False, upgrade: bool = False) -> Store:
    """The vault's store, opened (`one_pass` matters to SQLite's page cache alone)."""
    conninfo = configured(paths)
    if conninfo is not None:
        return postgres().connect(conninfo, upgrade=upgrade)
    if not paths.database.is_file():
        raise VaultError(f"No vault at {paths.home}; run 'secure-records init' or pass --home.")
    return SqliteStore.connect(paths.database, one_pass=one_pass, upgrade=upgrade)


def create(paths: VaultPaths, conninfo: str | None, meta: dict[str, str]) -> Store:
    """A new store: SQLite's file in the home, or the schema in an empty PostgreSQL
    database, whose connection string the home's vault.conf then keeps."""
    if conninfo is None:
        make_private_file(paths.database)
        return SqliteStore.create(paths.database, meta)
    store = postgres().create(conninfo, meta)
    try:
        if configured(paths) != conninfo:
            write_private_file(config_path(paths), f"{DATABASE_KEY} = {conninfo}\n")
    except BaseException:
        store.discard()
        raise
    return store
