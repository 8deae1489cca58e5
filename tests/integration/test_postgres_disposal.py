"""Disposal on PostgreSQL: the wrapped data key's row is deleted and `records`
vacuumed, and no row of any table of the database still holds the record's key or its
values (its reference stays, in its certificate; the freed space is not overwritten:
README, docs/scale.md)."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from secure_records.session import Session
from secure_records.vault import database
from secure_records.vault.home import VaultPaths
from tests.conftest import canaries, canary_row
from tests.integration.test_disposal import TODAY, adult, approved, import_rows


def every_value(conninfo: str) -> list[bytes]:
    """Every value of every column of every table, as bytes."""
    found: list[bytes] = []
    with psycopg.connect(conninfo) as db:
        tables = db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        for (table,) in tables.fetchall():
            for row in db.execute(f'SELECT * FROM "{table}"').fetchall():  # noqa: S608
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        found.append(bytes(value))
                    elif value is not None:
                        found.append(str(value).encode())
    return found


def test_disposal_deletes_the_key_vacuums_and_leaves_nothing_of_the_record(
    home: Path, vault_backend: str
) -> None:
    if vault_backend != "postgres":
        pytest.skip("PostgreSQL's disposal; SQLite's is tests/integration/test_disposal.py")
    conninfo = database.configured(VaultPaths(home))
    assert conninfo is not None
    disposed = adult("R-0001")
    import_rows(home, [disposed, canary_row("R-0002", ["alice"])])
    with psycopg.connect(conninfo) as db:
        row = db.execute("SELECT wrapped_key FROM records WHERE id = 'R-0001'").fetchone()
        assert row is not None
        wrapped = bytes(row[0])
        vacuumed = db.execute(
            "SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'records'"
        ).fetchone()
    assert vacuumed is not None
    disposal_id = approved(home, "R-0001")
    with Session.open("it", home) as it:
        it.retention.execute_disposal(disposal_id)
    values = every_value(conninfo)
    assert not [v for v in values if wrapped in v], "the wrapped data key is still in a row"
    kept = {c for c in canaries(disposed).values() if any(c.encode() in v for v in values)}
    assert not kept, kept
    assert any(v == b"R-0002" for v in values)  # the other record is untouched
    with psycopg.connect(conninfo) as db:
        after = db.execute(
            "SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'records'"
        ).fetchone()
    assert after is not None and after[0] > vacuumed[0], (vacuumed, after)
    with Session.open("it", home) as it:
        assert it.retention.retention_queue(TODAY) == []
