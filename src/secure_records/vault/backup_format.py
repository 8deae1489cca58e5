"""A backup file: one opaque, versioned file, encrypted for the backup's own purpose.

    magic "SRBACKUP" | version (1 byte) | header length (4 bytes) | header (JSON)
    | chunks: AES-256-GCM, 1 MiB of plaintext each, 16-byte tag behind

The header names the vault, the version of its key-encryption key (KEK) and holds a
fresh data key wrapped under that KEK, so that a backup taken before `key rotate`
still opens while that older version is in the keyring. A second slot, when the vault
had a recovery code, wraps the same data key under the vault's recovery root, with
the code's side of the lock beside it (scrypt parameters, salt, the root sealed under
the code's key: ciphertext already in vault.db): the code alone then opens the backup
when the host's keyring is lost, the code that was current when it was taken.

Chunks follow the STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár 2015):
nonce = 7-byte random prefix, 4-byte counter, 1-byte "last" flag, every chunk bound
to the whole header (the recovery slot with it), so chunks cannot be reordered,
dropped, cut short or spliced from another backup, nor the header's slots swapped.

The plaintext is a list of named files, each `name length (2) | name | size (8) |
bytes`, ended by a name of length 0: the reader knows every name it accepts.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from secure_records.core.errors import IntegrityError, VaultError
from secure_records.core.progress import Progress, no_progress
from secure_records.vault.envelope import new_key, seal, unseal
from secure_records.vault.recovery_code import KDF_FORMAT, open_root
from secure_records.vault.rows import RecoveryLockRow

MAGIC = b"SRBACKUP"
FORMAT_VERSION = 2  # 2: the recovery-code slot
CHUNK = 1 << 20
TAG = 16
PREFIX_BYTES = 7
COPY_BYTES = 1 << 20


class BackupUnreadable(VaultError):
    """Not a backup, damaged, or not openable with the keys at hand; nothing was restored."""


def _wrap_ad(vault_id: str, kek_version: int) -> bytes:
    return f"backup|{vault_id}|kek{kek_version}".encode()


def _recovery_ad(vault_id: str) -> bytes:
    return f"backup|{vault_id}|recovery".encode()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _unb64(text: object) -> bytes:
    return base64.b64decode(str(text), validate=True)


@dataclass(frozen=True)
class RecoverySlot:
    """The data key under the recovery root, and the code's lock on that root as the
    vault held it when the backup was taken."""

    lock: RecoveryLockRow
    wrapped_key: bytes

    def encode(self) -> dict[str, str]:
        lock = self.lock
        return {
            "set_at": lock.created_at,
            "kdf": lock.kdf,
            "salt": _b64(lock.salt),
            "wrapped_root": _b64(lock.wrapped_root),
            "wrapped_key": _b64(self.wrapped_key),
        }

    @staticmethod
    def decode(doc: dict[str, object]) -> RecoverySlot:
        lock = RecoveryLockRow(
            str(doc["set_at"]), str(doc["kdf"]), _unb64(doc["salt"]), _unb64(doc["wrapped_root"])
        )
        return RecoverySlot(lock, _unb64(doc["wrapped_key"]))


@dataclass(frozen=True)
class BackupHeader:
    vault_id: str
    kek_version: int
    wrapped_key: bytes
    prefix: bytes
    recovery: RecoverySlot | None = None  # the vault had no recovery code

    def encode(self) -> bytes:
        body = json.dumps(
            {
                "vault": self.vault_id,
                "kek_version": self.kek_version,
                "wrapped_key": _b64(self.wrapped_key),
                "prefix": self.prefix.hex(),
                "recovery": None if self.recovery is None else self.recovery.encode(),
            },
            sort_keys=True,
        ).encode()
        return MAGIC + bytes([FORMAT_VERSION]) + struct.pack(">I", len(body)) + body

    def data_key_from_code(self, secret: str, path: Path) -> AESGCM:
        """The data key through the recovery code's secret (checked for typing already)."""
        slot = self.recovery
        if slot is None:
            raise BackupUnreadable(
                f"{path} opens only with its key-encryption key from the keyring, not with a "
                f"recovery code: vault {self.vault_id} had no recovery code when it was "
                "taken; nothing was restored."
            )
        try:
            root = open_root(self.vault_id, secret, slot.lock)
            raw = unseal(AESGCM(root), slot.wrapped_key, _recovery_ad(self.vault_id), "key")
        except (VaultError, IntegrityError):
            if KDF_FORMAT.fullmatch(slot.lock.kdf) is None:
                raise  # open_root's sentence: a derivation this release does not know
            raise BackupUnreadable(
                f"That recovery code does not open {path} (vault {self.vault_id}): it is "
                "another vault's, or one made after this backup was taken (a backup opens "
                f"with the code that was current then, set {slot.lock.created_at[:10]}); "
                "nothing was restored."
            ) from None
        return AESGCM(raw)

    def data_key(self, kek: bytes, path: Path) -> AESGCM:
        try:
            raw = unseal(
                AESGCM(kek), self.wrapped_key, _wrap_ad(self.vault_id, self.kek_version), "key"
            )
        except IntegrityError:
            raise BackupUnreadable(
                f"{path}: the key-encryption key (version {self.kek_version}) in the keyring "
                "does not open this backup: it is damaged, or another vault's."
            ) from None
        return AESGCM(raw)


