"""The session against its terminal: bytes that are not text, an error nobody foresaw,
and Textual's environment switches. Never a traceback, never a value, never a file.

The first and last tests run the real `secure-records session` on a real terminal;
the crash is driven through the Pilot, with a canary in the failing code's locals.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual import constants

from secure_records.admin import Administration
from secure_records.tui.list_screen import RecordListScreen
from secure_records.tui.record_list import RecordList
from secure_records.vault.log import LogEntry
from tests.conftest import canary_row, write_jsonl
from tests.support.cli import subprocess_env
from tests.support.pty_session import PtySession
from tests.tui.conftest import PIN, app_for, signed_in, wait_for_screen

LISTED = b"R-0001"
CTRL_Q = b"\x11"
CANARY = "Qz-CRASH-CANARY-4417"
REFERENCE = re.compile(r"\(reference ([0-9A-F]{6})\)")


def ended(home: Path) -> list[LogEntry]:
    with Administration.open(home) as admin:
        return [e for e in admin.vault.log.entries() if e.action == "session_ended"]


@pytest.fixture
def real_home(file_keyring_home: Path, tmp_path: Path) -> Path:
    """A vault a real `secure-records` process can open: alice and two records."""
    rows = [canary_row("R-0001", ["alice"]), canary_row("R-0002", ["alice"])]
    with Administration.open(file_keyring_home) as admin:
        admin.add_staff("alice", "caseworker")
        admin.set_pin("alice", PIN)
        admin.import_file(write_jsonl(tmp_path / "records.jsonl", rows))
    return file_keyring_home


def session_on_a_terminal(home: Path, env: dict[str, str]) -> PtySession:
    term = PtySession(["--home", str(home), "session", "alice"], env)
    term.sign_in(PIN)
    term.wait_for(LISTED, seconds=60)
    return term


def quit_cleanly(term: PtySession) -> str:
    term.send(CTRL_Q)
    code = term.wait(20)
    assert code == 0, (code, term.text()[-1500:])
    return term.text()


@pytest.mark.slow
def test_bytes_that_are_not_utf8_are_read_as_replacement_characters(
    real_home: Path, tmp_path: Path
) -> None:
    term = session_on_a_terminal(real_home, subprocess_env(tmp_path))
    try:
        # tmux send-keys -H ff; a truncated sequence; an encoded surrogate; overlong '/'.
        for bad in (b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xc0\xaf", b"\xfe\xfe"):
            term.send(bad)
            term.read(0.3)
            assert term.poll() is None, term.text()[-1500:]
        term.read(1.0)
        assert term.poll() is None, term.text()[-1500:]
        text = quit_cleanly(term)
    finally:
        term.kill()
    assert "Traceback" not in text and "UnicodeDecodeError" not in text
    assert ended(real_home)[-1].details["why"] == "quit"


async def test_an_unexpected_error_says_one_sentence_with_a_reference_and_logs_where(
    populated: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def choose(self: RecordList) -> None:
        confidential = CANARY  # what show_locals printed
        raise ValueError(f"broken while showing {confidential}")

    monkeypatch.setattr(RecordList, "action_choose", choose)
    app = app_for(populated, "alice")
    with pytest.raises(ValueError):  # the Pilot re-raises it for the test, at the end
        async with signed_in(app, (80, 24)) as pilot:
            await wait_for_screen(pilot, app, RecordListScreen)
            await pilot.press("enter")
            await pilot.pause()
    assert app.return_code == 70
    err = capsys.readouterr().err
    assert CANARY not in err and "Traceback" not in err and "confidential =" not in err
    assert "test_terminal.py" not in err and "site-packages" not in err
    [line] = err.strip().splitlines()
    found = REFERENCE.search(line)
    assert found and line.startswith("secure-records stopped on an unexpected error"), line

    why = str(ended(populated)[-1].details["why"])
    assert CANARY not in why
    assert why == (
        f"unexpected error {found[1]}: ValueError at tests.tui.test_terminal line "
        f"{choose.__code__.co_firstlineno + 2}"
    ), why


async def test_textual_environment_switches_have_no_effect(
    populated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shots = tmp_path / "shots"
    shots.mkdir()
    for name, value in {
        "TEXTUAL_SCREENSHOT": "0",
        "TEXTUAL_SCREENSHOT_LOCATION": str(shots),
        "TEXTUAL": "devtools,debug",
        "TEXTUAL_LOG": str(tmp_path / "textual.log"),
        "TEXTUAL_ALLOW_SIGNALS": "1",
    }.items():
        monkeypatch.setenv(name, value)
    # As Textual read them when it was imported (once, before any app).
    monkeypatch.setattr(constants, "SCREENSHOT_DELAY", 0)
    monkeypatch.setattr(constants, "SCREENSHOT_LOCATION", str(shots))
    monkeypatch.setattr(constants, "LOG_FILE", str(tmp_path / "textual.log"))

    app = app_for(populated, "alice")
    assert app.features == frozenset() and app.devtools is None
    async with signed_in(app, (80, 24)) as pilot:
        await wait_for_screen(pilot, app, RecordListScreen)
        await pilot.pause(0.5)
        assert app.is_running
        assert app.save_screenshot(path=str(shots)) == ""
    assert list(tmp_path.rglob("*.svg")) == [] and not (tmp_path / "textual.log").exists()


@pytest.mark.slow
def test_textual_screenshot_has_no_effect_on_a_real_session(
    real_home: Path, tmp_path: Path
) -> None:
    env = subprocess_env(tmp_path)
    env |= {
        "TEXTUAL_SCREENSHOT": "1",
        "TEXTUAL_SCREENSHOT_LOCATION": str(tmp_path),
        "TEXTUAL_LOG": str(tmp_path / "textual.log"),
        "TEXTUAL": "devtools,debug",
    }
    term = session_on_a_terminal(real_home, env)
    try:
        term.read(2.5)  # well past the screenshot's second
        assert term.poll() is None, term.text()[-1500:]
        quit_cleanly(term)
    finally:
        term.kill()
    assert list(tmp_path.rglob("*.svg")) == []
    assert not (tmp_path / "textual.log").exists()
    assert ended(real_home)[-1].details["why"] == "quit"
