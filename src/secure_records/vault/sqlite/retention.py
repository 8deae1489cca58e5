"""Legal holds and disposals (policy sections 6 and 11): what stops a record being
disposed of, and each disposal from proposal to certificate."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Iterable

from secure_records.core.statuses import DisposalStatus
from secure_records.vault.rows import DisposalRow, HoldRow, stored_status
from secure_records.vault.sqlite.queries import clear_and_sealed, status_in

DISPOSAL_COLUMNS = ", ".join(f.name for f in dataclasses.fields(DisposalRow))


def _disposal(row: sqlite3.Row) -> DisposalRow:
    clear = {k: row[k] for k in row.keys()}  # noqa: SIM118 (iterating gives values)
    status = stored_status(DisposalStatus, clear.pop("status"), f"disposal {row['id']}")
    return DisposalRow(**clear, status=status)


class Retention:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def hold(self, record_id: str) -> tuple[HoldRow, bytes] | None:
        row = self._db.execute(
            "SELECT record_id, set_by, set_at, sealed FROM legal_holds WHERE record_id = ?",
            (record_id,),
        ).fetchone()
        if row is None:
            return None
        clear, sealed = clear_and_sealed(row)
        return HoldRow(**clear), sealed

    def held_ids(self) -> set[str]:
        return {row["record_id"] for row in self._db.execute("SELECT record_id FROM legal_holds")}

    def set_hold(self, row: HoldRow, sealed: bytes) -> None:
        self._db.execute(
            "INSERT INTO legal_holds (record_id, set_by, set_at, sealed) VALUES (?, ?, ?, ?)",
            (row.record_id, row.set_by, row.set_at, sealed),
        )

    def clear_hold(self, record_id: str) -> None:
        self._db.execute("DELETE FROM legal_holds WHERE record_id = ?", (record_id,))

    def add_disposal(self, row: DisposalRow) -> None:
        values = dataclasses.astuple(row)
        marks = ", ".join("?" * len(values))
        self._db.execute(f"INSERT INTO disposals ({DISPOSAL_COLUMNS}) VALUES ({marks})", values)  # noqa: S608

    def disposal(self, disposal_id: str) -> DisposalRow | None:
        row = self._db.execute(
            f"SELECT {DISPOSAL_COLUMNS} FROM disposals WHERE id = ?",  # noqa: S608
            (disposal_id,),
        ).fetchone()
        return None if row is None else _disposal(row)

    def disposals(self, statuses: Iterable[DisposalStatus] | None) -> list[DisposalRow]:
        """With any of these statuses, or every one (None)."""
        condition, wanted = ("1", ()) if statuses is None else status_in(statuses)
        rows = self._db.execute(
            f"SELECT {DISPOSAL_COLUMNS} FROM disposals WHERE {condition} "  # noqa: S608
            "ORDER BY proposed_at, id",
            wanted,
        )
        return [_disposal(row) for row in rows]

    def review(self, disposal_id: str, status: DisposalStatus, by: str, at: str) -> bool:
        cursor = self._db.execute(
            "UPDATE disposals SET status = ?, approved_by = ?, approved_at = ? "
            "WHERE id = ? AND status = ?",
            (status, by, at, disposal_id, DisposalStatus.PROPOSED),
        )
        return cursor.rowcount == 1

    def executed(
        self, disposal_id: str, by: str, at: str, key_id: str, method: str, log_seq: int
    ) -> None:
        self._db.execute(
            "UPDATE disposals SET status = ?, executed_by = ?, executed_at = ?, "
            "key_id = ?, method = ?, log_seq = ? WHERE id = ?",
            (DisposalStatus.EXECUTED, by, at, key_id, method, log_seq, disposal_id),
        )

    def set_method(self, disposal_id: str, method: str) -> None:
        self._db.execute("UPDATE disposals SET method = ? WHERE id = ?", (method, disposal_id))
