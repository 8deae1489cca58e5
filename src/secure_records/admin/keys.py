"""The key-encryption key's versions from the host: retiring old ones, the recovery
code, and recovering every version into an emptied keyring with it.

Each is logged; the recovery code never is, nor is it written anywhere: the one
that makes a code returns it for the command to show once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date

from secure_records.admin.administration import Administration
from secure_records.core.log_actions import LogAction
from secure_records.vault.home import VaultPaths, resolve_home
from secure_records.vault.recovery import install_keks_into_keyring, keks_from_recovery_code
from secure_records.vault.vault import now_utc


@dataclass(frozen=True)
class Retired:
    versions: list[int]  # retired now
    current: int  # kept, always


def retire_keys(admin: Administration, before: date) -> Retired:
    """Every version replaced before `before` out of the keyring and the recovery
    wrapping, logged; never the current one. Backups that need them no longer open."""
    vault = admin.vault
    recovery = vault.recovery()
    versions = recovery.retirable(before)
    if versions:
        with admin.recorded(
            LogAction.KEYS_RETIRED,
            versions=versions,
            before=before.isoformat(),
            current=vault.kek_version,
        ):
            recovery.retire(versions, now_utc())
        # Their recovery copies leave the file (secure_delete) before the keys go.
        vault.store.checkpoint()
    recovery.forget_retired()
    return Retired(versions, vault.kek_version)


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
    versions: list[int]
    keyring: str  # the backend they went into


def recover_keys(home: str | os.PathLike[str] | VaultPaths | None, code: str) -> Recovered:
    """Every version the recovery code opens, put into this host's keyring; then
    logged, through the vault those keys open again. BadInput for a mistyped code,
    VaultError for a wrong one: either way nothing is changed."""
    paths = home if isinstance(home, VaultPaths) else resolve_home(home)
    keks = keks_from_recovery_code(paths, code)
    backend = install_keks_into_keyring(paths, keks)
    # Whatever the policy files say: this is the way back into the vault.
    with Administration.open(paths, any_policy=True) as admin:
        admin.log(LogAction.KEYS_RECOVERED, versions=sorted(keks), keyring=backend)
        return Recovered(admin.vault_id, sorted(keks), backend)
