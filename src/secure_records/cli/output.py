"""What a command prints: results on stdout, warnings and refusals on stderr.

A refusal is one sentence and a non-zero exit, never a traceback: a traceback can
carry a confidential value.
"""

from __future__ import annotations

import json
from typing import Any, NoReturn

import click

from secure_records.core.text import printable


def say(message: str) -> None:
    click.echo(message)


def say_json(value: dict[str, Any]) -> None:
    """One JSON object on one line (`--json`): ensure_ascii escapes every control
    character a value might carry, and sorted keys keep the output stable."""
    click.echo(json.dumps(value, ensure_ascii=True, sort_keys=True))


def warn(message: str) -> None:
    click.echo(message, err=True)


# `--json` on a list or verify command: the same facts as its text, for a script.
json_option = click.option(
    "--json", "as_json", is_flag=True, help="One JSON object per line, for scripts."
)


def refuse(*sentences: str, code: int = 1) -> NoReturn:
    """Print each sentence on stderr and end the command with `code`.

    A sentence can quote a record value or bytes from a file: `printable` keeps
    control characters from reaching the terminal raw."""
    for sentence in sentences:
        warn(printable(sentence))
    click.get_current_context().exit(code)
