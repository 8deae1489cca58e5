"""The records table, with each record's sealed entries and its assignments.

A record's row is sealed with its history (vault/row_seals.py): opening it checks
that nothing that hangs off it was removed, added or replayed."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from secure_records.core.errors import VaultError
from secure_records.vault.connection import Connection
from secure_records.vault.row_seals import TABLES, as_stored, as_total
from secure_records.vault.rows import NewRecordRows, RecordEntry, RecordKeyRow, RecordRows
from secure_records.vault.sqlite.sealed_rows import Row, SealedRows

KEY_COLUMNS = "id, key_id, key_version, wrapped_key"
# Reads of every record or a whole caseload: PostgreSQL streams these (its dialect).
EVERY_ID = "SELECT id FROM records ORDER BY id"
EVERY_RECORD = "SELECT * FROM records ORDER BY id"
CASELOAD = "SELECT * FROM assignments WHERE staff = ? ORDER BY record_id"


def _key(row: Row) -> RecordKeyRow:
    return RecordKeyRow(
        row["id"],
        row["key_id"],
        row["key_version"],
        bytes(row["wrapped_key"]),
    )


class RecordTables:
    def __init__(self, db: Connection, sealed: SealedRows) -> None:
        self._db = db
        self._sealed = sealed

    def ids(self) -> list[str]:
        # Plain tuples: a Row object per record costs a third of a second at 100k.
        cursor = self._db.cursor()
        cursor.row_factory = None
        return [rid for (rid,) in cursor.execute(EVERY_ID)]

    def count(self) -> int:
        return int(self._db.execute("SELECT count(*) AS n FROM records").fetchone()["n"])

    def exists(self, record_id: str) -> bool:
        row = self._db.execute("SELECT 1 FROM records WHERE id = ?", (record_id,)).fetchone()
        return row is not None

    def ids_assigned_to(self, staff: str) -> list[str]:
        # Checked against their caseload too, from one snapshot: an assignment replayed
        # from an older copy of the vault has a good seal of its own but no longer adds up.
        with self._sealed.snapshot():
            rows = self._db.execute(CASELOAD, (staff,))
            return self._sealed.check_caseload(staff, rows)

    def ids_matching(self, match_index: bytes) -> list[str]:
        rows = self._sealed.rows("records", "match_index = ? ORDER BY id", (match_index,))
        return [row["id"] for row in rows]

    def assigned_to(self, record_id: str) -> frozenset[str]:
        rows = self._sealed.rows("assignments", "record_id = ?", (record_id,))
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
        # Sealed here as they will be read back, rather than row by row afterwards.
        seals, sealed = self._sealed.seals, self._sealed
        records, entries, assignments = [], [], []
        caseloads: dict[str, int] = {}
        for n in batch:
            rid = n.key.record_id
            children: list[tuple[str, bytes]] = []
            for kind, seq, blob in n.entries:
                entry = {"record_id": rid, "kind": kind, "seq": seq, "sealed": blob}
                seal = seals.mac(TABLES["record_entries"], entry)
                children.append(("record_entries", seal))
                entries.append((rid, kind, seq, blob, seal))
            for staff in n.assigned_to:
                seal = seals.mac(TABLES["assignments"], {"record_id": rid, "staff": staff})
                children.append(("assignments", seal))
                assignments.append((rid, staff, seal))
                caseloads[staff] = caseloads.get(staff, 0) + as_total(seal)
            row = {
                "id": rid,
                "key_id": n.key.key_id,
                "key_version": n.key.key_version,
                "match_index": n.match_index,
                "created_at": created_at,
                "sealed_fields": n.sealed_fields,
                "history": seals.history(children),
            }
            seal = seals.mac(TABLES["records"], row)
            records.append((*row.values(), n.key.wrapped_key, seal))
            for table, child in children:
                sealed.inserted(table, child)
            sealed.inserted("records", seal)
        db = self._db
        db.executemany(
            "INSERT INTO records (id, key_id, key_version, match_index, created_at, "
            "sealed_fields, history, wrapped_key, seal) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            records,
        )
        db.executemany(
            "INSERT INTO record_entries (record_id, kind, seq, sealed, seal) "
            "VALUES (?, ?, ?, ?, ?)",
            entries,
        )
        db.executemany(
            "INSERT INTO assignments (record_id, staff, seal) VALUES (?, ?, ?)", assignments
        )
        for staff, added in caseloads.items():
            sealed.move_caseload(staff, None, as_stored(added))
        return len(batch)

    def key(self, record_id: str) -> RecordKeyRow | None:
        found = self._sealed.rows("records", "id = ?", (record_id,))
        return _key(found[0]) if found else None

    def keys(self) -> list[RecordKeyRow]:
        return [_key(row) for row in self._db.execute(f"SELECT {KEY_COLUMNS} FROM records")]  # noqa: S608

    def set_wrapped_key(self, record_id: str, wrapped: bytes) -> None:
        self._db.execute("UPDATE records SET wrapped_key = ? WHERE id = ?", (wrapped, record_id))

    def rows(self, record_id: str, entry_kinds: Iterable[str]) -> RecordRows | None:
        # Its seal and its whole history checked: its entries are all there, and only its.
        found = self._sealed.record_and_children(record_id)
        if found is None:
            return None
        row, children = found
        kinds = set(entry_kinds)
        entries = sorted(
            RecordEntry(child["kind"], child["seq"], bytes(child["sealed"]))
            for table, child in children
            if table == "record_entries" and child["kind"] in kinds
        )
        assigned = frozenset(child["staff"] for table, child in children if table == "assignments")
        return RecordRows(_key(row), bytes(row["sealed_fields"]), entries, assigned)

    def listing(self, record_ids: Sequence[str] | None) -> Iterator[tuple[RecordKeyRow, bytes]]:
        if record_ids is None:
            # Every record from one snapshot, which PostgreSQL streams inside; a broken
            # seal is reported once it ends, so that the report can be written.
            with self._sealed.snapshot():
                yield from self._checked(self._db.execute(EVERY_RECORD))
            return
        yield from self._checked(
            row
            for rid in record_ids
            for row in self._db.execute("SELECT * FROM records WHERE id = ?", (rid,))
        )

    def _checked(self, rows: Iterable[Row]) -> Iterator[tuple[RecordKeyRow, bytes]]:
        for row in rows:
            self._sealed.check("records", row)
            yield _key(row), bytes(row["sealed_fields"])

    def next_entry_seq(self, record_id: str, kind: str) -> int:
        row = self._db.execute(
            "SELECT coalesce(max(seq), -1) + 1 AS next FROM record_entries "
            "WHERE record_id = ? AND kind = ?",
            (record_id, kind),
        ).fetchone()
        return int(row["next"])

    def add_entry(self, record_id: str, kind: str, seq: int, sealed: bytes) -> None:
        identity = {"record_id": record_id, "kind": kind, "seq": seq}
        with self._sealed.changing("record_entries", identity):
            self._db.execute(
                "INSERT INTO record_entries (record_id, kind, seq, sealed) VALUES (?, ?, ?, ?)",
                (record_id, kind, seq, sealed),
            )

    def replace_entry(self, record_id: str, kind: str, seq: int, sealed: bytes) -> None:
        # Inside `changing`: the row as it was must match its seal, and its record add
        # up, before it is sealed again and the record's history with it.
        identity = {"record_id": record_id, "kind": kind, "seq": seq}
        with self._sealed.changing("record_entries", identity):
            cursor = self._db.execute(
                "UPDATE record_entries SET sealed = ? WHERE record_id = ? AND kind = ? AND seq = ?",
                (sealed, record_id, kind, seq),
            )
        if cursor.rowcount != 1:
            raise VaultError(f"Record {record_id} has no {kind} entry {seq}.")

    def replace_fields(
        self, record_id: str, sealed_fields: bytes, match_index: bytes | None
    ) -> None:
        # Inside `changing`: the row as it was must match its seal before it is
        # sealed again with its new fields.
        with self._sealed.changing("records", {"id": record_id}, record_id):
            if match_index is None:
                cursor = self._db.execute(
                    "UPDATE records SET sealed_fields = ? WHERE id = ?",
                    (sealed_fields, record_id),
                )
            else:
                cursor = self._db.execute(
                    "UPDATE records SET sealed_fields = ?, match_index = ? WHERE id = ?",
                    (sealed_fields, match_index, record_id),
                )
        if cursor.rowcount != 1:
            raise VaultError(f"There is no record {record_id}.")

    def assign(self, record_id: str, staff: str) -> bool:
        with self._sealed.changing("assignments", {"record_id": record_id, "staff": staff}):
            cursor = self._db.execute(
                "INSERT INTO assignments (record_id, staff) VALUES (?, ?) ON CONFLICT DO NOTHING",
                (record_id, staff),
            )
        return cursor.rowcount == 1

    def unassign(self, record_id: str, staff: str) -> bool:
        with self._sealed.changing("assignments", {"record_id": record_id, "staff": staff}):
            cursor = self._db.execute(
                "DELETE FROM assignments WHERE record_id = ? AND staff = ?", (record_id, staff)
            )
        return cursor.rowcount == 1

    def delete(self, record_id: str) -> None:
        self._sealed.deleting_record(record_id)
        self._db.execute("DELETE FROM records WHERE id = ?", (record_id,))
