"""Row seals in SQLite: every sealed row checked as it is read, sealed again as it is
written, each record's history kept adding up, and the ledger kept in step.

The tables' own modules read and write through this: a read that relies on a row
checks it here first, and a write happens inside `changing`, which refuses to touch a
row (or a record's child row) that no longer matches its seal, so that a legitimate
change never launders a forged one.
"""

from __future__ import annotations

import hmac
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from secure_records.core.errors import VaultError
from secure_records.vault.row_seals import (
    CHILD_TABLES,
    LEDGER_META,
    TABLES,
    Columns,
    Ledger,
    RowSeals,
    SealBroken,
    TableSpec,
    as_stored,
    as_total,
    broken,
    table_broken,
    total,
)
from secure_records.vault.sqlite.sealed_sql import CHILD_ROWS, CHILD_SEALS, where

Row = Columns


class SealedRows:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self._seals: RowSeals | None = None
        self._ledger: Ledger | None = None  # while a write transaction is open
        self.on_broken: Callable[[SealBroken], None] | None = None
        # Off only in the benchmark that measures what checking costs.
        self.checking = True
        self._reporting = False
        self._in_snapshot = False
        self._after_snapshot: list[SealBroken] = []
        self._verified: tuple[str, Ledger] | None = None
        # Tables that added up, and the data version they did so at.
        self._added_up: dict[str, int] = {}

    @contextmanager
    def reporting(self) -> Iterator[None]:
        self._reporting = True
        try:
            yield
        finally:
            self._reporting = False

    def install(self, seals: RowSeals) -> None:
        self._seals = seals

    @property
    def installed(self) -> bool:
        return self._seals is not None

    @property
    def seals(self) -> RowSeals:
        if self._seals is None:
            # Fail closed: nothing sealed is read or written before the vault's keys are.
            raise VaultError("The vault's rows cannot be used before its keys are opened.")
        return self._seals

    def _refuse(self, exc: SealBroken) -> SealBroken:
        if self._in_snapshot:
            return self._refuse_after(exc)
        if self.on_broken is not None and not self._reporting:
            self.on_broken(exc)
        return exc

    def _refuse_after(self, exc: SealBroken) -> SealBroken:
        # Inside a read snapshot: reported once it has ended, so that the report
        # (a log entry) can take the write lock.
        self._after_snapshot.append(exc)
        return exc

    # reading

    def check(self, table: str, row: Row) -> bytes:
        """The row's seal, once it matches; SealBroken (reported) naming it if not."""
        seals = self.seals
        if not self.checking:
            return bytes(row["seal"] or b"")
        try:
            return seals.check(TABLES[table], row)
        except SealBroken as exc:
            if exc.unsealed and self._rows_sealed():
                # This vault's rows are sealed: one without a seal was put in by hand.
                exc = broken(exc.table, exc.row, "has no seal, though this vault's rows are")
            raise self._refuse(exc) from None

    def rows(self, table: str, where: str = "1", params: tuple[Any, ...] = ()) -> list[Row]:
        """Every column of the rows matching `where`, each checked."""
        found = self._db.execute(f"SELECT * FROM {table} WHERE {where}", params).fetchall()  # noqa: S608
        for row in found:
            self.check(table, row)
        return found

    def whole_table(self, table: str) -> list[Row]:
        """Every row of a small table, each checked, the table added up (below)."""
        return self.counted_rows(table)

    def counted_rows(self, table: str, where: str = "1", params: tuple[Any, ...] = ()) -> list[Row]:
        """The rows matching `where`, each checked, and the whole table's seals added
        up against the ledger, from one snapshot: a row deleted, inserted, or replayed
        from an older copy (its own seal still good) no longer adds up. Adding up reads
        only the seal column: cheap beside checking every row, and skipped while
        nothing at all has been committed since this table last added up."""
        # Read before the snapshot starts: a commit in between makes it look stale.
        version = None if self._db.in_transaction else self._data_version()
        with self.snapshot():
            found = self.rows(table, where, params)
            if self.checking and (version is None or self._added_up.get(table) != version):
                expected = self._stored_ledger_total(table)
                sql = f"SELECT seal FROM {table} WHERE seal IS NOT NULL"  # noqa: S608
                stored = (bytes(row[0]) for row in self._db.execute(sql))
                if expected is not None and total(stored) != expected:
                    raise self._refuse(table_broken(table))
                if version is not None:
                    self._added_up[table] = version
        return found

    def _data_version(self) -> int:
        # Changes whenever another connection commits; this one's own commits clear
        # `_added_up` instead (see commit).
        return int(self._db.execute("PRAGMA data_version").fetchone()[0])

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        # The rows and the ledger from one snapshot: a commit in between must not look
        # like tampering.
        if self._db.in_transaction:
            yield
            return
        self._db.execute("BEGIN")
        self._in_snapshot = True
        try:
            yield
        finally:
            self._in_snapshot = False
            self._db.execute("COMMIT")
            found, self._after_snapshot = self._after_snapshot, []
            for exc in found:
                self._refuse(exc)

    def _stored_ledger_total(self, table: str) -> int | None:
        if self._ledger is not None:
            return self._ledger.totals.get(table, 0)
        ledger = self._read_ledger()
        if ledger is None:
            return None if self._empty(table) else self._missing_ledger()
        return ledger.totals.get(table, 0)

    def _missing_ledger(self) -> int:
        raise self._refuse(broken("meta", LEDGER_META, "is missing"))

    def _empty(self, table: str) -> bool:
        sql = f"SELECT 1 FROM {table} WHERE seal IS NOT NULL LIMIT 1"  # noqa: S608
        return self._db.execute(sql).fetchone() is None

    def _read_ledger(self) -> Ledger | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (LEDGER_META,)).fetchone()
        if row is None:
            return None
        text = str(row["value"])
        if self._verified is not None and self._verified[0] == text:
            # The same text as last checked: its seal matched then (most reads).
            return self._verified[1].copy()
        try:
            ledger = self.seals.load_ledger(text)
        except SealBroken as exc:
            raise self._refuse(exc) from None
        self._verified = (text, ledger.copy())
        return ledger

    # a record and everything that hangs off it

    def children(self, record_id: str) -> list[tuple[str, dict[str, Any]]]:
        """(table, row) of every row that belongs to this record, each checked: a row
        moved within the record (an entry's kind or number changed) keeps its seal, so
        the set of seals alone would not see it."""
        found: list[tuple[str, dict[str, Any]]] = []
        # One query (every child table's rows, padded to one width), not one a table.
        for row in self._db.execute(CHILD_ROWS, (record_id,) * len(CHILD_TABLES)):
            spec = TABLES[row[0]]
            columns: dict[str, Any] = dict(zip(spec.framed, row[2:], strict=False))
            columns["seal"] = row[1]
            self.check(spec.name, columns)
            found.append((spec.name, columns))
        return found

    def stored_children(self, record_id: str) -> list[tuple[str, bytes]]:
        """The same, as stored and unchecked, in one query: after the record was
        checked, within the write that changes it."""
        found = self._db.execute(CHILD_SEALS, (record_id,) * len(CHILD_TABLES))
        return [(row["t"], bytes(row["seal"] or b"")) for row in found]

    def record(self, record_id: str) -> Row | None:
        """The record's row, its seal checked and its history found complete: no child
        row removed, added or replayed. None if there is no such record."""
        found = self.record_and_children(record_id)
        return None if found is None else found[0]

    def record_and_children(
        self, record_id: str
    ) -> tuple[Row, list[tuple[str, dict[str, Any]]]] | None:
        """The record's row and every row that hangs off it, all checked (above), from
        one snapshot: a note another session adds in between is not tampering."""
        with self.snapshot():
            return self._record_and_children(record_id)

    def _record_and_children(
        self, record_id: str
    ) -> tuple[Row, list[tuple[str, dict[str, Any]]]] | None:
        row: Row | None = self._db.execute(
            "SELECT * FROM records WHERE id = ?", (record_id,)
        ).fetchone()
        if row is None:
            if self.checking and self._orphaned(record_id):
                # Disposal takes every row that hangs off a record with it.
                raise self._refuse(
                    broken("records", record_id, "is missing, though rows that belong to it remain")
                )
            return None
        self.check("records", row)
        children = self.children(record_id)
        if self.checking:
            history = self.seals.history((table, child["seal"]) for table, child in children)
            if not hmac.compare_digest(bytes(row["history"] or b""), history):
                raise self._refuse(
                    broken(
                        "records",
                        record_id,
                        "does not add up to what is stored with it (a note, consent entry, "
                        "decision, assignment, restriction, grant, hold or telephone request "
                        "was removed, added or replayed)",
                    )
                )
        return row, children

    def _rows_sealed(self) -> bool:
        ledger = self._ledger if self._ledger is not None else self._read_ledger()
        return ledger is not None and ledger.rows_sealed

    def _orphaned(self, record_id: str) -> bool:
        for spec in CHILD_TABLES:
            sql = f"SELECT 1 FROM {spec.name} WHERE {spec.parent} = ? LIMIT 1"  # noqa: S608
            if self._db.execute(sql, (record_id,)).fetchone() is not None:
                return True
        return False

    # writing

    def _one(self, spec: TableSpec, identity: Mapping[str, Any]) -> Row | None:
        values = tuple(identity[c] for c in spec.identity)
        sql = f"SELECT * FROM {spec.name} WHERE {where(spec)}"  # noqa: S608
        row: Row | None = self._db.execute(sql, values).fetchone()
        return row

    def reseal(self, spec: TableSpec, identity: Mapping[str, Any]) -> bytes | None:
        row = self._one(spec, identity)
        if row is None:
            return None
        values = tuple(identity[c] for c in spec.identity)
        if spec.stands_alone:
            head = self._db.execute("SELECT seq FROM log_head WHERE id = 1").fetchone()
            sql = f"UPDATE {spec.name} SET sealed_at = ? WHERE {where(spec)}"  # noqa: S608
            self._db.execute(sql, (None if head is None else head["seq"], *values))
            row = self._one(spec, identity)
            assert row is not None  # just read, under the write lock
        seal = self.seals.mac(spec, row)
        sql = f"UPDATE {spec.name} SET seal = ? WHERE {where(spec)}"  # noqa: S608
        self._db.execute(sql, (seal, *values))
        return seal

    @contextmanager
    def changing(
        self, table: str, identity: Mapping[str, Any], record_id: str | None = None
    ) -> Iterator[None]:
        """Around one write to one row: the row as it was must match its seal (and its
        record must add up) before anything is changed; afterwards the row is sealed
        again, its record's history with it, and the ledger moves on."""
        spec = TABLES[table]
        old = self._one(spec, identity)
        old_seal = None if old is None else self.check(table, old)
        parent = record_id
        if parent is None and spec.parent is not None:
            parent = identity.get(spec.parent) or (None if old is None else old[spec.parent])
        if parent is not None:
            self.record(parent)
        yield
        new_seal = self.reseal(spec, identity)
        self.ledger.add(table, old_seal, new_seal)
        if spec.caseload_of is not None:
            self.move_caseload(identity[spec.caseload_of], old_seal, new_seal)
        if parent is not None:
            self.reseal_history(parent)

    def move_caseload(self, name: str, old: bytes | None, new: bytes | None) -> None:
        """One assignment's seal out of, or into, its staff member's caseload."""
        spec = TABLES["staff"]
        row = self._one(spec, {"name": name})
        if row is None or old == new:
            return
        self.check("staff", row)
        caseload = as_total(row["caseload"]) - as_total(old) + as_total(new)
        self._db.execute(
            "UPDATE staff SET caseload = ? WHERE name = ?", (as_stored(caseload), name)
        )
        self.ledger.add("staff", row["seal"], self.reseal(spec, {"name": name}))

    def check_caseload(self, name: str, assignments: Iterable[Row]) -> list[str]:
        """Their assignments' record ids, read a row at a time (a caseload is tens of
        thousands of rows: no list of them all). Their seals must add up to the
        caseload their own (checked) row holds: none removed, added or replayed. Each
        assignment's own seal is checked only where it is relied on (a record on
        screen, a record opened): a caseload is added up, not checked row by row."""
        ids: list[str] = []
        seals: list[bytes] = []
        for row in assignments:
            ids.append(row["record_id"])
            if self.checking:
                if row["seal"] is None:
                    self.check("assignments", row)  # refused, naming it
                seals.append(row["seal"])
        if not self.checking:
            return ids
        found = self.counted_rows("staff", "name = ?", (name,))
        held = as_total(found[0]["caseload"]) if found else 0
        if held != total(seals):
            raise self._refuse(
                broken(
                    "staff",
                    name,
                    "does not add up to the records assigned to them (an assignment was "
                    "removed, added or replayed)",
                )
            )
        return ids

    def reseal_history(self, record_id: str) -> None:
        spec = TABLES["records"]
        old = self._one(spec, {"id": record_id})
        if old is None:
            return
        # Its children were checked before the change began (`changing`).
        history = self.seals.history(self.stored_children(record_id))
        self._db.execute("UPDATE records SET history = ? WHERE id = ?", (history, record_id))
        self.ledger.add("records", old["seal"], self.reseal(spec, {"id": record_id}))

    def deleting_record(self, record_id: str) -> None:
        """Before a record is deleted with everything that hangs off it: it must add up
        (a tampered record is never erased), and its rows leave the ledger."""
        row = self.record(record_id)
        if row is None:
            return
        for table, seal in self.stored_children(record_id):
            self.ledger.add(table, seal, None)
        for assignment in self.rows("assignments", "record_id = ?", (record_id,)):
            self.move_caseload(assignment["staff"], assignment["seal"], None)
        self.ledger.add("records", row["seal"], None)

    def inserted(self, table: str, seal: bytes) -> None:
        """A row the caller sealed and inserted itself (bulk import)."""
        self.ledger.add(table, None, seal)

    # the whole vault: `vault verify` and `vault seal`

    def all_rows(self, table: str) -> Iterator[Row]:
        """Every row of a sealed table, as stored: checking them is the caller's work."""
        spec = TABLES[table]
        order = ", ".join(spec.identity)
        yield from self._db.execute(f"SELECT * FROM {spec.name} ORDER BY {order}")  # noqa: S608

    def stored_ledger(self) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (LEDGER_META,)).fetchone()
        return None if row is None else str(row["value"])

    # the ledger, one per write transaction

    @property
    def ledger(self) -> Ledger:
        if self._ledger is None:
            raise VaultError("A sealed row was written outside a transaction.")
        return self._ledger

    def begin(self, head_seq: int | None, head_mac: bytes | None) -> None:
        """At the start of a write transaction: the ledger must be the one written with
        the log head as it stands."""
        if self._seals is None:
            self._ledger = None
            return
        try:
            self._ledger = self._checked_ledger(head_seq, head_mac)
        except SealBroken:
            if not self._reporting:
                raise
            # Logging that the ledger is broken: written, but the ledger left as it is.
            self._ledger = None

    def _checked_ledger(self, head_seq: int | None, head_mac: bytes | None) -> Ledger:
        ledger = self._read_ledger()
        if ledger is None:
            if any(not self._empty(name) for name in TABLES):
                self._missing_ledger()
            ledger = Ledger({}, -1, b"")
        elif head_seq is not None and (ledger.head_seq != head_seq or ledger.head_mac != head_mac):
            raise self._refuse(
                broken("meta", LEDGER_META, "was not written with the log's head as it stands")
            )
        return ledger

    def commit(self, head_seq: int | None, head_mac: bytes | None) -> None:
        """Just before a write transaction commits: the ledger, bound to the new head."""
        ledger, self._ledger = self._ledger, None
        self._added_up.clear()  # this connection's own commit: data_version stays
        if ledger is None or self._seals is None:
            return
        ledger.head_seq = -1 if head_seq is None else head_seq
        ledger.head_mac = b"" if head_mac is None else head_mac
        self._db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (LEDGER_META, self._seals.dump_ledger(ledger)),
        )

    def mark_rows_sealed(self) -> None:
        """A new vault: every row it will ever hold is sealed as it is written."""
        self.ledger.rows_sealed = True

    def abandon(self) -> None:
        self._ledger = None
