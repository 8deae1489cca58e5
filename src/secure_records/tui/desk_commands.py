"""The command palette's commands: the app's own, none of Textual's.

Textual's (Theme, Keys, Maximize, Screenshot) are not offered: the help panel says
what the keys do, a screenshot would write records to disk. A record is opened by
typing its reference: the palette never lists references, and opening goes through
Session like a choice in the list, so one out of scope is refused (and logged) the
same way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Mapping
from functools import partial
from typing import Any, Protocol, runtime_checkable

from rich.text import Text
from textual.app import SystemCommand
from textual.command import Hit, Hits, Provider

from secure_records.core.records import RECORD_ID
from secure_records.tui.home_screens import open_by_reference, opens_records_from
from secure_records.tui.session_screen import SessionScreen

# The home screen's keys that take the person somewhere (a queue, a desk, a page),
# offered in the palette under the key's own description.
PLACES = frozenset(
    {
        "queue",
        "phone_requests",
        "disposals",
        "restricted",
        "retention",
        "audit",
        "new_request",
        "look_up",
    }
)


def places(home: SessionScreen) -> Iterator[tuple[str, Callable[[], Awaitable[Any]]]]:
    """(title, what it does) for each place the home screen leads to that the role
    may go: the same check as the footer (`check_action`)."""
    for _, binding in home._bindings:
        if binding.action in PLACES and home.check_action(binding.action, ()):
            yield binding.description, partial(home.run_action, binding.action)


@runtime_checkable
class Desk(Protocol):
    def home(self) -> SessionScreen | None:
        """The signed-in person's first screen; None before sign-in and while locked."""


def desk_commands(
    home: SessionScreen | None, do: Mapping[str, Callable[[], Awaitable[Any] | None]]
) -> Iterator[SystemCommand]:
    """The app's own palette: help, the places the home screen leads to, lock, switch
    person (the demo, where `do` has it), quit. None of Textual's: its screenshot writes
    records to a file, its Keys panel offers Copy (selection is off), Theme and
    Maximize are noise on a desk."""
    yield SystemCommand("Help", "What this screen is for, and its keys (? or F1)", do["help"])
    if home is not None:
        for title, go in places(home):
            yield SystemCommand(title, f"Open: {title}", go)
        yield SystemCommand("Lock", "Lock the screen now (ctrl+l)", do["lock"])
        if "switch_person" in do:
            yield SystemCommand(
                "Switch person", "Be someone else in the demo (ctrl+r)", do["switch_person"]
            )
    yield SystemCommand("Quit", "End the session and leave (ctrl+q)", do["quit"])


class RecordByReference(Provider):
    """`R-1` typed in the palette offers "Open record R-1", and nothing else: whether
    it exists, or is the person's to open, is Session's to say once it is chosen."""

    async def search(self, query: str) -> Hits:
        app = self.app
        reference = query.strip()
        if not isinstance(app, Desk):
            return
        home = app.home()
        if not opens_records_from(home, self.screen):
            return
        if not RECORD_ID.fullmatch(reference):
            return
        title = f"Open record {reference}"
        yield Hit(
            1.0,
            Text(title),
            partial(open_by_reference, self.app, home, reference),
            text=title,
            help="If it is one you may open; the attempt is logged either way.",
        )