def new_header(
    vault_id: str,
    kek_version: int,
    kek: bytes,
    recovery: tuple[RecoveryLockRow, bytes] | None,
) -> tuple[BackupHeader, AESGCM]:
    """A header with a fresh data key, and that key ready to encrypt with;
    `recovery`: the vault's lock and recovery root, if it has a code."""
    key = new_key()
    wrapped = seal(AESGCM(kek), key, _wrap_ad(vault_id, kek_version))
    slot = None
    if recovery is not None:
        lock, root = recovery
        slot = RecoverySlot(lock, seal(AESGCM(root), key, _recovery_ad(vault_id)))
    header = BackupHeader(vault_id, kek_version, wrapped, os.urandom(PREFIX_BYTES), slot)
    return header, AESGCM(key)


def _version_refusal(path: Path, version: int) -> BackupUnreadable:
    if version > FORMAT_VERSION:
        return BackupUnreadable(
            f"{path} was written by a newer release of secure-records (backup format "
            f"{version}; this release reads format {FORMAT_VERSION}), so nothing was read: "
            "verify or restore it with that release or a later one."
        )
    return BackupUnreadable(
        f"{path} is in backup format {version}, from a development build before recovery "
        f"codes that this release does not read (it reads format {FORMAT_VERSION}); nothing "
        "was read: take a new backup with 'secure-records backup create'."
    )


def read_header(handle: BinaryIO, path: Path) -> tuple[BackupHeader, bytes]:
    """The header, and its bytes exactly as written (every chunk is bound to them)."""
    start = handle.read(len(MAGIC) + 5)
    if len(start) < len(MAGIC) + 5 or not start.startswith(MAGIC):
        raise BackupUnreadable(f"{path} is not a secure-records backup.")
    if start[len(MAGIC)] != FORMAT_VERSION:
        raise _version_refusal(path, start[len(MAGIC)])
    (length,) = struct.unpack(">I", start[len(MAGIC) + 1 :])
    body = handle.read(length) if length <= 65536 else b""
    try:
        doc = json.loads(body)
        slot = doc["recovery"]
        header = BackupHeader(
            str(doc["vault"]),
            int(doc["kek_version"]),
            _unb64(doc["wrapped_key"]),
            bytes.fromhex(doc["prefix"]),
            None if slot is None else RecoverySlot.decode(slot),
        )
    except (ValueError, KeyError, TypeError, RecursionError, binascii.Error):
        raise BackupUnreadable(f"{path}: the backup's header is damaged.") from None
    if len(header.prefix) != PREFIX_BYTES:
        raise BackupUnreadable(f"{path}: the backup's header is damaged.")
    return header, start + body


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + struct.pack(">I", counter) + (b"\x01" if last else b"\x00")


