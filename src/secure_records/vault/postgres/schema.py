"""The vault's schema on PostgreSQL, and its migrations.

A PostgreSQL vault starts at migration BASE: `AT_BASE` is the whole schema as SQLite's
migrations 1 to BASE leave it (bytea for BLOB, bigint for integers that count), and a
new vault records those migrations, by SQLite's numbers and names, as applied. Every
later migration is written twice, by the same number and name: SQLite's in
`vault.sqlite.migrations`, PostgreSQL's in `LATER` here (a test holds them in step).

Three things only PostgreSQL needs: a `rowid` identity column on the four tables listed
in the order rows were added (SQLite's implicit rowid); the log head's row present
from the start, its columns empty until the log's first entry, so that every write
transaction has a row to lock (`SELECT ... FOR UPDATE`); and the log's entries as rows
(`log_entries`), where SQLite's vault keeps a file beside its database.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import psycopg

from secure_records.core.errors import VaultError
from secure_records.vault.postgres.dialect import PgConnection, said
from secure_records.vault.sqlite import migrations as sqlite_migrations
from secure_records.vault.sqlite.migrations import Migration

BASE = 8

AT_BASE = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE migrations (number INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);
CREATE TABLE staff (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    pin_hash TEXT,
    created_at TEXT NOT NULL,
    seal BYTEA,
    caseload BYTEA,
    sealed_at BIGINT,
    pin_failures INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT
);
CREATE TABLE vault_keys (name TEXT PRIMARY KEY, wrapped BYTEA NOT NULL);
CREATE TABLE records (
    id TEXT PRIMARY KEY,
    key_id TEXT NOT NULL UNIQUE,
    key_version INTEGER NOT NULL,
    wrapped_key BYTEA NOT NULL,
    match_index BYTEA NOT NULL,
    created_at TEXT NOT NULL,
    sealed_fields BYTEA NOT NULL,
    seal BYTEA,
    history BYTEA
);
CREATE INDEX records_match ON records (match_index);
CREATE TABLE record_entries (
    record_id TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    seq BIGINT NOT NULL,
    sealed BYTEA NOT NULL,
    seal BYTEA,
    PRIMARY KEY (record_id, kind, seq)
);
CREATE TABLE assignments (
    record_id TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,
    staff TEXT NOT NULL REFERENCES staff (name),
    seal BYTEA,
    PRIMARY KEY (record_id, staff)
);
CREATE INDEX assignments_by_staff ON assignments (staff, record_id);
CREATE TABLE sharing_decisions (
    id TEXT PRIMARY KEY,
    record_id TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    sealed BYTEA NOT NULL,
    seal BYTEA,
    rowid BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE
);
CREATE INDEX sharing_decisions_by_status ON sharing_decisions (status, created_at);
CREATE INDEX sharing_decisions_by_record ON sharing_decisions (record_id);
CREATE TABLE log_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT,
    size BIGINT,
    mac BYTEA,
    seal BYTEA
);
INSERT INTO log_head (id) VALUES (1);
-- PostgreSQL's alone: SQLite's log is a file (vault.postgres.log_rows).
CREATE TABLE log_entries (
    seq BIGINT PRIMARY KEY, start BIGINT NOT NULL UNIQUE, line BYTEA NOT NULL
);
CREATE TABLE phone_requests (
    id TEXT PRIMARY KEY,
    record_id TEXT REFERENCES records (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    taken_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    sealed BYTEA NOT NULL,
    seal BYTEA,
    sealed_at BIGINT
);
CREATE INDEX phone_requests_by_status ON phone_requests (status, created_at);
CREATE INDEX phone_requests_by_record ON phone_requests (record_id);
CREATE TABLE legal_holds (
    record_id TEXT PRIMARY KEY REFERENCES records (id),
    set_by TEXT NOT NULL,
    set_at TEXT NOT NULL,
    sealed BYTEA NOT NULL,
    seal BYTEA
);
CREATE TABLE disposals (
    id TEXT PRIMARY KEY,
    record_id TEXT NOT NULL,  -- no foreign key: the certificate outlives the record
    category TEXT NOT NULL, rule TEXT NOT NULL, due TEXT NOT NULL, status TEXT NOT NULL,
    proposed_by TEXT NOT NULL, proposed_at TEXT NOT NULL,
    approved_by TEXT, approved_at TEXT,
    executed_by TEXT, executed_at TEXT, key_id TEXT, method TEXT, log_seq BIGINT,
    seal BYTEA, sealed_at BIGINT,
    keep_until TEXT
);
CREATE INDEX disposals_by_status ON disposals (status, proposed_at);
CREATE TABLE restrictions (
    record_id TEXT PRIMARY KEY REFERENCES records (id) ON DELETE CASCADE,
    set_by TEXT NOT NULL,
    set_at TEXT NOT NULL,
    seal BYTEA
);
CREATE TABLE grants (
    record_id TEXT NOT NULL REFERENCES restrictions (record_id) ON DELETE CASCADE,
    staff TEXT NOT NULL REFERENCES staff (name),
    until TEXT NOT NULL,
    granted_by TEXT NOT NULL,
    granted_at TEXT NOT NULL,
    seal BYTEA,
    PRIMARY KEY (record_id, staff)
);
CREATE TABLE outputs (
    id TEXT PRIMARY KEY,
    record_id TEXT REFERENCES records (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    made_by TEXT NOT NULL,
    made_at TEXT NOT NULL,
    sealed BYTEA NOT NULL,
    rowid BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE
);
CREATE INDEX outputs_by_record ON outputs (record_id);
CREATE TABLE releases (
    id TEXT PRIMARY KEY,
    output_id TEXT NOT NULL, kind TEXT NOT NULL,
    released_by TEXT NOT NULL, released_at TEXT NOT NULL, shredded_at TEXT,
    sealed BYTEA NOT NULL
);
CREATE TABLE access_requests (
    id TEXT PRIMARY KEY,
    record_id TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,
    status TEXT NOT NULL, received TEXT NOT NULL, due TEXT NOT NULL,
    extension_months INTEGER NOT NULL DEFAULT 0,
    logged_by TEXT NOT NULL, logged_at TEXT NOT NULL,
    report_id TEXT, answered_at TEXT,
    sealed BYTEA NOT NULL,
    rowid BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE
);
CREATE INDEX access_requests_by_record ON access_requests (record_id);
CREATE TABLE concerns (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL, status TEXT NOT NULL, personal_data INTEGER NOT NULL,
    noticed TEXT NOT NULL, raised_by TEXT NOT NULL, raised_at TEXT NOT NULL,
    outcome TEXT, decided_by TEXT, decided_at TEXT,
    sealed BYTEA NOT NULL,
    rowid BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE
);
CREATE TABLE kek_versions (
    version INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    retired_at TEXT,
    recovery BYTEA
);
CREATE TABLE recovery_code (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    created_at TEXT NOT NULL,
    kdf TEXT NOT NULL,
    salt BYTEA NOT NULL,
    wrapped_root BYTEA NOT NULL
);
-- what releases before migrations read (SQLite's migration 2 left it at 5)
INSERT INTO meta (key, value) VALUES ('schema_version', '5');
"""

