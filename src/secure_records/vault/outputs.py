"""Outputs for people kept inside the vault, sealed, and released only on purpose.

An output that concerns one record (a disclosure package, a subject access report)
is sealed under that record's data key, so disposal, which destroys the key and
deletes the record's rows, erases it too; one that concerns no one record (an access
review) under the vault's own outputs key. The associated data binds every clear
column, so a row moved to another record, kind or maker fails to open.

A release is the one way out: the text in an AES-256 zip (WinZip AES, which 7-Zip
and most free archivers open) under a passphrase made here, handed back once and
never stored. The release row keeps who released what and when; to whom and where
the file went are sealed under the vault's key, and outlive the record.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from secure_records.core.errors import BadInput, IntegrityError, VaultError
from secure_records.core.outputs import OutputKind
from secure_records.vault.envelope import seal, unseal
from secure_records.vault.private_files import create_private_file
from secure_records.vault.rows import OutputRow, RecordKeyRow, ReleaseRow
from secure_records.vault.store import Store

OUTPUTS_KEY = "outputs"
# Read aloud over the phone: no 0/o, 1/l/i to mishear. 6 groups of 4 from 31
# symbols: about 119 bits.
PASSPHRASE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # noqa: S105 (symbols, no secret)
PASSPHRASE_GROUPS = 6


def new_passphrase() -> str:
    return "-".join(
        "".join(secrets.choice(PASSPHRASE_ALPHABET) for _ in range(4))
        for _ in range(PASSPHRASE_GROUPS)
    )


def output_ad(row: OutputRow, key_version: int) -> bytes:
    parts = (row.id, row.kind, row.record_id or "-", row.made_by, row.made_at)
    return ("output|" + "|".join(parts) + f"|v{key_version}").encode()


def release_ad(row: ReleaseRow) -> bytes:
    parts = (row.id, row.output_id, row.kind, row.released_by, row.released_at)
    return ("release|" + "|".join(parts)).encode()


@dataclass(frozen=True)
class ReleaseSlip:
    """Sealed with a release: to whom it went, and the file it made."""

    recipient: str
    path: str


def write_zip(path: Path, inner_name: str, text: str, passphrase: str) -> None:
    """A new 0600 AES-256 zip at `path` holding `text` as `inner_name`; nothing is
    written unencrypted on the way (the zip is built in memory, then written once)."""
    try:
        fd = create_private_file(path)
    except FileExistsError:
        raise BadInput(f"{path} already exists; choose a new file.") from None
    except OSError as exc:
        raise BadInput(f"{path}: cannot be written ({exc.strerror}).") from None
    # Here, not at the top: it brings a second crypto library (7 MB in every session)
    # for the one step that writes a zip.
    import pyzipper  # type: ignore[import-untyped]

    try:
        with (
            os.fdopen(fd, "wb") as handle,
            pyzipper.AESZipFile(
                handle, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES
            ) as archive,
        ):
            archive.setpassword(passphrase.encode())
            archive.setencryption(pyzipper.WZ_AES, nbits=256)
            archive.writestr(inner_name, text.encode())
    except BaseException:
        path.unlink(missing_ok=True)
        raise


class SealedOutputs:
    def __init__(
        self,
        store: Store,
        data_key: Callable[[RecordKeyRow], AESGCM],
        vault_key: Callable[[str, bool], AESGCM],
    ) -> None:
        self._store = store
        self._data_key = data_key
        self._vault_key = vault_key

    def _key(self, record_id: str | None, create: bool) -> tuple[AESGCM, int]:
        if record_id is None:
            return self._vault_key(OUTPUTS_KEY, create), 0
        key = self._store.record_key(record_id)
        if key is None:
            raise VaultError(f"There is no record {record_id}.")
        return self._data_key(key), key.key_version

    def add(self, row: OutputRow, text: str) -> None:
        """Keep an output, sealed; call inside `recorded`."""
        aead, version = self._key(row.record_id, create=True)
        self._store.add_output(row, seal(aead, text.encode(), output_ad(row, version)))

    def read(self, output_id: str) -> tuple[OutputRow, str] | None:
        """The output and its text; None if there is none (or its record is gone)."""
        found = self._store.output(output_id)
        if found is None:
            return None
        row, sealed = found
        if row.record_id is not None and self._store.record_key(row.record_id) is None:
            return None
        aead, version = self._key(row.record_id, create=False)
        plain = unseal(aead, sealed, output_ad(row, version), f"output {row.id}")
        return row, plain.decode()

    def listing(self, kinds: tuple[OutputKind, ...]) -> list[OutputRow]:
        return self._store.outputs(kinds)

    def add_release(self, row: ReleaseRow, slip: ReleaseSlip) -> None:
        """Keep a release's row; call inside `recorded`."""
        aead = self._vault_key(OUTPUTS_KEY, True)
        sealed = seal(aead, json.dumps(asdict(slip)).encode(), release_ad(row))
        self._store.add_release(row, sealed)

    def releases(self) -> list[tuple[ReleaseRow, ReleaseSlip]]:
        found = self._store.releases()
        if not found:
            return []
        aead = self._vault_key(OUTPUTS_KEY, False)
        opened = []
        for row, sealed in found:
            plain = unseal(aead, sealed, release_ad(row), f"release {row.id}")
            try:
                slip = ReleaseSlip(**json.loads(plain))
            except (TypeError, ValueError):
                raise IntegrityError(f"release {row.id} cannot be read") from None
            opened.append((row, slip))
        return opened
