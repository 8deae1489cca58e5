"""A vault's schema against this release's migrations: what it lacks, and bringing
it up to date in one transaction (for `secure-records upgrade` alone: every door
refuses a vault that lacks a migration)."""

from __future__ import annotations

from secure_records.vault import database
from secure_records.vault.home import VaultPaths
from secure_records.vault.sqlite import migrations
from secure_records.vault.sqlite.migrations import Migration

__all__ = ["Migration", "latest", "migrate", "still_needed"]


def still_needed(paths: VaultPaths) -> list[Migration]:
    """The migrations this vault lacks, nothing changed; VaultError for a vault a newer
    release migrated (naming the migration it needs) or for no vault at all."""
    conninfo = database.configured(paths)
    if conninfo is None:
        return migrations.still_needed(paths.database)
    return database.postgres().still_needed(conninfo)


def migrate(paths: VaultPaths) -> None:
    """Every migration it lacks, in one transaction: all of them, or (one failing, or
    the process killed) none. Another process that got there first leaves nothing."""
    database.connect(paths, upgrade=True).close()


def latest() -> Migration:
    return migrations.MIGRATIONS[-1]
