"""The PIN screen first; the vault checked while the PIN is typed (issue 17, start-up).

A refusal found by that check (no PIN set, a lockout) still ends the session with its
one sentence and exit code, logged; a PIN typed before the check is done waits for it;
an unexpected failure in it is the crash path's one sentence, never a traceback.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from secure_records.admin import Administration
from secure_records.core.errors import AccessRefused
from secure_records.session import Session
from secure_records.tui import crash
from secure_records.tui.app import SecureRecordsApp
from secure_records.tui.list_screen import RecordListScreen
from secure_records.tui.pin_screen import PinScreen
from tests.conftest import canary_row, write_jsonl
from tests.support.cli import subprocess_env
from tests.support.pty_session import PIN_PROMPT, PtySession
from tests.tui.conftest import PIN, SIZE, wait_for_screen


def entries(home: Path, action: str) -> list[dict[str, object]]:
    with Administration.open(home) as admin:
        return [e.details for e in admin.vault.log.entries() if e.action == action]


def with_pin(home: Path, name: str) -> Path:
    with Administration.open(home) as admin:
        admin.set_pin(name, PIN)
    return home


def checking(home: Path, check: Callable[[], str | None]) -> SecureRecordsApp:
    """alice's session, with `check` run while her PIN is typed."""
    return SecureRecordsApp(
        lambda name, pin: Session.open(name, home, pin=pin), staff_name="alice", check_first=check
    )


async def ended(pilot: Pilot[None], app: SecureRecordsApp) -> None:
    for _ in range(100):
        if not app.is_running:
            break
        await pilot.pause(0.02)


async def test_a_refusal_found_while_the_pin_is_typed_ends_the_app_with_its_sentence(
    populated: Path,
) -> None:
    def refuse() -> str | None:
        raise AccessRefused("alice has no PIN yet, so no session can start.")

    app = checking(populated, refuse)
    async with app.run_test(size=SIZE) as pilot:
        await ended(pilot, app)
        assert not app.is_running
    assert app.return_code == 1
    assert app.session is None


async def test_a_pin_typed_before_the_check_is_done_waits_for_it(populated: Path) -> None:
    home = with_pin(populated, "alice")
    allowed = threading.Event()
    checked: list[str] = []

    def slow_check() -> str | None:
        allowed.wait(30)
        checked.append("done")
        return None

    app = checking(home, slow_check)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, app, PinScreen)
        await pilot.press(*PIN, "enter")
        await pilot.pause(0.2)
        assert app.session is None and isinstance(app.screen, PinScreen)
        assert not entries(home, "session_started")  # nothing opened before the check
        allowed.set()
        await wait_for_screen(pilot, app, RecordListScreen)
        assert checked == ["done"] and app.session is not None
        await pilot.press("ctrl+q")


async def test_an_unexpected_failure_in_the_check_is_one_sentence(populated: Path) -> None:
    def broken() -> str | None:
        raise RuntimeError("the check fell over")

    app = checking(populated, broken)
    with pytest.raises(RuntimeError):  # Pilot re-raises it; a real terminal does not
        async with app.run_test(size=SIZE) as pilot:
            await ended(pilot, app)
    assert app.return_code == crash.INTERNAL_ERROR


@pytest.mark.slow
def test_a_locked_out_person_on_a_terminal_gets_the_sentence_and_exit_1(
    file_keyring_home: Path, tmp_path: Path
) -> None:
    with Administration.open(file_keyring_home) as admin:
        admin.add_staff("alice", "caseworker")
        admin.set_pin("alice", PIN)
        tries = admin.policy.session.max_pin_failures
    for _ in range(tries):
        with pytest.raises(AccessRefused):
            Session.open("alice", file_keyring_home, pin="999999")
    term = PtySession(
        ["--home", str(file_keyring_home), "session", "alice"], subprocess_env(tmp_path)
    )
    try:
        code = term.wait(60)
    finally:
        term.kill()
    text = term.text()
    assert code == 1, text[-1500:]
    assert "alice is locked out after too many wrong PINs" in text
    assert "Traceback" not in text
    refused = entries(file_keyring_home, "session_refused")
    assert refused and "locked out" in str(refused[-1]["why"])


@pytest.mark.slow
def test_a_right_pin_typed_the_moment_the_screen_is_drawn_opens_the_session(
    file_keyring_home: Path, tmp_path: Path
) -> None:
    with Administration.open(file_keyring_home) as admin:
        admin.add_staff("alice", "caseworker")
        admin.set_pin("alice", PIN)
        admin.import_file(
            write_jsonl(tmp_path / "records.jsonl", [canary_row("R-0001", ["alice"])])
        )
    term = PtySession(
        ["--home", str(file_keyring_home), "session", "alice"], subprocess_env(tmp_path)
    )
    try:
        term.wait_for(PIN_PROMPT, 60)
        term.send(PIN.encode() + b"\r")  # as fast as a pty can: the check may not be done
        term.wait_for(b"R-0001", 60)
        term.send(b"\x11")
        code = term.wait(20)
    finally:
        term.kill()
    assert code == 0, term.text()[-1500:]
    assert len(entries(file_keyring_home, "session_started")) == 1
