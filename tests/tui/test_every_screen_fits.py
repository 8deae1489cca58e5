"""Every screen of every role, walked as a person would at 80x24 under NO_COLOR, and
what must hold on each: no crash, a footer not cut mid-word, no Python repr, no
identifier, no raw ISO time, and the focused widget shown without colour.

The walk starts where `secure-records demo` starts (the picker) and reaches each
screen by key presses alone, waiting for screen classes: the screens change as the
desk's work lands, and the table below (WALK) is the one place to fix when they do.
Each screen is walked once per vault; each property is its own test, reading what
the walk saw, so a failure names the property and the screen.
"""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import keyring
import pytest
import time_machine
from rich.console import Console
from textual.containers import ScrollableContainer
from textual.errors import NoWidget
from textual.pilot import Pilot
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Input

from secure_records.demo import DEMO_PIN, DEMO_STAFF, DemoVault, build_demo_vault
from secure_records.session import Session
from secure_records.tui.access_request_screen import (
    AccessRequestsScreen,
    ExtendAccessRequest,
    NewAccessRequest,
)
from secure_records.tui.amend_field import AmendField
from secure_records.tui.app import SecureRecordsApp
from secure_records.tui.audit_screen import AuditScreen
from secure_records.tui.callback_screen import CallbackScreen
from secure_records.tui.concern_screens import ConcernsScreen, RaiseConcern
from secure_records.tui.disposal_queue_screen import DisposalQueueScreen
from secure_records.tui.list_screen import RecordListScreen
from secure_records.tui.lock_screen import LockScreen
from secure_records.tui.lookup_screen import LookupScreen
from secure_records.tui.modals import NewConsent, NewNote, RestrictDialog, RevealReason
from secure_records.tui.output_screens import OutputsScreen
from secure_records.tui.phone_queue_screen import PhoneQueueScreen
from secure_records.tui.pin_screen import PinScreen
from secure_records.tui.queue_screen import QueueScreen
from secure_records.tui.reception_screen import PhoneRequestForm, ReceptionScreen
from secure_records.tui.record_screen import RecordScreen
from secure_records.tui.restricted_screen import RestrictedScreen
from secure_records.tui.retention_screen import RetentionScreen
from secure_records.tui.role_page import RolePage
from secure_records.tui.role_picker import RolePicker
from secure_records.tui.sharing_screen import SharingScreen
from secure_records.vault.kek import INSECURE_ENV
from tests.support.open_keyring import OpenKeyring
from tests.tui.conftest import type_pin, wait_for_screen
from tests.tui.test_snapshots import NOW, REASON, _work_waiting

# A step is a key to press, a screen class to wait for, or PIN (the demo PIN typed,
# and the PIN screen left).
Step = str | type[Screen[Any]]
PIN = "<the demo PIN>"


def person(name: str) -> tuple[Step, ...]:
    """Choose `name` on the demo's picker and sign in."""
    index = [staff for staff, _ in DEMO_STAFF].index(name)
    return (RolePicker, *("down",) * index, "enter", PinScreen, PIN)


def typed(text: str) -> tuple[str, ...]:
    return tuple(text)


CASEWORKER = (*person("alice"), RecordListScreen)
CASE = (*CASEWORKER, "enter", RecordScreen)
LEAD = (*person("lead"), RecordListScreen)
RECEPTION = (*person("reception"), ReceptionScreen)
AUDITOR = (*person("auditor"), RolePage, "a", AuditScreen)
# The sharing flow's first step filled in from its first field, then Next.
SHARING = (*CASE, "s", SharingScreen)
ASKED = (
    *SHARING,
    *typed("D. Example"),
    "tab",
    *typed("Nowhere Primary School"),
    "tab",
    *typed("Designated lead"),
    "tab",
    *typed("01632 960000"),
    "tab",
    *typed("Planning support at school next term"),
    "tab",
    "enter",
)
YES = (*typed(REASON), "tab", "enter")  # the reason, then the Yes button
NO = (*typed(REASON), "tab", "tab", "enter")
DO_NOT_SHARE = (*ASKED, *NO)

