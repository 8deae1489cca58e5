"""The lock keeps drafts (policy section 11, Clear desk, without losing work): what is
typed in a dialog over a record is held in memory while locked, never drawn, and put
back after the PIN, the record and the dialog opened again. Quitting with a draft
asks first."""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from secure_records.session import Session
from secure_records.tui.dialog import Dialog, HeldDraft
from secure_records.tui.list_screen import RECORD_SCREEN
from secure_records.tui.literal import literal
from secure_records.tui.record_screen import RecordScreen

# One held draft per app (the process has one; tests run several).
_held: WeakKeyDictionary[App[Any], HeldDraft] = WeakKeyDictionary()


def _record_screen(app: App[Any]) -> RecordScreen | None:
    return next((s for s in app.screen_stack if isinstance(s, RecordScreen)), None)


def hold(app: App[Any]) -> None:
    """Before the lock takes the screens away: keep what is typed over the record."""
    screen = _record_screen(app)
    draft = screen.draft() if screen is not None else None
    if draft is not None:
        _held[app] = draft


def drop(app: App[Any]) -> None:
    """The session ends: what was held goes with it."""
    _held.pop(app, None)


async def put_back(app: App[Any], session: Session) -> None:
    """After the PIN: open the record again, and the dialog with what was typed."""
    draft = _held.pop(app, None)
    if draft is None:
        return
    if not app.is_screen_installed(RECORD_SCREEN):
        app.install_screen(RecordScreen(session), RECORD_SCREEN)
    await app.push_screen(RECORD_SCREEN)
    screen = app.get_screen(RECORD_SCREEN)
    assert isinstance(screen, RecordScreen)
    if screen.show_record(draft.record_id):  # refused (no longer in scope): said, and gone
        screen.resume(draft)
    else:
        app.pop_screen()


def unsaved(app: App[Any]) -> str | None:
    """What would be lost by quitting now ("note"), if anything. Asked already (the
    question is on screen): nothing, so that a second ctrl+q quits."""
    if isinstance(app.screen, LoseDraft):
        return None
    held = _held.get(app)
    if held is not None:
        return held.what
    screen = _record_screen(app)
    draft = screen.draft() if screen is not None else None
    if draft is not None:
        return draft.what
    # A dialog over another screen (the restricted records' list, say).
    for open_dialog in app.screen_stack:
        if isinstance(open_dialog, Dialog) and open_dialog.unsaved():
            return open_dialog.WHAT
    return None


class LoseDraft(Dialog[bool]):
    """Quit with a draft open: asked first, Stay focused so Enter does not lose it."""

    WHAT = ""

    def __init__(self, what: str) -> None:
        super().__init__()
        self._what = what

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(literal(f"You have an unsaved {self._what}. Quit and lose it?"))
            yield Static("", id="problem", classes="said")
            with Horizontal(classes="buttons"):
                yield Button("Stay", variant="primary", id="stay")
                yield Button("Quit and lose it", variant="error", id=self.SAVE)

    def on_mount(self) -> None:
        self.query_one("#stay", Button).focus()

    def _draft(self) -> bool | None:
        return True

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.prevent_default()
        self.dismiss(event.button.id == self.SAVE)
