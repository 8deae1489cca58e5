"""Laying out a new vault on disk: its private directories, policy files, database
with the vault's own keys, and an empty log. All of it, or (undone) none of it."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Mapping

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from secure_records.core.errors import VaultError
from secure_records.vault import database
from secure_records.vault.database import config_path
from secure_records.vault.envelope import new_key, seal, wrap_ad
from secure_records.vault.home import VaultPaths
from secure_records.vault.log import AuditLog
from secure_records.vault.policy_files import read_policy_files
from secure_records.vault.private_files import make_private_dir, write_private_file
from secure_records.vault.recovery import KeyRecovery
from secure_records.vault.row_seals import ROW_SEAL_LABEL, RowSeals
from secure_records.vault.seals import PolicySeal, seal_key
from secure_records.vault.store import Store

MATCH_INDEX_KEY = "match_index"
LOG_ROOT_KEY = "log"


def refuse_existing(paths: VaultPaths) -> None:
    """A home that exists must be empty but for a vault.conf the operator wrote first."""
    home = paths.home
    # A file where a directory of the path must be: one sentence, not mkdir's error.
    blocked = next((p for p in home.parents if p.exists() and not p.is_dir()), None)
    if blocked is not None:
        raise VaultError(f"{home} cannot be made: {blocked} is a file, not a directory.")
    kept = {config_path(paths)}
    if home.exists() and (not home.is_dir() or any(p not in kept for p in home.iterdir())):
        raise VaultError(
            f"{home} already exists and is not empty; init refuses to touch an existing vault."
        )


def lay_out(
    paths: VaultPaths,
    policy_texts: Mapping[str, str],
    vault_id: str,
    kek: bytes,
    now: str,
    conninfo: str | None = None,
) -> tuple[Store, str]:
    """The new vault's files, its store (SQLite in the home, or the PostgreSQL database
    `conninfo` names), its keys wrapped under `kek` (version 1), and its recovery code
    (returned, to be shown once, never stored); on any failure only what this call made
    is removed."""
    home = paths.home
    created_home = not home.exists()
    written_before = set(home.iterdir()) if home.is_dir() else set()
    store: Store | None = None
    try:
        make_private_dir(home)
        make_private_dir(paths.policies)
        make_private_dir(paths.exports)
        for name, text in policy_texts.items():
            write_private_file(paths.policies / name, text)
        meta = {"vault_id": vault_id, "kek_version": "1", "created_at": now}
        store = database.create(paths, conninfo, meta)
        aead = AESGCM(kek)
        log_root = new_key()
        # Sealed from the first row: the ledger is written with the log's first head.
        store.use_row_seals(RowSeals(vault_id, seal_key(log_root, ROW_SEAL_LABEL)))
        with store.transaction():
            store.mark_rows_sealed()
            for name, key in ((MATCH_INDEX_KEY, new_key()), (LOG_ROOT_KEY, log_root)):
                store.put_vault_key(name, seal(aead, key, wrap_ad(vault_id, "vault", name, 1)))
            code = KeyRecovery(store, vault_id, aead, 1).set_up({1: kek}, now)
            AuditLog.create(store.log_at(paths.log), store, vault_id, log_root)
            # Sealed as written to disk, so the first open finds exactly these bytes.
            PolicySeal(store, vault_id, log_root).write(read_policy_files(paths.policies))
        store.checkpoint()
        return store, code
    except BaseException:
        if store is not None:
            with contextlib.suppress(Exception):  # best effort: the first error is the one said
                store.discard()
        if created_home:
            shutil.rmtree(home, ignore_errors=True)
        else:
            for child in set(home.iterdir()) - written_before:  # the operator's vault.conf stays
                if child.is_dir():
                    shutil.rmtree(child, ignore_errors=True)
                else:
                    child.unlink(missing_ok=True)
        raise