# PostgreSQL's form of each SQLite migration after BASE, by number.
LATER: tuple[Migration, ...] = (
    Migration(
        9,
        "hosts",
        """
CREATE TABLE IF NOT EXISTS hosts (
    name TEXT PRIMARY KEY, versions TEXT NOT NULL,
    first_seen TEXT NOT NULL, last_seen TEXT NOT NULL
);
""",
    ),
)


def known() -> list[Migration]:
    """Every migration a PostgreSQL vault can have, in order; those up to BASE carry
    no SQL of their own (AT_BASE is them)."""
    base = [Migration(m.number, m.name, "") for m in sqlite_migrations.MIGRATIONS[:BASE]]
    return [*base, *LATER]


def _statements(sql: str) -> list[str]:
    return [part for part in sql.split(";") if part.strip()]


def create(db: PgConnection) -> None:
    """The whole schema, with migrations 1 to BASE and every later one recorded;
    inside the caller's transaction."""
    for statement in _statements(AT_BASE):
        db.raw.execute(statement)
    for migration in LATER:
        for statement in _statements(migration.sql):
            db.raw.execute(statement)
    for migration in known():
        _record(db, migration)


def table_names() -> list[str]:
    """Every table the schema makes, in the order it makes them."""
    sql = "\n".join([AT_BASE, *(migration.sql for migration in LATER)])
    return re.findall(r"CREATE TABLE (?:IF NOT EXISTS )?(\w+)", sql)


def taken(db: PgConnection) -> list[str]:
    """The schema's table names that the database already has."""
    rows = db.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    present = {row["tablename"] for row in rows}
    return [name for name in table_names() if name in present]


def drop(db: PgConnection) -> None:
    """Every table `create` made, for a vault whose laying out failed: only ever run
    on a schema this process created moments before, in a database that held none of
    these names (PostgresStore._lay_out). No CASCADE: anything else that came to
    depend on them makes the drop fail, not vanish."""
    db.raw.execute(f"DROP TABLE IF EXISTS {', '.join(reversed(table_names()))}")


def _record(db: PgConnection, migration: Migration) -> None:
    db.execute(
        "INSERT INTO migrations (number, name, applied_at) VALUES (?, ?, ?)",
        (migration.number, migration.name, datetime.now(UTC).isoformat(timespec="seconds")),
    )


def pending(db: PgConnection, where: str) -> list[Migration]:
    """The migrations this vault still needs, in order; VaultError if it is no vault,
    or one a newer release migrated further."""
    found = db.execute("SELECT to_regclass('migrations') IS NOT NULL AS known").fetchone()
    if not found["known"]:
        raise VaultError(f"{where} is not a secure-records vault (it has no migrations table).")
    applied = {
        row["number"]: row["name"] for row in db.execute("SELECT number, name FROM migrations")
    }
    ours = known()
    newer = sorted(number for number in applied if number > ours[-1].number)
    if newer:
        raise VaultError(sqlite_migrations.newer_refusal(where, newer[-1], applied[newer[-1]]))
    return [m for m in ours if m.number not in applied]


def apply(db: PgConnection, needed: list[Migration]) -> None:
    """Run and record each migration inside the caller's transaction (which holds the
    head's lock); one that fails raises VaultError naming it, and nothing changes."""
    for migration in needed:
        try:
            for statement in _statements(migration.sql):
                db.raw.execute(statement)
        except psycopg.Error as exc:
            raise VaultError(
                f"Migration {migration.number} ({migration.name}) could not be applied "
                f"({said(exc)}), so nothing was changed: the vault is as it was."
            ) from None
        _record(db, migration)
