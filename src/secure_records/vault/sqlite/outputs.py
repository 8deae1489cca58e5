"""Outputs kept in the vault and their releases: who and when in the clear (bound
into the ciphertext beside them), everything else sealed (vault/outputs.py)."""

from __future__ import annotations

from collections.abc import Iterable

from secure_records.core.outputs import OutputKind
from secure_records.vault.connection import Connection
from secure_records.vault.rows import OutputRow, ReleaseRow, stored_status
from secure_records.vault.sqlite.queries import status_in
from secure_records.vault.sqlite.sealed_rows import Row

OUTPUT_COLUMNS = "id, kind, record_id, made_by, made_at"
RELEASE_COLUMNS = "id, output_id, kind, released_by, released_at, shredded_at"


def _output(row: Row) -> OutputRow:
    kind = stored_status(OutputKind, row["kind"], f"output {row['id']}")
    return OutputRow(row["id"], kind, row["record_id"], row["made_by"], row["made_at"])


def _release(row: Row) -> ReleaseRow:
    kind = stored_status(OutputKind, row["kind"], f"release {row['id']}")
    return ReleaseRow(
        row["id"],
        row["output_id"],
        kind,
        row["released_by"],
        row["released_at"],
        row["shredded_at"],
    )


class OutputTables:
    def __init__(self, db: Connection) -> None:
        self._db = db

    def add(self, row: OutputRow, sealed: bytes) -> None:
        self._db.execute(
            f"INSERT INTO outputs ({OUTPUT_COLUMNS}, sealed) VALUES (?, ?, ?, ?, ?, ?)",  # noqa: S608
            (row.id, row.kind, row.record_id, row.made_by, row.made_at, sealed),
        )

    def get(self, output_id: str) -> tuple[OutputRow, bytes] | None:
        found = self._db.execute(
            f"SELECT {OUTPUT_COLUMNS}, sealed FROM outputs WHERE id = ?",  # noqa: S608
            (output_id,),
        ).fetchone()
        return None if found is None else (_output(found), bytes(found["sealed"]))

    def with_kind(self, kinds: Iterable[OutputKind]) -> list[OutputRow]:
        condition, wanted = status_in(kinds)
        condition = condition.replace("status", "kind")
        rows = self._db.execute(
            f"SELECT {OUTPUT_COLUMNS} FROM outputs WHERE {condition} ORDER BY rowid",  # noqa: S608
            wanted,
        )
        return [_output(row) for row in rows]

    def add_release(self, row: ReleaseRow, sealed: bytes) -> None:
        self._db.execute(
            f"INSERT INTO releases ({RELEASE_COLUMNS}, sealed) VALUES (?, ?, ?, ?, ?, ?, ?)",  # noqa: S608
            (
                row.id,
                row.output_id,
                row.kind,
                row.released_by,
                row.released_at,
                row.shredded_at,
                sealed,
            ),
        )

    def releases(self) -> list[tuple[ReleaseRow, bytes]]:
        rows = self._db.execute(
            f"SELECT {RELEASE_COLUMNS}, sealed FROM releases ORDER BY released_at, id"  # noqa: S608
        )
        return [(_release(row), bytes(row["sealed"])) for row in rows]

    def set_shredded(self, release_id: str, at: str) -> None:
        self._db.execute("UPDATE releases SET shredded_at = ? WHERE id = ?", (at, release_id))
