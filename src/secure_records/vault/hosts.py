"""Several app hosts, one key (issue 21): which hosts have opened the vault, which
key-encryption key versions each one's keyring held, and a version staged for a
rotation that waits until every host holds it.

A host is registered when it opens the vault with its keys (`register_host`, called
from `door.open_vault`). Its row is written only when it is missing, when the
versions its keyring holds have changed, or once a day for when it was last seen:
not on every session's opening.

A host counts as holding a version only if its keyring's entry under that number is
the vault's own key, not merely an entry: a keyring can hold a leftover under the
same number (a restored copy of the vault that rotated, see `free_version`), and a
commit that trusted it would leave that host unable to open the vault.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import socket

from secure_records.core.errors import SecureRecordsError, VaultError
from secure_records.vault.kek import KeyEncryptionKeys, KeyringUnreachable
from secure_records.vault.rows import HostRow
from secure_records.vault.store import Store
from secure_records.vault.vault import Vault, now_utc

HOST_NAME_ENV = "SECURE_RECORDS_HOST_NAME"
# meta: a version made on one host and not yet the vault's (see `staged_version`).
STAGED_KEY = "staged_kek_version"
# meta: the staged version's key check (`key_check`), set with it, under the same lock.
CHECK_KEY = "staged_kek_check"


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


def key_check(vault_id: str, version: int, kek: bytes) -> str:
    """A value that tells whether a keyring's entry is this version's key. Safe to
    store beside the data: an HMAC under the key reveals nothing of the key."""
    label = f"kek-check|{vault_id}|{version}".encode()
    return hmac.new(kek, label, hashlib.sha256).hexdigest()


def staged_check(store: Store) -> str | None:
    try:
        return store.meta(CHECK_KEY)
    except VaultError:
        return None


def _entry(keys: KeyEncryptionKeys, version: int) -> bytes | None:
    """This keyring's key under `version`; None if it has none, or not a key."""
    try:
        return keys.load(version)
    except KeyringUnreachable:
        raise
    except VaultError:
        return None


def held_keks(vault: Vault) -> dict[int, bytes]:
    """Every version whose key this host's keyring holds (for the host's row and a
    transfer file): the staged one if its entry matches the check stored when it was
    staged; a committed one if its entry matches the recovery root's copy. A version
    without a copy (a vault from before recovery codes, none set since) counts by its
    entry alone: nothing else in the vault could tell its key apart."""
    store, keys = vault.store, KeyEncryptionKeys(vault.vault_id)
    staged, check = staged_version(store), staged_check(store)
    recovered = vault.recovery().recovered_keks()
    held = {}
    for version in known_versions(store):
        kek = _entry(keys, version)
        if kek is None:
            continue
        if version == staged:
            mine = key_check(vault.vault_id, version, kek)
            matches = check is not None and hmac.compare_digest(mine, check)
        else:
            matches = hmac.compare_digest(recovered.get(version, kek), kek)
        if matches:
            held[version] = kek
    return held


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
    held = tuple(sorted(held_keks(vault)))
    found = next((host for host in store.hosts() if host.name == name), None)
    if found is not None and found.versions == held and found.last_seen[:10] == now[:10]:
        return
    first = now if found is None else found.first_seen
    with store.transaction():
        store.put_host(HostRow(name, held, first, now))
