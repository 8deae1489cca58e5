"""The sealed policy's own copy, kept in the vault beside its seal, so that every app
host sharing one database runs the policy last applied on any of them.

`policy apply` on one host changes the files in that host's home only; another host's
files are then an older policy the vault once sealed. Such a copy (or none at all, on
a new host) is replaced from the vault's copy, which opens only if it matches the seal.
Files that match neither the seal nor any policy the vault ever sealed are still
refused: they were changed by hand, and the refusal says so.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from secure_records.core.errors import PolicyError, VaultError
from secure_records.vault.policy_files import read_policy_files
from secure_records.vault.private_files import create_private_file, make_private_dir
from secure_records.vault.store import Store

COPY_META = "policy_files"
# The hashes of every policy sealed before the current one, oldest first.
EARLIER_META = "policy_hashes_before"


def _meta(store: Store, key: str) -> str | None:
    try:
        return store.meta(key)
    except VaultError:  # absent
        return None


def keep(store: Store, files: Mapping[str, bytes], replaced_hash: str | None) -> None:
    """Keep these files as the vault's copy, and the hash they replace as an earlier one
    (inside the transaction that seals them)."""
    copy = {name: base64.b64encode(body).decode() for name, body in files.items()}
    store.set_meta(COPY_META, json.dumps(copy, sort_keys=True))
    if replaced_hash:
        earlier = [h for h in (_meta(store, EARLIER_META) or "").split(",") if h]
        if replaced_hash not in earlier:
            store.set_meta(EARLIER_META, ",".join([*earlier, replaced_hash]))


def kept(store: Store) -> dict[str, bytes] | None:
    """The vault's copy of its policy files (unchecked: match it against the seal)."""
    text = _meta(store, COPY_META)
    if text is None:
        return None
    try:
        raw = json.loads(text)
        return {str(name): base64.b64decode(body, validate=True) for name, body in raw.items()}
    except (ValueError, AttributeError, TypeError):
        return None  # damaged: treated as no copy, and the files are judged alone


def earlier(store: Store) -> set[str]:
    return {h for h in (_meta(store, EARLIER_META) or "").split(",") if h}


def _holds(directory: Path, files: Mapping[str, bytes]) -> bool:
    try:
        return read_policy_files(directory) == dict(files)
    except PolicyError:
        return False


def replace_files(directory: Path, files: Mapping[str, bytes]) -> None:
    """The directory's policy files replaced by these, all at once: a new directory
    written beside it, then swapped in; other files in it are kept."""
    parent = directory.parent
    fresh = Path(tempfile.mkdtemp(prefix=".policies-", dir=parent))
    try:
        os.chmod(fresh, 0o700)
        if directory.is_dir():
            for other in directory.iterdir():
                if other.suffix != ".toml" and other.is_file():
                    shutil.copy2(other, fresh / other.name)
        for name, body in files.items():
            fd = create_private_file(fresh / name)
            with os.fdopen(fd, "wb") as handle:  # the exact bytes the seal covers
                handle.write(body)
                handle.flush()
                os.fsync(handle.fileno())
        old = parent / f"{fresh.name}-old"
        try:
            if directory.exists():
                os.rename(directory, old)
            os.rename(fresh, directory)
        except OSError:
            if _holds(directory, files):  # another session on this host did it first
                shutil.rmtree(fresh, ignore_errors=True)
                return
            raise
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        if not directory.exists():
            make_private_dir(directory)
        raise
