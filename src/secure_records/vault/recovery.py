"""Every version of the key-encryption key, and getting them back without the keyring.

Three layers, so that a rotation can add a version without asking for the code:
the recovery code gives a key (scrypt) that seals a random recovery root; the root
seals each version of the KEK (`kek_versions`); and the current KEK seals the root
as well (the vault key `recovery_root`), so the vault can reach it while it is open.
A new code comes with a new root: the old code, even with an old copy of the file,
opens none of the versions made after it was replaced.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from itertools import pairwise

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from secure_records.core.errors import VaultError
from secure_records.vault import database
from secure_records.vault.envelope import new_key, seal, unseal, wrap_ad
from secure_records.vault.home import VaultPaths
from secure_records.vault.kek import KeyEncryptionKeys
from secure_records.vault.recovery_code import (
    code_secret,
    kek_ad,
    lock_root,
    new_code,
    open_root,
)
from secure_records.vault.rows import KekVersionRow, RecoveryLockRow
from secure_records.vault.store import Store

RECOVERY_ROOT_KEY = "recovery_root"


class KeyRecovery:
    """The versions of one vault's KEK and their recovery wrapping, seen through the
    current KEK. Whatever writes runs inside the caller's transaction."""

    def __init__(
        self,
        store: Store,
        vault_id: str,
        kek: AESGCM,
        kek_version: int,
        keys: KeyEncryptionKeys | None = None,
    ) -> None:
        self._store = store
        self._vault_id = vault_id
        self._kek = kek
        self._kek_version = kek_version
        self._keys = keys

    def has_code(self) -> bool:
        return self._store.recovery_lock() is not None

    def _root(self) -> bytes | None:
        if RECOVERY_ROOT_KEY not in dict(self._store.vault_keys()):
            return None
        ad = wrap_ad(self._vault_id, "vault", RECOVERY_ROOT_KEY, self._kek_version)
        wrapped = self._store.vault_key(RECOVERY_ROOT_KEY)
        return unseal(self._kek, wrapped, ad, "the vault's recovery root key")

    def lock_and_root(self) -> tuple[RecoveryLockRow, bytes] | None:
        """The code's lock and the root it opens, for a backup's recovery slot; None
        for a vault without a code."""
        lock, root = self._store.recovery_lock(), self._root()
        return None if lock is None or root is None else (lock, root)

    def live(self) -> list[KekVersionRow]:
        return [row for row in self._store.kek_versions() if row.retired_at is None]

    def live_keks(self) -> dict[int, bytes]:
        """Every version not retired: through the recovery root where it holds one,
        else from the keyring (a vault from before recovery codes)."""
        recovered = self.recovered_keks()
        keks = {}
        for row in self.live():
            if row.version in recovered:
                keks[row.version] = recovered[row.version]
            elif self._keys is not None:
                keks[row.version] = self._keys.load(row.version)
        return keks

    def recovered_keks(self) -> dict[int, bytes]:
        """Every version not retired that the recovery root holds a copy of: the
        vault's own keys, to tell a keyring entry under the same number apart."""
        root = self._root()
        if root is None:
            return {}
        return {
            row.version: open_kek(self._vault_id, root, row)
            for row in self.live()
            if row.recovery is not None
        }

    def set_up(self, keks: Mapping[int, bytes], now: str) -> str:
        """A new code and a new root sealing `keks`; the code, to be shown once."""
        code = new_code()
        root = new_key()
        self._store.put_recovery_lock(lock_root(self._vault_id, code_secret(code), root, now))
        ad = wrap_ad(self._vault_id, "vault", RECOVERY_ROOT_KEY, self._kek_version)
        self._store.put_vault_key(RECOVERY_ROOT_KEY, seal(self._kek, root, ad))
        known = {row.version: row for row in self._store.kek_versions()}
        for version, kek in keks.items():
            made = known[version].created_at if version in known else now
            sealed = seal(AESGCM(root), kek, kek_ad(self._vault_id, version))
            self._store.put_kek_version(KekVersionRow(version, made, None, sealed))
        return code

    def add_version(self, version: int, kek: bytes, now: str) -> None:
        """A rotation's new version, sealed under the root if there is one; before the
        rotation re-wraps the vault's keys (the root among them) under it."""
        root = self._root()
        sealed = None if root is None else seal(AESGCM(root), kek, kek_ad(self._vault_id, version))
        self._store.put_kek_version(KekVersionRow(version, now, None, sealed))

    def retirable(self, before: date) -> list[int]:
        """The versions that stopped being current before `before` (by the date the
        next one was made): backups that need them were all taken before then."""
        return [
            row.version
            for row, successor in pairwise(self._store.kek_versions())
            if row.retired_at is None
            and row.version < self._kek_version
            and successor.created_at[:10] < before.isoformat()
        ]

    def retire(self, versions: list[int], now: str) -> None:
        for row in self._store.kek_versions():
            if row.version in versions and row.version != self._kek_version:
                self._store.put_kek_version(replace(row, retired_at=now, recovery=None))

    def retired(self) -> list[KekVersionRow]:
        return [row for row in self._store.kek_versions() if row.retired_at is not None]

    def in_keyring(self, versions: list[int]) -> list[int]:
        """Those of `versions` this host's keyring holds (a retired one can be there
        again: a kill after the retirement's commit, or a restore that put it back)."""
        if self._keys is None:
            return []
        return [v for v in versions if self._keys.holds(v)]

    def forget(self, versions: list[int]) -> None:
        """These retired versions out of the keyring."""
        if self._keys is None:
            return
        for version in versions:
            self._keys.delete(version)


