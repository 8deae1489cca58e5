"""Reception's screen: does a record exist for this exact name and date of birth?"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Button, Input, Static

from secure_records.core.dates import typed_hint, typed_iso
from secure_records.tui.key_footer import KeyFooter
from secure_records.tui.literal import literal
from secure_records.tui.session_screen import SessionScreen

EXPLAINED = (
    "Reception can learn that a record exists, and its reference, from an exact name and "
    "date of birth; never what it holds. Telephone requests are verified by calling back "
    "the organisation's number from the directory, never a number the caller gives."
)

DOB = "Date of birth"


class LookupScreen(SessionScreen):
    BINDINGS = [Binding("escape", "back", "Back")]

    def compose(self) -> ComposeResult:
        with Vertical(id="lookup"):
            yield Static("Exact lookup", classes="title")
            yield Static(literal(EXPLAINED), classes="hint")
            yield Static("Full name:")
            yield Input(placeholder="Full name", id="name")
            # The form it takes is said before the first try, not in the error after it.
            yield Static(typed_hint(DOB) + ":")
            yield Input(placeholder=typed_hint(DOB), id="dob")
            yield Button("Look up", variant="primary", id="look-up")
            yield Static("", id="result")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def _look_up(self) -> None:
        name = self.query_one("#name", Input).value
        typed = self.query_one("#dob", Input).value
        with self.attempt(say=self._result):
            # 04/02/2018 is the 4th of February, matched as the stored 2018-02-04.
            dob = typed_iso(typed, DOB)
            match = self._session.records.find_exact(name, dob)
            self._result(
                "No record matches that exact name and date of birth."
                if match is None
                else f"A record exists: {match.reference}"
            )

    def _result(self, text: str) -> None:
        self.query_one("#result", Static).update(literal(text))

    def on_button_pressed(self) -> None:
        self._look_up()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "name":
            self.query_one("#dob", Input).focus()
        else:
            self._look_up()

    def action_back(self) -> None:
        # Back to reception's desk when opened from it; the base screen stays.
        if len(self.app.screen_stack) > 2:
            self.forget()
            self.app.pop_screen()

    def forget(self) -> None:
        for widget in self.query(Input):
            widget.value = ""
        self.query_one("#result", Static).update("")
