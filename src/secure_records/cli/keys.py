"""The key-encryption key: `key rotate`, `key retire`, `key recovery-code --new` and
`key recover --recovery-code`."""

from __future__ import annotations

import sys
from datetime import date, datetime

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
    else:
        typed = sys.stdin.readline().strip()
    if not typed.strip():
        refuse("No recovery code was given; nothing was changed.", code=2)
    return typed


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


OLD_BACKUPS = (
    "backups taken before still open with the recovery code that was current when each "
    "was taken: to make them unreadable, destroy those backups (or that old code)"
)


def _day(typed: str) -> date:
    """YYYY-MM-DD, or DD/MM/YYYY as UK staff write it."""
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(typed, pattern).date()
        except ValueError:
            continue
    refuse(
        f"--before {typed!r} is not a date: give it as YYYY-MM-DD or DD/MM/YYYY; nothing was "
        "retired.",
        code=2,
    )


@key.command("retire")
@click.option(
    "--before",
    required=True,
    help="Retire every version replaced before this date (YYYY-MM-DD or DD/MM/YYYY).",
)
@pass_cli
def key_retire(cli: CliContext, before: str) -> None:
    """Remove key versions replaced before DATE from the keyring and the recovery code."""
    from secure_records.admin import retire_keys

    day = _day(before)
    if day > date.today():
        refuse(
            f"--before {day.isoformat()} is after today: retiring the versions replaced before "
            "a future date would retire every old version now; give today's date or an "
            "earlier one. Nothing was retired.",
            code=2,
        )
    retired = retire_keys(cli.admin(), day)
    if retired.again:
        say(
            f"Key-encryption key {versions(retired.again)}, retired earlier, was in this "
            "host's keyring again (put back by a restore, or left by an interrupted "
            "retirement): removed from it, and logged."
        )
    if not retired.versions:
        say(
            f"No key-encryption key version was replaced before {day.isoformat()}; "
            f"{'no other version' if retired.again else 'nothing'} was retired "
            f"(version {retired.current}, the current one, is always kept)."
        )
        return
    say(
        f"Retired key-encryption key {versions(retired.versions)} (replaced before "
        f"{day.isoformat()}): removed from this host's keyring and from the recovery code's "
        f"wrapping in the vault; version {retired.current}, the current one, is kept. "
        f"The {OLD_BACKUPS}."
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
    say(
        "The previous recovery code, if there was one, no longer opens this vault's keys; "
        f"{OLD_BACKUPS}."
    )
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
    if not recovered.versions:
        warn("The recovery code opened no key version: every one was retired.")
        return
    if not recovered.put_back:
        say(
            f"Key-encryption key {versions(recovered.versions)} of vault {recovered.vault_id} "
            f"{'is' if len(recovered.versions) == 1 else 'are'} already in this host's keyring "
            f"({recovered.keyring}); nothing was missing and nothing was changed."
        )
        return
    verb = "is" if len(recovered.put_back) == 1 else "are"
    say(
        f"Key-encryption key {versions(recovered.put_back)} of vault {recovered.vault_id} "
        f"{verb} back in the keyring ({recovered.keyring}); sessions can open the vault again."
    )
