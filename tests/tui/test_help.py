"""Help on every screen, the app's own command palette, a footer that fits and a line
saying who is signed in: at 80x24, as someone new to the app would find them.

Seen in issue 17: ? and F1 did nothing; ctrl+p offered only Textual's commands (its
Keys panel listing "Copy selected text"); the footer was cut mid-word ("^r Swi" at 80
columns, "^l Lock ^r" at 140 for the lead); nothing said who was signed in.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.screen import Screen

import secure_records.tui
from secure_records.tui.app import SecureRecordsApp
from secure_records.tui.lock_screen import LockScreen
from secure_records.tui.modals import NewNote
from secure_records.tui.pin_screen import PinScreen
from secure_records.tui.record_screen import RecordScreen
from secure_records.tui.role_picker import RolePicker
from tests.tui.conftest import app_for, signed_in, type_pin
from tests.tui.test_screens import (
    PIN,
    demo_app,
    lock,
    log,
    open_record,
    set_pin,
    settle,
    shown,
    type_text,
)

SMALL = (80, 24)


def help_shown(app: SecureRecordsApp) -> bool:
    return type(app.screen).__name__ == "HelpPanel"


def footer(app: SecureRecordsApp) -> str:
    return shown(app).splitlines()[-1]


def palette_titles(app: SecureRecordsApp) -> set[str]:
    return {command.title for command in app.get_system_commands(app.screen)}


async def press(app: SecureRecordsApp, pilot: Pilot[None], *keys: str) -> None:
    await pilot.press(*keys)
    await settle(app, pilot)


# help


@pytest.mark.parametrize("key", ["question_mark", "f1"])
async def test_help_opens_on_the_list_with_its_keys_and_closes_the_same_ways(
    populated: Path, key: str
) -> None:
    app = app_for(populated, "lead")
    async with signed_in(app, SMALL) as pilot:
        await settle(app, pilot)
        await press(app, pilot, key)
        assert help_shown(app)
        text = shown(app)
        assert "Help: Records" in text
        for line in ("/  ", "Search", "q ", "Sharing queue", "ctrl+l", "Lock", "enter", "Open"):
            assert line in text, line
        # The lead's keys fill the panel at 80x24: the rest is a scroll away.
        app.screen.query_one("#help").scroll_end(animate=False)
        await pilot.pause()
        assert "Where it fits" in shown(app)
        assert "Copy" not in text  # selection is off: nothing to copy
        for closing in ("escape", "question_mark", "f1"):
            await press(app, pilot, closing)
            assert not help_shown(app), closing
            await press(app, pilot, key)
            assert help_shown(app)


async def test_help_lists_only_the_keys_the_role_may_use(populated: Path) -> None:
    app = app_for(populated, "alice")
    async with signed_in(app, SMALL) as pilot:
        await press(app, pilot, "question_mark")
        assert help_shown(app)
        text = shown(app)
        assert "Search" in text
        for kept_from_a_caseworker in ("Sharing queue", "Disposals", "Restricted records"):
            assert kept_from_a_caseworker not in text


async def test_f1_opens_help_in_a_dialog_and_where_question_mark_is_typed(
    populated: Path,
) -> None:
    app = app_for(populated, "alice")
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, PinScreen)
        await press(app, pilot, "f1")
        assert help_shown(app) and "Help: Sign in" in shown(app)
        await press(app, pilot, "escape")
        await type_pin(pilot, app)
        await open_record(app, pilot, "R-0001")
        await press(app, pilot, "n")
        assert isinstance(app.screen, NewNote)
        await press(app, pilot, "f1")
        assert help_shown(app) and "New chronology note" in shown(app)
        await press(app, pilot, "f1")
        assert isinstance(app.screen, NewNote)  # closed again, the note still open


async def test_help_is_there_while_locked_and_shows_nothing_of_a_record(populated: Path) -> None:
    app = app_for(populated, "alice")
    async with signed_in(app, SMALL) as pilot:
        await open_record(app, pilot, "R-0001")
        await lock(app, pilot)
        await press(app, pilot, "f1")
        assert help_shown(app)
        text = shown(app)
        assert "Help: Locked" in text and "R-000" not in text and "Canary" not in text
        assert "ctrl+l" not in text  # what is blocked while locked is not offered
        await press(app, pilot, "escape")
        assert isinstance(app.screen, LockScreen)


def _screen_classes() -> set[type[Screen[object]]]:
    found: set[type[Screen[object]]] = set()
    for module in pkgutil.iter_modules(secure_records.tui.__path__):
        loaded = importlib.import_module(f"secure_records.tui.{module.name}")
        for _, cls in inspect.getmembers(loaded, inspect.isclass):
            if issubclass(cls, Screen) and cls.__module__.startswith("secure_records.tui"):
                found.add(cls)
    return found


def test_every_screen_has_its_own_help() -> None:
    from secure_records.tui.screen_help import HELP

    shared = {"SessionScreen", "ReviewQueue", "HelpPanel", "AskReason"}
    missing = [
        cls.__name__ for cls in _screen_classes() if cls not in HELP and cls.__name__ not in shared
    ]
    assert missing == []


# the command palette


async def test_the_palette_offers_the_apps_commands_for_the_role_and_none_of_textuals(
    populated: Path,
) -> None:
    app = app_for(populated, "lead")
    async with signed_in(app, SMALL) as pilot:
        await settle(app, pilot)
        titles = palette_titles(app)
        for own in ("Help", "Lock", "Quit", "Sharing queue", "Phone requests"):
            assert own in titles, own
        assert not titles & {"Theme", "Keys", "Maximize", "Screenshot", "Switch person"}
    caseworker = app_for(populated, "alice")
    async with signed_in(caseworker, SMALL) as pilot:
        await settle(caseworker, pilot)
        titles = palette_titles(caseworker)
        assert "Lock" in titles and "Phone requests" in titles
        assert not titles & {"Sharing queue", "Disposals to approve", "Restricted records"}


async def test_before_sign_in_the_palette_offers_help_and_quit_only(populated: Path) -> None:
    set_pin(populated, "lead")
    app = demo_app(populated)
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, RolePicker)
        assert palette_titles(app) == {"Help", "Quit"}
        await press(app, pilot, "ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await press(app, pilot, "escape")
        assert isinstance(app.screen, RolePicker)
        await press(app, pilot, "down", "down", "enter")
        await type_pin(pilot, app)
        assert "Switch person" in palette_titles(app)


async def test_a_queue_opens_from_the_palette(populated: Path) -> None:
    app = app_for(populated, "lead")
    async with signed_in(app, SMALL) as pilot:
        await press(app, pilot, "ctrl+p")
        await type_text(pilot, "sharing queue")
        await pilot.pause(0.3)
        await press(app, pilot, "enter")
        assert type(app.screen).__name__ == "QueueScreen"


async def test_a_record_opens_by_its_reference_within_scope_only(populated: Path) -> None:
    app = app_for(populated, "alice")
    async with signed_in(app, SMALL) as pilot:
        await settle(app, pilot)
        for reference, opens in (("R-0003", False), ("R-0002", True)):
            await press(app, pilot, "ctrl+p")
            await type_text(pilot, reference)
            await pilot.pause(0.3)
            assert f"Open record {reference}" in shown(app)
            await press(app, pilot, "enter")
            await pilot.pause(0.2)
            assert isinstance(app.screen, RecordScreen) is opens, reference
        assert "Record R-0002" in shown(app)
    # bilal's record was refused, and the attempt is in the log for the access review
    assert [e.record_id for e in log(populated, "record_refused")] == ["R-0003"]


# the footer and the signed-in line


@pytest.mark.parametrize("size", [SMALL, (140, 45)])
async def test_the_footer_shows_whole_keys_then_more(
    populated: Path, size: tuple[int, int]
) -> None:
    set_pin(populated, "lead")
    app = demo_app(populated)  # the demo adds ctrl+r: the lead's footer was longest
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        picker = footer(app)
        assert "Lock" not in picker and "Switch" not in picker  # nobody signed in yet
        await press(app, pilot, "down", "down", "enter")
        await type_pin(pilot, app, PIN)
        await settle(app, pilot)
        line = footer(app).strip()
        assert line.endswith(("? more", "? help")), line
        descriptions = {a.binding.description for a in app.screen.active_bindings.values()}
        for chunk in line.split("  ")[:-1]:
            _, _, words = chunk.partition(" ")
            assert words in descriptions, (chunk, line)
        assert len(line) <= size[0]


async def test_the_pin_and_lock_screens_have_a_footer(populated: Path) -> None:
    app = app_for(populated, "alice")
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        assert "^q Quit" in footer(app) and "F1 help" in footer(app)
        await type_pin(pilot, app)
        await lock(app, pilot)
        assert "^q Quit" in footer(app) and "Lock" not in footer(app)


async def test_every_signed_in_screen_says_who_is_signed_in(populated: Path) -> None:
    for name, who in (("lead", "lead · Safeguarding lead"), ("it", "it · IT")):
        app = app_for(populated, name)
        async with signed_in(app, SMALL) as pilot:
            await settle(app, pilot)
            first = shown(app).splitlines()[0]
            assert first.endswith(who) and len(first) <= SMALL[0], first
            if name == "lead":
                await open_record(app, pilot, "R-0001")
                assert shown(app).splitlines()[0].endswith(who)
