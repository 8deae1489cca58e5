"""A transfer file carrying the vault's key-encryption key to another app host
(issue 21): the vault's id and every KEK version the exporting host holds, sealed
with AES-GCM under a key scrypt derives from a one-time passphrase.

The passphrase has the recovery code's form (190 random bits, two check characters),
so a mistyped one is told apart from a wrong one; it is shown once and stored
nowhere. Only the format's name, its version and the scrypt settings and salt are in
the clear (and bound to the ciphertext): the vault's id and the keys are inside.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from dataclasses import dataclass
from typing import Any

from secure_records.core.errors import BadInput, IntegrityError, VaultError
from secure_records.vault.envelope import seal, unseal
from secure_records.vault.recovery_code import code_secret, derived_key, new_code, new_kdf

FORMAT = "secure-records key transfer"
VERSION = 1
# Far above a file with a thousand versions; a larger one is not ours.
MAX_BYTES = 256 * 1024

DAMAGED = (
    "That file is not a key transfer file this release reads, or it is damaged; nothing "
    "was changed."
)
MISTYPED = (
    "That passphrase is mistyped (it is 8 groups of 5 letters A-Z and digits 2-7, as "
    "shown when the file was made); nothing was changed."
)
WRONG = (
    "That passphrase does not open this transfer file (it belongs to another file, or "
    "the file was altered); nothing was changed."
)


@dataclass(frozen=True)
class Transfer:
    vault_id: str
    keks: dict[int, bytes]
    from_host: str
    made_at: str


def _ad(kdf: str, salt: bytes) -> bytes:
    return f"{FORMAT}|v{VERSION}|{kdf}|".encode() + salt


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def seal_transfer(transfer: Transfer) -> tuple[str, str]:
    """The file's text, and the passphrase that opens it (to be shown once)."""
    passphrase = new_code()
    kdf, salt = new_kdf(), os.urandom(16)
    inner = {
        "vault_id": transfer.vault_id,
        "from_host": transfer.from_host,
        "made_at": transfer.made_at,
        "versions": {str(v): _b64(k) for v, k in sorted(transfer.keks.items())},
    }
    aead = derived_key(code_secret(passphrase), salt, kdf)
    sealed = seal(aead, json.dumps(inner).encode(), _ad(kdf, salt))
    outer = {"format": FORMAT, "version": VERSION, "kdf": kdf, "salt": _b64(salt)}
    return json.dumps({**outer, "sealed": _b64(sealed)}) + "\n", passphrase


def _field(found: dict[str, Any], name: str, kind: type) -> Any:
    value = found.get(name)
    if not isinstance(value, kind):
        raise VaultError(DAMAGED)
    return value


def _decoded(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise VaultError(DAMAGED) from None


def _json(data: bytes) -> dict[str, Any]:
    try:
        found = json.loads(data)
    except (ValueError, RecursionError):
        raise VaultError(DAMAGED) from None
    if not isinstance(found, dict):
        raise VaultError(DAMAGED)
    return found


def open_transfer(data: bytes, typed: str) -> Transfer:
    """The file's contents; VaultError (one sentence each) if the file is damaged or
    not one, or the passphrase is not its own; BadInput if the passphrase is mistyped."""
    if len(data) > MAX_BYTES:
        raise VaultError(DAMAGED)
    outer = _json(data)
    if outer.get("format") != FORMAT or outer.get("version") != VERSION:
        raise VaultError(DAMAGED)
    kdf = _field(outer, "kdf", str)
    salt, sealed = _decoded(_field(outer, "salt", str)), _decoded(_field(outer, "sealed", str))
    try:
        secret = code_secret(typed)
    except BadInput:
        raise BadInput(MISTYPED) from None
    try:
        aead = derived_key(secret, salt, kdf)
    except VaultError:
        raise VaultError(DAMAGED) from None
    try:
        inner = _json(unseal(aead, sealed, _ad(kdf, salt), "the transfer file"))
    except IntegrityError:
        raise VaultError(WRONG) from None
    keks = {}
    for version, encoded in _field(inner, "versions", dict).items():
        key = _decoded(encoded) if isinstance(encoded, str) else b""
        if not version.isdigit() or len(key) != 32:
            raise VaultError(DAMAGED)
        keks[int(version)] = key
    return Transfer(
        _field(inner, "vault_id", str),
        keks,
        _field(inner, "from_host", str),
        _field(inner, "made_at", str),
    )
