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
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from secure_records.admin.administration import Administration
from secure_records.admin.backup import log_backup
from secure_records.admin.up_to_date import bring_up, policy_additions
from secure_records.core.errors import VaultError
from secure_records.vault import backup, database, schema
from secure_records.vault.home import VaultPaths, resolve_home
from secure_records.vault.private_files import make_private_dir
from secure_records.vault.recovery import has_recovery_code

BACKUPS = "backups"
# What `upgrade` names as the copy taken first, on PostgreSQL.
POSTGRES_COPY = Path("the PostgreSQL server's own backups")


@dataclass(frozen=True)
class Upgraded:
    backup: Path | None  # None: nothing was needed, so nothing was taken
    migrations: tuple[schema.Migration, ...]
    policy_added: tuple[str, ...]
    latest: schema.Migration
    recovery_code: bool = True  # False: the vault has none (made before them)

    @property
    def nothing(self) -> bool:
        return self.backup is None


def upgrade(home: str | os.PathLike[str] | VaultPaths | None = None) -> Upgraded:
    """Upgrade the vault at `home`; VaultError in one sentence if it cannot be (a newer
    release's vault names the migration it needs; nothing is then changed)."""
    paths = home if isinstance(home, VaultPaths) else resolve_home(home)
    if not database.holds_vault(paths):
        raise VaultError(f"No vault at {paths.home}; run 'secure-records init' or pass --home.")
    needed = schema.still_needed(paths)
    if not needed and not policy_additions(paths).added:
        return Upgraded(None, (), (), schema.latest(), has_recovery_code(paths))
    # On PostgreSQL the copy is the server's own (pg_dump, base backups): the README says
    # to take one first. The migration is still one transaction.
    taken = None if database.configured(paths) else _backup_first(paths)
    if needed:
        schema.migrate(paths)
    with Administration.open(paths, any_policy=True) as admin:
        if taken is not None:
            log_backup(admin, taken[1], taken[0])
        path = taken[0] if taken is not None else POSTGRES_COPY
        added = bring_up(admin, needed, path)
    return Upgraded(path, tuple(needed), added, schema.latest(), has_recovery_code(paths))


def _backup_first(paths: VaultPaths) -> tuple[Path, backup.Manifest]:
    """`backup create` of the vault as it is, before anything changes, into
    <home>/backups/pre-upgrade-<UTC>.backup: one encrypted file that `backup verify`
    and `backup restore` read (a restore brings its copy up to this release again).
    Logged as taken once the migrated vault can take the entry."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    make_private_dir(paths.home / BACKUPS)
    where = paths.home / BACKUPS / f"pre-upgrade-{stamp}.backup"
    n = 1
    while where.exists():
        n += 1
        where = paths.home / BACKUPS / f"pre-upgrade-{stamp}-{n}.backup"
    manifest, _ = backup.take_as_is(paths, where)
    return where, manifest
