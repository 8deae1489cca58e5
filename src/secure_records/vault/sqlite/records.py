"""The records table, with each record's sealed entries and its assignments."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence

from secure_records.vault.rows import NewRecordRows, RecordEntry, RecordKeyRow, RecordRows

KEY_COLUMNS = "id AS record_id, key_id, key_version, wrapped_key"


def _key(row: sqlite3.Row) -> RecordKeyRow:
    return RecordKeyRow(
        row["record_id"], row["key_id"], row["key_version"], bytes(row["wrapped_key"])
    )


class RecordTables:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def ids(self) -> list[str]:
        return [row["id"] for row in self._db.execute("SELECT id FROM records ORDER BY id")]

    def count(self) -> int:
        return int(self._db.execute("SELECT count(*) AS n FROM records").fetchone()["n"])

    def exists(self, record_id: str) -> bool:
        row = self._db.execute("SELECT 1 FROM records WHERE id = ?", (record_id,)).fetchone()
        return row is not None

    def ids_assigned_to(self, staff: str) -> list[str]:
        rows = self._db.execute(
            "SELECT record_id FROM assignments WHERE staff = ? ORDER BY record_id", (staff,)
        )
        return [row["record_id"] for row in rows]

    def ids_matching(self, match_index: bytes) -> list[str]:
        rows = self._db.execute(
            "SELECT id FROM records WHERE match_index = ? ORDER BY id", (match_index,)
        )
        return [row["id"] for row in rows]

    def assigned_to(self, record_id: str) -> frozenset[str]:
        rows = self._db.execute("SELECT staff FROM assignments WHERE record_id = ?", (record_id,))
        return frozenset(row["staff"] for row in rows)

    def add(self, records: Iterable[NewRecordRows], created_at: str, batch: int) -> int:
        # A few executemany calls per batch rather than per record.
        count = 0
        pending: list[NewRecordRows] = []
        for new in records:
            pending.append(new)
            if len(pending) >= batch:
                count += self._insert_batch(pending, created_at)
                pending = []
        if pending:
            count += self._insert_batch(pending, created_at)
        return count

    def _insert_batch(self, batch: Sequence[NewRecordRows], created_at: str) -> int:
        db = self._db
        db.executemany(
            "INSERT INTO records (id, key_id, key_version, wrapped_key, match_index, created_at,"
            " sealed_fields) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    n.key.record_id,
                    n.key.key_id,
                    n.key.key_version,
                    n.key.wrapped_key,
                    n.match_index,
                    created_at,
                    n.sealed_fields,
                )
                for n in batch
            ],
        )
        db.executemany(
            "INSERT INTO record_entries (record_id, kind, seq, sealed) VALUES (?, ?, ?, ?)",
            [
                (n.key.record_id, kind, seq, sealed)
                for n in batch
                for kind, seq, sealed in n.entries
            ],
        )
        db.executemany(
            "INSERT INTO assignments (record_id, staff) VALUES (?, ?)",
            [(n.key.record_id, staff) for n in batch for staff in n.assigned_to],
        )
        return len(batch)

    def key(self, record_id: str) -> RecordKeyRow | None:
        row = self._db.execute(
            f"SELECT {KEY_COLUMNS} FROM records WHERE id = ?",  # noqa: S608
            (record_id,),
        ).fetchone()
        return None if row is None else _key(row)

    def keys(self) -> list[RecordKeyRow]:
        return [_key(row) for row in self._db.execute(f"SELECT {KEY_COLUMNS} FROM records")]  # noqa: S608

    def set_wrapped_key(self, record_id: str, wrapped: bytes) -> None:
        self._db.execute("UPDATE records SET wrapped_key = ? WHERE id = ?", (wrapped, record_id))

    def rows(self, record_id: str, entry_kinds: Iterable[str]) -> RecordRows | None:
        row = self._db.execute(
            f"SELECT {KEY_COLUMNS}, sealed_fields FROM records WHERE id = ?",  # noqa: S608
            (record_id,),
        ).fetchone()
        if row is None:
            return None
        kinds = tuple(dict.fromkeys(entry_kinds))
        entries: list[RecordEntry] = []
        if kinds:
            found = self._db.execute(
                "SELECT kind, seq, sealed FROM record_entries WHERE record_id = ? "  # noqa: S608
                f"AND kind IN ({', '.join('?' * len(kinds))}) ORDER BY kind, seq",
                (record_id, *kinds),
            )
            entries = [RecordEntry(e["kind"], e["seq"], bytes(e["sealed"])) for e in found]
        return RecordRows(
            _key(row), bytes(row["sealed_fields"]), entries, self.assigned_to(record_id)
        )

    def listing(self, record_ids: Sequence[str] | None) -> Iterator[tuple[RecordKeyRow, bytes]]:
        query = f"SELECT {KEY_COLUMNS}, sealed_fields FROM records "  # noqa: S608
        if record_ids is None:
            rows: Iterable[sqlite3.Row] = self._db.execute(query + "ORDER BY id")
        else:
            rows = (
                row
                for rid in record_ids
                for row in self._db.execute(query + "WHERE id = ?", (rid,))
            )
        for row in rows:
            yield _key(row), bytes(row["sealed_fields"])

    def next_entry_seq(self, record_id: str, kind: str) -> int:
        row = self._db.execute(
            "SELECT coalesce(max(seq), -1) + 1 AS next FROM record_entries "
            "WHERE record_id = ? AND kind = ?",
            (record_id, kind),
        ).fetchone()
        return int(row["next"])

    def add_entry(self, record_id: str, kind: str, seq: int, sealed: bytes) -> None:
        self._db.execute(
            "INSERT INTO record_entries (record_id, kind, seq, sealed) VALUES (?, ?, ?, ?)",
            (record_id, kind, seq, sealed),
        )

    def assign(self, record_id: str, staff: str) -> bool:
        cursor = self._db.execute(
            "INSERT OR IGNORE INTO assignments (record_id, staff) VALUES (?, ?)", (record_id, staff)
        )
        return cursor.rowcount == 1

    def unassign(self, record_id: str, staff: str) -> bool:
        cursor = self._db.execute(
            "DELETE FROM assignments WHERE record_id = ? AND staff = ?", (record_id, staff)
        )
        return cursor.rowcount == 1

    def delete(self, record_id: str) -> None:
        self._db.execute("DELETE FROM records WHERE id = ?", (record_id,))
