"""Records from the command line: `import` a file, `assign` and `unassign` caseloads."""

from __future__ import annotations

from pathlib import Path

import click

from secure_records.cli.context import CliContext, pass_cli
from secure_records.cli.output import say
from secure_records.core.text import counted


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@pass_cli
def import_(cli: CliContext, file: Path) -> None:
    """Import records from a JSON Lines file: all of them, or none."""
    count = cli.admin().import_file(file)
    say(f"Imported {counted(count, 'record')} from {file}.")


@click.command()
@click.argument("record")
@click.argument("name")
@pass_cli
def assign(cli: CliContext, record: str, name: str) -> None:
    """Add RECORD to NAME's caseload."""
    changed = cli.admin().assign(record, name)
    say(f"Assigned {record} to {name}." if changed else f"{record} was already assigned to {name}.")


@click.command()
@click.argument("record")
@click.argument("name")
@pass_cli
def unassign(cli: CliContext, record: str, name: str) -> None:
    """Remove RECORD from NAME's caseload."""
    changed = cli.admin().unassign(record, name)
    say(f"Unassigned {record} from {name}." if changed else f"{record} was not assigned to {name}.")
