"""Backups: `backup create`, `backup verify` and `backup restore`."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import click

from secure_records.cli.context import CliContext, pass_cli
from secure_records.cli.keys import read_recovery_code, versions
from secure_records.cli.output import json_option, refuse, say, say_json, warn
from secure_records.cli.progress import progress_bar
from secure_records.core.errors import VaultError
from secure_records.core.text import counted

if TYPE_CHECKING:
    from secure_records.admin.backup import BackupSummary

BACKUP_FILE = click.Path(dir_okay=False, path_type=Path)
NEW_FILE = click.Path(path_type=Path)  # a directory or a file: said in one sentence
# The code itself is never an argument (`ps` and shell history would see it).
recovery_code_option = click.option(
    "--recovery-code",
    "use_code",
    is_flag=True,
    help="Open the backup with the recovery code instead of the keyring (asked for on a "
    "terminal, else one line of standard input).",
)


@click.group("backup")
def backup_group() -> None:
    """Consistent, encrypted backups of the vault, and restoring one."""


def _say_holds(b: BackupSummary, where: str) -> None:
    say(
        f"Backup {b.backup_id} {where}: {counted(b.records, 'record')}, the log up to entry "
        f"{b.log_seq}, taken at {b.taken_at}, key-encryption key version {b.kek_version}, "
        f"{b.size:,} bytes."
    )
    if b.migrations:
        say(
            "It was taken by an older release of secure-records: a restore brings its vault "
            f"up to this one (migrations {', '.join(b.migrations)})."
        )


def _keys_put(put: list[int]) -> str:
    if not put:
        return (
            "The keys the recovery code opened were already in this host's keyring; nothing "
            "was put into it."
        )
    return (
        f"Key-encryption key {versions(put)} put into this host's keyring from the recovery "
        "code: the restored vault's keys are now in this host's keyring."
    )


@backup_group.command("create")
@click.argument("path", type=NEW_FILE)
@pass_cli
def backup_create(cli: CliContext, path: Path) -> None:
    """Write a backup of the vault to PATH, a new file (taken under the write lock)."""
    from secure_records.admin.backup import create_backup

    admin = cli.admin()
    with progress_bar("Encrypting the backup (MiB)") as progress:
        summary = create_backup(admin, path, progress)
    _say_holds(summary, f"written to {path}")


@backup_group.command("verify")
@click.argument("path", type=BACKUP_FILE)
@recovery_code_option
@json_option
def backup_verify(path: Path, use_code: bool, as_json: bool) -> None:
    """Check a backup without restoring it: it opens, its log and sealed rows verify."""
    from secure_records.admin.backup import verify_backup

    code = read_recovery_code() if use_code else None
    try:
        with progress_bar("Decrypting (MiB), then checking the backup") as progress:
            summary = verify_backup(path, Path(tempfile.gettempdir()), code, progress)
    except VaultError as exc:
        if not as_json:
            raise
        say_json({"verified": False, "file": str(path), "problem": str(exc)})
        refuse(str(exc), code=exc.exit_code)  # on stderr too, as every failure is
    if as_json:
        say_json({**summary.facts(), "file": str(path)})
        return
    _say_holds(summary, f"at {path} verifies")


@backup_group.command("restore")
@click.argument("path", type=BACKUP_FILE)
@click.option(
    "--home",
    "target",
    default=None,
    type=click.Path(path_type=Path),
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
@recovery_code_option
@pass_cli
def backup_restore(
    cli: CliContext,
    path: Path,
    target: Path | None,
    ledger: Path | None,
    without_ledger: bool,
    use_code: bool,
) -> None:
    """Restore a backup into a new home, disposing again of every record certified as
    disposed of since the backup was taken (from the disposal ledger); with
    --recovery-code when this host's keyring does not hold the vault's keys."""
    from secure_records.admin.backup import restore

    if target is None:
        refuse(
            "backup restore needs --home DIR, the new or empty directory to restore the vault "
            "into; nothing was restored.",
            code=2,
        )
    code = read_recovery_code() if use_code else None
    with progress_bar("Decrypting (MiB), then checking the backup") as progress:
        done = restore(
            path,
            target,
            cli.home,
            ledger,
            without_ledger=without_ledger,
            code=code,
            progress=progress,
        )
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
    if done.keys_recovered is not None:
        say(_keys_put(done.keys_recovered))
    if b.migrations:
        added = f"; its policy gained {', '.join(done.policy_added)}" if done.policy_added else ""
        say(
            "The backup was taken by an older release: the restored vault was brought up to "
            f"this one (migrations {', '.join(b.migrations)}){added}."
        )
    if without_ledger:
        warn(
            "No disposal ledger was read: a record disposed of after the backup was taken is "
            "back in this vault; dispose of it again."
        )
