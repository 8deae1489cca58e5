"""Verified telephone requests, for the people who take the sharing decision.

A caseworker sees the verified requests about records assigned to them; a
safeguarding lead sees every one, and the requests reception referred because
the caller's organisation was not entitled to ask or not in the directory.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from secure_records.core.errors import SecureRecordsError
from secure_records.core.permissions import Permission
from secure_records.core.telephone import Status
from secure_records.session import Session
from secure_records.session.telephone import PhoneQueueItem, PhoneRequestDetail
from secure_records.tui.literal import labelled, literal
from secure_records.tui.session_screen import SessionScreen
from secure_records.tui.sharing_screen import SharingScreen

STATUS_WORDS = {Status.VERIFIED: "verified by callback", Status.REFERRED: "referred to the lead"}


class PhoneQueueScreen(SessionScreen):
    BINDINGS = [Binding("escape", "back", "Back")]

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self._items: list[PhoneQueueItem] = []
        self._detail: PhoneRequestDetail | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="phone-queue"):
            yield Static("Telephone requests (section 11)", classes="title")
            yield OptionList(id="requests")
            yield Static("", id="detail")
            with Horizontal(classes="buttons"):
                yield Button("Decide on sharing", variant="primary", id="decide")
            yield Input(placeholder="Reason for closing without a decision", id="reason")
            with Horizontal(classes="buttons"):
                yield Button("Close the request", id="close")
            yield Static("", id="problem")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#close", Button).display = self._session.may(Permission.APPROVE_SHARING)
        self.query_one("#reason", Input).display = self._session.may(Permission.APPROVE_SHARING)
        self._load()

    def on_screen_resume(self) -> None:
        self._load()

    def _load(self) -> None:
        try:
            self._items = self._session.phone_queue()
        except SecureRecordsError as exc:
            self.app.notify(str(exc), severity="error", markup=False)
            self.app.pop_screen()
            return
        options = self.query_one("#requests", OptionList)
        options.clear_options()
        options.add_options(
            [
                Option(
                    literal(
                        f"{item.id}  {item.record_id or 'no record found'}  "
                        f"{STATUS_WORDS.get(item.status, item.status)}  {item.organisation}  "
                        f"{item.urgency}" + (f"  {item.flags} red flag(s)" if item.flags else "")
                    ),
                    id=item.id,
                )
                for item in self._items
            ]
        )
        if self._items:
            options.highlighted = 0
        self._detail = None
        self.query_one("#detail", Static).update("")
        self.query_one("#decide", Button).disabled = True
        self.query_one("#problem", Static).update(
            literal("" if self._items else "No telephone requests are waiting.")
        )
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        try:
            detail = self._session.phone_request(str(event.option.id))
        except SecureRecordsError as exc:
            self.query_one("#problem", Static).update(literal(str(exc)))
            return
        self._detail = detail
        lines = [
            labelled("Caller", f"{detail.caller}, {detail.caller_role}"),
            labelled("Organisation", detail.organisation),
            labelled(
                "Called back on",
                f"{detail.switchboard} (directory: {detail.directory_source}, checked "
                f"{detail.directory_checked})"
                if detail.switchboard
                else "not in the directory",
            ),
            labelled("Number the caller gave", detail.number_given),
            labelled("About", detail.about),
            labelled("Kind", detail.kind),
            labelled("Asked", detail.asked),
            labelled("Urgency", detail.urgency),
            labelled("Callback", detail.callback or "none: reception referred it"),
            *[labelled("Red flag", flag) for flag in detail.flags],
            labelled("Taken by", f"{detail.taken_by} at {detail.created_at}"),
        ]
        self.query_one("#detail", Static).update(literal("\n", multiline=True).join(lines))
        self.query_one("#decide", Button).disabled = not (
            detail.status is Status.VERIFIED
            and detail.record_id
            and self._session.may(Permission.SHARE)
        )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        detail = self._detail
        problem = self.query_one("#problem", Static)
        if detail is None:
            problem.update(literal("Choose a request first."))
            return
        if event.button.id == "decide" and detail.record_id is not None:
            try:
                view = self._session.open_record(detail.record_id)
            except SecureRecordsError as exc:
                problem.update(literal(str(exc)))
                return
            self.app.push_screen(SharingScreen(self._session, view, detail))
        elif event.button.id == "close":
            try:
                self._session.close_phone_request(detail.id, self.query_one("#reason", Input).value)
            except SecureRecordsError as exc:
                problem.update(literal(str(exc)))
                return
            self.query_one("#reason", Input).value = ""
            self._load()
            problem.update(literal(f"{detail.id} closed."))

    def action_back(self) -> None:
        self.app.pop_screen()

    def forget(self) -> None:
        self._detail = None
        self.query_one("#detail", Static).update("")