class SealedWriter:
    """Plaintext in, chunks out: the last chunk is sealed by `finish`."""

    def __init__(
        self,
        out: BinaryIO,
        header: BackupHeader,
        key: AESGCM,
        progress: Progress = no_progress,
        size: int = 0,
    ) -> None:
        self._out = out
        # Told in chunks (MiB): `size` is the plaintext's, near enough.
        self._progress, self._chunks = progress, size // CHUNK + 1
        self._ad = header.encode()
        self._prefix = header.prefix
        self._key = key
        self._buffer = bytearray()
        self._counter = 0
        out.write(self._ad)

    def write(self, data: bytes) -> None:
        self._buffer += data
        while len(self._buffer) > CHUNK:
            self._emit(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]

    def _emit(self, plain: bytes, last: bool) -> None:
        if self._counter >= 0xFFFFFFFF:
            raise VaultError("A backup cannot be larger than 4 PiB.")
        nonce = _nonce(self._prefix, self._counter, last)
        self._out.write(self._key.encrypt(nonce, plain, self._ad))
        self._counter += 1
        self._progress(self._counter, max(self._counter, self._chunks))

    def finish(self) -> None:
        self._emit(bytes(self._buffer), last=True)
        self._buffer.clear()


class SealedReader:
    """Chunks in, plaintext out, each chunk checked before a byte of it is given."""

    def __init__(
        self,
        handle: BinaryIO,
        header: BackupHeader,
        ad: bytes,
        key: AESGCM,
        path: Path,
        progress: Progress = no_progress,
        size: int = 0,
    ):
        self._in = handle
        self._progress, self._chunks = progress, -(-size // (CHUNK + TAG))
        self._ad = ad
        self._prefix = header.prefix
        self._key = key
        self._path = path
        self._counter = 0
        self._plain = b""
        self._at = 0
        self._ended = False
        self._ahead = handle.read(CHUNK + TAG)

    def damaged(self) -> BackupUnreadable:
        return BackupUnreadable(
            f"{self._path} is damaged or was altered (part {self._counter + 1} does not "
            "decrypt); nothing was restored from it."
        )

    def _next_chunk(self) -> None:
        if self._ended:
            raise self.damaged()  # the list of files ran past the last chunk
        sealed, self._ahead = self._ahead, self._in.read(CHUNK + TAG)
        last = not self._ahead
        try:
            nonce = _nonce(self._prefix, self._counter, last)
            self._plain = self._key.decrypt(nonce, sealed, self._ad)
        except Exception:  # noqa: BLE001 - InvalidTag, or a chunk too short to hold one
            raise self.damaged() from None
        self._at = 0
        self._counter += 1
        self._ended = last
        self._progress(self._counter, max(self._counter, self._chunks))

    def read(self, size: int) -> bytes:
        """Exactly `size` bytes, or BackupUnreadable."""
        parts = []
        while size:
            if self._at == len(self._plain):
                self._next_chunk()
            piece = self._plain[self._at : self._at + size]
            self._at += len(piece)
            size -= len(piece)
            parts.append(piece)
        return b"".join(parts)

    def at_end(self) -> bool:
        return self._ended and self._at == len(self._plain)


def write_file(writer: SealedWriter, name: str, source: Path | bytes) -> None:
    encoded = name.encode()
    if isinstance(source, bytes):
        writer.write(struct.pack(">H", len(encoded)) + encoded + struct.pack(">Q", len(source)))
        writer.write(source)
        return
    with open(source, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        writer.write(struct.pack(">H", len(encoded)) + encoded + struct.pack(">Q", size))
        while size:
            block = handle.read(min(COPY_BYTES, size))
            if not block:
                raise VaultError(f"{source} became shorter while it was being backed up.")
            writer.write(block)
            size -= len(block)


def end_files(writer: SealedWriter) -> None:
    writer.write(struct.pack(">H", 0))
    writer.finish()


def read_files(reader: SealedReader) -> Iterator[tuple[str, int]]:
    """(name, size) of each file in turn; read its bytes with `reader.read` before the next."""
    while True:
        (length,) = struct.unpack(">H", reader.read(2))
        if length == 0:
            if not reader.at_end():
                raise reader.damaged()
            return
        name = reader.read(length).decode("utf-8", errors="replace")
        (size,) = struct.unpack(">Q", reader.read(8))
        yield name, size
