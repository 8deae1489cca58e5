"""The staff table: who may sign in, in which role, with which PIN."""

from __future__ import annotations

import sqlite3

from secure_records.vault.rows import StaffRow

COLUMNS = "name, role, disabled, pin_hash, created_at"


def _staff(row: sqlite3.Row) -> StaffRow:
    return StaffRow(**{**row, "disabled": bool(row["disabled"])})


class StaffTable:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def get(self, name: str) -> StaffRow | None:
        row = self._db.execute(
            f"SELECT {COLUMNS} FROM staff WHERE name = ?",  # noqa: S608
            (name,),
        ).fetchone()
        return None if row is None else _staff(row)

    def all(self) -> list[StaffRow]:
        rows = self._db.execute(f"SELECT {COLUMNS} FROM staff ORDER BY name")  # noqa: S608
        return [_staff(row) for row in rows]

    def add(self, name: str, role: str, created_at: str) -> None:
        self._db.execute(
            "INSERT INTO staff (name, role, created_at) VALUES (?, ?, ?)", (name, role, created_at)
        )

    def set_disabled(self, name: str, disabled: bool) -> None:
        self._db.execute("UPDATE staff SET disabled = ? WHERE name = ?", (int(disabled), name))

    def set_pin(self, name: str, pin_hash: str) -> None:
        self._db.execute("UPDATE staff SET pin_hash = ? WHERE name = ?", (pin_hash, name))
