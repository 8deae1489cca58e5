"""The vault's schema as numbered, named migrations, each recorded in the vault once
applied. Only `secure-records upgrade` applies them (after a backup, in one
transaction): every door refuses a vault that lacks one, naming the command, and a
vault that a newer release has migrated further, naming the migration it needs.

Migration 1 is the whole schema as it stood when migrations began. Every statement
in it says IF NOT EXISTS, so that it also completes a vault made before then: those
carry no record of migrations, only `schema_version` 1 to 4 in their meta table,
and each older version lacks only whole tables that later versions added.
"""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from secure_records.core.errors import VaultError

INITIAL = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS staff (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    pin_hash TEXT,
    created_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS vault_keys (
    name TEXT PRIMARY KEY,
    wrapped BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS records (
    id TEXT PRIMARY KEY,
    key_id TEXT NOT NULL UNIQUE,
    key_version INTEGER NOT NULL,
    wrapped_key BLOB NOT NULL,
    match_index BLOB NOT NULL,
    created_at TEXT NOT NULL,
    -- every scalar field, each sealed on its own, packed (envelope.pack_sealed)
    sealed_fields BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS records_match ON records (match_index);
CREATE TABLE IF NOT EXISTS record_entries (
    record_id TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    seq INTEGER NOT NULL,
    sealed BLOB NOT NULL,
    PRIMARY KEY (record_id, kind, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS assignments (
    record_id TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,
    staff TEXT NOT NULL REFERENCES staff (name),
    PRIMARY KEY (record_id, staff)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS assignments_by_staff ON assignments (staff, record_id);
CREATE TABLE IF NOT EXISTS sharing_decisions (
    id TEXT PRIMARY KEY,
    record_id TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    -- the decision in full, sealed under the record's data key
    sealed BLOB NOT NULL
);  -- with a rowid: decisions list in the order they were taken
CREATE INDEX IF NOT EXISTS sharing_decisions_by_status
    ON sharing_decisions (status, created_at);
CREATE TABLE IF NOT EXISTS log_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    size INTEGER NOT NULL,
    mac BLOB NOT NULL,
    seal BLOB NOT NULL
);
-- telephone requests (policy section 11)
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
-- legal holds and disposals (policy sections 6 and 11)
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
-- restricted records and their time-limited grants (policy 10(d))
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
-- Releases from before migrations open only a vault whose schema_version is 4: this
-- schema is theirs. A later migration that they could not read raises it.
INSERT INTO meta (key, value) VALUES ('schema_version', '4')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
"""

# Every row that says who may see or do what gains a seal (vault/row_seals.py), and a
# record its history; rows written before stay unsealed (NULL) until `vault seal`.
ROW_SEALS = (
    "".join(
        f"ALTER TABLE {table} ADD COLUMN seal BLOB;\n"
        for table in (
            "staff",
            "records",
            "record_entries",
            "assignments",
            "sharing_decisions",
            "phone_requests",
            "legal_holds",
            "restrictions",
            "grants",
            "disposals",
        )
    )
    + """
ALTER TABLE records ADD COLUMN history BLOB;
-- each person's caseload: their assignments' seals summed, so that one replayed
-- from an older copy no longer adds up when their list is drawn
ALTER TABLE staff ADD COLUMN caseload BLOB;
-- rows that stand alone: the log entry they were sealed after (vault verify compares)
ALTER TABLE staff ADD COLUMN sealed_at INTEGER;
ALTER TABLE disposals ADD COLUMN sealed_at INTEGER;
ALTER TABLE phone_requests ADD COLUMN sealed_at INTEGER;
-- a record's history is read with it: its decisions and telephone requests by record
CREATE INDEX IF NOT EXISTS sharing_decisions_by_record ON sharing_decisions (record_id);
CREATE INDEX IF NOT EXISTS phone_requests_by_record ON phone_requests (record_id);
-- releases that do not seal rows must not write to this vault
UPDATE meta SET value = '5' WHERE key = 'schema_version';
"""
)

# Wrong PINs counted per staff member in the vault, not per session (issue 16): a new
# session no longer starts the count again. Sealed with the rest of the staff row; a
# row sealed before these columns existed frames them at these defaults (row_seals).
PIN_LOCKOUT = """
ALTER TABLE staff ADD COLUMN pin_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE staff ADD COLUMN locked_until TEXT;
"""

# Outputs for people kept inside the vault, sealed (issue 18): under the record's key
# when they concern one record, so that its disposal erases them with it, else under
# the vault's outputs key; and each release of one, which outlives the record (the
# file it made is out there), with to whom and where sealed under the vault's key.
# Every clear column is bound into its row's ciphertext, so none can be changed.
SEALED_OUTPUTS = """
CREATE TABLE IF NOT EXISTS outputs (
    id TEXT PRIMARY KEY,
    record_id TEXT REFERENCES records (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    made_by TEXT NOT NULL,
    made_at TEXT NOT NULL,
    sealed BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS outputs_by_record ON outputs (record_id);
CREATE TABLE IF NOT EXISTS releases (
    id TEXT PRIMARY KEY,
    output_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    released_by TEXT NOT NULL,
    released_at TEXT NOT NULL,
    shredded_at TEXT,
    sealed BLOB NOT NULL
);
"""

# A record kept at review (issue 19): the lead's rejection of its disposal carries the
# date it is next reviewed, and the record stays out of IT's queue until then. Sealed
# with the rest of the row; a row sealed before frames it at NULL (row_seals).
KEEP_UNTIL = """
ALTER TABLE disposals ADD COLUMN keep_until TEXT;
"""

# The register of subject access requests (issue 19): when each was received and is
# due, in the clear for a lead's first screen to count; how identity was checked and
# why the time was extended sealed under the record's key, so disposal erases them.
ACCESS_REQUESTS = """
CREATE TABLE IF NOT EXISTS access_requests (
    id TEXT PRIMARY KEY,
    record_id TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    received TEXT NOT NULL,
    due TEXT NOT NULL,
    extension_months INTEGER NOT NULL DEFAULT 0,
    logged_by TEXT NOT NULL,
    logged_at TEXT NOT NULL,
    report_id TEXT,
    answered_at TEXT,
    sealed BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS access_requests_by_record ON access_requests (record_id);
"""

# Concerns and suspected breaches (issue 19; policy section 11): kind, status and
# when raised in the clear, for a lead's first screen to count the 72 hours; what was
# typed sealed under the vault's concerns key, every clear column bound to it.
CONCERNS = """
CREATE TABLE IF NOT EXISTS concerns (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    personal_data INTEGER NOT NULL,
    noticed TEXT NOT NULL,
    raised_by TEXT NOT NULL,
    raised_at TEXT NOT NULL,
    outcome TEXT,
    decided_by TEXT,
    decided_at TEXT,
    sealed BLOB NOT NULL
);
"""

# Recovery without the host's keyring (issue 20): each version of the key-encryption
# key, kept until `key retire` and sealed under a recovery root, and the root sealed
# under a key derived from the recovery code (vault/recovery.py). The code itself is
# never stored. A vault from before lists its current version, from now.
RECOVERY = """
CREATE TABLE IF NOT EXISTS kek_versions (
    version INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    retired_at TEXT,
    -- the version's key sealed under the recovery root: NULL without a code, or retired
    recovery BLOB
);
CREATE TABLE IF NOT EXISTS recovery_code (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    created_at TEXT NOT NULL,
    kdf TEXT NOT NULL,
    salt BLOB NOT NULL,
    wrapped_root BLOB NOT NULL
);
INSERT INTO kek_versions (version, created_at)
    SELECT CAST(value AS INTEGER), strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')
    FROM meta WHERE key = 'kek_version'
    ON CONFLICT (version) DO NOTHING;
"""

# Several app hosts, one key (issue 21): each host that opens the vault, and the key
# versions its keyring held, so that `key rotate --commit` waits for all of them.
HOSTS = """
CREATE TABLE IF NOT EXISTS hosts (
    name TEXT PRIMARY KEY,
    versions TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL
);
"""

# Bookkeeping, outside the numbered migrations: it must exist to record the first.
MIGRATIONS_TABLE = """
CREATE TABLE IF NOT EXISTS migrations (
    number INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
)
"""

# What a vault from before migrations has in meta: 4 is the version of migration 1;
# 1 to 3 lack tables it adds (their releases brought them up to 4 on opening).
LEGACY_CURRENT = "4"
LEGACY_BEHIND = frozenset({"1", "2", "3"})


@dataclass(frozen=True)
class Migration:
    number: int
    name: str
    sql: str

    def statements(self) -> list[str]:
        # executescript would commit early; these run inside the caller's transaction.
        return [part for part in self.sql.split(";") if part.strip()]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial", INITIAL),
    Migration(2, "row_seals", ROW_SEALS),
    Migration(3, "pin_lockout", PIN_LOCKOUT),
    Migration(4, "sealed_outputs", SEALED_OUTPUTS),
    Migration(5, "keep_until", KEEP_UNTIL),
    Migration(6, "access_requests", ACCESS_REQUESTS),
    Migration(7, "concerns", CONCERNS),
    # 7 is issue 19's
    Migration(8, "recovery", RECOVERY),
    Migration(9, "hosts", HOSTS),
)
LATEST = MIGRATIONS[-1].number

# Every migration's SQL in order: an empty copy of today's schema (the benchmarks'
# raw baseline builds one).
SCHEMA = ";\n".join(m.sql for m in MIGRATIONS)


def pending(db: sqlite3.Connection, path: Path) -> list[Migration]:
    """The migrations this vault still needs, in order.

    VaultError if it is no vault this code knows, or one a newer release migrated
    further; sqlite3.DatabaseError if it is no database at all."""
    row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    legacy = None if row is None else row["value"]
    known = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'"
    ).fetchone()
    applied: dict[int, str] = {}
    if known is None:
        # From before migrations: its tables stand for migration 1, which (IF NOT
        # EXISTS throughout) leaves them as they are and adds any it lacks.
        if legacy != LEGACY_CURRENT and legacy not in LEGACY_BEHIND:
            raise VaultError(unknown_refusal(path, legacy))
    else:
        rows = db.execute("SELECT number, name FROM migrations")
        applied = {r["number"]: r["name"] for r in rows}
    # Read at each call, not LATEST: a test may add a migration to MIGRATIONS.
    newer = sorted(number for number in applied if number > MIGRATIONS[-1].number)
    if newer:
        raise VaultError(newer_refusal(path, newer[-1], applied[newer[-1]]))
    if legacy in LEGACY_BEHIND:
        # It says it has an older version's tables, though migrations were recorded
        # (put back by hand): every migration again, each idempotent, completes it.
        applied.clear()
    return [m for m in MIGRATIONS if m.number not in applied]


def newer_refusal(path: Path | str, number: int, name: str) -> str:
    """A vault this release must leave untouched, and the release it needs."""
    known = MIGRATIONS[-1]
    return (
        f"{path} was upgraded by secure-records with migration {number} ({name}); this "
        f"release knows up to migration {known.number} ({known.name}), so nothing was "
        f"changed: install a release that has migration {number}."
    )


def unknown_refusal(path: Path, legacy: str | None) -> str:
    # A schema_version above 4 with no migrations recorded: no release wrote that.
    if legacy is None or not legacy.isdigit():
        return f"{path} is not a secure-records vault (its meta table has no schema version)."
    return (
        f"{path} says it is of schema version {legacy} but records no migrations, which "
        f"no release of secure-records writes (this one knows up to migration "
        f"{MIGRATIONS[-1].number}): "
        "restore it from a backup."
    )


def behind_refusal(path: Path | str, needed: list[Migration]) -> str:
    """A vault an older release made: one sentence naming the command that upgrades it."""
    first, last = needed[0], needed[-1]
    lacks = f"migration {first.number} ({first.name})"
    if last is not first:
        lacks = f"migrations {first.number} to {last.number} ({first.name} to {last.name})"
    return (
        f"{path} was made by an older release of secure-records and lacks {lacks}, so "
        "nothing was opened: run 'secure-records upgrade' (it takes a backup first)."
    )


def still_needed(path: Path) -> list[Migration]:
    """What this vault's schema lacks, without changing it; VaultError as `pending`
    (a newer vault, no vault), or if it is no database at all."""
    try:
        with closing(sqlite3.connect(path, timeout=30.0)) as db:
            db.row_factory = sqlite3.Row
            return pending(db, path)
    except sqlite3.DatabaseError as exc:
        raise VaultError(f"{path} is not a readable vault database ({exc}).") from None


# After any comment lines that open the statement.
ADD_COLUMN = re.compile(r"^\s*ALTER TABLE (\w+) ADD COLUMN (\w+)", re.IGNORECASE | re.MULTILINE)


def _adds_existing_column(db: sqlite3.Connection, statement: str) -> bool:
    # SQLite has no ADD COLUMN IF NOT EXISTS: a migration run again must skip it.
    match = ADD_COLUMN.search(statement)
    if match is None:
        return False
    table, column = match.groups()
    columns = db.execute(f"PRAGMA table_info({table})").fetchall()
    return any(row[1] == column for row in columns)


def apply(db: sqlite3.Connection, migrations: list[Migration]) -> None:
    """Run and record each migration; call inside a transaction holding the write lock
    (one that fails raises VaultError naming it, and the caller's rollback undoes all)."""
    db.execute(MIGRATIONS_TABLE)
    for migration in migrations:
        try:
            for statement in migration.statements():
                if not _adds_existing_column(db, statement):
                    db.execute(statement)
        except sqlite3.DatabaseError as exc:
            raise VaultError(
                f"Migration {migration.number} ({migration.name}) could not be applied "
                f"({exc}), so nothing was changed: the vault is as it was."
            ) from None
        db.execute(
            # Recorded once, when first applied (migration 1 may run again: see pending).
            "INSERT INTO migrations (number, name, applied_at) VALUES (?, ?, ?) "
            "ON CONFLICT (number) DO NOTHING",
            (migration.number, migration.name, datetime.now(UTC).isoformat(timespec="seconds")),
        )
