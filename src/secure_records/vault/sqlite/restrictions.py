"""Restricted records and the time-limited grants that open them to named staff."""

from __future__ import annotations

import sqlite3

from secure_records.vault.rows import Grant, Restriction


class Restrictions:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def ids(self) -> set[str]:
        return {row["record_id"] for row in self._db.execute("SELECT record_id FROM restrictions")}

    def get(self, record_id: str) -> Restriction:
        row = self._db.execute(
            "SELECT set_by, set_at FROM restrictions WHERE record_id = ?", (record_id,)
        ).fetchone()
        return Restriction(**row) if row else Restriction("", "")

    def granted_ids(self, staff: str, now: str) -> set[str]:
        rows = self._db.execute(
            "SELECT record_id FROM grants WHERE staff = ? AND until > ?", (staff, now)
        )
        return {row["record_id"] for row in rows}

    def restrict(self, record_id: str, by: str, at: str) -> None:
        self._db.execute(
            "INSERT INTO restrictions (record_id, set_by, set_at) VALUES (?, ?, ?)",
            (record_id, by, at),
        )

    def unrestrict(self, record_id: str) -> None:
        self._db.execute("DELETE FROM restrictions WHERE record_id = ?", (record_id,))

    def grant(self, record_id: str, staff: str, until: str, by: str, at: str) -> None:
        self._db.execute(
            "INSERT INTO grants (record_id, staff, until, granted_by, granted_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (record_id, staff) DO UPDATE SET "
            "until = excluded.until, granted_by = excluded.granted_by, "
            "granted_at = excluded.granted_at",
            (record_id, staff, until, by, at),
        )

    def grants(self, record_id: str) -> list[Grant]:
        rows = self._db.execute(
            "SELECT staff, until, granted_by FROM grants WHERE record_id = ? ORDER BY staff",
            (record_id,),
        )
        return [Grant(**row) for row in rows]
