"""What only the PostgreSQL store has: its connection rules, its migrations beside
SQLite's, and the translation of the shared SQL."""

from __future__ import annotations

import socket
import sqlite3
from contextlib import closing
from pathlib import Path

import psycopg
import pytest

from secure_records.core.errors import VaultError
from secure_records.vault.postgres import opening, schema
from secure_records.vault.postgres.dialect import translate
from secure_records.vault.postgres.opening import checked_params
from secure_records.vault.postgres.store import PostgresStore
from secure_records.vault.sqlite import migrations as sqlite_migrations
from secure_records.vault.sqlite.store import SqliteStore
from tests.support.postgres import Cluster, throwaway_cluster

# Picks its backend itself.
pytestmark = pytest.mark.not_on_postgres

META = {"vault_id": "v", "kek_version": "1", "created_at": "2026-12-05T10:00:00+00:00"}


@pytest.fixture(autouse=True)
def no_libpq_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PGHOST", "PGSSLMODE", "PGSERVICE"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(
    "given",
    ["postgresql://vault:hunter2@db.example.org/vault", "host=/run/pg dbname=v password=hunter2"],
)
def test_a_password_in_the_url_is_refused_in_one_sentence(given: str) -> None:
    with pytest.raises(VaultError) as refused:
        checked_params(given)
    assert "~/.pgpass" in str(refused.value) and "hunter2" not in str(refused.value)


@pytest.mark.parametrize("mode", ["disable", "prefer", "require", "verify-ca"])
def test_a_network_connection_without_verify_full_is_refused(mode: str) -> None:
    with pytest.raises(VaultError, match="sslmode=verify-full"):
        checked_params(f"postgresql://db.example.org/vault?sslmode={mode}")


@pytest.mark.parametrize(
    "given",
    [
        "host=/run/pg hostaddr=10.0.0.5 dbname=v sslmode=disable",
        "postgresql://%2Frun%2Fpg/v?hostaddr=10.0.0.5&sslmode=disable",
    ],
)
def test_a_socket_name_with_a_network_address_is_held_to_verify_full(given: str) -> None:
    # libpq connects over TCP to hostaddr and uses host only as a name.
    with pytest.raises(VaultError, match="sslmode=verify-full"):
        checked_params(given)


