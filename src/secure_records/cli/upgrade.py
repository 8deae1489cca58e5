"""`secure-records upgrade`: a vault an older release made, brought up to this one."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from secure_records.cli.context import CliContext, pass_cli
from secure_records.cli.output import say, warn

if TYPE_CHECKING:
    from secure_records.admin.upgrade import Upgraded


@click.command("upgrade")
@pass_cli
def upgrade(cli: CliContext) -> None:
    """Back the vault up, then migrate it in one transaction and add this release's
    new policy settings with their defaults (logged and sealed, as 'policy apply')."""
    # Imported here, as every command's module is: `session` never loads it.
    from secure_records.admin.upgrade import upgrade as upgrade_vault

    done = upgrade_vault(cli.home)
    latest = f"migration {done.latest.number}, {done.latest.name}"
    if done.nothing:
        say(f"The vault is already up to date ({latest}); nothing was changed.")
    else:
        _say_upgraded(done, latest)
    if not done.recovery_code:
        warn(NO_CODE)


NO_CODE = (
    "The vault has no recovery code (it was made before them): its keys cannot be put back "
    "into an emptied keyring; make one now with 'secure-records key recovery-code --new' "
    "and keep it offline."
)


def _say_upgraded(done: Upgraded, latest: str) -> None:
    say(f"Backup of the vault as it was: {done.backup}")
    if done.migrations:
        applied = ", ".join(f"{m.number} ({m.name})" for m in done.migrations)
        say(f"Migrations applied, in one transaction: {applied}.")
    for added in done.policy_added:
        say(f"Policy: added {added}.")
    say(f"The vault is up to date ({latest}).")
