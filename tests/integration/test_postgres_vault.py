"""A vault made in PostgreSQL by `init --database`, SECURE_RECORDS_DATABASE or a
vault.conf written first, then opened by every later command from the home's
vault.conf alone; and the refusals on the way (tests/support/postgres.py)."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from secure_records.admin.administration import Administration
from secure_records.core.errors import VaultError
from secure_records.vault import database
from secure_records.vault.home import VaultPaths
from secure_records.vault.recovery import KeyRecovery
from tests.support.cli import run, subprocess_env
from tests.support.open_keyring import OpenKeyring

# Picks its backend itself.
pytestmark = pytest.mark.not_on_postgres


def _tables(conninfo: str) -> set[str]:
    with psycopg.connect(conninfo) as db:
        rows = db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return {str(row[0]) for row in rows}


def test_init_with_database_makes_the_vault_in_postgresql(
    tmp_path: Path, postgres_database: str
) -> None:
    env = subprocess_env(tmp_path)
    home = tmp_path / "home"
    made = run(["--home", str(home), "init", "--database", postgres_database], env)
    assert made.code == 0, made.err
    assert "in the PostgreSQL database vault_" in made.out
    assert not (home / "vault.db").exists()
    conf = home / "vault.conf"
    assert conf.read_text() == f"database = {postgres_database}\n"
    assert stat.S_IMODE(conf.stat().st_mode) == 0o600
    assert {"meta", "records", "log_head"} <= _tables(postgres_database)
    # Every later command finds the database from the home alone.
    added = run(["--home", str(home), "staff", "add", "lead", "--role", "safeguarding_lead"], env)
    assert added.code == 0, added.err
    listed = run(["--home", str(home), "staff", "list"], env)
    assert "lead" in listed.out
    verified = run(["--home", str(home), "log", "verify"], env)
    assert verified.code == 0, verified.out + verified.err
    checked = run(["--home", str(home), "vault", "verify"], env)
    assert checked.code == 0, checked.out + checked.err


def test_the_environment_or_a_vault_conf_written_first_names_the_database(
    tmp_path: Path, postgres_database: str, postgres_cluster: object
) -> None:
    env = subprocess_env(tmp_path) | {database.DATABASE_ENV: postgres_database}
    made = run(["--home", str(tmp_path / "a"), "init"], env)
    assert made.code == 0, made.err
    assert (tmp_path / "a" / "vault.conf").is_file()
    # The same database again: refused, and the vault in it untouched.
    again = run(["--home", str(tmp_path / "b"), "init"], env)
    assert again.code != 0
    assert "already holds a vault; nothing was changed" in again.err
    assert "Traceback" not in again.err
    assert not (tmp_path / "b").exists()
    assert run(["--home", str(tmp_path / "a"), "staff", "list"], env).code == 0


def test_a_vault_conf_written_before_init_is_kept_and_used(
    tmp_path: Path, postgres_database: str
) -> None:
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    (home / "vault.conf").write_text(f"# the shared database\ndatabase = {postgres_database}\n")
    made = run(["--home", str(home), "init"], subprocess_env(tmp_path))
    assert made.code == 0, made.err
    assert "the shared database" in (home / "vault.conf").read_text()
    assert "meta" in _tables(postgres_database)


@pytest.mark.parametrize(
    ("conf", "said"),
    [
        ("databse = x\n", "line 1 is not understood"),
        ("database =\n", "line 1 is not understood"),
    ],
)
def test_a_vault_conf_not_understood_is_one_sentence(tmp_path: Path, conf: str, said: str) -> None:
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    (home / "vault.conf").write_text(conf)
    ran = run(["--home", str(home), "staff", "list"], subprocess_env(tmp_path))
    assert ran.code != 0
    assert said in ran.err
    assert "Traceback" not in ran.err


def test_init_refuses_a_password_and_a_second_database(
    tmp_path: Path, postgres_database: str
) -> None:
    env = subprocess_env(tmp_path)
    home = tmp_path / "home"
    secret = "postgresql://clerk:hunter2@db.example.org/vault"
    ran = run(["--home", str(home), "init", "--database", secret], env)
    assert ran.code != 0
    assert "password may not be given" in ran.err
    assert "hunter2" not in ran.out + ran.err
    assert not home.exists()
    home.mkdir(mode=0o700)
    (home / "vault.conf").write_text(f"database = {postgres_database}\n")
    other = run(["--home", str(home), "init", "--database", "service=elsewhere"], env)
    assert other.code != 0
    assert "names a different database" in other.err
    assert _tables(postgres_database) == set()
    broken = run(["--home", str(home), "init", "--database", "a\x1b[2Jb"], env)
    assert broken.code != 0
    assert "control character" in broken.err
    assert "\x1b" not in broken.err


def test_a_failed_init_takes_its_tables_out_again(
    tmp_path: Path,
    postgres_database: str,
    monkeypatch: pytest.MonkeyPatch,
    memory_keyring: OpenKeyring,
) -> None:
    def fail(*_: object) -> str:
        raise VaultError("stopped for the test")

    # The keyring in this process: the backend an environment names is read only once.
    monkeypatch.setattr(KeyRecovery, "set_up", fail)
    paths = VaultPaths(tmp_path / "home")
    with pytest.raises(VaultError, match="stopped for the test"):
        Administration.init(paths, database=postgres_database)
    assert _tables(postgres_database) == set()
    assert not paths.home.exists()


def test_backup_create_on_a_postgresql_vault_is_refused_in_one_sentence(
    tmp_path: Path, postgres_database: str
) -> None:
    env = subprocess_env(tmp_path)
    home = tmp_path / "home"
    assert run(["--home", str(home), "init", "--database", postgres_database], env).code == 0
    target = tmp_path / "backups" / "vault.backup"
    target.parent.mkdir(mode=0o700)
    refused = run(["--home", str(home), "backup", "create", str(target)], env)
    assert refused.code != 0
    assert "Traceback" not in refused.err and refused.out == ""
    problems = [line for line in refused.err.splitlines() if line.startswith("secure-records: ")]
    assert len(problems) == 1, refused.err
    (said,) = problems
    assert "PostgreSQL's own tools" in said and said.endswith(".")
    assert said.count(". ") == 0  # one sentence
    assert list(target.parent.iterdir()) == []  # no file made, not even a partial one
    assert not (home / "backups").exists()


def test_a_connection_lost_during_init_still_takes_its_tables_and_files_out(
    tmp_path: Path,
    postgres_database: str,
    monkeypatch: pytest.MonkeyPatch,
    memory_keyring: OpenKeyring,
) -> None:
    def lost(*_: object) -> str:
        with psycopg.connect(postgres_database, autocommit=True) as db:
            db.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        raise VaultError("stopped for the test")

    # The keyring in this process: the backend an environment names is read only once.
    monkeypatch.setattr(KeyRecovery, "set_up", lost)
    paths = VaultPaths(tmp_path / "home")
    with pytest.raises(VaultError, match="stopped for the test"):
        Administration.init(paths, database=postgres_database)
    assert _tables(postgres_database) == set()
    assert not paths.home.exists()


def test_the_demo_never_makes_its_throwaway_vault_in_the_named_database(
    tmp_path: Path, postgres_database: str
) -> None:
    # Its key lives in memory only: a vault left there could never be read, and the
    # database, meant for a real init, would be used up.
    env = subprocess_env(tmp_path) | {database.DATABASE_ENV: postgres_database}
    ran = run(["demo", "--records", "5", "--summary"], env)
    assert ran.code == 0, ran.err
    assert _tables(postgres_database) == set()


def test_psycopg_never_prints_its_own_objects_to_stderr() -> None:
    # What psycopg logs while closing a lost connection: said in one sentence already.
    code = (
        "import logging, secure_records.vault.postgres.dialect\n"
        "logging.getLogger('psycopg').warning('error ignored terminating <psycopg.Pipeline>')"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "psycopg.Pipeline" not in done.stderr
