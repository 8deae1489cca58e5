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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from secure_records.core.errors import VaultError
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
from secure_records.vault.vault import Vault

MANIFEST = "manifest.json"
DATABASE = "vault.db"
LOG = "audit.log"
POLICIES = "policies/"


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


def _kek(vault_id: str, version: int, path: Path) -> bytes:
    try:
        return KeyEncryptionKeys(vault_id).load(version)
    except VaultError as exc:
        if "is not in the keyring" not in str(exc):
            raise
        raise BackupUnreadable(
            f"{path} was taken under version {version} of vault {vault_id}'s key-encryption "
            "key, which is not in this host's keyring (retired, or the keyring was lost); "
            "nothing was restored."
        ) from None


def take(vault: Vault, out: Path) -> tuple[Manifest, int]:
    """Write a backup of `vault` to the new file `out`: what it holds, and its size."""
    if out.exists() or out.is_symlink():
        raise FileExistsError(out)
    if not out.parent.is_dir():
        raise FileNotFoundError(out.parent)
    with private_workspace(vault.paths.home, ".backup-") as work:

        def under_lock() -> tuple[Manifest, dict[str, bytes]]:
            head = vault.log.head()
            _copy_prefix(vault.paths.log, work / LOG, head.size)
            taken_at = datetime.now(UTC).isoformat(timespec="microseconds")
            manifest = Manifest(
                secrets.token_hex(8),
                vault.vault_id,
                taken_at,
                head.seq,
                b64(head.mac),
                vault.store.record_count(),
                vault.kek_version,
            )
            return manifest, read_policy_files(vault.paths.policies)

        manifest, policies = vault.store.snapshot(work / DATABASE, under_lock)
        kek = _kek(vault.vault_id, vault.kek_version, out)
        header, key = new_header(vault.vault_id, vault.kek_version, kek)
        partial = out.parent / f".{out.name}.part"
        partial.unlink(missing_ok=True)  # left by a backup killed earlier
        try:
            with os.fdopen(create_private_file(partial), "wb") as handle:
                writer = SealedWriter(handle, header, key)
                write_file(writer, MANIFEST, json.dumps(asdict(manifest)).encode())
                write_file(writer, DATABASE, work / DATABASE)
                write_file(writer, LOG, work / LOG)
                for name, data in sorted(policies.items()):
                    write_file(writer, POLICIES + name, data)
                end_files(writer)
                handle.flush()
                os.fsync(handle.fileno())
            os.link(partial, out)  # never over a file that appeared meanwhile
        finally:
            partial.unlink(missing_ok=True)
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


def unpack(path: Path, into: Path) -> Manifest:
    """Decrypt the backup at `path` into the private directory `into` (vault.db,
    audit.log, policies/): every part checked as it is read."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below, after every part
    except FileNotFoundError:
        raise BackupUnreadable(f"{path}: no such file.") from None
    except OSError as exc:
        raise BackupUnreadable(f"{path} cannot be read ({exc.strerror}).") from None
    with handle:
        header, ad = read_header(handle, path)
        key = header.data_key(_kek(header.vault_id, header.kek_version, path), path)
        reader = SealedReader(handle, header, ad, key, path)
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
