"""The key-encryption key: `key rotate [--commit]`, `key retire`, `key recovery-code
--new`, `key recover --recovery-code`, and `key export-to-host` / `key import` between
app hosts."""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path

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


def read_secret(label: str) -> str:
    """A code or passphrase, asked for on a terminal (not echoed), else one line of
    standard input; never from the command line, where `ps` and shell history see it."""
    if sys.stdin.isatty():
        typed: str = click.prompt(label, hide_input=True)
    else:
        typed = sys.stdin.readline().strip()
    if not typed.strip():
        refuse(f"No {label.lower()} was given; nothing was changed.", code=2)
    return typed


def read_recovery_code() -> str:
    return read_secret("Recovery code")


def versions(numbers: list[int]) -> str:
    """ "version 1" or "versions 1, 2"."""
    listed = ", ".join(str(n) for n in numbers)
    return f"version {listed}" if len(numbers) == 1 else f"versions {listed}"


@click.group()
def key() -> None:
    """The key-encryption key and the recovery code."""


@key.command("rotate")
@click.option(
    "--commit",
    is_flag=True,
    help="With several hosts: make the staged version the vault's key, once every host holds it.",
)
@pass_cli
def key_rotate(cli: CliContext, commit: bool) -> None:
    """New key-encryption key; every data key re-wrapped; older versions kept for backups.

    With several app hosts, the new version is first staged here, exported to the
    others, then committed with --commit."""
    from secure_records.admin.host_keys import commit_rotation, rotate_or_stage

    admin = cli.admin()
    if commit:
        with progress_bar("Re-wrapping data keys") as progress:
            version = commit_rotation(admin, progress)
    else:
        with progress_bar("Re-wrapping data keys") as progress:
            rotation = rotate_or_stage(admin, progress)
        if rotation.staged:
            say(
                f"Key-encryption key version {rotation.version} is staged in this host's "
                f"keyring; the other hosts ({', '.join(rotation.others)}) need it before it is "
                "used: run 'secure-records key export-to-host FILE' here, 'secure-records key "
                "import FILE' on each of them, then 'secure-records key rotate --commit'."
            )
            return
        version = rotation.version
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


SHOWN_ONCE = (
    "This passphrase is shown only this once and stored nowhere: give it to the person at "
    "the other host by another channel than the file (read it out, or in person), never "
    "beside it."
)


@key.command("export-to-host")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_cli
def key_export_to_host(cli: CliContext, file: Path) -> None:
    """Write this host's key versions to FILE (new, 0600) under a one-time passphrase."""
    from secure_records.admin.host_keys import export_to_host

    exported = export_to_host(cli.admin(), file)
    say(
        f"Key-encryption key {versions(exported.versions)} written to {file}, sealed under "
        "the passphrase below; on the other host run 'secure-records key import FILE', then "
        "delete the file."
    )
    say(f"Passphrase: {exported.passphrase}")
    say(SHOWN_ONCE)


@key.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_cli
def key_import(cli: CliContext, file: Path) -> None:
    """Put the key versions of a transfer file (key export-to-host) into this keyring."""
    from secure_records.admin.host_keys import import_keys

    imported = import_keys(cli.home, file, read_secret("Passphrase"))
    if not imported.put_in:
        say(
            f"Key-encryption key {versions(imported.versions)} of this vault "
            f"{'is' if len(imported.versions) == 1 else 'are'} already in this host's keyring "
            f"({imported.keyring}); nothing was changed."
        )
        return
    say(
        f"Key-encryption key {versions(imported.put_in)} of this vault put into this host's "
        f"keyring ({imported.keyring}); this host can open the vault. Delete the transfer file."
    )
