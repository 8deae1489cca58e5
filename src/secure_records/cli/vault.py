"""The vault as a whole: `vault seal`, for a vault made before its policy was sealed."""

from __future__ import annotations

import click

from secure_records.cli.context import CliContext, pass_cli
from secure_records.cli.output import say


@click.group("vault")
def vault_group() -> None:
    """The vault as a whole: its seals."""


@vault_group.command("seal")
@pass_cli
def vault_seal(cli: CliContext) -> None:
    """Seal an older vault's policy files as they stand (once, after checking them)."""
    # Opens an unsealed vault on purpose; refuses (in seal_policy) one already sealed.
    digest = cli.admin(any_policy=True).seal_policy()
    say(f"The vault's policy is sealed (policy hash {digest}).")
