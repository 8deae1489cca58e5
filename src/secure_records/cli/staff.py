"""Staff accounts: `staff add`, `list`, `disable`, `pin` and `unlock`."""

from __future__ import annotations

import getpass
import sys
from datetime import UTC, datetime

import click

from secure_records.cli.context import CliContext, pass_cli
from secure_records.cli.output import json_option, say, say_json


@click.group()
def staff() -> None:
    """Staff accounts."""


@staff.command("add")
@click.argument("name")
@click.option("--role", required=True, help="A role from the policy's roles.toml.")
@pass_cli
def staff_add(cli: CliContext, name: str, role: str) -> None:
    """Add a staff member with a role."""
    cli.admin().add_staff(name, role)
    say(f"Added {name} as {role}.")


@staff.command("list")
@json_option
@pass_cli
def staff_list(cli: CliContext, as_json: bool) -> None:
    """List staff members, their roles and whether they have a PIN."""
    rows = cli.admin().list_staff()
    if not rows and not as_json:
        say("No staff yet.")
    for row in rows:
        state = "disabled" if row.disabled else "active"
        now = datetime.now(UTC).isoformat()
        locked = row.locked_until if row.locked_until and row.locked_until > now else None
        if as_json:
            # The PIN's hash stays in the vault: only whether there is one.
            say_json(
                {
                    "name": row.name,
                    "role": row.role,
                    "state": state,
                    "pin_set": bool(row.pin_hash),
                    "locked_until": locked,
                }
            )
            continue
        pin = "PIN set" if row.pin_hash else "no PIN"
        if locked:
            pin += f", locked out until {locked[:16].replace('T', ' ')} UTC"
        say(f"{row.name}\t{row.role}\t{state}\t{pin}")


@staff.command("disable")
@click.argument("name")
@pass_cli
def staff_disable(cli: CliContext, name: str) -> None:
    """Disable a staff member: they can no longer open a session."""
    cli.admin().disable_staff(name)
    say(f"Disabled {name}.")


@staff.command("pin")
@click.argument("name")
@pass_cli
def staff_pin(cli: CliContext, name: str) -> None:
    """Set a staff member's PIN, read from standard input (never an argument)."""
    admin = cli.admin()
    if sys.stdin.isatty():
        pin = getpass.getpass(f"PIN for {name}: ")
        if getpass.getpass("Again: ") != pin:
            raise click.UsageError("The two PINs differ; nothing was changed.")
    else:
        pin = sys.stdin.readline().rstrip("\r\n")
    admin.set_pin(name, pin)
    say(f"PIN set for {name}.")


@staff.command("unlock")
@click.argument("name")
@pass_cli
def staff_unlock(cli: CliContext, name: str) -> None:
    """Lift a staff member's lockout after wrong PINs, and set their count back (logged)."""
    if cli.admin().unlock_staff(name):
        say(f"Unlocked {name}: their count of wrong PINs is back to nothing.")
    else:
        say(f"{name} was not locked out and had no wrong PINs; nothing was changed.")
