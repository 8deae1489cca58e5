"""The home a backup is restored into: new or empty before, a vault only once the
restore has held, and as it was if it fails (keys put into the keyring taken out)."""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

from secure_records.core.errors import VaultError
from secure_records.vault.home import VaultPaths
from secure_records.vault.kek import KeyEncryptionKeys

RESTORING = ".restoring-"


def refuse_live(home: Path) -> None:
    if home.exists() and not home.is_dir():
        raise VaultError(f"{home} is a file; restore into a new or empty directory.")
    if home.is_dir():
        left = [p for p in home.iterdir() if not p.name.startswith(RESTORING)]
        if left:
            raise VaultError(
                f"{home} is not empty; a backup is restored only into a new or empty "
                "directory, never over a vault. Nothing was changed."
            )
        for stale in home.iterdir():  # a restore killed earlier
            shutil.rmtree(stale, ignore_errors=True)


def undo(home: Path, created: bool, vault_id: str | None, installed: dict[int, bytes]) -> None:
    """A failed restore leaves nothing: the keys it put into the keyring are taken out
    again, and the home is as it was (removed if the restore made it; else emptied, as
    it was: `refuse_live` saw to that)."""
    if vault_id is not None:
        keys = KeyEncryptionKeys(vault_id)
        for version in installed:  # only versions the keyring lacked before
            with contextlib.suppress(VaultError):
                keys.delete(version)
    if created:
        shutil.rmtree(home, ignore_errors=True)
        return
    for child in home.iterdir() if home.is_dir() else ():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


def move_into_place(work: Path, target: VaultPaths) -> None:
    for name in (target.policies.name, target.exports.name, target.log.name, target.ledger.name):
        if (work / name).exists():
            os.replace(work / name, target.home / name)
    os.replace(work / target.database.name, target.database)  # last: now it is a vault
    handle = os.open(target.home, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
