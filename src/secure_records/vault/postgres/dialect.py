"""psycopg 3 behind `vault.connection.Connection`: the shared table modules' SQL, as
SQLite spells it, translated here and nowhere else.

- `?` placeholders become `%s` (and a literal `%` becomes `%%`).
- `WHERE 1` (SQLite's "every row") becomes `WHERE TRUE`.
- A bare `BEGIN` is a read snapshot (`sealed_rows.snapshot`): SQLite's read
  transaction sees one snapshot, PostgreSQL's default READ COMMITTED does not, so it
  becomes REPEATABLE READ, READ ONLY.
- `PRAGMA data_version` (changes when another connection commits) becomes a hash of
  the current snapshot: equal snapshots see equal committed data.
- `sealed_sql.CHILD_ROWS` unions columns of different types at one position, which
  SQLite's dynamic typing allows and PostgreSQL refuses: it runs as one query per
  child table instead, the same rows in the same shape.
- Parameters as sqlite3 stores them: a bool as 0/1, a str enum as its plain text.
- A read of every record (or a caseload) is `STREAMED`: psycopg's ordinary cursor
  holds a whole result in memory (every record's sealed fields at 100,000 records),
  where SQLite's steps through it; these go through a server-side cursor instead,
  `STREAM_ROWS` rows at a time.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import psycopg
from psycopg import pq
from psycopg.rows import RowMaker

from secure_records.core.errors import VaultError
from secure_records.vault.connection import Cursor
from secure_records.vault.row_seals import CHILD_TABLES
from secure_records.vault.sqlite.records import CASELOAD, EVERY_ID, EVERY_RECORD
from secure_records.vault.sqlite.sealed_sql import CHILD_ROWS

READ_SNAPSHOT = "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"
DATA_VERSION = "SELECT ('x' || substr(md5(pg_current_snapshot()::text), 1, 15))::bit(60)::bigint"
# `WHERE 1` alone, or before ORDER BY or LIMIT: not `WHERE 1 = 0`.
_WHERE_EVERY_ROW = re.compile(r"\bWHERE 1(?=\s*$|\s+ORDER\b|\s+LIMIT\b)")
_WIDTH = max(len(spec.framed) for spec in CHILD_TABLES)
# CHILD_ROWS, one child table at a time (table names are ours, never anything typed).
_CHILD_QUERIES = tuple(
    f"SELECT '{spec.name}', seal, "  # noqa: S608
    + ", ".join([*spec.framed, *["NULL"] * (_WIDTH - len(spec.framed))])
    + f" FROM {spec.name} WHERE {spec.parent} = %s"
    for spec in CHILD_TABLES
)
STREAMED = frozenset({EVERY_ID, EVERY_RECORD, CASELOAD})
# A record's row is about 1 KB fetched: 512 of them a megabyte or two at once, and a
# round trip per 512 is nothing beside decrypting them.
STREAM_ROWS = 512
_OPEN = frozenset({pq.TransactionStatus.INTRANS, pq.TransactionStatus.INERROR})


@lru_cache(maxsize=512)
def translate(sql: str) -> str:
    """SQLite's spelling of a statement in PostgreSQL's (see the module's list)."""
    stripped = sql.strip()
    if stripped == "BEGIN":
        return READ_SNAPSHOT
    if stripped == "PRAGMA data_version":
        return DATA_VERSION
    if stripped.upper().startswith("PRAGMA"):
        raise ValueError(f"no PostgreSQL form of {stripped!r}")
    sql = _WHERE_EVERY_ROW.sub("WHERE TRUE", sql)
    return sql.replace("%", "%%").replace("?", "%s")


def _plain(value: object) -> object:
    # sqlite3 stores a bool as an integer and a str enum as its text.
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, str) and type(value) is not str:
        return str.__str__(value)
    return value


def _params(parameters: Sequence[Any]) -> tuple[object, ...]:
    return tuple(_plain(value) for value in parameters)


# psycopg logs what it ignores while closing a lost connection ("error ignored
# terminating <psycopg.Pipeline [BAD] at 0x...>"), which Python's last-resort handler
# prints to stderr: the one sentence the person reads says it already.
logging.getLogger("psycopg").addHandler(logging.NullHandler())


