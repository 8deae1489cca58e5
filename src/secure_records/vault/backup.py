"""Backups: a consistent snapshot of a vault, written to one encrypted file, and
unpacked again into a private directory to be checked or restored.

The database is copied with SQLite's backup API while the vault's write lock is
held, and in that same moment the log is copied up to its sealed head and the policy
files are read: nothing can commit in between, so the copy's log ends exactly at the
head its database holds, and its policy files are the ones its seal names.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from secure_records.core.errors import VaultError
from secure_records.core.progress import Progress, no_progress
from secure_records.vault.backup_format import (
    COPY_BYTES,
    BackupUnreadable,
    SealedReader,
    SealedWriter,
    end_files,
    new_header,
    read_files,
    read_header,
    write_file,
)
from secure_records.vault.home import VaultPaths
from secure_records.vault.kek import KeyEncryptionKeys
from secure_records.vault.log_chain import b64
from secure_records.vault.policy_files import read_policy_files
from secure_records.vault.private_files import create_private_file, make_private_dir
from secure_records.vault.recovery import KeyRecovery
from secure_records.vault.rows import LogHead, RecoveryLockRow
from secure_records.vault.sqlite import opening
from secure_records.vault.sqlite.store import SqliteStore
from secure_records.vault.store import Store
from secure_records.vault.vault import Vault

MANIFEST = "manifest.json"
DATABASE = "vault.db"
LOG = "audit.log"
POLICIES = "policies/"
RECOVERY_MIGRATION = "recovery"


@dataclass(frozen=True)
class Manifest:
    """What a backup holds, sealed inside it: counts and references, never a value."""

    backup_id: str
    vault_id: str
    taken_at: str
    log_seq: int
    log_mac: str
    records: int
    kek_version: int

    @staticmethod
    def parse(data: bytes, path: Path) -> Manifest:
        try:
            doc = json.loads(data)
            return Manifest(**{k: doc[k] for k in Manifest.__dataclass_fields__})
        except (ValueError, KeyError, TypeError):
            raise BackupUnreadable(f"{path}: the backup's list of contents is damaged.") from None


@contextmanager
def private_workspace(near: Path, prefix: str) -> Iterator[Path]:
    """A new 0700 directory inside `near`, removed with everything in it afterwards."""
    place = Path(tempfile.mkdtemp(prefix=prefix, dir=near))
    try:
        yield place
    finally:
        shutil.rmtree(place, ignore_errors=True)


def _copy_prefix(source: Path, target: Path, size: int) -> None:
    """The first `size` bytes of `source` (the log's committed entries) into a new file."""
    with open(source, "rb") as handle, os.fdopen(create_private_file(target), "wb") as out:
        while size:
            block = handle.read(min(COPY_BYTES, size))
            if not block:
                raise VaultError(f"The log {source} is shorter than its sealed head says.")
            out.write(block)
            size -= len(block)


def _kek(vault_id: str, version: int, path: Path, undone: str = "nothing was restored") -> bytes:
    try:
        return KeyEncryptionKeys(vault_id).load(version)
    except VaultError as exc:
        if "is not in the keyring" not in str(exc):
            raise
        raise BackupUnreadable(
            f"{path} was taken under version {version} of vault {vault_id}'s key-encryption "
            "key, which is not in this host's keyring (retired, or the keyring was lost: "
            f"then give --recovery-code); {undone}."
        ) from None


@dataclass(frozen=True)
class _Locked:
    """What is read in the moment the write lock is held, beside the database's copy."""

    manifest: Manifest
    policies: dict[str, bytes]
    recovery: tuple[RecoveryLockRow, bytes] | None


def _read_locked(
    paths: VaultPaths,
    work: Path,
    store: Store,
    head: LogHead,
    kek_version: int,
    recovery: tuple[RecoveryLockRow, bytes] | None,
) -> _Locked:
    _copy_prefix(paths.log, work / LOG, head.size)
    taken_at = datetime.now(UTC).isoformat(timespec="microseconds")
    manifest = Manifest(
        secrets.token_hex(8),
        store.meta("vault_id"),
        taken_at,
        head.seq,
        b64(head.mac),
        store.record_count(),
        kek_version,
    )
    return _Locked(manifest, read_policy_files(paths.policies), recovery)


def take(vault: Vault, out: Path, progress: Progress = no_progress) -> tuple[Manifest, int]:
    """Write a backup of `vault` to the new file `out`: what it holds, and its size."""

    def under_lock(work: Path) -> _Locked:
        lock = vault.recovery().lock_and_root()
        return _read_locked(
            vault.paths, work, vault.store, vault.log.head(), vault.kek_version, lock
        )

    kek = _kek(vault.vault_id, vault.kek_version, out, "nothing was backed up")
    return _write(vault.paths.home, vault.store, out, kek, under_lock, progress)


def take_as_is(paths: VaultPaths, out: Path) -> tuple[Manifest, int]:
    """A backup of a vault whose schema an older release made, as it is, without
    migrating it (for `upgrade`, before it migrates): its head is checked when the
    backup is verified or restored, by a release that can open it."""
    db, needed = opening.open_vault_database(paths.database, one_pass=False, upgrade=True)
    store = SqliteStore(db, paths.database)
    try:
        vault_id, version = store.meta("vault_id"), int(store.meta("kek_version"))
        kek = _kek(vault_id, version, out, "nothing was backed up")
        # The recovery code's tables came with migration 8: older vaults have no code.
        coded = all(m.name != RECOVERY_MIGRATION for m in needed)

        def under_lock(work: Path) -> _Locked:
            head = store.log_head()
            if head is None:
                raise VaultError(f"The log's sealed head is missing from {paths.database}.")
            recovery = KeyRecovery(store, vault_id, AESGCM(kek), version)
            lock = recovery.lock_and_root() if coded else None
            return _read_locked(paths, work, store, head, version, lock)

        return _write(paths.home, store, out, kek, under_lock, no_progress)
    finally:
        store.close()


def _write(
    home: Path,
    store: Store,
    out: Path,
    kek: bytes,
    under_lock: Callable[[Path], _Locked],
    progress: Progress,
) -> tuple[Manifest, int]:
    if out.exists() or out.is_symlink():
        raise FileExistsError(out)
    if not out.parent.is_dir():
        raise FileNotFoundError(out.parent)
    with private_workspace(home, ".backup-") as work:
        locked = store.snapshot(work / DATABASE, partial(under_lock, work))
        manifest = locked.manifest
        header, key = new_header(manifest.vault_id, manifest.kek_version, kek, locked.recovery)
        partial_file = out.parent / f".{out.name}.part"
        partial_file.unlink(missing_ok=True)  # left by a backup killed earlier
        size = sum((work / name).stat().st_size for name in (DATABASE, LOG))
        size += sum(len(data) for data in locked.policies.values())
        try:
            with os.fdopen(create_private_file(partial_file), "wb") as handle:
                writer = SealedWriter(handle, header, key, progress, size)
                write_file(writer, MANIFEST, json.dumps(asdict(manifest)).encode())
                write_file(writer, DATABASE, work / DATABASE)
                write_file(writer, LOG, work / LOG)
                for name, data in sorted(locked.policies.items()):
                    write_file(writer, POLICIES + name, data)
                end_files(writer)
                handle.flush()
                os.fsync(handle.fileno())
            os.link(partial_file, out)  # never over a file that appeared meanwhile
        finally:
            partial_file.unlink(missing_ok=True)
    return manifest, out.stat().st_size


def _target(into: Path, name: str, path: Path) -> Path:
    """Where a file named inside a backup goes: only names a backup writes."""
    if name in (MANIFEST, DATABASE, LOG):
        return into / name
    policy = name.removeprefix(POLICIES)
    plain = "/" not in policy and not policy.startswith(".")
    if name.startswith(POLICIES) and policy.endswith(".toml") and plain:
        return into / "policies" / policy
    raise BackupUnreadable(f"{path} holds a file this program never writes ({name!r}).")


def unpack(
    path: Path, into: Path, secret: str | None = None, progress: Progress = no_progress
) -> Manifest:
    """Decrypt the backup at `path` into the private directory `into` (vault.db,
    audit.log, policies/): every part checked as it is read. With `secret` (a recovery
    code's, checked for typing) through the recovery slot, else with the keyring."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below, after every part
    except FileNotFoundError:
        raise BackupUnreadable(f"{path}: no such file.") from None
    except OSError as exc:
        raise BackupUnreadable(f"{path} cannot be read ({exc.strerror}).") from None
    with handle:
        header, ad = read_header(handle, path)
        if secret is not None:
            key = header.data_key_from_code(secret, path)
        else:
            key = header.data_key(_kek(header.vault_id, header.kek_version, path), path)
        total = os.fstat(handle.fileno()).st_size - len(ad)
        reader = SealedReader(handle, header, ad, key, path, progress, total)
        make_private_dir(into / "policies")
        seen: set[str] = set()
        for name, size in read_files(reader):
            target = _target(into, name, path)
            if name in seen:
                raise BackupUnreadable(f"{path} holds {name!r} twice.")
            seen.add(name)
            with os.fdopen(create_private_file(target), "wb") as out:
                while size:
                    block = reader.read(min(COPY_BYTES, size))
                    out.write(block)
                    size -= len(block)
    if not {MANIFEST, DATABASE, LOG} <= seen:
        raise BackupUnreadable(f"{path} is incomplete: it lacks the database or the log.")
    manifest = Manifest.parse((into / MANIFEST).read_bytes(), path)
    (into / MANIFEST).unlink()
    if manifest.vault_id != header.vault_id:
        raise BackupUnreadable(f"{path}: its contents do not belong to the vault it names.")
    make_private_dir(VaultPaths(into).exports)
    return manifest


def open_unpacked(paths: VaultPaths, keks: Mapping[int, bytes] | None) -> Vault:
    """The unpacked snapshot as a vault: with `keks` (from the recovery code) held in
    memory, so that nothing reaches the keyring before the restore has succeeded;
    else with the keyring's."""
    if keks is None:
        return Vault.open(paths)
    store = SqliteStore.connect(paths.database)
    try:
        vault_id, version = store.meta("vault_id"), int(store.meta("kek_version"))
        if version not in keks:
            raise BackupUnreadable(
                f"The recovery code does not give version {version} of vault {vault_id}'s "
                "key-encryption key, which this backup's vault was using; nothing was restored."
            )
        return Vault(paths, store, KeyEncryptionKeys(vault_id), keks[version], version)
    except BaseException:
        store.close()
        raise
