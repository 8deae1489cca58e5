"""The encrypted, tamper-evident log: `log verify`, `checkpoint` and `show`."""

from __future__ import annotations

from datetime import datetime

import click

from secure_records.cli.context import CliContext, pass_cli
from secure_records.cli.output import json_option, refuse, say, say_json
from secure_records.cli.progress import progress_bar
from secure_records.core.action_words import action_words
from secure_records.core.log_words import said
from secure_records.core.text import printable


@click.group("log")
def log_group() -> None:
    """The encrypted, tamper-evident log of every access and decision."""


@log_group.command("verify")
@click.option("--checkpoint", default=None, help="A line printed earlier by 'log checkpoint'.")
@json_option
@pass_cli
def log_verify(cli: CliContext, checkpoint: str | None, as_json: bool) -> None:
    """Check every entry's MAC, the sequence, and the sealed head."""
    # Runs on any policy: diagnosing a vault must not need it to be healthy.
    admin = cli.admin(any_policy=True)
    with progress_bar("Verifying the log") as progress:
        verdict = admin.verify_log(checkpoint, progress)
    if as_json:
        say_json({**verdict.facts(), "checkpoint_given": checkpoint is not None})
        if not verdict.intact:  # on stderr too, as every failure is
            refuse(f"log verify: {verdict.sentence()}")
        return
    if verdict.intact:
        suffix = " and extends the checkpoint" if checkpoint else ""
        say(verdict.sentence() + suffix)
        return
    # The problem can quote bytes from the log file: refuse() keeps them from the
    # terminal raw.
    refuse(f"log verify: {verdict.sentence()}")


@log_group.command("checkpoint")
@pass_cli
def log_checkpoint(cli: CliContext) -> None:
    """Print one line to keep offline; 'log verify --checkpoint LINE' proves the log
    still extends it."""
    say(cli.admin().log_checkpoint())


@log_group.command("show")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.option("--record", default=None, help="Only entries about this record.")
@click.option("--actor", default=None, help="Only entries by this staff member.")
@click.option("--since", default=None, type=click.DateTime(["%Y-%m-%d"]), help="YYYY-MM-DD")
@click.option(
    "--personal",
    is_flag=True,
    help="Print the details that name or describe a person too (logged, and flagged "
    "in the access review).",
)
@pass_cli
def log_show(
    cli: CliContext,
    as_json: bool,
    record: str | None,
    actor: str | None,
    since: datetime | None,
    personal: bool,
) -> None:
    """Show log entries, decrypted. Details that name or describe a person show as
    [withheld] unless --personal; a disposed record's show as [disposed]."""
    entries = cli.admin().read_log(
        record, actor, since.date() if since else None, personal=personal
    )
    for entry in entries:
        row = {
            "seq": entry.seq,
            "time": entry.time,
            "actor": entry.actor,
            "role": entry.role,
            "action": entry.action,
            "record": entry.record_id,
            "details": entry.details,
            "personal": entry.personal,
        }
        if as_json:
            say_json(row)
            continue
        # In words, as the auditor's screen says them; --json keeps the identifiers.
        told = "; ".join(
            f"{line.label}: {line.value}" if line.value else line.label
            for line in said(entry.details, entry.personal, {})
        )
        line = (
            f"{entry.seq:>6} {entry.time} {entry.actor} ({entry.role}) "
            f"{action_words(entry.action)}{' ' + entry.record_id if entry.record_id else ''}"
            f"{': ' + told if told else ''}"
        )
        say(printable(line.rstrip()))
