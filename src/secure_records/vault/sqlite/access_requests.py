"""The register of subject access requests: dates, status and who logged it in the
clear (bound into the ciphertext beside them), the rest sealed
(vault/access_requests.py)."""

from __future__ import annotations

from secure_records.core.access_requests import AccessRequestStatus
from secure_records.vault.connection import Connection
from secure_records.vault.rows import AccessRequestRow, stored_status
from secure_records.vault.sqlite.sealed_rows import Row

COLUMNS = (
    "id, record_id, status, received, due, extension_months, logged_by, logged_at, "
    "report_id, answered_at"
)


def _row(row: Row) -> AccessRequestRow:
    status = stored_status(AccessRequestStatus, row["status"], f"access request {row['id']}")
    return AccessRequestRow(
        row["id"],
        row["record_id"],
        status,
        row["received"],
        row["due"],
        int(row["extension_months"]),
        row["logged_by"],
        row["logged_at"],
        row["report_id"],
        row["answered_at"],
    )


def _values(row: AccessRequestRow) -> tuple[object, ...]:
    return (
        row.record_id,
        row.status,
        row.received,
        row.due,
        row.extension_months,
        row.logged_by,
        row.logged_at,
        row.report_id,
        row.answered_at,
    )


class AccessRequestTables:
    def __init__(self, db: Connection) -> None:
        self._db = db

    def add(self, row: AccessRequestRow, sealed: bytes) -> None:
        self._db.execute(
            f"INSERT INTO access_requests ({COLUMNS}, sealed) "  # noqa: S608
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (row.id, *_values(row), sealed),
        )

    def replace(self, row: AccessRequestRow, sealed: bytes) -> None:
        self._db.execute(
            "UPDATE access_requests SET record_id = ?, status = ?, received = ?, due = ?, "
            "extension_months = ?, logged_by = ?, logged_at = ?, report_id = ?, "
            "answered_at = ?, sealed = ? WHERE id = ?",
            (*_values(row), sealed, row.id),
        )

    def get(self, request_id: str) -> tuple[AccessRequestRow, bytes] | None:
        found = self._db.execute(
            f"SELECT {COLUMNS}, sealed FROM access_requests WHERE id = ?",  # noqa: S608
            (request_id,),
        ).fetchone()
        return None if found is None else (_row(found), bytes(found["sealed"]))

    def every(self) -> list[AccessRequestRow]:
        rows = self._db.execute(
            f"SELECT {COLUMNS} FROM access_requests ORDER BY received, rowid"  # noqa: S608
        )
        return [_row(row) for row in rows]
