"""Seals: MACs over what decides who may see and do what, under keys the files alone
do not give.

A seal key is derived (HKDF, its own label) from a root the key-encryption key
wraps, as the log's keys are: `key rotate` re-wraps the root and never has to touch
a seal. Someone who can write the vault's files but not reach the keyring cannot
make a seal that matches what they wrote.

The first thing sealed is the policy: the exact bytes of every file the vault's
policy is read from, by name, bound to the vault id.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from secure_records.core.errors import PolicyError, VaultError
from secure_records.core.policy import Policy
from secure_records.vault import policy_copy
from secure_records.vault.policy_files import parse_policy_files, read_policy_files
from secure_records.vault.store import Store

POLICY_SEAL_LABEL = "secure-records policy seal v1"
# Where the seal is kept (meta), and the policy's hash beside it for people to compare.
POLICY_SEAL_META = "policy_seal"
POLICY_HASH_META = "policy_hash"
SEAL_COMMAND = "secure-records vault seal"
APPLY_COMMAND = "secure-records policy apply DIR"


def seal_key(root: bytes, label: str) -> bytes:
    """The key for one kind of seal: each label its own key, none of them the root."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label.encode()).derive(root)


def _framed(files: Mapping[str, bytes]) -> bytes:
    # Every name and body length-prefixed, in name order: no two different sets of
    # files frame to the same bytes (a byte moved from one file to the next counts).
    out = bytearray()
    for name in sorted(files):
        for part in (name.encode(), files[name]):
            out += len(part).to_bytes(8, "big") + part
    return bytes(out)


def policy_hash(files: Mapping[str, bytes]) -> str:
    """SHA-256 of the policy files, for people to compare (the same files, the same
    hash, in any vault); it proves nothing by itself, the seal does."""
    return hashlib.sha256(_framed(files)).hexdigest()


@dataclass(frozen=True)
class SealedPolicy:
    """The policy files as found when the vault was opened: their hash, and either the
    policy they hold (they match the seal) or why no door may run on them."""

    hash: str
    parsed: Policy | None
    refusal: str | None

    @property
    def policy(self) -> Policy:
        if self.parsed is None:
            # Fail closed: a door that forgot to check still gets no rules.
            raise VaultError(self.refusal or "The vault's policy is not sealed.")
        return self.parsed


class PolicySeal:
    """The seal over one vault's policy files, kept in its meta table."""

    def __init__(self, store: Store, vault_id: str, root: bytes) -> None:
        self._store = store
        self._vault_id = vault_id
        self._key = seal_key(root, POLICY_SEAL_LABEL)

    def mac(self, files: Mapping[str, bytes]) -> str:
        message = len(self._vault_id).to_bytes(8, "big") + self._vault_id.encode()
        return hmac.new(self._key, message + _framed(files), "sha256").hexdigest()

    def stored(self) -> str | None:
        """The seal in the vault, or None for a vault made before policies were sealed."""
        try:
            return self._store.meta(POLICY_SEAL_META)
        except VaultError:  # meta raises for a key that is absent
            return None

    def write(self, files: Mapping[str, bytes]) -> str:
        """Seal these files (inside the transaction that logs why), keeping a copy for
        the other hosts (policy_copy.py); their hash."""
        digest = policy_hash(files)
        try:
            replaced: str | None = self._store.meta(POLICY_HASH_META)
        except VaultError:
            replaced = None
        self._store.set_meta(POLICY_SEAL_META, self.mac(files))
        self._store.set_meta(POLICY_HASH_META, digest)
        policy_copy.keep(self._store, files, replaced if replaced != digest else None)
        return digest

    def matches(self, files: Mapping[str, bytes]) -> bool:
        stored = self.stored()
        return stored is not None and hmac.compare_digest(stored, self.mac(files))

    def open(self, directory: Path) -> SealedPolicy:
        """Read the policy files once; parse them only if they match the seal."""
        try:
            files: Mapping[str, bytes] | None = read_policy_files(directory)
        except PolicyError:
            files = None
        digest = "" if files is None else policy_hash(files)
        if self.stored() is None:
            return SealedPolicy(digest, None, unsealed_refusal(directory))
        if files is None or not self.matches(files):
            copy = policy_copy.kept(self._store)
            stale = files is None or digest in policy_copy.earlier(self._store)
            if copy is None or not stale or not self.matches(copy):
                refusal = missing_refusal(directory) if files is None else None
                return SealedPolicy(digest, None, refusal or mismatch_refusal(directory))
            # Applied on another host (or this host's files are missing): its copy here.
            policy_copy.replace_files(directory, copy)
            files, digest = copy, policy_hash(copy)
        try:
            return SealedPolicy(digest, parse_policy_files(directory, files), None)
        except PolicyError as exc:
            # Sealed by an older release, and lacking what this one requires.
            return SealedPolicy(digest, None, outdated_refusal(directory, exc))


def unsealed_refusal(directory: Path) -> str:
    return (
        f"This vault's policy has no seal (the vault was made before policies were sealed); "
        f"nothing was done: check the files in {directory}, then run '{SEAL_COMMAND}' once."
    )


def missing_refusal(directory: Path) -> str:
    return (
        f"The policy files in {directory} are missing or cannot be read, and the vault "
        "holds no copy of them, so nothing was done: copy the policies directory from "
        "another host's home, or put a checked policy in place with "
        f"'{APPLY_COMMAND}'."
    )


def mismatch_refusal(directory: Path) -> str:
    return (
        f"The policy files in {directory} do not match the vault's seal (they were changed "
        f"outside 'secure-records policy apply'), so nothing was done; put a checked policy "
        f"in place with '{APPLY_COMMAND}'."
    )


def outdated_refusal(directory: Path, exc: PolicyError) -> str:
    problems = "; ".join(exc.problems[:3]) + ("; ..." if len(exc.problems) > 3 else "")
    return (
        f"The vault's sealed policy in {directory} does not read with this release of "
        f"secure-records ({problems}), so nothing was done: run 'secure-records upgrade' "
        "to add what this release needs."
    )
