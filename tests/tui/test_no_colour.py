"""Under NO_COLOR: nothing crashes, and state shows without colour."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.strip import Strip

from secure_records.admin import Administration
from secure_records.tui.record_list import RecordList
from tests.conftest import canary_row, write_jsonl
from tests.support.cli import subprocess_env
from tests.support.pty_session import PtySession
from tests.tui.conftest import PIN, app_for, screen_text, signed_in

SMALL = (80, 24)
ESCAPED = "Ann\x1b[31mRed\x07Bell"


def escaped_rows() -> list[dict[str, object]]:
    """A caseworker's record whose name, address and notes hold control characters."""
    row = canary_row("R-0001", ["alice"])
    row["name"] = ESCAPED
    row["address"] = "\x9b2J\u202eflat 3"
    row["notes"][0]["text"] = "rang\x07 twice\nthen \x1b]0;title\x07"  # type: ignore[index]
    return [row, canary_row("R-0002", ["alice"])]


@pytest.fixture
def escaped(home: Path, tmp_path: Path) -> Path:
    with Administration.open(home) as admin:
        admin.import_file(write_jsonl(tmp_path / "records.jsonl", escaped_rows()))
    return home


async def test_an_unstyled_line_does_not_end_the_session_under_no_color(
    escaped: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Textual's monochrome filter read the colour of a segment drawn without a style
    (None): AttributeError, traceback, exit 1. Any widget may draw one (Strip.blank's
    default); the filter itself must take it."""
    monkeypatch.setenv("NO_COLOR", "1")
    drawn = RecordList.render_line

    def unstyled(self: RecordList, y: int) -> Strip:
        line = drawn(self, y)
        return Strip.blank(self.size.width) if not line.text.strip() else line

    monkeypatch.setattr(RecordList, "render_line", unstyled)
    app = app_for(escaped, "alice")
    async with signed_in(app, SMALL) as pilot:
        await pilot.pause()
        assert app.is_running
        assert "Ann\\x1b[31mRed\\x07Bell" in screen_text(app)


@pytest.mark.slow
def test_a_real_session_under_no_color_shows_escapes_and_keeps_running(
    file_keyring_home: Path, tmp_path: Path
) -> None:
    """The real executable on a terminal at 80x24, NO_COLOR set, as it was reported."""
    with Administration.open(file_keyring_home) as admin:
        admin.add_staff("alice", "caseworker")
        admin.set_pin("alice", PIN)
        admin.import_file(write_jsonl(tmp_path / "records.jsonl", escaped_rows()))
    env = subprocess_env(tmp_path) | {"NO_COLOR": "1"}
    term = PtySession(["--home", str(file_keyring_home), "session", "alice"], env)
    try:
        term.sign_in(PIN)
        term.wait_for(b"R-0002", seconds=60)
        term.send(b"\r")  # open the record with the escapes in it
        term.wait_for(b"Chronology", seconds=30)
        term.read(1.0)
        assert term.poll() is None, term.text()[-1500:]
        term.send(b"\x11")  # ctrl+q
        assert term.wait(20) == 0, term.text()[-1500:]
    finally:
        term.kill()
    text = term.text()
    assert "Traceback" not in text and "AttributeError" not in text
    assert "unexpected error" not in text
    assert "\\x1b" in text  # the escape drawn as text, not sent as a control
