"""What every command is given: the options of the root group, typed, and the way
to open the vault's administration for the length of one command."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import click

from secure_records.cli.output import warn

if TYPE_CHECKING:
    from secure_records.admin import Administration


@dataclass(frozen=True)
class CliContext:
    """The root group's options (`--home`), passed to every command that needs them."""

    home: str | None

    def admin(self, *, any_policy: bool = False) -> Administration:
        """The vault's administration, closed when the running command ends; refused
        on policy files that do not match their seal, unless `any_policy`."""
        # Imported here: `session` (cli/app.py) shares this module and never needs it.
        from secure_records.admin import Administration

        admin = Administration.open(self.home, any_policy=any_policy)
        if admin.insecure_keyring_warning:
            warn(admin.insecure_keyring_warning)
        click.get_current_context().call_on_close(admin.close)
        return admin


# `@pass_cli` hands a command the nearest CliContext (the root group sets it).
pass_cli = click.make_pass_decorator(CliContext)
