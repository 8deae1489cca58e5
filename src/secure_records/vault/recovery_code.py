"""The recovery code: what a person keeps on paper, and the key it gives.

Eight groups of five base32 characters: 38 random ones (190 bits) and two check
characters, so that a mistyped code is told apart from a wrong one before anything
is tried. The key is derived with scrypt (in every `cryptography` build, so a code
written down today still opens the vault on another host years on); its parameters
are stored beside the salt, so that later releases can raise them.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from secure_records.core.errors import BadInput, IntegrityError, VaultError
from secure_records.vault.envelope import seal, unseal
from secure_records.vault.kek import insecure_allowed
from secure_records.vault.rows import RecoveryLockRow

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
GROUPS, GROUP_SIZE = 8, 5
CHECK = 2
BODY = GROUPS * GROUP_SIZE - CHECK
# Read from paper: digits that look like letters are taken as those letters.
LOOKALIKES = str.maketrans({"0": "O", "1": "I", "8": "B"})
SEPARATORS = re.compile(r"[\s-]+")

# 128 MiB and about 0.4 s. The demo and the tests (the insecure switch) use less:
# the code's 190 bits, not the cost, are what stop a guess.
SCRYPT = "scrypt:n=131072:r=8:p=1"
SCRYPT_DEMO = "scrypt:n=16384:r=8:p=1"
KDF_FORMAT = re.compile(r"scrypt:n=(\d+):r=(\d+):p=(\d+)")

MISTYPED = (
    "That recovery code is mistyped (a recovery code is 8 groups of 5 letters A-Z and "
    "digits 2-7, and this one's check characters do not match); nothing was changed."
)


def _check(body: str) -> str:
    digest = hashlib.sha256(b"secure-records recovery code|" + body.encode()).digest()
    n = int.from_bytes(digest[:2], "big") >> (16 - 5 * CHECK)
    return "".join(ALPHABET[(n >> (5 * i)) & 31] for i in reversed(range(CHECK)))


def new_code() -> str:
    """A fresh code, grouped for reading aloud and writing down."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY))
    whole = body + _check(body)
    return "-".join(whole[i : i + GROUP_SIZE] for i in range(0, len(whole), GROUP_SIZE))


def code_secret(typed: str) -> str:
    """The code's random part, however it was spaced or cased; BadInput if mistyped."""
    whole = SEPARATORS.sub("", typed).upper().translate(LOOKALIKES)
    if len(whole) != BODY + CHECK or any(c not in ALPHABET for c in whole):
        raise BadInput(MISTYPED)
    body, check = whole[:BODY], whole[BODY:]
    if not secrets.compare_digest(check, _check(body)):
        raise BadInput(MISTYPED)
    return body


def _derive(secret: str, salt: bytes, kdf: str) -> AESGCM:
    match = KDF_FORMAT.fullmatch(kdf)
    if match is None:
        raise VaultError(
            f"The vault's recovery code uses a key derivation this release does not know "
            f"({kdf[:40]!r}); use the release that set it."
        )
    n, r, p = (int(g) for g in match.groups())
    # A backup's header is read before anything can authenticate it: settings that are
    # not scrypt's (n a power of two) or that would take gigabytes are refused.
    if not (2 <= n <= 2**20 and n & (n - 1) == 0 and 1 <= r <= 16 and 1 <= p <= 4):
        raise VaultError(
            f"The recovery code's key derivation settings ({kdf[:40]!r}) are damaged or "
            "not this release's; nothing was changed."
        )
    return AESGCM(Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(secret.encode()))


def new_kdf() -> str:
    """The scrypt settings a new lock (a code's, a transfer file's) is made with."""
    return SCRYPT_DEMO if insecure_allowed() else SCRYPT


def derived_key(secret: str, salt: bytes, kdf: str) -> AESGCM:
    """The key a code's secret gives under stored settings, bounded as a backup's are;
    VaultError for settings that are not scrypt's or are too costly."""
    return _derive(secret, salt, kdf)


def root_ad(vault_id: str) -> bytes:
    return f"recovery|{vault_id}|root|code".encode()


def kek_ad(vault_id: str, version: int) -> bytes:
    return f"recovery|{vault_id}|kek|v{version}".encode()


def lock_root(vault_id: str, secret: str, root: bytes, now: str) -> RecoveryLockRow:
    """The recovery root sealed under the key `secret` gives."""
    kdf = new_kdf()
    salt = os.urandom(16)
    sealed = seal(_derive(secret, salt, kdf), root, root_ad(vault_id))
    return RecoveryLockRow(now, kdf, salt, sealed)


def open_root(vault_id: str, secret: str, lock: RecoveryLockRow) -> bytes:
    """The recovery root; VaultError if this is not the vault's current code."""
    try:
        aead = _derive(secret, lock.salt, lock.kdf)
        return unseal(aead, lock.wrapped_root, root_ad(vault_id), "the recovery root")
    except IntegrityError:
        raise VaultError(
            f"That recovery code does not open vault {vault_id}: it is another vault's, or "
            "one that was replaced since; nothing was changed."
        ) from None
