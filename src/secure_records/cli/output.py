"""What a command prints: results on stdout, warnings and refusals on stderr.

A refusal is one sentence and a non-zero exit, never a traceback: a traceback can
carry a confidential value.
"""

from __future__ import annotations

from typing import NoReturn

import click

from secure_records.core.text import printable


def say(message: str) -> None:
    click.echo(message)


def warn(message: str) -> None:
    click.echo(message, err=True)


def refuse(*sentences: str, code: int = 1) -> NoReturn:
    """Print each sentence on stderr and end the command with `code`.

    A sentence can quote a record value or bytes from a file: `printable` keeps
    control characters from reaching the terminal raw."""
    for sentence in sentences:
        warn(printable(sentence))
    click.get_current_context().exit(code)
