"""The key-encryption key: `key rotate`."""

from __future__ import annotations

import click

from secure_records.cli.context import CliContext, pass_cli
from secure_records.cli.output import say
from secure_records.cli.progress import progress_bar


@click.group()
def key() -> None:
    """The key-encryption key."""


@key.command("rotate")
@pass_cli
def key_rotate(cli: CliContext) -> None:
    """New key-encryption key; every data key re-wrapped; the old key removed."""
    admin = cli.admin()
    with progress_bar("Re-wrapping data keys") as progress:
        version = admin.rotate_key(progress)
    say(f"Key-encryption key rotated to version {version}; the old key was removed.")