def test_an_address_from_the_environment_is_held_to_verify_full(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PGHOSTADDR", "10.0.0.5")
    monkeypatch.setenv("PGSSLMODE", "disable")
    with pytest.raises(VaultError, match="sslmode=verify-full"):
        checked_params("host=/run/pg dbname=v")


def test_a_connection_made_over_tcp_without_tls_is_refused(postgres_cluster: Cluster) -> None:
    """Checked again on the connection as made, whatever `host` named: a server that
    answered over TCP without TLS is refused (a service file, say, that got past the
    checks on what was given)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with throwaway_cluster(tcp_port=port) as cluster:
        tcp = f"host={cluster.socket_dir} hostaddr=127.0.0.1 port={port} dbname=postgres"
        made = psycopg.connect(f"{tcp} user=vault_tests sslmode=disable")
        with made, pytest.raises(VaultError, match="sslmode=verify-full"):
            opening.check_made(made)
        over_socket = f"host={cluster.socket_dir} port={port} dbname=postgres user=vault_tests"
        with psycopg.connect(over_socket) as local:
            opening.check_made(local)  # a local socket needs no TLS


def test_a_network_connection_or_a_service_is_held_to_verify_full() -> None:
    assert checked_params("postgresql://db.example.org/vault")["sslmode"] == "verify-full"
    assert checked_params("service=vault")["sslmode"] == "verify-full"
    # Given always, so the environment or a service file cannot weaken it (libpq
    # ignores it on a local socket, which needs no TLS).
    assert checked_params("host=/run/postgresql dbname=vault")["sslmode"] == "verify-full"


@pytest.mark.parametrize("weaker", ["disable", "require"])
def test_the_environment_cannot_weaken_tls_for_a_service(
    weaker: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The service file names the host, out of this check's sight: PGSSLMODE must not win.
    monkeypatch.setenv("PGSSLMODE", weaker)
    assert checked_params("service=vault")["sslmode"] == "verify-full"
    assert checked_params("host=/run/postgresql service=vault")["sslmode"] == "verify-full"


def test_a_socket_connection_is_made_with_verify_full_given(postgres_database: str) -> None:
    PostgresStore.create(postgres_database, META).close()
    PostgresStore.connect(postgres_database).close()  # libpq ignores it on the socket


def test_init_never_takes_over_or_drops_someone_elses_table(postgres_database: str) -> None:
    with psycopg.connect(postgres_database, autocommit=True) as db:
        db.execute("CREATE TABLE hosts (name text)")
        db.execute("INSERT INTO hosts VALUES ('theirs')")
        db.execute("CREATE VIEW host_names AS SELECT name FROM hosts")
    with pytest.raises(VaultError, match="already has tables named hosts"):
        PostgresStore.create(postgres_database, META)
    with psycopg.connect(postgres_database) as db:
        assert db.execute("SELECT name FROM host_names").fetchall() == [("theirs",)]
        assert db.execute("SELECT to_regclass('meta')").fetchone() == (None,)


def test_what_is_neither_a_url_nor_a_service_is_refused() -> None:
    with pytest.raises(VaultError, match="PostgreSQL URL"):
        checked_params("this is = not = conninfo")


def test_every_sqlite_migration_has_its_postgresql_form() -> None:
    ours = [(m.number, m.name) for m in schema.known()]
    assert ours == [(m.number, m.name) for m in sqlite_migrations.MIGRATIONS]


def test_the_shared_sql_in_postgresql_spelling() -> None:
    assert translate("SELECT * FROM staff WHERE 1") == "SELECT * FROM staff WHERE TRUE"
    assert (
        translate("SELECT * FROM t WHERE 1 ORDER BY id") == "SELECT * FROM t WHERE TRUE ORDER BY id"
    )
    assert translate("SELECT * FROM t WHERE 1 = 0") == "SELECT * FROM t WHERE 1 = 0"
    assert translate("SELECT * FROM t WHERE a = ? AND b LIKE '5%'") == (
        "SELECT * FROM t WHERE a = %s AND b LIKE '5%%'"
    )
    assert translate("BEGIN").startswith("BEGIN ISOLATION LEVEL REPEATABLE READ")
    with pytest.raises(ValueError, match="journal_mode"):
        translate("PRAGMA journal_mode = WAL")


def test_a_database_error_says_the_servers_line_never_the_failing_row(
    postgres_database: str,
) -> None:
    # PostgreSQL's DETAIL for a constraint quotes the whole row, a PIN's hash among it.
    store = PostgresStore.create(postgres_database, META)
    try:
        with pytest.raises(VaultError) as refused, store.transaction():
            store._tables_db.execute(
                "INSERT INTO staff (name, role, pin_hash, created_at) VALUES (?, ?, ?, NULL)",
                ("someone", "caseworker", "scrypt$not-to-be-shown"),
            )
    finally:
        store.close()
    said = str(refused.value)
    assert "null value" in said and "nothing was changed" in said
    assert "not-to-be-shown" not in said and "Failing row" not in said


def test_a_new_vault_records_every_migration_and_opens(postgres_database: str) -> None:
    PostgresStore.create(postgres_database, META).close()
    with psycopg.connect(postgres_database) as db:
        found = db.execute("SELECT number, name FROM migrations ORDER BY number").fetchall()
        named = f"{db.info.dbname} on {db.info.host}"  # in messages: no user, no password
    assert found == [(m.number, m.name) for m in sqlite_migrations.MIGRATIONS]
    store = PostgresStore.connect(postgres_database)
    assert store.meta("vault_id") == "v" and store.where == named
    store.close()
    with pytest.raises(VaultError, match="already holds a vault"):
        PostgresStore.create(postgres_database, META)


def test_a_vault_a_newer_release_migrated_is_refused_and_unchanged(postgres_database: str) -> None:
    PostgresStore.create(postgres_database, META).close()
    with psycopg.connect(postgres_database, autocommit=True) as db:
        db.execute("INSERT INTO migrations VALUES (99, 'from_the_future', 'then')")
    with pytest.raises(VaultError, match=r"migration 99 \(from_the_future\).*nothing was changed"):
        PostgresStore.connect(postgres_database)


def test_an_empty_database_is_no_vault(postgres_database: str) -> None:
    with pytest.raises(VaultError, match="not a secure-records vault"):
        PostgresStore.connect(postgres_database)


def test_a_later_migration_is_refused_until_upgrade_applies_it(
    postgres_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    PostgresStore.create(postgres_database, META).close()
    # One past the newest real migration (9 is the hosts table, issue 21).
    number = sqlite_migrations.LATEST + 1
    later = sqlite_migrations.Migration(
        number, "later_things", "CREATE TABLE later_things (id TEXT)"
    )
    monkeypatch.setattr(schema, "LATER", (*schema.LATER, later))
    with pytest.raises(VaultError, match=rf"lacks migration {number} \(later_things\).*upgrade"):
        PostgresStore.connect(postgres_database)
    PostgresStore.connect(postgres_database, upgrade=True).close()
    with psycopg.connect(postgres_database) as db:
        assert db.execute("SELECT max(number) FROM migrations").fetchone() == (number,)
        assert db.execute("SELECT count(*) FROM later_things").fetchone() == (0,)
    PostgresStore.connect(postgres_database).close()  # nothing more to do


def test_both_schemas_have_the_same_tables_and_columns(
    postgres_database: str, tmp_path: Path
) -> None:
    PostgresStore.create(postgres_database, META).close()
    SqliteStore.create(tmp_path / "vault.db", META).close()
    with psycopg.connect(postgres_database) as pg:
        found = pg.execute(
            "SELECT table_name, column_name, is_nullable = 'NO' FROM information_schema.columns "
            "WHERE table_schema = 'public' AND column_name <> 'rowid'"
        ).fetchall()
    with closing(sqlite3.connect(tmp_path / "vault.db")) as db:
        names = [n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        expected = {
            (table, column, bool(not_null or pk))
            for table in names
            for _, column, _, not_null, _, pk in db.execute(f"PRAGMA table_info({table})")
        }
    # PostgreSQL's head row stands empty until the log's first entry (it is locked).
    loose = {(t, c, n) for t, c, n in expected if t == "log_head" and c != "id"}
    # PostgreSQL alone keeps the log's entries in the database (SQLite's are a file
    # beside it), so that every host appends to one chain.
    log_rows = {("log_entries", c, True) for c in ("seq", "start", "line")}
    assert {row for row in found if row[0] == "log_entries"} == log_rows
    assert set(found) - {(t, c, False) for t, c, _ in loose} - log_rows == expected - loose
