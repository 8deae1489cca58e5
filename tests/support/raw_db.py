"""The vault's database "behind the app's back", whatever its backend: what someone who
can write its rows but holds none of its keys has. SQLite's file through plain sqlite3;
a PostgreSQL database (the one the home's vault.conf names) through psycopg, in the
vault's own dialect wrapper so that the tests' SQL (`?` placeholders, rows read by
position or by name) is the same on both.

On PostgreSQL the log is the `log_entries` table, not the file audit.log.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any, Literal

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict
from psycopg.rows import RowMaker

from secure_records.vault.database import CONFIG_NAME, DATABASE_ENV, DATABASE_KEY, configured
from secure_records.vault.home import VaultPaths, resolve_home
from secure_records.vault.postgres.dialect import PgConnection, _params, translate


def vault_paths(home: Path | VaultPaths) -> VaultPaths:
    return home if isinstance(home, VaultPaths) else resolve_home(home)


def on_postgres(home: Path | VaultPaths) -> bool:
    return configured(vault_paths(home)) is not None


class Row(tuple[Any, ...]):
    """A row that is a plain tuple (so that it compares equal to one, as sqlite3's rows
    do) and is read by column name too, as the vault's own rows are."""

    _index: dict[str, int]

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._index[key])
        return tuple.__getitem__(self, key)


def _tuple_rows(cursor: psycopg.Cursor[Any]) -> RowMaker[Row]:
    index = {column.name: n for n, column in enumerate(cursor.description or ())}

    def make(values: Sequence[Any]) -> Row:
        row = Row(values)
        row._index = index
        return row

    return make


class RawPg(PgConnection):
    """The vault's own PostgreSQL wrapper, its rows plain tuples."""

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Any:
        cursor = self.raw.cursor(row_factory=_tuple_rows)
        return cursor.execute(translate(sql), _params(parameters))


@contextmanager
def behind_the_back(home: Path | VaultPaths, *, autocommit: bool = False) -> Iterator[Any]:
    """A connection to the vault's database. SQLite: committed when the block ends (or
    each statement as it runs, with `autocommit`), rolled back if it raises, as the
    tests' `with sqlite3.connect(...)` did. PostgreSQL: each statement committed as it
    runs, unless the block sends BEGIN itself."""
    paths = vault_paths(home)
    conninfo = configured(paths)
    if conninfo is not None:
        db = RawPg(psycopg.connect(conninfo))
        try:
            yield db
        finally:
            db.close()
        return
    if not paths.database.is_file():  # sqlite3 would make an empty one
        raise FileNotFoundError(paths.database)
    isolation: Literal["DEFERRED"] | None = None if autocommit else "DEFERRED"
    with closing(sqlite3.connect(paths.database, isolation_level=isolation)) as lite, lite:
        yield lite


@contextmanager
def one_transaction(home: Path | VaultPaths, *, putting_back: bool = False) -> Iterator[Any]:
    """The block's statements as one transaction, committed at its end, rolled back if
    it raises. `putting_back` (a test restoring rows as they were, not an attack): on
    PostgreSQL, foreign keys' actions are off within it (and a row's `rowid` may be
    written), as they are on SQLite's plain connections."""
    with behind_the_back(home) as db:
        if not isinstance(db, PgConnection):
            yield db
            return
        with db.raw.transaction():
            if putting_back:
                db.execute("SET LOCAL session_replication_role = replica")
            yield db


def insert_as_was(db: Any) -> str:
    """`INSERT INTO t (...) {this}VALUES`: PostgreSQL's rowid is its own to number unless
    told, SQLite's is any column's."""
    return "OVERRIDING SYSTEM VALUE " if isinstance(db, PgConnection) else ""


@contextmanager
def own_database(request: pytest.FixtureRequest) -> Iterator[None]:
    """A second vault made in one test: on PostgreSQL, made in a new database of its own
    (the test's SECURE_RECORDS_DATABASE already holds the first), as long as the block
    runs; afterwards its home's vault.conf names it."""
    if DATABASE_ENV not in os.environ:
        yield
        return
    cluster = request.getfixturevalue("postgres_cluster")
    name = cluster.new_database()
    request.addfinalizer(lambda: cluster.drop_database(name))
    first = os.environ[DATABASE_ENV]
    os.environ[DATABASE_ENV] = cluster.conninfo(name)
    try:
        yield
    finally:
        os.environ[DATABASE_ENV] = first


