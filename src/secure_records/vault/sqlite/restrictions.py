"""Restricted records and the time-limited grants that open them to named staff;
every row sealed, and each part of its record's history."""

from __future__ import annotations

from secure_records.vault.connection import Connection
from secure_records.vault.rows import Grant, Restriction
from secure_records.vault.sqlite.sealed_rows import SealedRows


class Restrictions:
    def __init__(self, db: Connection, sealed: SealedRows) -> None:
        self._db = db
        self._sealed = sealed

    def ids(self) -> set[str]:
        # The whole table: a restriction deleted would open a record to everyone.
        return {row["record_id"] for row in self._sealed.whole_table("restrictions")}

    def get(self, record_id: str) -> Restriction:
        found = self._sealed.counted_rows("restrictions", "record_id = ?", (record_id,))
        return Restriction(found[0]["set_by"], found[0]["set_at"]) if found else Restriction("", "")

    def granted_ids(self, staff: str, now: str) -> set[str]:
        # Every grant of theirs checked (the date compared only after), and the table
        # added up: a grant replayed from an older copy no longer adds up.
        rows = self._sealed.counted_rows("grants", "staff = ?", (staff,))
        return {row["record_id"] for row in rows if row["until"] > now}

    def restrict(self, record_id: str, by: str, at: str) -> None:
        with self._sealed.changing("restrictions", {"record_id": record_id}):
            self._db.execute(
                "INSERT INTO restrictions (record_id, set_by, set_at) VALUES (?, ?, ?)",
                (record_id, by, at),
            )

    def unrestrict(self, record_id: str) -> None:
        # Its grants go with it (ON DELETE CASCADE): out of the ledger first.
        for row in self._sealed.rows("grants", "record_id = ?", (record_id,)):
            with self._sealed.changing("grants", {"record_id": record_id, "staff": row["staff"]}):
                self._db.execute(
                    "DELETE FROM grants WHERE record_id = ? AND staff = ?",
                    (record_id, row["staff"]),
                )
        with self._sealed.changing("restrictions", {"record_id": record_id}):
            self._db.execute("DELETE FROM restrictions WHERE record_id = ?", (record_id,))

    def grant(self, record_id: str, staff: str, until: str, by: str, at: str) -> None:
        with self._sealed.changing("grants", {"record_id": record_id, "staff": staff}):
            self._db.execute(
                "INSERT INTO grants (record_id, staff, until, granted_by, granted_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (record_id, staff) DO UPDATE SET "
                "until = excluded.until, granted_by = excluded.granted_by, "
                "granted_at = excluded.granted_at",
                (record_id, staff, until, by, at),
            )

    def grants(self, record_id: str) -> list[Grant]:
        rows = self._sealed.counted_rows("grants", "record_id = ? ORDER BY staff", (record_id,))
        return [Grant(row["staff"], row["until"], row["granted_by"]) for row in rows]
