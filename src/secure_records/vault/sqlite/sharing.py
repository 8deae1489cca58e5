"""Sharing decisions: status and who decided in the clear, the decision sealed."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from secure_records.core.statuses import SharingStatus
from secure_records.vault.rows import DecisionRow, stored_status
from secure_records.vault.sqlite.queries import clear_and_sealed, status_in

COLUMNS = "id, record_id, status, decided_by, created_at"


def _row(row: sqlite3.Row) -> DecisionRow:
    status = stored_status(SharingStatus, row["status"], f"decision {row['id']}")
    return DecisionRow(row["id"], row["record_id"], status, row["decided_by"], row["created_at"])


def _opened(row: sqlite3.Row) -> tuple[DecisionRow, bytes]:
    _, sealed = clear_and_sealed(row)
    return _row(row), sealed


class SharingDecisions:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def add(self, row: DecisionRow, sealed: bytes) -> None:
        self._db.execute(
            f"INSERT INTO sharing_decisions ({COLUMNS}, sealed) VALUES (?, ?, ?, ?, ?, ?)",  # noqa: S608
            (row.id, row.record_id, row.status, row.decided_by, row.created_at, sealed),
        )

    def for_record(self, record_id: str) -> list[tuple[DecisionRow, bytes]]:
        rows = self._db.execute(
            f"SELECT {COLUMNS}, sealed FROM sharing_decisions "  # noqa: S608
            "WHERE record_id = ? ORDER BY rowid",
            (record_id,),
        )
        return [_opened(row) for row in rows]

    def with_status(self, statuses: Iterable[SharingStatus]) -> list[DecisionRow]:
        condition, wanted = status_in(statuses)
        rows = self._db.execute(
            f"SELECT {COLUMNS} FROM sharing_decisions WHERE {condition} ORDER BY rowid",  # noqa: S608
            wanted,
        )
        return [_row(row) for row in rows]

    def get(self, decision_id: str) -> tuple[DecisionRow, bytes] | None:
        row = self._db.execute(
            f"SELECT {COLUMNS}, sealed FROM sharing_decisions WHERE id = ?",  # noqa: S608
            (decision_id,),
        ).fetchone()
        return None if row is None else _opened(row)

    def set_status(self, decision_id: str, status: SharingStatus) -> None:
        self._db.execute(
            "UPDATE sharing_decisions SET status = ? WHERE id = ?", (status, decision_id)
        )

    def ids_for(self, record_id: str) -> list[str]:
        rows = self._db.execute(
            "SELECT id FROM sharing_decisions WHERE record_id = ?", (record_id,)
        )
        return [row["id"] for row in rows]
