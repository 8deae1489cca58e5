"""A real, throwaway PostgreSQL 15 cluster for the tests: made in a temporary directory
by an unprivileged account (initdb refuses root), listening on a Unix socket only,
with a new database for each test.

Skipped, saying why, where PostgreSQL 15's server binaries are not installed.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest

BIN = Path(os.environ.get("SECURE_RECORDS_PG_BIN", "/usr/lib/postgresql/15/bin"))
SUPERUSER = "vault_tests"
# The account that runs the server when the tests run as root.
SERVER_ACCOUNTS = ("postgres", "secure-records-pg")


def _server_account() -> str | None:
    """None: run as ourselves. As root: an existing unprivileged account, or one made."""
    if os.geteuid() != 0:
        return None
    for name in SERVER_ACCOUNTS:
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    name = SERVER_ACCOUNTS[-1]
    subprocess.run(["useradd", "--system", "--no-create-home", name], check=True)
    return name


@dataclass
class Cluster:
    socket_dir: Path
    _numbers: Iterator[int] = field(default_factory=itertools.count)

    def conninfo(self, dbname: str) -> str:
        return f"host={self.socket_dir} user={SUPERUSER} dbname={dbname}"

    def _admin(self) -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(self.conninfo("postgres"), autocommit=True)

    def new_database(self) -> str:
        name = f"vault_{os.getpid()}_{next(self._numbers)}"
        with self._admin() as db:
            db.execute(f'CREATE DATABASE "{name}"')
        return name

    def drop_database(self, name: str) -> None:
        with self._admin() as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run(account: str | None, *command: str) -> None:
    prefix = [] if account is None else ["runuser", "-u", account, "--"]
    subprocess.run([*prefix, *command], check=True, capture_output=True, text=True)


class NotInstalled(Exception):
    """PostgreSQL 15's server binaries are not where BIN says."""


@contextlib.contextmanager
def throwaway_cluster(tcp_port: int | None = None) -> Iterator[Cluster]:
    """A new cluster in a temporary directory, on a Unix socket only (and 127.0.0.1's
    `tcp_port`, without TLS, if given), stopped and removed on leaving; the tests'
    fixture and bench/scale.py start theirs here."""
    if not (BIN / "initdb").is_file():
        raise NotInstalled(f"PostgreSQL 15 is not installed ({BIN / 'initdb'} is missing)")
    account = _server_account()
    top = Path(tempfile.mkdtemp(prefix="secure-records-pg-"))
    data = top / "data"
    if account is not None:
        shutil.chown(top, account)
    top.chmod(0o755)  # the socket's directory, reached by the tests' own account
    _run(
        account, str(BIN / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8"
    )
    listen = "''" if tcp_port is None else f"127.0.0.1 -p {tcp_port}"
    options = f"-c listen_addresses={listen} -c unix_socket_directories={top} -c fsync=off"
    _run(
        account,
        str(BIN / "pg_ctl"),
        "-D",
        str(data),
        "-o",
        options,
        "-l",
        str(top / "log"),
        "-w",
        "start",
    )
    try:
        yield Cluster(top)
    finally:
        _run(account, str(BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(top, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    try:
        with throwaway_cluster() as cluster:
            yield cluster
    except NotInstalled as missing:
        if os.environ.get("CI"):  # .ci/run installs it: there, missing is a failure
            pytest.fail(str(missing))
        pytest.skip(str(missing))


@pytest.fixture
def postgres_database(postgres_cluster: Cluster) -> Iterator[str]:
    """The connection string of a new, empty database, dropped after the test."""
    name = postgres_cluster.new_database()
    try:
        yield postgres_cluster.conninfo(name)
    finally:
        postgres_cluster.drop_database(name)


BACKENDS = ("sqlite", "postgres")
# A test about SQLite's own files, or one that picks its backend itself: run once.
ONE_BACKEND = "not_on_postgres"


@pytest.fixture(params=BACKENDS, autouse=True)
def vault_backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Each test of the suites that use it, once with SQLite and once with every vault
    it makes (init, Vault.create) in a new PostgreSQL database of the throwaway cluster
    (SECURE_RECORDS_DATABASE, passed on to subprocesses by tests/support/cli.py)."""
    if request.param == "sqlite":
        yield "sqlite"
        return
    cluster: Cluster = request.getfixturevalue("postgres_cluster")
    name = cluster.new_database()
    monkeypatch.setenv("SECURE_RECORDS_DATABASE", cluster.conninfo(name))
    try:
        yield "postgres"
    finally:
        cluster.drop_database(name)


def run_once(items: list[pytest.Item], config: pytest.Config) -> None:
    """Drop the PostgreSQL variant of each test marked `not_on_postgres`."""
    dropped = [
        item
        for item in items
        if isinstance(item, pytest.Function)
        and getattr(item, "callspec", None) is not None
        and item.callspec.params.get("vault_backend") == "postgres"
        and item.get_closest_marker(ONE_BACKEND) is not None
    ]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        gone = set(dropped)
        items[:] = [item for item in items if item not in gone]
