"""Every row of a sealed table as stored, for `vault verify` to check itself.

`vault verify` reads every row of the vault: a row object each, with its columns
looked up by name, costs more than checking its seal. So the columns come back in a
fixed order, as plain tuples, a few thousand at a time.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any

from secure_records.vault.row_seals import TABLES

BATCH_ROWS = 4096


def row_count(db: sqlite3.Connection, table: str) -> int:
    sql = f"SELECT count(*) FROM {TABLES[table].name}"  # noqa: S608 (a known table)
    return int(db.execute(sql).fetchone()[0])


def row_batches(
    db: sqlite3.Connection, table: str, columns: Sequence[str]
) -> Iterator[list[tuple[Any, ...]]]:
    """The named columns of every row, unchecked, in the order of the rows' identity
    (so that the first problem named is the first in that order)."""
    spec = TABLES[table]
    known = {*spec.framed, *(column for column, _ in spec.later), "seal"}
    if not set(columns) <= known:  # only names from the table's spec reach the SQL
        raise ValueError(f"not a sealed column of {table}: {sorted(set(columns) - known)}")
    cursor = db.cursor()
    cursor.row_factory = None  # tuples: the connection's rows are read by name
    order = ", ".join(spec.identity)
    cursor.execute(f"SELECT {', '.join(columns)} FROM {spec.name} ORDER BY {order}")  # noqa: S608
    while batch := cursor.fetchmany(BATCH_ROWS):
        yield batch
