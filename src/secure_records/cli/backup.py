"""Backups: `backup create`, `backup verify` and `backup restore`."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import click

from secure_records.cli.context import CliContext, pass_cli
from secure_records.cli.output import say, warn
from secure_records.core.text import counted

if TYPE_CHECKING:
    from secure_records.admin.backup import BackupSummary

BACKUP_FILE = click.Path(dir_okay=False, path_type=Path)


@click.group("backup")
def backup_group() -> None:
    """Consistent, encrypted backups of the vault, and restoring one."""


def _say_holds(b: BackupSummary, where: str) -> None:
    say(
        f"Backup {b.backup_id} {where}: {counted(b.records, 'record')}, the log up to entry "
        f"{b.log_seq}, taken at {b.taken_at}, key-encryption key version {b.kek_version}, "
        f"{b.size:,} bytes."
    )


@backup_group.command("create")
@click.argument("path", type=BACKUP_FILE)
@pass_cli
def backup_create(cli: CliContext, path: Path) -> None:
    """Write a backup of the vault to PATH, a new file (taken under the write lock)."""
    from secure_records.admin.backup import create_backup

    _say_holds(create_backup(cli.admin(), path), f"written to {path}")


@backup_group.command("verify")
@click.argument("path", type=BACKUP_FILE)
def backup_verify(path: Path) -> None:
    """Check a backup without restoring it: it opens, its log and sealed rows verify."""
    from secure_records.admin.backup import verify_backup

    _say_holds(verify_backup(path, Path(tempfile.gettempdir())), f"at {path} verifies")


@backup_group.command("restore")
@click.argument("path", type=BACKUP_FILE)
@click.option(
    "--home",
    "target",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="A new or empty directory to restore the vault into.",
)
@click.option(
    "--ledger",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The disposal ledger to read (default: the live vault's, disposals.ledger).",
)
@click.option(
    "--without-ledger",
    is_flag=True,
    help="Restore with no ledger: records disposed of after the backup come back.",
)
@pass_cli
def backup_restore(
    cli: CliContext, path: Path, target: Path, ledger: Path | None, without_ledger: bool
) -> None:
    """Restore a backup into a new home, disposing again of every record certified as
    disposed of since the backup was taken (from the disposal ledger)."""
    from secure_records.admin.backup import restore

    done = restore(path, target, cli.home, ledger, without_ledger=without_ledger)
    b = done.backup
    say(
        f"Restored backup {b.backup_id} (taken at {b.taken_at}: {counted(b.records, 'record')}, "
        f"the log up to entry {b.log_seq}) into {done.home}; the log records the restore at "
        f"entry {done.log_seq}."
    )
    again = ", ".join(done.disposed_again)
    said = f": {again}" if again else ""
    say(
        f"{counted(len(done.disposed_again), 'disposal')} certified after the backup "
        f"carried out again{said}."
    )
    if without_ledger:
        warn(
            "No disposal ledger was read: a record disposed of after the backup was taken is "
            "back in this vault; dispose of it again."
        )
