"""The vault as a whole: `vault verify`, and `vault seal` for a vault made before its
policy, or its rows, were sealed."""

from __future__ import annotations

import click

from secure_records.admin import row_sealing
from secure_records.cli.context import CliContext, pass_cli
from secure_records.cli.output import json_option, refuse, say, say_json
from secure_records.cli.progress import progress_bar
from secure_records.core.text import plural


@click.group("vault")
def vault_group() -> None:
    """The vault as a whole: its seals."""


@vault_group.command("verify")
@json_option
@pass_cli
def vault_verify(cli: CliContext, as_json: bool) -> None:
    """Check the log, every sealed row, every record's history and the policy seal."""
    # Runs on any policy: diagnosing a vault must not need it to be healthy.
    admin = cli.admin(any_policy=True)
    with progress_bar("Verifying the vault") as progress:
        report = row_sealing.verify_vault(admin, progress)
    if as_json:
        say_json(report.facts())
        if not report.intact:  # on stderr too, as every failure is
            refuse("vault verify: problems found", *report.lines())
        return
    lines = report.lines()
    if report.intact:
        say("\n".join(lines))
        return
    # A problem can quote bytes from the log: refuse() keeps them from the terminal raw.
    refuse("vault verify: problems found", *lines)


@vault_group.command("seal")
@pass_cli
def vault_seal(cli: CliContext) -> None:
    """Seal an older vault's policy files and rows as they stand (once, after checking
    them with 'secure-records vault verify')."""
    # Opens an unsealed vault on purpose; refuses what is already sealed.
    admin = cli.admin(any_policy=True)
    policy_unsealed = admin.vault.policy_seal.stored() is None
    rows = row_sealing.unsealed_rows(admin)
    if policy_unsealed or not rows:
        # Also the refusal when nothing at all is left to seal.
        digest = admin.seal_policy()
        say(f"The vault's policy is sealed (policy hash {digest}).")
    if rows:
        count = row_sealing.seal_rows(admin)
        say(
            f"{count:,} {plural(count, 'row')} from before rows were sealed "
            f"{plural(count, 'is', 'are')} sealed now."
        )
