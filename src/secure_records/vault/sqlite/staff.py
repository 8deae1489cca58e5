"""The staff table: who may sign in, in which role, with which PIN, how many wrong PINs
since the last right one and any lockout; every row sealed."""

from __future__ import annotations

from secure_records.vault.connection import Connection
from secure_records.vault.rows import StaffRow
from secure_records.vault.sqlite.sealed_rows import Row, SealedRows


def _staff(row: Row) -> StaffRow:
    return StaffRow(
        row["name"],
        row["role"],
        bool(row["disabled"]),
        row["pin_hash"],
        row["created_at"],
        int(row["pin_failures"]),
        row["locked_until"],
        None if row["caseload"] is None else bytes(row["caseload"]),
    )


class StaffTable:
    def __init__(self, db: Connection, sealed: SealedRows) -> None:
        self._db = db
        self._sealed = sealed

    def get(self, name: str) -> StaffRow | None:
        # Their row checked, and the table added up: a row replayed from an older copy
        # (a disabled person enabled again, an old role or PIN) no longer adds up.
        found = self._sealed.counted_rows("staff", "name = ?", (name,))
        if found:
            return _staff(found[0])
        # Nobody of that name: every row checked before saying so, in case theirs was
        # renamed in the file (the table is small, and this is the rare path).
        self._sealed.whole_table("staff")
        return None

    def all(self) -> list[StaffRow]:
        return sorted(
            (_staff(row) for row in self._sealed.whole_table("staff")), key=lambda r: r.name
        )

    def add(self, name: str, role: str, created_at: str) -> None:
        with self._sealed.changing("staff", {"name": name}):
            self._db.execute(
                "INSERT INTO staff (name, role, created_at) VALUES (?, ?, ?)",
                (name, role, created_at),
            )

    def set_disabled(self, name: str, disabled: bool) -> None:
        with self._sealed.changing("staff", {"name": name}):
            self._db.execute("UPDATE staff SET disabled = ? WHERE name = ?", (int(disabled), name))

    def set_pin(self, name: str, pin_hash: str) -> None:
        with self._sealed.changing("staff", {"name": name}):
            self._db.execute("UPDATE staff SET pin_hash = ? WHERE name = ?", (pin_hash, name))

    def set_pin_failures(self, name: str, failures: int, locked_until: str | None) -> None:
        # Sealed like the rest of the row: a count set back to 0 in the file is refused.
        with self._sealed.changing("staff", {"name": name}):
            self._db.execute(
                "UPDATE staff SET pin_failures = ?, locked_until = ? WHERE name = ?",
                (failures, locked_until, name),
            )
