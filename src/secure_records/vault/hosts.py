"""Several app hosts, one key (issue 21): which hosts have opened the vault, which
key-encryption key versions each one's keyring held, and a version staged for a
rotation that waits until every host holds it.

A host is registered when it opens the vault with its keys (`register_host`, called
from `door.open_vault`). Its row is written only when it is missing, when the
versions its keyring holds have changed, or once a day for when it was last seen:
not on every session's opening.
"""

from __future__ import annotations

import contextlib
import os
import socket

from secure_records.core.errors import SecureRecordsError, VaultError
from secure_records.vault.kek import KeyEncryptionKeys
from secure_records.vault.rows import HostRow
from secure_records.vault.store import Store
from secure_records.vault.vault import Vault, now_utc

HOST_NAME_ENV = "SECURE_RECORDS_HOST_NAME"
# meta: a version made on one host and not yet the vault's (see `staged_version`).
STAGED_KEY = "staged_kek_version"


def host_name() -> str:
    """This host's name in the vault: its own, unless SECURE_RECORDS_HOST_NAME says
    otherwise (two hosts' worth of processes on one machine, as the tests run)."""
    return os.environ.get(HOST_NAME_ENV, "").strip() or socket.gethostname()


def staged_version(store: Store) -> int | None:
    """The version a multi-host rotation staged and has not committed yet, or None."""
    try:
        staged = int(store.meta(STAGED_KEY))
    except (VaultError, ValueError):
        return None
    return staged if staged > int(store.meta("kek_version")) else None


def known_versions(store: Store) -> list[int]:
    """Every version a host may need: those not retired, and one staged."""
    live = [row.version for row in store.kek_versions() if row.retired_at is None]
    staged = staged_version(store)
    return sorted({*live, *([] if staged is None else [staged])})


def held_keks(vault: Vault) -> dict[int, bytes]:
    """Every version this host's keyring holds, for a transfer file."""
    keys = KeyEncryptionKeys(vault.vault_id)
    return {v: keys.load(v) for v in known_versions(vault.store) if keys.holds(v)}


def lacking(store: Store, version: int) -> list[str]:
    """The registered hosts whose keyring did not hold `version` when last seen."""
    return [host.name for host in store.hosts() if version not in host.versions]


def register_host(vault: Vault) -> None:
    """This host's row brought up to date if it needs it. Bookkeeping only: a vault
    it cannot be written to (read-only, or refused for tampering, which its own
    checks report) still opens, and `key rotate --commit` then waits for this host."""
    with contextlib.suppress(SecureRecordsError):
        _register(vault)


def _register(vault: Vault) -> None:
    store, name, now = vault.store, host_name(), now_utc()
    held = tuple(vault.recovery().in_keyring(known_versions(store)))
    found = next((host for host in store.hosts() if host.name == name), None)
    if found is not None and found.versions == held and found.last_seen[:10] == now[:10]:
        return
    first = now if found is None else found.first_seen
    with store.transaction():
        store.put_host(HostRow(name, held, first, now))
