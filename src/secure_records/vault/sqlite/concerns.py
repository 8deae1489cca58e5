"""Concerns and suspected breaches: kind, status and moments in the clear (bound into
the ciphertext beside them), what was typed sealed (vault/concerns.py)."""

from __future__ import annotations

from secure_records.core.concerns import ConcernKind, ConcernStatus, Outcome
from secure_records.vault.connection import Connection
from secure_records.vault.rows import ConcernRow, stored_status
from secure_records.vault.sqlite.sealed_rows import Row

COLUMNS = (
    "id, kind, status, personal_data, noticed, raised_by, raised_at, outcome, "
    "decided_by, decided_at"
)


def _row(row: Row) -> ConcernRow:
    what = f"concern {row['id']}"
    outcome = row["outcome"]
    return ConcernRow(
        row["id"],
        stored_status(ConcernKind, row["kind"], what),
        stored_status(ConcernStatus, row["status"], what),
        bool(row["personal_data"]),
        row["noticed"],
        row["raised_by"],
        row["raised_at"],
        None if outcome is None else stored_status(Outcome, outcome, what),
        row["decided_by"],
        row["decided_at"],
    )


def _values(row: ConcernRow) -> tuple[object, ...]:
    return (
        row.kind,
        row.status,
        int(row.personal_data),
        row.noticed,
        row.raised_by,
        row.raised_at,
        row.outcome,
        row.decided_by,
        row.decided_at,
    )


class ConcernTables:
    def __init__(self, db: Connection) -> None:
        self._db = db

    def add(self, row: ConcernRow, sealed: bytes) -> None:
        self._db.execute(
            f"INSERT INTO concerns ({COLUMNS}, sealed) "  # noqa: S608
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (row.id, *_values(row), sealed),
        )

    def replace(self, row: ConcernRow, sealed: bytes) -> None:
        self._db.execute(
            "UPDATE concerns SET kind = ?, status = ?, personal_data = ?, noticed = ?, "
            "raised_by = ?, raised_at = ?, outcome = ?, decided_by = ?, decided_at = ?, "
            "sealed = ? WHERE id = ?",
            (*_values(row), sealed, row.id),
        )

    def get(self, concern_id: str) -> tuple[ConcernRow, bytes] | None:
        found = self._db.execute(
            f"SELECT {COLUMNS}, sealed FROM concerns WHERE id = ?",  # noqa: S608
            (concern_id,),
        ).fetchone()
        return None if found is None else (_row(found), bytes(found["sealed"]))

    def every(self) -> list[ConcernRow]:
        rows = self._db.execute(
            f"SELECT {COLUMNS} FROM concerns ORDER BY raised_at, rowid"  # noqa: S608
        )
        return [_row(row) for row in rows]
