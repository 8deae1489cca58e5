"""Telephone requests: status and who took the call in the clear, the request sealed,
and every row sealed (as part of its record's history, when it matched a record)."""

from __future__ import annotations

from collections.abc import Iterable

from secure_records.core.telephone import Status
from secure_records.vault.connection import Connection
from secure_records.vault.rows import PhoneRequestRow, stored_status
from secure_records.vault.sqlite.queries import status_in
from secure_records.vault.sqlite.sealed_rows import Row, SealedRows

COLUMNS = "id, record_id, status, taken_by, created_at"


def _row(row: Row) -> PhoneRequestRow:
    status = stored_status(Status, row["status"], f"phone request {row['id']}")
    return PhoneRequestRow(row["id"], row["record_id"], status, row["taken_by"], row["created_at"])


class PhoneRequests:
    def __init__(self, db: Connection, sealed: SealedRows) -> None:
        self._db = db
        self._sealed = sealed

    def add(self, row: PhoneRequestRow, sealed: bytes) -> None:
        with self._sealed.changing("phone_requests", {"id": row.id}, row.record_id):
            self._db.execute(
                f"INSERT INTO phone_requests ({COLUMNS}, sealed) VALUES (?, ?, ?, ?, ?, ?)",  # noqa: S608
                (row.id, row.record_id, row.status, row.taken_by, row.created_at, sealed),
            )

    def get(self, request_id: str) -> tuple[PhoneRequestRow, bytes] | None:
        found = self._sealed.counted_rows("phone_requests", "id = ?", (request_id,))
        return (_row(found[0]), bytes(found[0]["sealed"])) if found else None

    def with_status(self, statuses: Iterable[Status]) -> list[PhoneRequestRow]:
        condition, wanted = status_in(statuses)
        rows = self._sealed.counted_rows(
            "phone_requests", f"{condition} ORDER BY created_at, id", wanted
        )
        return [_row(row) for row in rows]

    def update(self, request_id: str, status: Status, sealed: bytes, was: Status) -> bool:
        with self._sealed.changing("phone_requests", {"id": request_id}):
            cursor = self._db.execute(
                "UPDATE phone_requests SET status = ?, sealed = ? WHERE id = ? AND status = ?",
                (status, sealed, request_id, was),
            )
        return cursor.rowcount == 1

    def delete(self, request_id: str) -> bool:
        # Through `changing`: its seal out of the ledger and its record's history.
        with self._sealed.changing("phone_requests", {"id": request_id}):
            cursor = self._db.execute("DELETE FROM phone_requests WHERE id = ?", (request_id,))
        return cursor.rowcount == 1
