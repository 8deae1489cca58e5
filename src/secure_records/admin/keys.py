"""The key-encryption key's versions from the host: retiring old ones, the recovery
code, and recovering every version into an emptied keyring with it.

Each is logged; the recovery code never is, nor is it written anywhere: the one
that makes a code returns it for the command to show once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date

from secure_records.admin.administration import Administration
from secure_records.core.log_actions import LogAction
from secure_records.vault.home import VaultPaths, resolve_home
from secure_records.vault.recovery import (
    install_keks_into_keyring,
    keks_from_recovery_code,
    missing_from_keyring,
    vault_id_at,
)
from secure_records.vault.vault import now_utc


@dataclass(frozen=True)
class Retired:
    versions: list[int]  # retired now
    current: int  # kept, always
    # Retired earlier yet found in the keyring again (a restore put them back, or a
    # kill came between a retirement's commit and the keyring): removed now.
    again: list[int] = field(default_factory=list)


def retire_keys(admin: Administration, before: date) -> Retired:
    """Every version replaced before `before` out of the keyring and the recovery
    wrapping, logged; never the current one. Copies of the vault made before (backups)
    keep their own recovery wrapping: they still open with the code current then."""
    vault = admin.vault
    recovery = vault.recovery()
    versions = recovery.retirable(before)
    earlier = [row.version for row in recovery.retired()]
    again = recovery.in_keyring(earlier)
    if versions or again:
        with admin.recorded(
            LogAction.KEYS_RETIRED,
            versions=versions,
            before=before.isoformat(),
            current=vault.kek_version,
            from_keyring_again=again,
        ):
            recovery.retire(versions, now_utc())
        # Their recovery copies leave the file (secure_delete) before the keys go.
        vault.store.checkpoint()
    recovery.forget(sorted({*versions, *earlier}))
    return Retired(versions, vault.kek_version, again)


def new_recovery_code(admin: Administration) -> str:
    """A new recovery code (and root) for every version not retired, logged; the old
    code opens nothing in this vault from now on. The code, to be shown once."""
    vault = admin.vault
    recovery = vault.recovery()
    replaced = recovery.has_code()
    keks = recovery.live_keks()
    with admin.recorded(LogAction.RECOVERY_CODE_SET, replaced=replaced, versions=sorted(keks)):
        code = recovery.set_up(keks, now_utc())
    # The old lock's bytes out of the write-ahead log as well as the table.
    vault.store.checkpoint()
    return code


@dataclass(frozen=True)
class Recovered:
    vault_id: str
    versions: list[int]  # every version the code opens
    keyring: str  # the backend they went into
    put_back: list[int]  # those the keyring lacked: none, and nothing was changed


def recover_keys(home: str | os.PathLike[str] | VaultPaths | None, code: str) -> Recovered:
    """Every version the recovery code opens that this host's keyring lacks, put into
    it; then logged, through the vault those keys open again. BadInput for a mistyped
    code, VaultError for a wrong one: either way nothing is changed. With nothing
    missing, nothing is changed and nothing logged."""
    paths = home if isinstance(home, VaultPaths) else resolve_home(home)
    keks = keks_from_recovery_code(paths, code)
    missing = missing_from_keyring(paths, keks)
    backend = install_keks_into_keyring(paths, {v: keks[v] for v in missing})
    if not missing:
        return Recovered(vault_id_at(paths), sorted(keks), backend, [])
    # Whatever the policy files say: this is the way back into the vault.
    with Administration.open(paths, any_policy=True) as admin:
        admin.log(LogAction.KEYS_RECOVERED, versions=missing, keyring=backend)
        return Recovered(admin.vault_id, sorted(keks), backend, missing)