def open_kek(vault_id: str, root: bytes, row: KekVersionRow) -> bytes:
    assert row.recovery is not None
    what = f"the recovery copy of key-encryption key version {row.version}"
    return unseal(AESGCM(root), row.recovery, kek_ad(vault_id, row.version), what)


def _vault_store(paths: VaultPaths) -> Store:
    if not database.holds_vault(paths):
        raise VaultError(f"No vault at {paths.home}; pass --home naming the vault's directory.")
    return database.connect(paths)


def keks_from_recovery_code(paths: VaultPaths, code: str) -> dict[int, bytes]:
    """Every version of the vault's KEK not retired, opened with the recovery code and
    nothing else (no keyring). BadInput if the code is mistyped; VaultError if it is
    not this vault's current code, or the vault has none."""
    secret = code_secret(code)
    store = _vault_store(paths)
    try:
        vault_id = store.meta("vault_id")
        lock = store.recovery_lock()
        if lock is None:
            raise VaultError(
                f"Vault {vault_id} at {paths.home} has no recovery code (it was made before "
                "recovery codes and none was set since), so its keys cannot be recovered."
            )
        root = open_root(vault_id, secret, lock)
        return {
            row.version: open_kek(vault_id, root, row)
            for row in store.kek_versions()
            if row.retired_at is None and row.recovery is not None
        }
    finally:
        store.close()


def vault_id_at(paths: VaultPaths) -> str:
    store = _vault_store(paths)
    try:
        return store.meta("vault_id")
    finally:
        store.close()


def has_recovery_code(paths: VaultPaths) -> bool:
    store = _vault_store(paths)
    try:
        return store.recovery_lock() is not None
    finally:
        store.close()


def kek_version_rows(paths: VaultPaths) -> list[KekVersionRow]:
    """The vault's versions of its KEK, read without its keys (dates, retired or not)."""
    store = _vault_store(paths)
    try:
        return store.kek_versions()
    finally:
        store.close()


def missing_from_keyring(paths: VaultPaths, keks: Mapping[int, bytes]) -> list[int]:
    """The versions of `keks` this host's keyring lacks; VaultError if it holds one of
    them with other material (never overwritten: it may be another vault's own key)."""
    vault_id = vault_id_at(paths)
    keys = KeyEncryptionKeys(vault_id)
    missing = []
    for version, kek in sorted(keks.items()):
        if not keys.holds(version):
            missing.append(version)
        elif keys.load(version) != kek:
            raise VaultError(
                f"This host's keyring already holds a different key-encryption key version "
                f"{version} for vault {vault_id}; it is not overwritten, and nothing was changed."
            )
    return missing


def install_keks_into_keyring(paths: VaultPaths, keks: Mapping[int, bytes]) -> str:
    """Put each version into this host's keyring under the vault's own names; the
    keyring backend's name."""
    keys = KeyEncryptionKeys(vault_id_at(paths))
    for version, kek in sorted(keks.items()):
        keys.store(version, kek)
    return keys.backend_name
