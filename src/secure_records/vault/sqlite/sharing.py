"""Sharing decisions: status and who decided in the clear, the decision sealed under
its record's key, and every row sealed as part of its record's history."""

from __future__ import annotations

from collections.abc import Iterable

from secure_records.core.statuses import SharingStatus
from secure_records.vault.connection import Connection
from secure_records.vault.rows import DecisionRow, stored_status
from secure_records.vault.sqlite.queries import status_in
from secure_records.vault.sqlite.sealed_rows import Row, SealedRows

COLUMNS = "id, record_id, status, decided_by, created_at"


def _row(row: Row) -> DecisionRow:
    status = stored_status(SharingStatus, row["status"], f"decision {row['id']}")
    return DecisionRow(row["id"], row["record_id"], status, row["decided_by"], row["created_at"])


def _opened(row: Row) -> tuple[DecisionRow, bytes]:
    return _row(row), bytes(row["sealed"])


class SharingDecisions:
    def __init__(self, db: Connection, sealed: SealedRows) -> None:
        self._db = db
        self._sealed = sealed

    def add(self, row: DecisionRow, sealed: bytes) -> None:
        with self._sealed.changing("sharing_decisions", {"id": row.id}, row.record_id):
            self._db.execute(
                f"INSERT INTO sharing_decisions ({COLUMNS}, sealed) VALUES (?, ?, ?, ?, ?, ?)",  # noqa: S608
                (row.id, row.record_id, row.status, row.decided_by, row.created_at, sealed),
            )

    def for_record(self, record_id: str) -> list[tuple[DecisionRow, bytes]]:
        rows = self._sealed.counted_rows(
            "sharing_decisions", "record_id = ? ORDER BY rowid", (record_id,)
        )
        return [_opened(row) for row in rows]

    def with_status(self, statuses: Iterable[SharingStatus]) -> list[DecisionRow]:
        condition, wanted = status_in(statuses)
        rows = self._sealed.counted_rows("sharing_decisions", f"{condition} ORDER BY rowid", wanted)
        return [_row(row) for row in rows]

    def get(self, decision_id: str) -> tuple[DecisionRow, bytes] | None:
        found = self._sealed.counted_rows("sharing_decisions", "id = ?", (decision_id,))
        return _opened(found[0]) if found else None

    def set_status(self, decision_id: str, status: SharingStatus, was: SharingStatus) -> bool:
        """False if its status is no longer `was` (someone else changed it first)."""
        with self._sealed.changing("sharing_decisions", {"id": decision_id}):
            cursor = self._db.execute(
                "UPDATE sharing_decisions SET status = ? WHERE id = ? AND status = ?",
                (status, decision_id, was),
            )
        return cursor.rowcount == 1

    def ids_for(self, record_id: str) -> list[str]:
        rows = self._sealed.rows("sharing_decisions", "record_id = ?", (record_id,))
        return [row["id"] for row in rows]
