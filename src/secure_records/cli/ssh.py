"""Staff access over SSH: `ssh authorize`, `revoke` and `list`."""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from secure_records.admin.ssh import AccessKeys, default_authorized_keys
from secure_records.cli.context import CliContext, pass_cli
from secure_records.cli.output import json_option, say, say_json
from secure_records.core.text import counted


@dataclass(frozen=True)
class SshContext:
    """The `ssh` group's options, given to its commands."""

    cli: CliContext
    authorized_keys: Path
    program: str

    def keys(self) -> AccessKeys:
        return AccessKeys(self.cli.admin(), self.authorized_keys, self.program)


pass_ssh = click.make_pass_decorator(SshContext)


def _program() -> str:
    """This program's absolute path, for the forced command."""
    argv0 = Path(sys.argv[0])
    if argv0.name == "secure-records" and argv0.is_file():
        return str(argv0.resolve())
    found = shutil.which("secure-records")
    return str(Path(found).resolve()) if found else str(argv0.resolve())


@click.group()
@click.option(
    "--authorized-keys",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The service account's authorized_keys "
    "(default: $SECURE_RECORDS_AUTHORIZED_KEYS, else ~/.ssh/authorized_keys).",
)
@click.option(
    "--program",
    default=None,
    help="The secure-records executable the forced command runs (default: this one).",
)
@click.pass_context
@pass_cli
def ssh(
    cli: CliContext, ctx: click.Context, authorized_keys: Path | None, program: str | None
) -> None:
    """Staff access over SSH: one key, one staff member, no shell."""
    # The group's own context carries these to its commands (click hands a child
    # context its parent's object).
    ctx.obj = SshContext(cli, authorized_keys or default_authorized_keys(), program or _program())


@ssh.command("authorize")
@click.argument("name")
@click.argument("public_key_file", type=click.Path(dir_okay=False, path_type=Path))
@pass_ssh
def ssh_authorize(ssh: SshContext, name: str, public_key_file: Path) -> None:
    """Let NAME's key open the app as NAME (and nothing else)."""
    keys = ssh.keys()
    fingerprint = keys.authorize(name, public_key_file)
    say(f"Authorized {fingerprint} for {name} in {keys.path}.")


@ssh.command("revoke")
@click.argument("name")
@pass_ssh
def ssh_revoke(ssh: SshContext, name: str) -> None:
    """Remove every key of NAME."""
    keys = ssh.keys()
    say(f"Removed {counted(keys.revoke(name), 'key')} of {name} from {keys.path}.")


@ssh.command("list")
@json_option
@pass_ssh
def ssh_list(ssh: SshContext, as_json: bool) -> None:
    """The keys this tool added: staff member, key type, fingerprint."""
    for found in ssh.keys().list():
        if as_json:
            say_json(
                {"staff": found.staff, "type": found.key.kind, "fingerprint": found.key.fingerprint}
            )
            continue
        say(f"{found.staff}  {found.key.kind}  {found.key.fingerprint}")
