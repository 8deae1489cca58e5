"""The key-encryption key: `key rotate`, `key retire`, `key recovery-code --new` and
`key recover --recovery-code`."""

from __future__ import annotations

import sys
from datetime import datetime

import click

from secure_records.cli.context import CliContext, pass_cli
from secure_records.cli.output import refuse, say, warn
from secure_records.cli.progress import progress_bar

KEEP_OFFLINE = (
    "Write the recovery code down and keep it offline, away from this host: with it "
    "every version of the vault's key can be put back into an emptied keyring, and it "
    "is shown only this once."
)


def show_recovery_code(code: str) -> None:
    """The one time a recovery code is shown (it is stored nowhere)."""
    say(f"Recovery code: {code}")
    say(KEEP_OFFLINE)


def read_recovery_code() -> str:
    """The recovery code, asked for on a terminal (not echoed), else one line of
    standard input; never from the command line, where `ps` and shell history see it."""
    if sys.stdin.isatty():
        typed: str = click.prompt("Recovery code", hide_input=True)
        return typed
    return sys.stdin.readline().strip()


def versions(numbers: list[int]) -> str:
    """ "version 1" or "versions 1, 2"."""
    listed = ", ".join(str(n) for n in numbers)
    return f"version {listed}" if len(numbers) == 1 else f"versions {listed}"


@click.group()
def key() -> None:
    """The key-encryption key and the recovery code."""


@key.command("rotate")
@pass_cli
def key_rotate(cli: CliContext) -> None:
    """New key-encryption key; every data key re-wrapped; older versions kept for backups."""
    admin = cli.admin()
    with progress_bar("Re-wrapping data keys") as progress:
        version = admin.rotate_key(progress)
    say(
        f"Key-encryption key rotated to version {version}; the older versions stay in the "
        "keyring for backups taken under them until 'secure-records key retire --before DATE'."
    )


@key.command("retire")
@click.option(
    "--before",
    required=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Retire every version replaced before this date (YYYY-MM-DD).",
)
@pass_cli
def key_retire(cli: CliContext, before: datetime) -> None:
    """Remove old key versions: backups taken before DATE can no longer be opened."""
    from secure_records.admin import retire_keys

    day = before.date().isoformat()
    retired = retire_keys(cli.admin(), before.date())
    if not retired.versions:
        say(
            f"No key-encryption key version was replaced before {day}; nothing was retired "
            f"(version {retired.current}, the current one, is always kept)."
        )
        return
    say(
        f"Retired key-encryption key {versions(retired.versions)} (replaced before {day}): "
        "removed from the keyring and the recovery code, so backups that need them can no "
        f"longer be opened; version {retired.current}, the current one, is kept."
    )


@key.command("recovery-code")
@click.option("--new", "new", is_flag=True, help="Replace the recovery code (the old one is void).")
@pass_cli
def key_recovery_code(cli: CliContext, new: bool) -> None:
    """Replace the recovery code, or give a vault made before recovery codes its first."""
    from secure_records.admin import new_recovery_code

    if not new:
        refuse(
            "key recovery-code makes a new recovery code and voids the old one; pass --new "
            "to do that (the current code is stored nowhere and cannot be shown again).",
            code=2,
        )
    code = new_recovery_code(cli.admin())
    say("The previous recovery code, if there was one, no longer opens this vault's keys.")
    show_recovery_code(code)


@key.command("recover")
@click.option(
    "--recovery-code",
    "use_code",
    is_flag=True,
    help="Read the recovery code (asked for on a terminal, else one line of standard input).",
)
@pass_cli
def key_recover(cli: CliContext, use_code: bool) -> None:
    """Put every version of the vault's key back into this host's keyring."""
    from secure_records.admin import recover_keys

    if not use_code:
        refuse(
            "key recover needs --recovery-code: the recovery code is then asked for (or "
            "read from standard input); nothing was changed.",
            code=2,
        )
    recovered = recover_keys(cli.home, read_recovery_code())
    verb = "is" if len(recovered.versions) == 1 else "are"
    say(
        f"Key-encryption key {versions(recovered.versions)} of vault {recovered.vault_id} "
        f"{verb} back in the keyring ({recovered.keyring}); sessions can open the vault again."
    )
    if not recovered.versions:
        warn("The recovery code opened no key version: every one was retired.")
