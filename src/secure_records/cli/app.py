"""The commands that open the app: `session` (a staff member's, over SSH) and `demo`."""

from __future__ import annotations

import contextlib
import os
import sys
from typing import TYPE_CHECKING

import click

from secure_records.cli.context import CliContext, pass_cli
from secure_records.cli.output import say, warn
from secure_records.core.errors import BadInput
from secure_records.tui.hangup import HangUp
from secure_records.tui.textual_switches import close_textual_switches

if TYPE_CHECKING:
    from secure_records.session import Session
    from secure_records.tui.app import SecureRecordsApp


def _prepare_terminal() -> None:
    """Before Textual is imported (it reads its variables once, then): none of its
    switches (screenshots, devtools, a log file...) works; a remote terminal gets
    fewer frames and no animations over a slow link."""
    close_textual_switches()
    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    if os.environ.get("SSH_CONNECTION"):
        os.environ.setdefault("TEXTUAL_FPS", "30")


def _run_app(app: SecureRecordsApp) -> None:
    """Run the app; its exit message (a refusal, a lock that could not be logged, an
    unexpected error's reference) is one sentence on stderr, and its return code
    becomes ours."""
    app.run()
    code = app.return_code or 0
    if code:
        raise click.exceptions.Exit(code)


@click.command()
@click.argument("name")
@pass_cli
def session(cli: CliContext, name: str) -> None:
    """Open the app as staff member NAME (what an SSH key's forced command runs).

    SSH_ORIGINAL_COMMAND, which the client controls, is ignored.
    """
    # From the first line: a connection that drops while the session starts still
    # ends it, logged, and the process (never left waiting for a terminal gone).
    with HangUp(nothing_open=True) as hangup:
        try:
            _run_session(name, cli.home, hangup)
        finally:
            hangup.exit_if_hung_up()


def _may_start(name: str, home: str | None) -> str | None:
    """Everything but the PIN (no PIN set, a lockout, the vault's checks), logged if
    refused; the insecure keyring warning if there is one. Imported here: the session
    is heavy, and most commands do not need it."""
    from secure_records.session import Session

    return Session.may_start(name, home)


def _run_session(name: str, home: str | None, hangup: HangUp) -> None:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        # `ssh host some-command` arrives here with no terminal: the app, or nothing
        # (a refusal first, as a plain sentence, if there is one).
        _may_start(name, home)
        raise BadInput("secure-records needs a terminal: connect with 'ssh -t'.")
    if hangup.signal is not None:
        return  # hung up before the app: nothing was opened
    _prepare_terminal()
    from secure_records.tui.app import SecureRecordsApp

    # The PIN screen is drawn first; the vault is checked while the PIN is typed, and a
    # refusal ends the app with its sentence on stderr. The session opens only once the
    # PIN is right.
    app = SecureRecordsApp(
        lambda staff, pin: _open(staff, home, pin),
        staff_name=name,
        hangup=hangup,
        check_first=lambda: _may_start(name, home),
    )
    try:
        _run_app(app)
    finally:
        app.end_session(hangup.why or "ended")
        if app.startup_warning:
            with contextlib.suppress(OSError):
                warn(app.startup_warning)


def _open(name: str, home: str | None, pin: str) -> Session:
    from secure_records.session import Session

    return Session.open(name, home, pin=pin)


@click.command()
@click.option("--records", default=500, show_default=True, type=click.IntRange(1, 200_000))
@click.option("--seed", default=7, show_default=True, type=int)
@click.option("--summary", is_flag=True, help="Print a summary instead of opening the app.")
def demo(records: int, seed: int, summary: bool) -> None:
    """Build a throwaway vault of fictional records and open the app on it."""
    from secure_records.demo import DEMO_PIN, DEMO_STAFF, build_demo_vault

    built = build_demo_vault(records, seed)
    try:
        if not summary:
            _prepare_terminal()
            from secure_records.session import Session
            from secure_records.tui.app import SecureRecordsApp

            labels = [(name, built.admin.policy.roles[role].label) for name, role in DEMO_STAFF]
            with HangUp() as hangup:
                app = SecureRecordsApp(
                    lambda name, pin: Session.open(name, built.home, pin=pin),
                    demo_staff=labels,
                    hangup=hangup,
                )
                try:
                    _run_app(app)
                finally:
                    app.end_session(hangup.why or "demo ended")
            return
        admin = built.admin
        say(f"Demo vault (throwaway, fictional records) at {built.home}")
        if admin.insecure_keyring_warning:
            say(admin.insecure_keyring_warning)
        say(f"{admin.record_count()} records; staff and what their role lets them list:")
        for count in admin.scope_counts():
            if count.scope.value in ("all", "caseload"):
                what = f"{count.records} records ({count.scope.value})"
            elif count.scope.value == "index":
                what = "an exact name + date of birth match only (index)"
            else:
                what = "no records (none)"
            say(f"  {count.staff:<10} {count.role:<18} {what}")
        say(f"Every demo PIN is {DEMO_PIN}. The vault is deleted when this command ends.")
    finally:
        built.close()
