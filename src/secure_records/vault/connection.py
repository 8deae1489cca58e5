"""The part of a database connection the store's tables use, so that one set of table
modules serves both backends: `sqlite3.Connection` is one as it is, and
`vault.postgres.dialect.PgConnection` puts psycopg behind the same few calls.

Rows are read by column name and by position, as `sqlite3.Row` allows."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...


class TupleCursor(Protocol):
    """A cursor whose rows may be plain tuples (`row_factory = None`): the fastest
    way through 100k ids."""

    row_factory: Any

    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Iterable[Any]: ...


class Connection(Protocol):
    @property
    def in_transaction(self) -> bool: ...

    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Cursor: ...
    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> Cursor: ...
    def cursor(self) -> TupleCursor: ...
