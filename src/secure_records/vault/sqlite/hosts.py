"""The app hosts that have opened the vault (issue 21), one row each: bookkeeping,
like the key versions' table, and so not row-sealed. A row altered by hand touches
availability only, never what can be read: `key rotate --commit` then waits for a
host, or goes ahead before one holds the new version, which then cannot open the
vault (and says so) until it imports that version from a host that has it."""

from __future__ import annotations

from secure_records.vault.connection import Connection
from secure_records.vault.rows import HostRow


def _versions(stored: str) -> tuple[int, ...]:
    # A list damaged by hand reads as holding nothing: the safe side for a commit.
    try:
        return tuple(sorted(int(part) for part in stored.split(",") if part))
    except ValueError:
        return ()


class HostTable:
    def __init__(self, db: Connection) -> None:
        self._db = db

    def all(self) -> list[HostRow]:
        rows = self._db.execute(
            "SELECT name, versions, first_seen, last_seen FROM hosts ORDER BY name"
        )
        return [
            HostRow(
                str(row["name"]),
                _versions(str(row["versions"])),
                str(row["first_seen"]),
                str(row["last_seen"]),
            )
            for row in rows
        ]

    def delete(self, name: str) -> bool:
        return self._db.execute("DELETE FROM hosts WHERE name = ?", (name,)).rowcount > 0

    def put(self, row: HostRow) -> None:
        """Add the host, or update its versions and last sight (its first is kept)."""
        self._db.execute(
            "INSERT INTO hosts (name, versions, first_seen, last_seen) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET versions = excluded.versions, "
            "last_seen = excluded.last_seen",
            (row.name, ",".join(str(v) for v in row.versions), row.first_seen, row.last_seen),
        )
