"""Telephone requests: status and who took the call in the clear, the request sealed."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from secure_records.core.telephone import Status
from secure_records.vault.rows import PhoneRequestRow, stored_status
from secure_records.vault.sqlite.queries import clear_and_sealed, status_in

COLUMNS = "id, record_id, status, taken_by, created_at"


def _row(row: sqlite3.Row) -> PhoneRequestRow:
    status = stored_status(Status, row["status"], f"phone request {row['id']}")
    return PhoneRequestRow(row["id"], row["record_id"], status, row["taken_by"], row["created_at"])


class PhoneRequests:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def add(self, row: PhoneRequestRow, sealed: bytes) -> None:
        self._db.execute(
            f"INSERT INTO phone_requests ({COLUMNS}, sealed) VALUES (?, ?, ?, ?, ?, ?)",  # noqa: S608
            (row.id, row.record_id, row.status, row.taken_by, row.created_at, sealed),
        )

    def get(self, request_id: str) -> tuple[PhoneRequestRow, bytes] | None:
        row = self._db.execute(
            f"SELECT {COLUMNS}, sealed FROM phone_requests WHERE id = ?",  # noqa: S608
            (request_id,),
        ).fetchone()
        if row is None:
            return None
        _, sealed = clear_and_sealed(row)
        return _row(row), sealed

    def with_status(self, statuses: Iterable[Status]) -> list[PhoneRequestRow]:
        condition, wanted = status_in(statuses)
        rows = self._db.execute(
            f"SELECT {COLUMNS} FROM phone_requests WHERE {condition} "  # noqa: S608
            "ORDER BY created_at, id",
            wanted,
        )
        return [_row(row) for row in rows]

    def update(self, request_id: str, status: Status, sealed: bytes, was: Status) -> bool:
        cursor = self._db.execute(
            "UPDATE phone_requests SET status = ?, sealed = ? WHERE id = ? AND status = ?",
            (status, sealed, request_id, was),
        )
        return cursor.rowcount == 1
