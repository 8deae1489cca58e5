"""Connecting to a vault's PostgreSQL database: a URL or a libpq service name, the
credentials from a service or password file, and TLS that checks the server's name,
unless the server is reached through a local Unix socket.

Refused in one sentence: a password written into the URL (it would sit in shell
history, process lists and config files), and a network connection that is not
`sslmode=verify-full`. Checked twice: on what was given before connecting, and on
the connection as made, since a service file may name the host and the TLS mode.
"""

from __future__ import annotations

import os
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict

from secure_records.core.errors import VaultError

# A writer waits for the head's lock as long as SQLite's busy timeout lets one wait.
LOCK_TIMEOUT = "30s"
CONNECT_TIMEOUT = 10


def _is_socket(host: str) -> bool:
    # libpq: a host that starts with a slash (or @, abstract namespace) is a socket's directory.
    return host.startswith(("/", "@"))


def checked_params(conninfo: str) -> dict[str, Any]:
    """The connection's settings as given, once they follow the rules above."""
    try:
        params = conninfo_to_dict(conninfo)
    except psycopg.ProgrammingError:
        raise VaultError(
            "The database must be given as a PostgreSQL URL (postgresql://host/dbname), "
            "settings (host=... dbname=...) or a service (service=name), unquoted; what was "
            "given is none of these."
        ) from None
    if params.get("password"):
        raise VaultError(
            "A database password may not be given in the connection string: put it in "
            "~/.pgpass or in a "
            "PostgreSQL service file, readable only by the service account."
        )
    hosts = str(params.get("host") or os.environ.get("PGHOST", "")).split(",")
    sslmode = params.get("sslmode") or os.environ.get("PGSSLMODE")
    network = [h for h in hosts if h and not _is_socket(h)]
    # With hostaddr, libpq connects over TCP to that address whatever `host` says.
    addresses = str(params.get("hostaddr") or os.environ.get("PGHOSTADDR", "")).split(",")
    network += [a for a in addresses if a]
    if network and sslmode not in (None, "verify-full"):
        raise VaultError(refusal(network[0]))
    # Always, given here so that neither PGSSLMODE nor a service file can weaken it
    # for a host this check cannot see: TLS checking the server's name, or no
    # connection. libpq ignores it on a local socket.
    params["sslmode"] = "verify-full"
    return params


def refusal(host: str) -> str:
    return (
        f"The database at {host} is reached over the network, so its connection must "
        "check the server's certificate and name: add sslmode=verify-full (a local Unix "
        "socket needs no TLS)."
    )


def describe(conn: psycopg.Connection[Any]) -> str:
    """The database as messages name it ("The vault database vault on db1 ..."):
    never a user name or a password."""
    return f"{conn.info.dbname} on {conn.info.host}"


def connect(conninfo: str) -> psycopg.Connection[Any]:
    params = checked_params(conninfo)
    params.setdefault("connect_timeout", CONNECT_TIMEOUT)
    try:
        conn = psycopg.connect(**params, autocommit=True)
    except psycopg.Error as exc:
        # libpq's own sentence names the host and what failed, never the password.
        said = str(exc).strip().replace("\n", " ")
        raise VaultError(f"The vault's database could not be reached ({said}).") from None
    try:
        check_made(conn)
        conn.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
    except BaseException:
        conn.close()
        raise
    return conn


def check_made(conn: psycopg.Connection[Any]) -> None:
    # From the connection as made: a TCP peer (whatever `host` names) needs TLS.
    host = conn.info.host
    peer = conn.execute("SELECT inet_server_addr()::text").fetchone()
    over_tcp = bool(conn.info.hostaddr) or (peer is not None and peer[0] is not None)
    if _is_socket(host) and not over_tcp:
        return
    sslmode = next(
        (o.val for o in conn.pgconn.info if o.keyword == b"sslmode" and o.val is not None), b""
    )
    if not conn.pgconn.ssl_in_use or sslmode != b"verify-full":
        raise VaultError(refusal(host))
