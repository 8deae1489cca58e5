"""Records from the command line: `import` a file, `assign` and `unassign` caseloads."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from secure_records.cli.context import CliContext, pass_cli
from secure_records.cli.output import say
from secure_records.cli.progress import progress_bar
from secure_records.core.errors import BadInput
from secure_records.core.text import counted

STDIN = "-"
FROM_STDIN = "standard input"  # what the log and the message name instead of a file


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True))
@pass_cli
def import_(cli: CliContext, file: Path) -> None:
    """Import records from a JSON Lines file (- for standard input): all of them, or none."""
    admin = cli.admin()
    text = _standard_input() if str(file) == STDIN else None
    with progress_bar("Importing records") as progress:
        if text is None:
            count = admin.import_file(file, progress)
        else:
            count = admin.import_text(FROM_STDIN, text, progress)
    say(f"Imported {counted(count, 'record')} from {file if text is None else FROM_STDIN}.")


def _standard_input() -> str:
    """Standard input as text, read to its end: UTF-8, a byte order mark dropped."""
    if sys.stdin.isatty():
        # Nobody types JSON Lines: waiting here would look like a hang.
        raise BadInput(
            "import - reads records from standard input, and it is a terminal: pipe or "
            "redirect a file into it (secure-records import - < records.jsonl)."
        )
    binary = getattr(sys.stdin, "buffer", None)
    if binary is None:  # already text (a test's stdin)
        return sys.stdin.read().removeprefix("\ufeff")
    try:
        return bytes(binary.read()).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadInput("standard input: not UTF-8 text; nothing was imported.") from None


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
