"""The demo's first screen: choose whom to be (demo only)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from secure_records.tui.key_footer import KeyFooter
from secure_records.tui.literal import literal

# What the picker says, and the PIN screen after it (demo.DEMO_PIN).
DEMO_PIN_HINT = "Every demo PIN is 123456."


class RolePicker(Screen[None]):
    class Picked(Message):
        def __init__(self, staff_name: str) -> None:
            self.staff_name = staff_name
            super().__init__()

    def __init__(self, staff: list[tuple[str, str]], problem: str = "") -> None:
        super().__init__()
        self._staff = staff
        # Why the demo came back here (a lockout), said on the picker, not in a toast
        # that has gone before it is read.
        self._problem = problem

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Static("secure-records demo", classes="title")
            yield Static(
                literal(
                    "A throwaway vault of fictional records. Choose whom to be; each sees "
                    f"only what their role needs. {DEMO_PIN_HINT}"
                ),
                classes="hint",
            )
            yield OptionList(
                *[Option(literal(f"{name:<10} {label}"), id=name) for name, label in self._staff],
                id="staff",
            )
            if self._problem:
                yield Static(literal(self._problem), id="problem")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.post_message(self.Picked(event.option.id))
