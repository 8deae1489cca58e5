"""A safeguarding lead's queue: sharing without consent, to confirm or reject."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from secure_records.core.errors import SecureRecordsError
from secure_records.session import QueueItem, Session
from secure_records.tui.literal import literal
from secure_records.tui.session_screen import SessionScreen

WAITING = {"awaiting_manager": "waiting to share", "acted_urgently": "shared urgently"}


class QueueScreen(SessionScreen):
    BINDINGS = [Binding("escape", "back", "Back")]

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self._items: list[QueueItem] = []

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="queue"):
            yield Static("Sharing decisions to confirm (section 10(f))", classes="title")
            yield OptionList(id="items")
            yield Input(placeholder="Your reason for confirming or rejecting", id="reason")
            with Horizontal(classes="buttons"):
                yield Button("Confirm", variant="primary", id="confirm")
                yield Button("Reject", variant="error", id="reject")
            yield Static("", id="problem")
        yield Footer()

    def on_mount(self) -> None:
        self._load()

    def _load(self) -> None:
        try:
            self._items = self._session.sharing_queue()
        except SecureRecordsError as exc:
            self.app.notify(str(exc), severity="error", markup=False)
            self.app.pop_screen()
            return
        options = self.query_one("#items", OptionList)
        options.clear_options()
        options.add_options(
            [
                Option(
                    literal(
                        f"{item.decision_id}  {item.record_id}  {WAITING[item.status]}  "
                        f"by {item.decided_by}  {item.created_at}"
                    ),
                    id=item.decision_id,
                )
                for item in self._items
            ]
        )
        if self._items:
            options.highlighted = 0
        else:
            self.query_one("#problem", Static).update(literal("Nothing is waiting."))
        options.focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        options = self.query_one("#items", OptionList)
        index = options.highlighted
        if index is None or not 0 <= index < len(self._items):
            self.query_one("#problem", Static).update(literal("Choose a decision first."))
            return
        reason = self.query_one("#reason", Input).value
        try:
            done = self._session.review_sharing(
                self._items[index].decision_id, event.button.id == "confirm", reason
            )
        except SecureRecordsError as exc:
            self.query_one("#problem", Static).update(literal(str(exc)))
            return
        said = f"{done.decision_id} {done.status}."
        if done.package is not None:
            said += f" The disclosure package is exports/{done.package.name}."
        self.query_one("#reason", Input).value = ""
        self._load()
        self.query_one("#problem", Static).update(literal(said))

    def action_back(self) -> None:
        self.app.pop_screen()

    def forget(self) -> None:
        self.query_one("#reason", Input).value = ""