def copy_vault(home: Path, to: Path, request: pytest.FixtureRequest) -> None:
    """A copy of the vault as it is now, as a backup of it would hold it: its home's
    files and, on PostgreSQL, its database copied by the server into a new one (which
    the copy's vault.conf then names). No one may be connected to it meanwhile."""
    shutil.copytree(home, to)
    conninfo = configured(vault_paths(home))
    if conninfo is None:
        return
    cluster = request.getfixturevalue("postgres_cluster")
    source = conninfo_to_dict(conninfo)["dbname"]
    name = f"{source}_copy_{len(list(to.parent.iterdir()))}"
    with psycopg.connect(cluster.conninfo("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
    request.addfinalizer(lambda: cluster.drop_database(name))
    (to / CONFIG_NAME).write_text(f"{DATABASE_KEY} = {cluster.conninfo(name)}\n")


def tables(db: Any) -> list[str]:
    """The vault's tables, on either backend."""
    if isinstance(db, PgConnection):
        query = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
    else:
        query = "SELECT name FROM sqlite_master WHERE type = 'table'"
    return sorted(str(row[0]) for row in db.execute(query).fetchall())


def every_value(home: Path | VaultPaths) -> bytes:
    """Every value of every row of every table, as bytes: on PostgreSQL what "every
    byte of the vault's files" is on SQLite (the server's own files are its business)."""
    found: list[bytes] = []
    with behind_the_back(home, autocommit=True) as db:
        for table in tables(db):
            for row in db.execute(f'SELECT * FROM "{table}"').fetchall():  # noqa: S608
                for value in row:
                    if isinstance(value, (bytes, bytearray, memoryview)):
                        found.append(bytes(value))
                    elif value is not None:
                        found.append(str(value).encode())
    return b"\x00".join(found)


def stored(home: Path | VaultPaths) -> bytes:
    """Every byte of every file under the home and, on PostgreSQL, every value of every
    row of its database: whatever the vault holds, wherever it holds it."""
    paths = vault_paths(home)
    files = b"".join(p.read_bytes() for p in sorted(paths.home.rglob("*")) if p.is_file())
    return files + (every_value(paths) if on_postgres(paths) else b"")


def log_bytes(home: Path | VaultPaths) -> bytes:
    """The log as its bytes: audit.log's, or the `log_entries` rows' in order."""
    with raw_log(home) as log:
        return log.read()


class RawLog:
    """The log's bytes, rewritten behind the app's back: audit.log, or on PostgreSQL the
    `log_entries` rows (one per line, numbered and placed as the lines fall)."""

    def __init__(self, paths: VaultPaths, db: PgConnection | None) -> None:
        self._paths = paths
        self._db = db

    def read(self) -> bytes:
        if self._db is None:
            return self._paths.log.read_bytes()
        rows = self._db.execute("SELECT line FROM log_entries ORDER BY seq").fetchall()
        return b"".join(bytes(row[0]) for row in rows)

    def write(self, data: bytes) -> None:
        if self._db is None:
            self._paths.log.write_bytes(data)
            return
        rows, start = [], 0
        for seq, line in enumerate(data.splitlines(keepends=True), start=1):
            rows.append((seq, start, line))
            start += len(line)
        with self._db.raw.transaction():
            self._db.execute("DELETE FROM log_entries")
            self._db.executemany(
                "INSERT INTO log_entries (seq, start, line) VALUES (?, ?, ?)", rows
            )

    def put(self, offset: int, byte: int) -> None:
        """One byte of the log replaced, where it lies."""
        if self._db is None:
            fd = os.open(self._paths.log, os.O_RDWR)
            try:
                os.pwrite(fd, bytes([byte]), offset)
            finally:
                os.close(fd)
            return
        row = self._db.execute(
            "SELECT seq, start, line FROM log_entries WHERE start <= ? ORDER BY start DESC LIMIT 1",
            (offset,),
        ).fetchone()
        line = bytearray(row["line"])
        line[offset - row["start"]] = byte
        self._db.execute("UPDATE log_entries SET line = ? WHERE seq = ?", (bytes(line), row["seq"]))


@contextmanager
def raw_log(home: Path | VaultPaths) -> Iterator[RawLog]:
    paths = vault_paths(home)
    if not on_postgres(paths):
        yield RawLog(paths, None)
        return
    with behind_the_back(paths) as db:
        yield RawLog(paths, db)
