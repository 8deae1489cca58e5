"""A safeguarding lead's queue of proposed disposals, to approve or reject.

The lead sees every record, so can open one to review it before approving; the
lead who approves must not be the person who proposed.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from secure_records.core.errors import SecureRecordsError
from secure_records.session import Session
from secure_records.session.retention import DisposalItem
from secure_records.tui.literal import literal
from secure_records.tui.session_screen import SessionScreen


class DisposalQueueScreen(SessionScreen):
    BINDINGS = [Binding("escape", "back", "Back")]

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self._items: list[DisposalItem] = []

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="disposal-queue"):
            yield Static("Disposals to approve (sections 6 and 11)", classes="title")
            yield Static(
                literal(
                    "Approving lets IT erase the record for good. Open the record from the "
                    "list first if you need to review it; set a legal hold instead if it "
                    "must be kept (an inquiry, litigation)."
                ),
                classes="hint",
            )
            yield OptionList(id="disposals")
            yield Input(placeholder="Your reason for approving or rejecting", id="reason")
            with Horizontal(classes="buttons"):
                yield Button("Approve", variant="error", id="approve")
                yield Button("Reject: keep the record", variant="primary", id="reject")
            yield Static("", id="problem")
        yield Footer()

    def on_mount(self) -> None:
        self._load()

    def _load(self) -> None:
        try:
            self._items = self._session.disposals(("proposed",))
        except SecureRecordsError as exc:
            self.app.notify(str(exc), severity="error", markup=False)
            self.app.pop_screen()
            return
        options = self.query_one("#disposals", OptionList)
        options.clear_options()
        options.add_options(
            [
                Option(
                    literal(
                        f"{d.id}  {d.record_id}  {d.category}  rule {d.rule}  due {d.due}  "
                        f"proposed by {d.proposed_by} {d.proposed_at}"
                    ),
                    id=d.id,
                )
                for d in self._items
            ]
        )
        if self._items:
            options.highlighted = 0
        else:
            self.query_one("#problem", Static).update(literal("Nothing is waiting."))
        options.focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        index = self.query_one("#disposals", OptionList).highlighted
        if index is None or not 0 <= index < len(self._items):
            self.query_one("#problem", Static).update(literal("Choose a disposal first."))
            return
        reason = self.query_one("#reason", Input).value
        try:
            done = self._session.review_disposal(
                self._items[index].id, event.button.id == "approve", reason
            )
        except SecureRecordsError as exc:
            self.query_one("#problem", Static).update(literal(str(exc)))
            return
        self.query_one("#reason", Input).value = ""
        self._load()
        self.query_one("#problem", Static).update(
            literal(f"{done.id} {done.status} (record {done.record_id}).")
        )

    def action_back(self) -> None:
        self.app.pop_screen()

    def forget(self) -> None:
        self.query_one("#reason", Input).value = ""
