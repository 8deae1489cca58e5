"""Outputs kept in the vault, at the host: `export kept`, `export list [--due]` and
`export release ID --to PATH`, the one way one leaves as a file (issue 18)."""

from __future__ import annotations

from pathlib import Path

import click

from secure_records.cli.context import CliContext, pass_cli
from secure_records.cli.output import json_option, say, say_json
from secure_records.core.dates import shown_date
from secure_records.core.text import counted, printable


@click.group("export")
def export() -> None:
    """Disclosure packages, subject access reports and access reviews: kept sealed in
    the vault, released only on purpose."""


@export.command("kept")
@json_option
@pass_cli
def export_kept(cli: CliContext, as_json: bool) -> None:
    """Every output kept in the vault: reference, kind, record, who made it, when."""
    from secure_records.admin.outputs import kept_outputs

    rows = kept_outputs(cli.admin())
    for row in rows:
        if as_json:
            say_json(
                {
                    "id": row.id,
                    "kind": row.kind.value,
                    "record": row.record_id,
                    "made_by": row.made_by,
                    "made_at": row.made_at,
                }
            )
            continue
        say(
            printable(
                f"{row.id}  {row.kind.label}  {row.record_id or '-'}  by {row.made_by}  "
                f"{shown_date(row.made_at[:10])}"
            )
        )
    if not as_json:
        say(f"{counted(len(rows), 'output')} kept.")


@export.command("list")
@click.option("--due", is_flag=True, help="Only released files past the policy's days.")
@json_option
@pass_cli
def export_list(cli: CliContext, due: bool, as_json: bool) -> None:
    """Every release: when, by whom, to whom, and the file it made."""
    from secure_records.admin.outputs import releases

    lines = releases(cli.admin(), due_only=due)
    for line in lines:
        if as_json:
            say_json(
                {
                    "release": line.release_id,
                    "output": line.output_id,
                    "kind": line.kind.value,
                    "released_at": line.released_at,
                    "released_by": line.released_by,
                    "recipient": line.recipient,
                    "file": line.path,
                    "shredded_at": line.shredded_at,
                    "due": line.due,
                }
            )
            continue
        state = (
            f"shredded {shown_date(line.shredded_at[:10])}"
            if line.shredded_at
            else "PAST ITS DAYS: shred it"
            if line.due
            else "kept by the recipient"
        )
        say(
            printable(
                f"{line.release_id}  {line.kind.label} {line.output_id}  released "
                f"{shown_date(line.released_at[:10])} by {line.released_by} to "
                f"{line.recipient}  file {line.path}  {state}"
            )
        )
    if not as_json:
        say(f"{counted(len(lines), 'release')}{' past their days' if due else ''}.")


@export.command("release")
@click.argument("output_id")
@click.option(
    "--to",
    "to",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The new file to write (an AES-256 zip); it must not exist yet.",
)
@click.option(
    "--recipient",
    prompt="Who is it for (name and organisation)",
    help="Who the file is for: their name and organisation.",
)
@pass_cli
def export_release(cli: CliContext, output_id: str, to: Path, recipient: str) -> None:
    """Release an output as an AES-256 zip (7-Zip opens it) under a new passphrase,
    printed once: give it to the recipient by phone, on the directory's number."""
    from secure_records.admin.outputs import release_output

    done = release_output(cli.admin(), output_id, recipient, to)
    say(f"{done.output_id} released as {done.release_id}: {done.path}")
    say(f"Passphrase (shown this once, kept nowhere): {done.passphrase}")
    say(
        "Give it to the recipient by phone, on the number the directory gives for "
        "them, never with the file."
    )
