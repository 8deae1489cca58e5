"""The first screen of a session: the staff member's PIN, before any record is read.

Opaque, like the lock: nothing of the vault is on screen or in memory until the PIN
is right (the session only opens then). A wrong PIN is counted in the vault.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Static

from secure_records.tui.key_footer import KeyFooter
from secure_records.tui.literal import literal


class PinScreen(Screen[None]):
    DEFAULT_CSS = """
    PinScreen {
        align: center middle;
        background: $background;
    }
    """

    class Entered(Message):
        def __init__(self, staff_name: str, pin: str) -> None:
            self.staff_name = staff_name
            self.pin = pin
            super().__init__()

    def __init__(self, staff_name: str, hint: str = "") -> None:
        super().__init__()
        self._staff_name = staff_name
        self._hint = hint

    def compose(self) -> ComposeResult:
        said = f"Session of {self._staff_name}. Enter your PIN to start."
        return pin_asked("Sign in", f"{said} {self._hint}".strip())

    def on_mount(self) -> None:
        self.query_one("#pin", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        pin = typed_pin(self, event)
        if pin is not None:
            self.post_message(self.Entered(self._staff_name, pin))

    def wrong_pin(self, said: str) -> None:
        self.query_one("#problem", Static).update(literal(said))


def typed_pin(screen: Screen[None], event: Input.Submitted) -> str | None:
    """The PIN typed, the box emptied; None for Enter on an empty box, which is said
    and never checked: a slip of the finger does not cost one of the tries."""
    pin, event.input.value = event.value, ""
    if not pin:
        screen.query_one("#problem", Static).update("Type your PIN, then press Enter.")
        return None
    return pin


def pin_asked(title: str, said: str) -> ComposeResult:
    """The box that asks for a PIN, at the start and at the lock (app.tcss #lock)."""
    with Vertical(id="lock"):
        yield Static(title, classes="title")
        yield Static(literal(said))
        yield Input(password=True, placeholder="PIN", id="pin")
        yield Static("", id="problem")
    yield KeyFooter()
