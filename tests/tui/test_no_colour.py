"""Under NO_COLOR: nothing crashes, and state shows without colour.

Where the keyboard is (a `▶`, a heavy frame, reverse video) and whether a box is
ticked (`[x]`, `(•)`) must read on a terminal that shows no colour at all.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from textual.containers import ScrollableContainer
from textual.geometry import Region
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Button, Input, OptionList, RadioSet, Select, TextArea
from textual.widgets._select import SelectCurrent
from textual.widgets._toggle_button import ToggleButton

from secure_records.admin import Administration
from secure_records.tui.app import SecureRecordsApp
from secure_records.tui.marks import FOCUS_BAR, FOCUS_MARK
from secure_records.tui.modals import NewNote
from secure_records.tui.record_list import RecordList
from secure_records.tui.record_screen import FieldRow, RecordScreen
from tests.conftest import canary_row, write_jsonl
from tests.support.cli import subprocess_env
from tests.support.pty_session import PtySession
from tests.tui.conftest import PIN, app_for, screen_text, signed_in, wait_for_screen
from tests.tui.test_screens import settle, shown

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


# focus and state without colour


def drawn(widget: Widget) -> list[Strip]:
    """The widget's lines as the terminal gets them: border, padding, NO_COLOR filter."""
    width, height = widget.outer_size
    return widget.render_lines(Region(0, 0, width, height))


def focus_marker(app: SecureRecordsApp) -> str | None:
    """What shows, without colour, that the focused widget has the keyboard; None if
    nothing does. Fields and toggles carry a ▶, boxes a heavy frame, buttons and the
    list's row reverse video."""
    focused = app.focused
    assert focused is not None, f"nothing has the focus on {app.screen!r}"
    lines = drawn(focused)
    text = "\n".join(line.text for line in lines)
    if isinstance(focused, FieldRow | ScrollableContainer) and text.startswith(FOCUS_BAR):
        return FOCUS_BAR
    if isinstance(focused, ToggleButton) and FOCUS_MARK in text:
        return FOCUS_MARK
    if isinstance(focused, RadioSet) and "┏" in text:
        buttons = "".join(line.text for button in focused.children for line in drawn(button))
        return FOCUS_MARK if FOCUS_MARK in buttons else None
    if isinstance(focused, Input | TextArea | OptionList | ToggleButton) and "┏" in text:
        return "┏"
    if isinstance(focused, Select):  # its frame is its shown choice's, a child's
        return (
            "┏" if "┏" in "".join(x.text for x in drawn(focused.query_one(SelectCurrent))) else None
        )
    if not isinstance(focused, Button | RecordList | OptionList):
        return None  # (an input's reverse cursor blinks: half the time, no marker)
    reversed_text = [seg.text for line in lines for seg in line if seg.style and seg.style.reverse]
    return "reverse" if any(part.strip() for part in reversed_text) else None


async def open_first_record(app: SecureRecordsApp, pilot: Pilot[None]) -> None:
    await settle(app, pilot)
    await pilot.press("enter")
    await wait_for_screen(pilot, app, RecordScreen)
    await settle(app, pilot)


@asynccontextmanager
async def new_note_without_colour(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[SecureRecordsApp, Pilot[None]]]:
    """alice, under NO_COLOR at 80x24, on the new-note form of her first record."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = app_for(home, "alice")
    async with signed_in(app, SMALL) as pilot:
        await open_first_record(app, pilot)
        await pilot.press("n")
        await wait_for_screen(pilot, app, NewNote)
        await pilot.pause()
        yield app, pilot


def marked_fields(app: SecureRecordsApp) -> list[str]:
    """The labels of the fields drawn with the focus bar before them."""
    return [line.split(":")[0].strip() for line in shown(app).splitlines() if FOCUS_BAR in line]


async def test_the_focused_field_carries_a_marker_that_moves_with_tab(
    escaped: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One shade of grey (235 against 234) told the focused field from the others;
    under NO_COLOR nothing did, and r acts on the focused one."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = app_for(escaped, "alice")
    async with signed_in(app, SMALL) as pilot:
        await open_first_record(app, pilot)
        assert marked_fields(app) == [f"{FOCUS_BAR} Name"]
        await pilot.press("tab")
        await pilot.pause()
        assert marked_fields(app) == [f"{FOCUS_BAR} Date of birth"]


async def test_checkboxes_and_radio_buttons_show_their_state_in_the_glyph(
    escaped: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under NO_COLOR a ticked box and an empty one, a chosen radio button and the
    others, were the same glyph in a different grey."""
    async with new_note_without_colour(escaped, monkeypatch) as (app, pilot):
        text = shown(app)
        assert f"{FOCUS_MARK}( ) Fact" in text and " ( ) Opinion" in text
        assert "[ ] Historical information" in text
        await pilot.press("down", "enter")  # choose Opinion
        await pilot.pause()
        text = shown(app)
        assert " ( ) Fact" in text and f"{FOCUS_MARK}(•) Opinion" in text
        app.screen.query_one("#historical", ToggleButton).focus()
        await pilot.press("space")
        await pilot.pause()
        text = shown(app)
        assert f"{FOCUS_MARK}[x] Historical information" in text
        assert f"{FOCUS_MARK}(•)" not in text  # the radio set no longer has the keyboard


