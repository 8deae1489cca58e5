"""`secure-records upgrade`: a vault an older release made, brought up to this one.

In order: a backup of the vault as it was; every migration it lacks, in one
transaction (one failing, or the process killed, and none is applied); then what
this release's shipped policy has that the vault's lacks (new files, new settings
tables, each with its defaults) through the same logged, sealed change as `policy
apply`, its log entry saying "added: ...". Every door refuses an older vault until
this has run, naming this command: nothing migrates a vault without a backup first.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from contextlib import closing
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from secure_records.admin.administration import Administration, default_policy_dir
from secure_records.admin.policy_proposal import propose_files
from secure_records.core.errors import VaultError
from secure_records.core.log_actions import LogAction
from secure_records.core.policy_defaults import PolicyAdditions, missing_defaults
from secure_records.vault import schema
from secure_records.vault.home import VaultPaths, resolve_home
from secure_records.vault.policy_files import read_policy_files, read_policy_texts
from secure_records.vault.private_files import create_private_file, make_private_dir
from secure_records.vault.seals import mismatch_refusal, unsealed_refusal

BACKUPS = "backups"


@dataclass(frozen=True)
class Upgraded:
    backup: Path | None  # None: nothing was needed, so nothing was taken
    migrations: tuple[schema.Migration, ...]
    policy_added: tuple[str, ...]
    latest: schema.Migration

    @property
    def nothing(self) -> bool:
        return self.backup is None


def upgrade(home: str | os.PathLike[str] | VaultPaths | None = None) -> Upgraded:
    """Upgrade the vault at `home`; VaultError in one sentence if it cannot be (a newer
    release's vault names the migration it needs; nothing is then changed)."""
    paths = home if isinstance(home, VaultPaths) else resolve_home(home)
    if not paths.database.is_file():
        raise VaultError(f"No vault at {paths.home}; run 'secure-records init' or pass --home.")
    needed = schema.still_needed(paths)
    additions = _policy_additions(paths)
    if not needed and not additions.added:
        return Upgraded(None, (), (), schema.latest())
    backup = _backup_first(paths)
    if needed:
        schema.migrate(paths)
    with Administration.open(paths, any_policy=True) as admin:
        admin.log(
            LogAction.VAULT_UPGRADED,
            migrations=[f"{m.number} {m.name}" for m in needed],
            backup=str(backup),
        )
        if additions.added:
            _add_policy_defaults(admin, additions)
    return Upgraded(backup, tuple(needed), additions.added, schema.latest())


def _policy_additions(paths: VaultPaths) -> PolicyAdditions:
    shipped = read_policy_texts(default_policy_dir())
    return missing_defaults(read_policy_texts(paths.policies), shipped)


def _add_policy_defaults(admin: Administration, additions: PolicyAdditions) -> None:
    """The additions applied as `policy apply` applies a policy: logged and sealed.
    Only onto files that match their seal: an edited policy is `policy apply`'s."""
    vault = admin.vault
    directory = vault.paths.policies
    files = read_policy_files(directory)
    if vault.policy_seal.stored() is None:
        raise VaultError(unsealed_refusal(directory))
    if not vault.policy_seal.matches(files):
        raise VaultError(mismatch_refusal(directory))
    # Read again under this door: the additions were worked out before the migrations.
    texts = read_policy_texts(directory)
    now = missing_defaults(texts, read_policy_texts(default_policy_dir()))
    proposed = {**files, **{name: text.encode() for name, text in now.texts.items()}}
    proposal = propose_files(vault, directory, proposed, now.added)
    # The seal matched: what a policy that no longer reads with this release lacks.
    admin.apply_policy(replace(proposal, was_sealed=True))


def _backup_first(paths: VaultPaths) -> Path:
    """A copy of the vault as it was, in <home>/backups/pre-upgrade-<UTC>/: vault.db by
    SQLite's backup API and the log, both under the write lock (so at one head), and
    the policy files. They hold only what the vault holds: ciphertext, sealed rows.

    When this merges with `backup create` (vault/backup.py, admin/backup.py), this
    becomes a call to it: one encrypted file, verified, with the seals and keys' notes.
    """
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    make_private_dir(paths.home / BACKUPS)
    where = paths.home / BACKUPS / f"pre-upgrade-{stamp}"
    n = 1
    while where.exists():
        n += 1
        where = paths.home / BACKUPS / f"pre-upgrade-{stamp}-{n}"
    make_private_dir(where)
    database = partial(sqlite3.connect, paths.database, timeout=30.0, isolation_level=None)
    # One connection holds the write lock, so that no entry is written while the two
    # are copied; another reads (a backup from the writing connection never starts).
    with closing(database()) as lock, closing(database()) as db:
        lock.execute("BEGIN IMMEDIATE")
        try:
            os.close(create_private_file(where / paths.database.name))
            with closing(sqlite3.connect(where / paths.database.name)) as copy:
                db.backup(copy)
                copy.execute("PRAGMA journal_mode = DELETE")  # one file, no -wal beside it
            for log in sorted(paths.home.glob(f"{paths.log.name}*")):
                _copy_private(log, where / log.name)
        finally:
            lock.execute("ROLLBACK")
    make_private_dir(where / paths.policies.name)
    for policy in sorted(paths.policies.glob("*.toml")):
        _copy_private(policy, where / paths.policies.name / policy.name)
    return where


def _copy_private(source: Path, target: Path) -> None:
    with source.open("rb") as src, os.fdopen(create_private_file(target), "wb") as dst:
        shutil.copyfileobj(src, dst)
        dst.flush()
        os.fsync(dst.fileno())
