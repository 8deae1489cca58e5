"""Legal holds and disposals (policy sections 6 and 11): what stops a record being
disposed of, and each disposal from proposal to certificate."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from secure_records.core.statuses import DisposalStatus
from secure_records.vault.connection import Connection
from secure_records.vault.rows import DisposalRow, HoldRow, stored_status
from secure_records.vault.sqlite.queries import status_in
from secure_records.vault.sqlite.sealed_rows import Row, SealedRows

DISPOSAL_FIELDS = tuple(f.name for f in dataclasses.fields(DisposalRow))
DISPOSAL_COLUMNS = ", ".join(DISPOSAL_FIELDS)


def _disposal(row: Row) -> DisposalRow:
    clear = {k: row[k] for k in DISPOSAL_FIELDS}
    status = stored_status(DisposalStatus, clear.pop("status"), f"disposal {row['id']}")
    return DisposalRow(**clear, status=status)


class Retention:
    def __init__(self, db: Connection, sealed: SealedRows) -> None:
        self._db = db
        self._sealed = sealed

    def hold(self, record_id: str) -> tuple[HoldRow, bytes] | None:
        found = self._sealed.counted_rows("legal_holds", "record_id = ?", (record_id,))
        if not found:
            return None
        row = found[0]
        return HoldRow(row["record_id"], row["set_by"], row["set_at"]), bytes(row["sealed"])

    def held_ids(self) -> set[str]:
        # The whole table: a hold deleted would let a held record be disposed of.
        return {row["record_id"] for row in self._sealed.whole_table("legal_holds")}

    def set_hold(self, row: HoldRow, sealed: bytes) -> None:
        with self._sealed.changing("legal_holds", {"record_id": row.record_id}):
            self._db.execute(
                "INSERT INTO legal_holds (record_id, set_by, set_at, sealed) VALUES (?, ?, ?, ?)",
                (row.record_id, row.set_by, row.set_at, sealed),
            )

    def clear_hold(self, record_id: str) -> None:
        with self._sealed.changing("legal_holds", {"record_id": record_id}):
            self._db.execute("DELETE FROM legal_holds WHERE record_id = ?", (record_id,))

    def add_disposal(self, row: DisposalRow) -> None:
        values = dataclasses.astuple(row)
        marks = ", ".join("?" * len(values))
        with self._sealed.changing("disposals", {"id": row.id}):
            self._db.execute(
                f"INSERT INTO disposals ({DISPOSAL_COLUMNS}) VALUES ({marks})",  # noqa: S608
                values,
            )

    def disposal(self, disposal_id: str) -> DisposalRow | None:
        found = self._sealed.counted_rows("disposals", "id = ?", (disposal_id,))
        return _disposal(found[0]) if found else None

    def disposals(self, statuses: Iterable[DisposalStatus] | None) -> list[DisposalRow]:
        """With any of these statuses, or every one (None)."""
        condition, wanted = ("1", ()) if statuses is None else status_in(statuses)
        rows = self._sealed.counted_rows(
            "disposals", f"{condition} ORDER BY proposed_at, id", wanted
        )
        return [_disposal(row) for row in rows]

    def review(
        self, disposal_id: str, status: DisposalStatus, by: str, at: str, until: str | None = None
    ) -> bool:
        with self._sealed.changing("disposals", {"id": disposal_id}):
            cursor = self._db.execute(
                "UPDATE disposals SET status = ?, approved_by = ?, approved_at = ?, "
                "keep_until = ? WHERE id = ? AND status = ?",
                (status, by, at, until, disposal_id, DisposalStatus.PROPOSED),
            )
        return cursor.rowcount == 1

    def kept_until(self) -> dict[str, str]:
        # Every rejection, each row's seal checked: an edited date would let a kept
        # record back into the queue early (or keep it out for good).
        latest: dict[str, str] = {}
        for row in self.disposals((DisposalStatus.REJECTED,)):
            if row.keep_until is not None and row.keep_until > latest.get(row.record_id, ""):
                latest[row.record_id] = row.keep_until
        return latest

    def executed(
        self, disposal_id: str, by: str, at: str, key_id: str, method: str, log_seq: int
    ) -> None:
        with self._sealed.changing("disposals", {"id": disposal_id}):
            self._db.execute(
                "UPDATE disposals SET status = ?, executed_by = ?, executed_at = ?, "
                "key_id = ?, method = ?, log_seq = ? WHERE id = ?",
                (DisposalStatus.EXECUTED, by, at, key_id, method, log_seq, disposal_id),
            )

    def set_method(self, disposal_id: str, method: str) -> None:
        with self._sealed.changing("disposals", {"id": disposal_id}):
            self._db.execute("UPDATE disposals SET method = ? WHERE id = ?", (method, disposal_id))
