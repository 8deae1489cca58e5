"""Small pieces the tables' queries share: a status filter done in SQL (never by
fetching all and filtering in Python), and a row split into its clear columns, by
name, and its sealed payload."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any


def status_in(statuses: Iterable[str]) -> tuple[str, tuple[str, ...]]:
    """A `status IN (?, ...)` condition and its parameters (none asked: no rows)."""
    wanted = tuple(dict.fromkeys(statuses))
    return f"status IN ({', '.join('?' * len(wanted))})", wanted


def clear_and_sealed(row: sqlite3.Row) -> tuple[dict[str, Any], bytes]:
    # keys(): iterating a Row gives its values, not its column names.
    clear = {k: row[k] for k in row.keys() if k != "sealed"}  # noqa: SIM118
    return clear, bytes(row["sealed"])