# Every screen of every role: its name, and the keys that reach it from the picker.
WALK: dict[str, tuple[Step, ...]] = {
    "demo-picker": (RolePicker,),
    "pin": (RolePicker, "enter", PinScreen),
    "lock": (*CASEWORKER, "ctrl+l", LockScreen),
    "caseworker-caseload": CASEWORKER,
    "caseworker-record": CASE,
    "caseworker-note": (*CASE, "n", NewNote),
    "caseworker-consent": (*CASE, "c", NewConsent),
    "caseworker-amend": (*CASE, "m", AmendField),
    # The first field that says "press r to reveal" (tab moves down the fields).
    "caseworker-reveal": (*CASE, "tab", "tab", "r", RevealReason),
    "caseworker-sharing-request": SHARING,
    "caseworker-sharing-question": ASKED,
    "caseworker-sharing-items": (*ASKED, *YES * 4),
    "caseworker-sharing-outcome": DO_NOT_SHARE,
    "caseworker-sharing-result": (
        *DO_NOT_SHARE,
        *typed("Explained why nothing can be shared yet"),
        "tab",
        "enter",
    ),
    "caseworker-phone-requests": (*CASEWORKER, "t", PhoneQueueScreen),
    "lead-all-records": LEAD,
    "lead-record": (*LEAD, "enter", RecordScreen),
    "lead-restrict": (*LEAD, "enter", RecordScreen, "x", RestrictDialog),
    "lead-sharing-queue": (*LEAD, "q", QueueScreen),
    "lead-disposals": (*LEAD, "d", DisposalQueueScreen),
    "lead-phone-requests": (*LEAD, "t", PhoneQueueScreen),
    "lead-restricted-records": (*LEAD, "x", RestrictedScreen),
    "lead-outputs": (*LEAD, "e", OutputsScreen),
    "lead-access-requests": (*LEAD, "a", AccessRequestsScreen),
    "lead-access-request-new": (*LEAD, "a", AccessRequestsScreen, "n", NewAccessRequest),
    "lead-access-request-extend": (
        *LEAD,
        "a",
        AccessRequestsScreen,
        "n",
        NewAccessRequest,
        *typed("R-000001"),
        "tab",
        "tab",
        *typed("Passport seen at the office"),
        "enter",
        AccessRequestsScreen,
        "x",
        ExtendAccessRequest,
    ),
    "caseworker-raise-concern": (*CASEWORKER, "c", RaiseConcern),
    "lead-concerns": (
        *LEAD,
        "c",
        RaiseConcern,
        "enter",  # the first kind, Concern
        "tab",
        "tab",
        *typed("A printed case note was left in the meeting room"),
        "enter",
        RecordListScreen,
        "b",
        ConcernsScreen,
    ),
    "reception-desk": RECEPTION,
    "reception-raise-concern": (*RECEPTION, "c", RaiseConcern),
    "reception-new-request": (*RECEPTION, "n", PhoneRequestForm),
    "reception-callback": (*RECEPTION, "enter", CallbackScreen),
    "reception-lookup": (*RECEPTION, "l", LookupScreen),
    "it-duties": (*person("it"), RolePage),
    "it-retention-queue": (*person("it"), RolePage, "r", RetentionScreen),
    "it-raise-concern": (*person("it"), RolePage, "c", RaiseConcern),
    "auditor-duties": (*person("auditor"), RolePage),
    "auditor-outputs": (*person("auditor"), RolePage, "e", OutputsScreen),
    # Filtered by a record: unfiltered, the first entries name the machine's policy path.
    "auditor-log": (*AUDITOR, *typed("R-000001"), "enter"),
    # From the record filter: past the other three and Show entries to Access review.
    "auditor-access-review": (*AUDITOR, "tab", "tab", "tab", "tab", "tab", "enter"),
}
SIZE = (80, 24)
WIDE = 250  # wide enough for every footer key, to see which words were cut