class PgRow:
    """A row read by column name or by position, like `sqlite3.Row`."""

    __slots__ = ("_index", "_values")

    def __init__(self, values: Sequence[Any], index: dict[str, int]) -> None:
        self._values = tuple(values)
        self._index = index

    def __getitem__(self, key: str | int) -> Any:
        if isinstance(key, str):
            return self._values[self._index[key]]
        return self._values[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def keys(self) -> list[str]:
        return list(self._index)


def _rows(cursor: psycopg.Cursor[Any]) -> RowMaker[PgRow]:
    index = {column.name: n for n, column in enumerate(cursor.description or ())}
    return lambda values: PgRow(values, index)


class Rows:
    """Rows already fetched: CHILD_ROWS's, gathered from several queries."""

    def __init__(self, found: list[PgRow]) -> None:
        self._found = found
        self.rowcount = len(found)

    def fetchone(self) -> PgRow | None:
        return self._found[0] if self._found else None

    def fetchall(self) -> list[PgRow]:
        return list(self._found)

    def __iter__(self) -> Iterator[PgRow]:
        return iter(self._found)


class Streamed:
    """A `STREAMED` read's rows, fetched `STREAM_ROWS` at a time as they are iterated."""

    rowcount = -1  # not known until read through, as sqlite3's for a SELECT

    def __init__(self, db: PgConnection, sql: str, parameters: Sequence[Any]) -> None:
        self._rows = db.streamed_rows(sql, parameters, STREAM_ROWS)

    def fetchone(self) -> PgRow | None:
        return next(self._rows, None)

    def fetchall(self) -> list[PgRow]:
        return list(self._rows)

    def __iter__(self) -> Iterator[PgRow]:
        return self._rows


class TupleCursor:
    """`Connection.cursor()`: the rows already read by position too, so a row factory
    of None changes nothing."""

    def __init__(self, db: PgConnection) -> None:
        self._db = db
        self.row_factory: Any = None

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Iterable[Any]:
        return self._db.execute(sql, parameters)


def said(exc: Exception) -> str:
    """The server's one-line message, never its DETAIL: a constraint's DETAIL quotes the
    whole failing row (a PIN's hash among its columns)."""
    if isinstance(exc, psycopg.Error) and exc.diag.message_primary:
        return exc.diag.message_primary
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


class PgConnection:
    def __init__(self, connection: psycopg.Connection[Any]) -> None:
        # Autocommit: transactions are begun and ended by statements, as with sqlite3's
        # isolation_level=None, and nothing is held open between them.
        connection.autocommit = True
        self.raw = connection
        self._streams = itertools.count()

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status in _OPEN

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Cursor:
        with self._connected():
            if sql == CHILD_ROWS:
                return self._child_rows(parameters[0])
            if sql in STREAMED:
                return Streamed(self, sql, parameters)
            cursor = self.raw.cursor(row_factory=_rows)
            return cursor.execute(translate(sql), _params(parameters))

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> Cursor:
        with self._connected():
            cursor = self.raw.cursor(row_factory=_rows)
            cursor.executemany(translate(sql), [_params(p) for p in parameters])
            return cursor

    @contextmanager
    def _connected(self) -> Iterator[None]:
        # A server restarted or failed over mid-session: one sentence, not a traceback.
        # Any transaction open on it was rolled back by the server.
        try:
            yield
        except psycopg.OperationalError as exc:
            if not (self.raw.broken or self.raw.closed):
                raise  # e.g. a lock not granted in time: the transaction says so
            said = str(exc).strip().replace("\n", " ")
            raise VaultError(
                f"The connection to the vault's database was lost ({said}); nothing more "
                "was done: open the vault again."
            ) from None

    def batches(
        self, sql: str, size: int, parameters: Sequence[Any] = ()
    ) -> Iterator[list[tuple[Any, ...]]]:
        """A query's rows as plain tuples, `size` at a time (see `streamed_rows`)."""
        for batch in self._fetched(sql, parameters, size, None):
            yield [tuple(row) for row in batch]

    def streamed_rows(self, sql: str, parameters: Sequence[Any], size: int) -> Iterator[PgRow]:
        """A query's rows one at a time, read by name or position, `size` held at once."""
        for batch in self._fetched(sql, parameters, size, _rows):
            yield from batch

    def _fetched(
        self, sql: str, parameters: Sequence[Any], size: int, row_factory: Any
    ) -> Iterator[list[Any]]:
        # A server-side cursor needs a transaction: the caller's, or one read-only
        # snapshot of our own, ended when the rows are read through (or abandoned).
        own = not self.in_transaction
        if own:
            self.raw.execute(READ_SNAPSHOT)
        try:
            name = f"streamed_{next(self._streams)}"  # one read may run inside another's
            with self._connected(), self.raw.cursor(name=name) as cursor:
                if row_factory is not None:
                    cursor.row_factory = row_factory
                cursor.itersize = size
                cursor.execute(translate(sql), _params(parameters))
                while batch := cursor.fetchmany(size):
                    yield batch
        finally:
            if own and self.in_transaction:
                self.raw.execute("COMMIT")

    def cursor(self) -> TupleCursor:
        return TupleCursor(self)

    def rollback(self) -> None:
        try:
            self.raw.execute("ROLLBACK")
        except psycopg.OperationalError:
            if not (self.raw.broken or self.raw.closed):
                raise
            # The connection is gone: the server rolled back what it had open.

    def close(self) -> None:
        self.raw.close()

    def _child_rows(self, record_id: object) -> Rows:
        # Sent together in one round trip (a pipeline), read back in order.
        with self.raw.pipeline():
            cursors = [
                self.raw.cursor(row_factory=_rows).execute(query, (record_id,))
                for query in _CHILD_QUERIES
            ]
        return Rows([row for cursor in cursors for row in cursor.fetchall()])
