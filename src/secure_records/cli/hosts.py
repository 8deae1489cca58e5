"""`secure-records hosts`: the app hosts that have opened the vault, and the key
versions each one's keyring held when last seen."""

from __future__ import annotations

import click

from secure_records.cli.context import CliContext, pass_cli
from secure_records.cli.output import json_option, say, say_json
from secure_records.core.text import printable


def _versions(numbers: tuple[int, ...]) -> str:
    return ", ".join(str(n) for n in numbers) or "none"


@click.command("hosts")
@json_option
@click.option(
    "--forget", "forget", metavar="NAME", help="Take a retired host out of the list (logged)."
)
@pass_cli
def hosts(cli: CliContext, as_json: bool, forget: str | None) -> None:
    """The hosts that have opened the vault, their key versions, first and last seen."""
    from secure_records.admin.host_keys import forget_host
    from secure_records.admin.host_keys import hosts as vault_hosts

    admin = cli.admin()
    if forget is not None:
        forget_host(admin, forget)
        say(
            f"Host {printable(forget)} is no longer listed, and a rotation's commit no longer "
            "waits for it; if it opens the vault again, it is listed again."
        )
        return
    found = vault_hosts(admin)
    if as_json:
        say_json(
            {
                "current_version": found.current,
                "staged_version": found.staged,
                "this_host": found.here,
                "hosts": [
                    {
                        "name": row.name,
                        "versions": list(row.versions),
                        "first_seen": row.first_seen,
                        "last_seen": row.last_seen,
                    }
                    for row in found.rows
                ],
            }
        )
        return
    staged = "" if found.staged is None else f", version {found.staged} staged"
    say(f"The vault's key is at version {found.current}{staged}.")
    for row in found.rows:
        here = " (this host)" if row.name == found.here else ""
        say(
            f"{printable(row.name)}{here}: key {_versions(row.versions)}; first seen "
            f"{row.first_seen}, last seen {row.last_seen}"
        )
