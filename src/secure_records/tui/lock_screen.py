"""The idle lock: an opaque screen holding no record data (policy 11, Clear desk)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Static

from secure_records.tui.literal import literal
from secure_records.tui.pin_screen import pin_asked, typed_pin


class LockScreen(Screen[None]):
    class PinEntered(Message):
        def __init__(self, pin: str) -> None:
            self.pin = pin
            super().__init__()

    def __init__(self, staff_name: str) -> None:
        super().__init__()
        self._staff_name = staff_name

    def compose(self) -> ComposeResult:
        return pin_asked("Locked", f"Session of {self._staff_name}. Enter your PIN to go on.")

    def on_mount(self) -> None:
        self.query_one("#pin", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        pin = typed_pin(self, event)
        if pin is not None:
            self.post_message(self.PinEntered(pin))

    def wrong_pin(self, said: str) -> None:
        self.query_one("#problem", Static).update(literal(said))
