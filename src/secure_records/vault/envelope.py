"""Envelope encryption: one AES-256-GCM data key per record, wrapped by the vault's
key-encryption key. Every ciphertext carries associated data naming where it
belongs, so one moved to another record or field fails to open instead of
decrypting to the wrong person's details.
"""

from __future__ import annotations

import hashlib
import os
import struct
from collections.abc import Iterable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from secure_records.core.errors import IntegrityError

KEY_BYTES = 32
NONCE_BYTES = 12


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def seal(aead: AESGCM, plaintext: bytes, associated: bytes) -> bytes:
    """Encrypt with a fresh 96-bit random nonce; the nonce travels in front."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + aead.encrypt(nonce, plaintext, associated)


def unseal(aead: AESGCM, sealed: bytes, associated: bytes, what: str) -> bytes:
    """Decrypt, or IntegrityError naming `what` (never its content)."""
    try:
        return aead.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], associated)
    except (InvalidTag, ValueError):
        raise IntegrityError(
            f"{what} failed its integrity check: it was altered, or it belongs to another "
            "record, field or key"
        ) from None


def field_ad(record_id: str, field: str, key_version: int) -> bytes:
    return f"field|{record_id}|{field}|v{key_version}".encode()


def entry_ad(record_id: str, kind: str, seq: int, key_version: int) -> bytes:
    return f"entry|{record_id}|{kind}|{seq}|v{key_version}".encode()


def decision_ad(record_id: str, decision_id: str, key_version: int) -> bytes:
    return f"decision|{record_id}|{decision_id}|v{key_version}".encode()


def phone_request_ad(record_id: str | None, request_id: str, key_version: int) -> bytes:
    return f"phone|{record_id or '-'}|{request_id}|v{key_version}".encode()


def hold_ad(record_id: str, key_version: int) -> bytes:
    return f"hold|{record_id}|v{key_version}".encode()


def wrap_ad(vault_id: str, owner: str, key_id: str, kek_version: int) -> bytes:
    return f"wrap|{vault_id}|{owner}|{key_id}|kek{kek_version}".encode()


class PadHmac:
    """HMAC-SHA256 (RFC 2104) with the key's pads hashed once.

    Log verify and bulk import run it hundreds of thousands of times; precomputing
    the pads makes each call about three times faster than `hmac.new`, for the same
    result (a hypothesis test holds it to that).
    """

    def __init__(self, key: bytes) -> None:
        if len(key) > 64:
            key = hashlib.sha256(key).digest()
        block = key.ljust(64, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))

    def digest(self, *parts: bytes) -> bytes:
        inner = self._inner.copy()
        for part in parts:
            inner.update(part)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()


def match_index(index: PadHmac, normalised_name: str, date_of_birth: str) -> bytes:
    """A keyed blind index for exact name + date of birth: equal inputs, equal tags,
    and nothing else learnable without the key."""
    return index.digest(f"{normalised_name}\x00{date_of_birth}".encode())[:16]


_HEADER = struct.Struct(">BI")


def pack_sealed(fields: Iterable[tuple[str, bytes]]) -> bytes:
    """Several sealed field values in one blob, each still sealed on its own with its
    own associated data: one row per record instead of one per field."""
    parts: list[bytes] = []
    for name, sealed in fields:
        encoded = name.encode()
        parts += (_HEADER.pack(len(encoded), len(sealed)), encoded, sealed)
    return b"".join(parts)


def unpack_sealed(blob: bytes, what: str) -> dict[str, bytes]:
    fields: dict[str, bytes] = {}
    offset = 0
    try:
        while offset < len(blob):
            name_len, sealed_len = struct.unpack_from(">BI", blob, offset)
            offset += 5
            name = blob[offset : offset + name_len].decode()
            offset += name_len
            sealed = blob[offset : offset + sealed_len]
            offset += sealed_len
            if len(sealed) != sealed_len:
                raise ValueError
            fields[name] = sealed
    except (struct.error, ValueError):
        raise IntegrityError(f"{what} are damaged and cannot be read") from None
    return fields
