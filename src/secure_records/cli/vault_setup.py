"""Founding a vault (`init`) and checking policy files (`policy check`)."""

from __future__ import annotations

from pathlib import Path

import click

from secure_records.admin import Administration, check_policy
from secure_records.cli.context import CliContext, pass_cli
from secure_records.cli.output import say, warn


@click.command()
@click.option(
    "--policies",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Policy directory to copy into the vault (default: the shipped policies).",
)
@pass_cli
def init(cli: CliContext, policies: Path | None) -> None:
    """Create a new vault and its key-encryption key."""
    with Administration.init(cli.home, policies) as admin:
        if admin.insecure_keyring_warning:
            warn(admin.insecure_keyring_warning)
        say(f"Created vault {admin.vault_id} at {admin.home}.")


@click.group()
def policy() -> None:
    """Policy files."""


@policy.command("check")
@click.argument("directory", required=False, type=click.Path(path_type=Path))
def policy_check(directory: Path | None) -> None:
    """Validate a policy directory (default: the shipped policies)."""
    checked = check_policy(directory)
    for warning in checked.warnings:
        warn(f"warning: {warning}")
    say(f"policy ok: {checked.summary()}")