async def test_the_focused_input_and_button_show_it_without_colour(
    escaped: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with new_note_without_colour(escaped, monkeypatch) as (app, pilot):
        date = app.screen.query_one("#date", Input)
        date.focus()
        await pilot.pause()
        assert focus_marker(app) == "┏"
        assert re.search(r"┃\s+\d{2}/\d{2}/\d{4}\s+┃", shown(app))
        assert "┏" not in "".join(line.text for line in drawn(app.screen.query_one("#text")))
        app.screen.query_one("#save").focus()
        await pilot.pause()
        assert focus_marker(app) == "reverse"


_IMPORTED = re.compile(r"from textual\.widgets import (\([^)]*\)|[^\n]*)")


def test_every_toggle_on_screen_is_built_from_the_toggles_module() -> None:
    """Textual's own Checkbox and RadioButton tell their state by colour alone."""
    tui = Path(__file__).parents[2] / "src" / "secure_records" / "tui"
    offenders = [
        path.name
        for path in sorted(tui.glob("*.py"))
        if path.name != "toggles.py"
        for names in _IMPORTED.findall(path.read_text(encoding="utf-8"))
        if re.search(r"\b(Checkbox|RadioButton)\b", names)
    ]
    assert offenders == []


# every screen of every role, under NO_COLOR at 80x24

# (staff member, keys from their first screen, the screen those keys lead to)
WALK = [
    ("alice", [], "RecordListScreen"),
    ("alice", ["enter"], "RecordScreen"),
    ("alice", ["enter", "tab", "tab", "r"], "RevealReason"),
    ("alice", ["enter", "n"], "NewNote"),
    ("alice", ["enter", "c"], "NewConsent"),
    ("alice", ["enter", "s"], "SharingScreen"),
    ("lead", [], "RecordListScreen"),
    ("lead", ["enter"], "RecordScreen"),
    ("lead", ["enter", "x"], "RestrictDialog"),
    ("lead", ["enter", "h"], "AskReason"),
    ("lead", ["q"], "QueueScreen"),
    ("lead", ["t"], "PhoneQueueScreen"),
    ("lead", ["d"], "DisposalQueueScreen"),
    ("lead", ["x"], "RestrictedScreen"),
    ("reception", [], "ReceptionScreen"),
    ("reception", ["n"], "PhoneRequestForm"),
    ("reception", ["l"], "LookupScreen"),
    ("it", [], "RolePage"),
    ("it", ["r"], "RetentionScreen"),
    ("auditor", [], "RolePage"),
    ("auditor", ["a"], "AuditScreen"),
]
FOCUS_STOPS = 8  # tab presses per screen: every field of the longer forms' first screenful


@pytest.mark.parametrize(
    ("staff", "keys", "screen"), WALK, ids=[f"{s}-{w}-{len(k)}" for s, k, w in WALK]
)
async def test_every_screen_under_no_color_shows_where_the_keyboard_is(
    escaped: Path, monkeypatch: pytest.MonkeyPatch, staff: str, keys: list[str], screen: str
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = app_for(escaped, staff)
    async with signed_in(app, SMALL) as pilot:
        for key in keys:
            await settle(app, pilot)
            await pilot.press(key)
        await settle(app, pilot)
        assert type(app.screen).__name__ == screen
        for _ in range(FOCUS_STOPS):
            assert app.is_running
            if app.focused is None:
                await pilot.press("tab")
                await pilot.pause()
            if app.focused is None:  # a page with nothing to act on (RolePage)
                assert screen == "RolePage"
                break
            marker = focus_marker(app)
            assert marker is not None, f"{app.focused!r} on {screen} shows no focus marker"
            if marker != "reverse":
                assert marker in screen_text(app), (app.focused, screen)
            await pilot.press("tab")
            await pilot.pause()
            if type(app.screen).__name__ != screen:
                break
        assert app.is_running