def demo_app(demo: DemoVault) -> SecureRecordsApp:
    """The app as `secure-records demo` opens it: the picker first."""
    labels = [(name, demo.admin.policy.roles[role].label) for name, role in DEMO_STAFF]
    home = demo.home
    return SecureRecordsApp(lambda name, pin: Session.open(name, home, pin=pin), demo_staff=labels)


async def walk(pilot: Pilot[None], steps: tuple[Step, ...]) -> None:
    """Press the keys and wait for the screens of `steps`; then let it settle, with
    no cursor blinking (it is on or off by when the picture is taken)."""
    app = pilot.app
    assert isinstance(app, SecureRecordsApp)
    for step in steps:
        if step == PIN:
            await type_pin(pilot, app, DEMO_PIN)
        elif isinstance(step, type):
            await wait_for_screen(pilot, app, step)
            await pilot.pause()
        else:
            await pilot.press(step)
            if len(step) > 1:  # a named key (enter, tab): what it does may take a turn
                await pilot.pause()
    await app.workers.wait_for_complete()
    for field in app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


# What the walk saw


@dataclass(frozen=True)
class Seen:
    reached: str  # the class of the screen on top at the end
    crash: str  # what went wrong on the way, if anything
    lines: tuple[str, ...]  # the screen as text, at 80x24
    wide_footer: str  # the bottom line once the terminal is WIDE columns wide
    focused: str  # the focused widget, if any
    focus_shown: bool  # whether it differs from itself unfocused, colour aside


