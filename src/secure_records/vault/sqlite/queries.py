"""Small pieces the tables' queries share: a status filter done in SQL (never by
fetching all and filtering in Python)."""

from __future__ import annotations

from collections.abc import Iterable


def status_in(statuses: Iterable[str]) -> tuple[str, tuple[str, ...]]:
    """A `status IN (?, ...)` condition and its parameters (none asked: no rows)."""
    wanted = tuple(dict.fromkeys(statuses))
    if not wanted:
        return "1 = 0", wanted  # `IN ()` is SQLite's alone
    return f"status IN ({', '.join('?' * len(wanted))})", wanted
