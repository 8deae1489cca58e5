"""Envelope encryption: one AES-256-GCM data key per record, wrapped by the vault's
key-encryption key. Every ciphertext carries associated data naming where it
belongs, so one moved to another record or field fails to open instead of
decrypting to the wrong person's details.
"""

from __future__ import annotations

import hashlib
import hmac
import os

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


def wrap_ad(vault_id: str, owner: str, key_id: str, kek_version: int) -> bytes:
    return f"wrap|{vault_id}|{owner}|{key_id}|kek{kek_version}".encode()


def match_index(index_key: bytes, normalised_name: str, date_of_birth: str) -> bytes:
    """A keyed blind index for exact name + date of birth: equal inputs, equal tags,
    and nothing else learnable without the key."""
    message = f"{normalised_name}\x00{date_of_birth}".encode()
    return hmac.new(index_key, message, hashlib.sha256).digest()[:16]