def screen_lines(app: SecureRecordsApp) -> tuple[str, ...]:
    """The screen as plain text, line by line, as `export_screenshot` draws it."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    return tuple(console.export_text(styles=False).splitlines())


def marks(app: SecureRecordsApp, widget: Widget) -> list[tuple[str, bool]]:
    """What the visible part of `widget` shows with colour taken away: each cell's
    character, and whether it is in reverse video (the two ways the desk shows state
    without colour: a glyph, or reverse video)."""
    region = app.screen.find_widget(widget).visible_region
    strips: list[Strip] = app.screen._compositor.render_strips()
    return [
        (char, bool(segment.style and segment.style.reverse))
        for strip in strips[region.y : region.bottom]
        for segment in strip.crop(region.x, region.right)
        for char in segment.text
    ]


async def focus_shown(pilot: Pilot[None], app: SecureRecordsApp) -> tuple[str, bool]:
    """The focused widget, and whether taking focus away changes how it looks
    without colour. A focused scrolling page (nothing on it takes focus) has
    nothing to mark."""
    widget = app.screen.focused
    page = isinstance(widget, ScrollableContainer) and not isinstance(widget, ScrollView)
    if widget is None or page:  # (an Input or a list is a ScrollView, and is marked)
        return "", True
    name = f"{type(widget).__name__}#{widget.id}"
    try:
        geometry = app.screen.find_widget(widget)
    except NoWidget:
        return f"{name} (not on screen)", False
    if not geometry.visible_region.area:
        return f"{name} (scrolled out of sight)", False
    focused = marks(app, widget)
    app.screen.set_focus(None)
    await pilot.pause()
    blurred = marks(app, widget)
    app.screen.set_focus(widget)
    await pilot.pause()
    return name, focused != blurred


async def observe(demo: DemoVault, steps: tuple[Step, ...]) -> Seen:
    app = demo_app(demo)
    reached, crash, wide, focused, shown = "", "", "", "", True
    lines: tuple[str, ...] = ()
    try:
        async with app.run_test(size=SIZE) as pilot:
            try:
                await walk(pilot, steps)
                lines = screen_lines(app)
                focused, shown = await focus_shown(pilot, app)
                await pilot.resize_terminal(WIDE, SIZE[1])
                await pilot.pause()
                wide = screen_lines(app)[-1]
            finally:
                reached = type(app.screen).__name__
                app.end_session("walked")
    except Exception as exc:  # noqa: BLE001  (any crash is what is looked for)
        crash = f"{type(exc).__name__}: {exc}"
    if app.return_code not in (None, 0):
        crash = crash or f"exit {app.return_code}"
    return Seen(reached, crash, lines, wide, focused, shown)


class Walked:
    """The demo's vault, with work waiting in every queue, and each screen walked once
    (on first asking) under NO_COLOR."""

    def __init__(self, demo: DemoVault) -> None:
        self._demo = demo
        self._seen: dict[str, Seen] = {}

    def __getitem__(self, name: str) -> Seen:
        if name not in self._seen:
            self._seen[name] = asyncio.run(observe(self._demo, WALK[name]))
        return self._seen[name]


@pytest.fixture(scope="module")
def walked() -> Iterator[Walked]:
    previous = keyring.get_keyring()
    keyring.set_keyring(OpenKeyring())
    with pytest.MonkeyPatch.context() as env, time_machine.travel(NOW, tick=False):
        env.setenv(INSECURE_ENV, "1")
        env.setenv("NO_COLOR", "1")
        demo = build_demo_vault()
        try:
            _work_waiting(demo.home)
            yield Walked(demo)
        finally:
            demo.close()
            keyring.set_keyring(previous)


SCREENS = list(WALK)


# The properties, one test each


@pytest.mark.parametrize("name", SCREENS)
def test_the_screen_is_reached_without_a_crash(walked: Walked, name: str) -> None:
    seen = walked[name]
    assert not seen.crash, seen.crash
    wanted = next(step for step in reversed(WALK[name]) if isinstance(step, type))
    assert seen.reached == wanted.__name__


@pytest.mark.parametrize("name", SCREENS)
def test_the_footer_is_not_cut_mid_word(walked: Walked, name: str) -> None:
    seen = walked[name]
    assert seen.lines, seen.crash
    footer = seen.lines[-1]
    # "? more" stands for the keys left out at this width (the help lists them all).
    whole = set(seen.wide_footer.split()) | {"more"}
    cut = [word for word in footer.split() if word not in whole]
    assert not cut, (
        f"cut at {SIZE[0]} columns: {footer.strip()!r} (in full: {seen.wide_footer.strip()!r})"
    )


REPR = ("{'", "None", "datetime.", "<secure_records")
IDENTIFIER = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:")


def lines_where(walked: Walked, name: str, found: Callable[[str], object]) -> str:
    """The lines of the screen `name` on which `found` finds something."""
    seen = walked[name]
    assert seen.lines, f"never drawn: {seen.crash}"
    return "\n".join(line for line in seen.lines if found(line))


@pytest.mark.parametrize("name", SCREENS)
def test_no_python_repr_is_shown(walked: Walked, name: str) -> None:
    shown = lines_where(walked, name, lambda line: any(r in line for r in REPR))
    assert not shown, shown


@pytest.mark.parametrize("name", SCREENS)
def test_no_identifier_is_shown(walked: Walked, name: str) -> None:
    shown = lines_where(walked, name, IDENTIFIER.search)
    assert not shown, shown


@pytest.mark.parametrize("name", SCREENS)
def test_no_raw_iso_time_is_shown(walked: Walked, name: str) -> None:
    shown = lines_where(walked, name, ISO_TIME.search)
    assert not shown, shown


@pytest.mark.parametrize("name", SCREENS)
def test_the_focused_widget_is_shown_without_colour(walked: Walked, name: str) -> None:
    seen = walked[name]
    assert seen.lines, f"never drawn: {seen.crash}"
    assert seen.focus_shown, f"{seen.focused} looks the same focused or not, colour aside"
