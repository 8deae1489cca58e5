"""The SQLite store behind a narrow repository interface.

It holds only ciphertext, wrapped keys and the metadata needed to find things
(references, assignments, a keyed blind index). Every change is one transaction.
WAL mode lets several sessions read while one writes; `secure_delete` makes SQLite
overwrite what it frees.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from secure_records.core.errors import VaultError

SCHEMA_VERSION = 4

SCHEMA = """
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE staff (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    pin_hash TEXT,
    created_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE vault_keys (
    name TEXT PRIMARY KEY,
    wrapped BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE records (
    id TEXT PRIMARY KEY,
    key_id TEXT NOT NULL UNIQUE,
    key_version INTEGER NOT NULL,
    wrapped_key BLOB NOT NULL,
    match_index BLOB NOT NULL,
    created_at TEXT NOT NULL,
    -- every scalar field, each sealed on its own, packed (envelope.pack_sealed)
    sealed_fields BLOB NOT NULL
);
CREATE INDEX records_match ON records (match_index);
CREATE TABLE record_entries (
    record_id TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    seq INTEGER NOT NULL,
    sealed BLOB NOT NULL,
    PRIMARY KEY (record_id, kind, seq)
) WITHOUT ROWID;
CREATE TABLE assignments (
    record_id TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,
    staff TEXT NOT NULL REFERENCES staff (name),
    PRIMARY KEY (record_id, staff)
) WITHOUT ROWID;
CREATE INDEX assignments_by_staff ON assignments (staff, record_id);
CREATE TABLE sharing_decisions (
    id TEXT PRIMARY KEY,
    record_id TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    -- the decision in full, sealed under the record's data key
    sealed BLOB NOT NULL
);  -- with a rowid: decisions list in the order they were taken
CREATE INDEX sharing_decisions_by_status ON sharing_decisions (status, created_at);
CREATE TABLE log_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    size INTEGER NOT NULL,
    mac BLOB NOT NULL,
    seal BLOB NOT NULL
);
"""

# Added in version 2: telephone requests (policy section 11).
PHONE_REQUESTS = """
CREATE TABLE IF NOT EXISTS phone_requests (
    id TEXT PRIMARY KEY,
    -- NULL when no record matched: the request is then sealed under the vault's
    -- telephone key, otherwise under the record's data key (disposal erases it)
    record_id TEXT REFERENCES records (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    taken_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    sealed BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS phone_requests_by_status ON phone_requests (status, created_at);
"""
SCHEMA += PHONE_REQUESTS

# Added in version 3: legal holds and disposals (policy sections 6 and 11).
RETENTION = """
CREATE TABLE IF NOT EXISTS legal_holds (
    -- no ON DELETE CASCADE: deleting a held record fails, whatever the code above says
    record_id TEXT PRIMARY KEY REFERENCES records (id),
    set_by TEXT NOT NULL,
    set_at TEXT NOT NULL,
    -- why (an inquiry, litigation), sealed under the record's data key
    sealed BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS disposals (
    id TEXT PRIMARY KEY,
    -- no foreign key: the certificate outlives the record. Nothing here is personal.
    record_id TEXT NOT NULL,
    category TEXT NOT NULL,
    rule TEXT NOT NULL,
    due TEXT NOT NULL,
    status TEXT NOT NULL,
    proposed_by TEXT NOT NULL,
    proposed_at TEXT NOT NULL,
    approved_by TEXT,
    approved_at TEXT,
    executed_by TEXT,
    executed_at TEXT,
    key_id TEXT,
    method TEXT,
    log_seq INTEGER
);
CREATE INDEX IF NOT EXISTS disposals_by_status ON disposals (status, proposed_at);
"""
SCHEMA += RETENTION

# Added in version 4: restricted records and their time-limited grants (policy 10(d)).
RESTRICTIONS = """
CREATE TABLE IF NOT EXISTS restrictions (
    record_id TEXT PRIMARY KEY REFERENCES records (id) ON DELETE CASCADE,
    set_by TEXT NOT NULL,
    set_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS grants (
    record_id TEXT NOT NULL REFERENCES restrictions (record_id) ON DELETE CASCADE,
    staff TEXT NOT NULL REFERENCES staff (name),
    until TEXT NOT NULL,
    granted_by TEXT NOT NULL,
    granted_at TEXT NOT NULL,
    PRIMARY KEY (record_id, staff)
) WITHOUT ROWID;
"""
SCHEMA += RESTRICTIONS

# From each older schema version, what brings it to the next one.
UPGRADES = {1: PHONE_REQUESTS, 2: RETENTION, 3: RESTRICTIONS}


@dataclass(frozen=True)
class StaffRow:
    name: str
    role: str
    disabled: bool
    pin_hash: str | None
    created_at: str


@dataclass(frozen=True)
class LogHead:
    """The log's sealed head: entries committed, bytes committed, last MAC, and an
    HMAC over those three so the head itself cannot be edited."""

    seq: int
    size: int
    mac: bytes
    seal: bytes


@dataclass(frozen=True)
class DecisionRow:
    id: str
    record_id: str
    status: str
    decided_by: str
    created_at: str


@dataclass(frozen=True)
class PhoneRequestRow:
    id: str
    record_id: str | None
    status: str
    taken_by: str
    created_at: str


@dataclass(frozen=True)
class HoldRow:
    record_id: str
    set_by: str
    set_at: str


@dataclass(frozen=True)
class DisposalRow:
    id: str
    record_id: str
    category: str
    rule: str
    due: str
    status: str  # proposed | approved | rejected | executed
    proposed_by: str
    proposed_at: str
    approved_by: str | None = None
    approved_at: str | None = None
    executed_by: str | None = None
    executed_at: str | None = None
    key_id: str | None = None
    method: str | None = None
    log_seq: int | None = None


DISPOSAL_COLUMNS = (
    "id, record_id, category, rule, due, status, proposed_by, proposed_at, approved_by, "
    "approved_at, executed_by, executed_at, key_id, method, log_seq"
)


@dataclass(frozen=True)
class RecordKeyRow:
    record_id: str
    key_id: str
    key_version: int
    wrapped_key: bytes


@dataclass(frozen=True)
class RecordRows:
    """Everything stored for one record, still sealed."""

    key: RecordKeyRow
    sealed_fields: bytes  # packed: envelope.unpack_sealed
    entries: list[tuple[str, int, bytes]]  # (kind, seq, sealed)
    assigned_to: frozenset[str]


@dataclass(frozen=True)
class NewRecordRows:
    key: RecordKeyRow
    match_index: bytes
    sealed_fields: bytes  # packed: envelope.pack_sealed
    entries: Sequence[tuple[str, int, bytes]]
    assigned_to: Iterable[str]


class Store:
    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._db = connection
        self.path = path

    @classmethod
    def connect(cls, path: Path) -> Store:
        if not path.is_file():
            raise VaultError(f"No vault database at {path}; run 'secure-records init' first.")
        try:
            db = sqlite3.connect(path, isolation_level=None, timeout=30.0, check_same_thread=False)
            cls._configure(db)
            version = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except sqlite3.DatabaseError as exc:
            raise VaultError(f"{path} is not a readable vault database ({exc}).") from None
        if version is not None and int(version[0]) in UPGRADES:
            cls._upgrade(db, path)
        elif version is None or int(version[0]) != SCHEMA_VERSION:
            raise VaultError(f"{path} is not a vault of schema version {SCHEMA_VERSION}.")
        return cls(db, path)

    @classmethod
    def _upgrade(cls, db: sqlite3.Connection, path: Path) -> None:
        """Add what later versions added, in one transaction; nothing is rewritten."""
        store = cls(db, path)
        with store.transaction():
            row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            version = int(row[0])
            while version in UPGRADES:
                for statement in UPGRADES[version].split(";"):
                    if statement.strip():
                        db.execute(statement)
                version += 1
            db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version),))

    @classmethod
    def create(cls, path: Path, meta: dict[str, str]) -> Store:
        db = sqlite3.connect(path, isolation_level=None, timeout=30.0, check_same_thread=False)
        cls._configure(db)
        store = cls(db, path)
        with store.transaction():
            # executescript would commit early; run the statements inside this transaction.
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
            rows = {"schema_version": str(SCHEMA_VERSION), **meta}
            db.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", rows.items())
        return store

    @staticmethod
    def _configure(db: sqlite3.Connection) -> None:
        db.execute("PRAGMA journal_mode = WAL")
        # Debian's build defaults it on, upstream's off: say so explicitly.
        db.execute("PRAGMA secure_delete = ON")
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA synchronous = FULL")
        db.execute("PRAGMA busy_timeout = 30000")
        # A 100k-record vault's indexes fit in 64 MiB; sorts never spill to temp files.
        db.execute("PRAGMA cache_size = -65536")
        db.execute("PRAGMA temp_store = MEMORY")

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One change, all or nothing; IMMEDIATE takes the write lock up front so two
        sessions never both read-then-write on stale data."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as exc:
            raise VaultError(f"The vault database {self.path} cannot be written ({exc}).") from None
        try:
            yield
            self._db.execute("COMMIT")
        except BaseException as exc:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.DatabaseError):
                raise VaultError(
                    f"The vault database {self.path} is damaged or cannot be written ({exc}); "
                    "nothing was changed."
                ) from None
            raise

    def checkpoint(self) -> bool:
        """Move everything into the main file and empty the WAL; False if another
        connection's read kept some of it (it goes at the next checkpoint)."""
        row = self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return row is not None and row[0] == 0

    # meta and vault-wide keys

    def meta(self, key: str) -> str:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        if row is None:
            raise VaultError(f"{self.path} has no {key!r}; it is not a complete vault.")
        return str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self._db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def vault_key(self, name: str) -> bytes:
        row = self._db.execute("SELECT wrapped FROM vault_keys WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise VaultError(f"{self.path} has no {name} key; it is not a complete vault.")
        return bytes(row[0])

    def vault_keys(self) -> list[tuple[str, bytes]]:
        return [(n, bytes(w)) for n, w in self._db.execute("SELECT name, wrapped FROM vault_keys")]

    def put_vault_key(self, name: str, wrapped: bytes) -> None:
        self._db.execute(
            "INSERT INTO vault_keys (name, wrapped) VALUES (?, ?) "
            "ON CONFLICT (name) DO UPDATE SET wrapped = excluded.wrapped",
            (name, wrapped),
        )

    # the log's head

    def log_head(self) -> LogHead | None:
        row = self._db.execute("SELECT seq, size, mac, seal FROM log_head WHERE id = 1").fetchone()
        return None if row is None else LogHead(row[0], row[1], bytes(row[2]), bytes(row[3]))

    def put_log_head(self, head: LogHead) -> None:
        self._db.execute(
            "INSERT INTO log_head (id, seq, size, mac, seal) VALUES (1, ?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, size = excluded.size, "
            "mac = excluded.mac, seal = excluded.seal",
            (head.seq, head.size, head.mac, head.seal),
        )

    # staff

    def staff(self, name: str) -> StaffRow | None:
        row = self._db.execute(
            "SELECT name, role, disabled, pin_hash, created_at FROM staff WHERE name = ?", (name,)
        ).fetchone()
        return None if row is None else StaffRow(row[0], row[1], bool(row[2]), row[3], row[4])

    def all_staff(self) -> list[StaffRow]:
        rows = self._db.execute(
            "SELECT name, role, disabled, pin_hash, created_at FROM staff ORDER BY name"
        )
        return [StaffRow(r[0], r[1], bool(r[2]), r[3], r[4]) for r in rows]

    def add_staff(self, name: str, role: str, created_at: str) -> None:
        self._db.execute(
            "INSERT INTO staff (name, role, created_at) VALUES (?, ?, ?)", (name, role, created_at)
        )

    def set_staff_disabled(self, name: str, disabled: bool) -> None:
        self._db.execute("UPDATE staff SET disabled = ? WHERE name = ?", (int(disabled), name))

    def set_staff_pin(self, name: str, pin_hash: str) -> None:
        self._db.execute("UPDATE staff SET pin_hash = ? WHERE name = ?", (pin_hash, name))

    # records

    def record_ids(self) -> list[str]:
        return [r[0] for r in self._db.execute("SELECT id FROM records ORDER BY id")]

    def record_count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM records").fetchone()[0])

    def record_exists(self, record_id: str) -> bool:
        row = self._db.execute("SELECT 1 FROM records WHERE id = ?", (record_id,)).fetchone()
        return row is not None

    def ids_assigned_to(self, staff: str) -> list[str]:
        rows = self._db.execute(
            "SELECT record_id FROM assignments WHERE staff = ? ORDER BY record_id", (staff,)
        )
        return [r[0] for r in rows]

    def ids_matching(self, match_index: bytes) -> list[str]:
        rows = self._db.execute(
            "SELECT id FROM records WHERE match_index = ? ORDER BY id", (match_index,)
        )
        return [r[0] for r in rows]

    def assigned_to(self, record_id: str) -> frozenset[str]:
        rows = self._db.execute("SELECT staff FROM assignments WHERE record_id = ?", (record_id,))
        return frozenset(r[0] for r in rows)

    def add_records(
        self, records: Iterable[NewRecordRows], created_at: str, batch: int = 500
    ) -> int:
        """Insert records in batches inside the caller's transaction: a few
        executemany calls per batch rather than per record."""
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

    def record_key(self, record_id: str) -> RecordKeyRow | None:
        row = self._db.execute(
            "SELECT id, key_id, key_version, wrapped_key FROM records WHERE id = ?", (record_id,)
        ).fetchone()
        return None if row is None else RecordKeyRow(row[0], row[1], row[2], bytes(row[3]))

    def record_keys(self) -> list[RecordKeyRow]:
        rows = self._db.execute("SELECT id, key_id, key_version, wrapped_key FROM records")
        return [RecordKeyRow(r[0], r[1], r[2], bytes(r[3])) for r in rows]

    def set_wrapped_key(self, record_id: str, wrapped: bytes) -> None:
        self._db.execute("UPDATE records SET wrapped_key = ? WHERE id = ?", (wrapped, record_id))

    def record_rows(self, record_id: str, entry_kinds: Iterable[str]) -> RecordRows | None:
        """The sealed rows of one record, with only the entry kinds asked for."""
        row = self._db.execute(
            "SELECT id, key_id, key_version, wrapped_key, sealed_fields FROM records WHERE id = ?",
            (record_id,),
        ).fetchone()
        if row is None:
            return None
        key = RecordKeyRow(row[0], row[1], row[2], bytes(row[3]))
        kinds = set(entry_kinds)
        entries: list[tuple[str, int, bytes]] = []
        if kinds:
            rows = self._db.execute(
                "SELECT kind, seq, sealed FROM record_entries WHERE record_id = ? "
                "ORDER BY kind, seq",
                (record_id,),
            )
            entries = [(kind, seq, bytes(sealed)) for kind, seq, sealed in rows if kind in kinds]
        return RecordRows(key, bytes(row[4]), entries, self.assigned_to(record_id))

    def listing_rows(
        self, record_ids: Sequence[str] | None
    ) -> Iterator[tuple[RecordKeyRow, bytes]]:
        """(key, packed sealed fields) for the records asked for, or every record."""
        query = "SELECT id, key_id, key_version, wrapped_key, sealed_fields FROM records "
        if record_ids is None:
            rows: Iterable[tuple[str, str, int, bytes, bytes]] = self._db.execute(
                query + "ORDER BY id"
            )
        else:
            rows = (
                row
                for rid in record_ids
                for row in self._db.execute(query + "WHERE id = ?", (rid,))
            )
        for rid, key_id, version, wrapped, sealed_fields in rows:
            yield RecordKeyRow(rid, key_id, version, bytes(wrapped)), bytes(sealed_fields)

    def next_entry_seq(self, record_id: str, kind: str) -> int:
        row = self._db.execute(
            "SELECT coalesce(max(seq), -1) + 1 FROM record_entries "
            "WHERE record_id = ? AND kind = ?",
            (record_id, kind),
        ).fetchone()
        return int(row[0])

    # sharing decisions

    def add_decision(self, row: DecisionRow, sealed: bytes) -> None:
        self._db.execute(
            "INSERT INTO sharing_decisions (id, record_id, status, decided_by, created_at, sealed)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (row.id, row.record_id, row.status, row.decided_by, row.created_at, sealed),
        )

    def decisions_for(self, record_id: str) -> list[tuple[DecisionRow, bytes]]:
        rows = self._db.execute(
            "SELECT id, record_id, status, decided_by, created_at, sealed FROM sharing_decisions "
            "WHERE record_id = ? ORDER BY rowid",
            (record_id,),
        )
        return [(DecisionRow(*row[:5]), bytes(row[5])) for row in rows]

    def decisions(self, statuses: Iterable[str]) -> list[DecisionRow]:
        wanted = set(statuses)
        rows = self._db.execute(
            "SELECT id, record_id, status, decided_by, created_at FROM sharing_decisions "
            "ORDER BY rowid"
        )
        return [DecisionRow(*row) for row in rows if row[2] in wanted]

    def decision(self, decision_id: str) -> tuple[DecisionRow, bytes] | None:
        row = self._db.execute(
            "SELECT id, record_id, status, decided_by, created_at, sealed FROM sharing_decisions "
            "WHERE id = ?",
            (decision_id,),
        ).fetchone()
        return None if row is None else (DecisionRow(*row[:5]), bytes(row[5]))

    def set_decision_status(self, decision_id: str, status: str) -> None:
        self._db.execute(
            "UPDATE sharing_decisions SET status = ? WHERE id = ?", (status, decision_id)
        )

    # restricted records

    def restricted_ids(self) -> set[str]:
        return {row[0] for row in self._db.execute("SELECT record_id FROM restrictions")}

    def restriction(self, record_id: str) -> tuple[str, str]:
        """(set_by, set_at) of a restricted record."""
        row = self._db.execute(
            "SELECT set_by, set_at FROM restrictions WHERE record_id = ?", (record_id,)
        ).fetchone()
        return (row[0], row[1]) if row else ("", "")

    def granted_ids(self, staff: str, now: str) -> set[str]:
        rows = self._db.execute(
            "SELECT record_id FROM grants WHERE staff = ? AND until > ?", (staff, now)
        )
        return {row[0] for row in rows}

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

    def grants(self, record_id: str) -> list[tuple[str, str, str]]:
        """(staff, until, granted_by) for a restricted record."""
        rows = self._db.execute(
            "SELECT staff, until, granted_by FROM grants WHERE record_id = ? ORDER BY staff",
            (record_id,),
        )
        return [(row[0], row[1], row[2]) for row in rows]

    # legal holds and disposals

    def hold(self, record_id: str) -> tuple[HoldRow, bytes] | None:
        row = self._db.execute(
            "SELECT record_id, set_by, set_at, sealed FROM legal_holds WHERE record_id = ?",
            (record_id,),
        ).fetchone()
        return None if row is None else (HoldRow(*row[:3]), bytes(row[3]))

    def held_ids(self) -> set[str]:
        return {row[0] for row in self._db.execute("SELECT record_id FROM legal_holds")}

    def set_hold(self, row: HoldRow, sealed: bytes) -> None:
        self._db.execute(
            "INSERT INTO legal_holds (record_id, set_by, set_at, sealed) VALUES (?, ?, ?, ?)",
            (row.record_id, row.set_by, row.set_at, sealed),
        )

    def clear_hold(self, record_id: str) -> None:
        self._db.execute("DELETE FROM legal_holds WHERE record_id = ?", (record_id,))

    def add_disposal(self, row: DisposalRow) -> None:
        values = tuple(row.__dict__.values())
        marks = ", ".join("?" * len(values))
        self._db.execute(f"INSERT INTO disposals ({DISPOSAL_COLUMNS}) VALUES ({marks})", values)  # noqa: S608

    def disposal(self, disposal_id: str) -> DisposalRow | None:
        row = self._db.execute(
            f"SELECT {DISPOSAL_COLUMNS} FROM disposals WHERE id = ?",  # noqa: S608
            (disposal_id,),
        ).fetchone()
        return None if row is None else DisposalRow(*row)

    def disposals(self, statuses: Iterable[str] | None = None) -> list[DisposalRow]:
        rows = self._db.execute(
            f"SELECT {DISPOSAL_COLUMNS} FROM disposals ORDER BY proposed_at, id"  # noqa: S608
        )
        wanted = None if statuses is None else set(statuses)
        return [DisposalRow(*row) for row in rows if wanted is None or row[5] in wanted]

    def review_disposal(self, disposal_id: str, status: str, by: str, at: str) -> bool:
        """Only a disposal still proposed; False if someone else got there first."""
        cursor = self._db.execute(
            "UPDATE disposals SET status = ?, approved_by = ?, approved_at = ? "
            "WHERE id = ? AND status = 'proposed'",
            (status, by, at, disposal_id),
        )
        return cursor.rowcount == 1

    def disposal_executed(
        self, disposal_id: str, by: str, at: str, key_id: str, method: str, log_seq: int
    ) -> None:
        self._db.execute(
            "UPDATE disposals SET status = 'executed', executed_by = ?, executed_at = ?, "
            "key_id = ?, method = ?, log_seq = ? WHERE id = ?",
            (by, at, key_id, method, log_seq, disposal_id),
        )

    def set_disposal_method(self, disposal_id: str, method: str) -> None:
        self._db.execute("UPDATE disposals SET method = ? WHERE id = ?", (method, disposal_id))

    def decision_ids_for(self, record_id: str) -> list[str]:
        rows = self._db.execute(
            "SELECT id FROM sharing_decisions WHERE record_id = ?", (record_id,)
        )
        return [row[0] for row in rows]

    def delete_record(self, record_id: str) -> None:
        """The record's row, wrapped key and all; its notes, consent, assignments,
        decisions and telephone requests go with it (ON DELETE CASCADE)."""
        self._db.execute("DELETE FROM records WHERE id = ?", (record_id,))

    # telephone requests

    def add_phone_request(self, row: PhoneRequestRow, sealed: bytes) -> None:
        self._db.execute(
            "INSERT INTO phone_requests (id, record_id, status, taken_by, created_at, sealed)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (row.id, row.record_id, row.status, row.taken_by, row.created_at, sealed),
        )

    def phone_request(self, request_id: str) -> tuple[PhoneRequestRow, bytes] | None:
        row = self._db.execute(
            "SELECT id, record_id, status, taken_by, created_at, sealed FROM phone_requests "
            "WHERE id = ?",
            (request_id,),
        ).fetchone()
        return None if row is None else (PhoneRequestRow(*row[:5]), bytes(row[5]))

    def phone_requests(self, statuses: Iterable[str]) -> list[PhoneRequestRow]:
        wanted = set(statuses)
        rows = self._db.execute(
            "SELECT id, record_id, status, taken_by, created_at FROM phone_requests "
            "ORDER BY created_at, id"
        )
        return [PhoneRequestRow(*row) for row in rows if row[2] in wanted]

    def update_phone_request(self, request_id: str, status: str, sealed: bytes, was: str) -> bool:
        """Only from the status it was read in; False if it changed meanwhile."""
        cursor = self._db.execute(
            "UPDATE phone_requests SET status = ?, sealed = ? WHERE id = ? AND status = ?",
            (status, sealed, request_id, was),
        )
        return cursor.rowcount == 1

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
