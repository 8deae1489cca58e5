"""The register of subject access requests (UK GDPR Art. 12(3)), a lead's screen: each
request with when it was received and is due, the UK way, open ones first by due
date; a dialog to enter one as it arrives, and one to extend the time with a reason.
A request is answered by its report, made from the record (a)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, OptionList, Static

from secure_records.core.access_requests import (
    DUE_SOON_DAYS,
    MAX_EXTENSION_MONTHS,
    Standing,
    answered_words,
    standing_words,
)
from secure_records.core.dates import DateRefused, parse_typed, typed_hint, uk_date
from secure_records.core.errors import SecureRecordsError
from secure_records.core.permissions import Permission
from secure_records.core.text import counted
from secure_records.session.access_requests import AccessRequest
from secure_records.tui.dialog import Beside, Check, Dialog, Refusal, field_label, said, typed_form
from secure_records.tui.literal import literal
from secure_records.tui.review_queue import ReviewQueue

RECEIVED = "Received"


@dataclass(frozen=True)
class RequestDraft:
    record_id: str
    received: date
    identity_check: str


@dataclass(frozen=True)
class ExtensionDraft:
    months: int
    reason: str


def _words(request: AccessRequest, today: date) -> str:
    if request.answered_on is not None:
        return answered_words(request.due, request.answered_on)
    return standing_words(request.due, request.standing is Standing.ANSWERED, today)


def request_line(request: AccessRequest, today: date) -> str:
    """'R-0001  received 31 Jan 2026  due 28 Feb 2026  OVERDUE by 3 days'."""
    extended = "+" if request.extension_months else ""
    return (
        f"{request.record_id}  received {uk_date(request.received)}  "
        f"due {uk_date(request.due)}{extended}  {_words(request, today)}"
    )


def request_whole(request: AccessRequest, today: date) -> list[str]:
    """The request whole, under the list: what was typed about it, and its answer."""
    lines = [
        f"{request.id} about {request.record_id}, entered by {request.logged_by}: "
        f"{_words(request, today)}",
        f"Received {uk_date(request.received)}; due {uk_date(request.due)}",
    ]
    if request.restricted:
        return [*lines, "The record is restricted: what was typed about it is not shown."]
    lines.append(f"Identity checked: {request.identity_check}")
    if request.extension_months:
        months = counted(request.extension_months, "month")
        lines.append(f"Extended by {months}: {request.extension_reason}")
    if request.report_id:
        lines.append(f"Answered by the report {request.report_id} (Outputs, e on the list)")
    return lines


class NewAccessRequest(Dialog[RequestDraft]):
    """A subject access request as it arrives: about which record, when received, and
    how the person's identity was checked."""

    WHAT = "subject access request"

    def __init__(self, today: date, minimum: int, check: Check[RequestDraft]) -> None:
        super().__init__(check)
        self._today, self._minimum = today, minimum

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("New subject access request", id="question")
            yield Static(
                "Due one calendar month after it was received: the same day next month, "
                "or that month's last day.",
                classes="hint",
            )
            yield field_label("Record reference")
            yield Input(placeholder="e.g. R-0001", id="record")
            yield said("record")
            yield field_label(typed_hint(RECEIVED))
            yield Input(typed_form(self._today), id="received")
            yield said("received")
            yield field_label(
                f"How was their identity checked? (at least {counted(self._minimum, 'character')})"
            )
            yield Input(placeholder="e.g. passport seen at the office", id="identity")
            yield said("identity")
            yield Static("", id="problem", classes="said")
            with Horizontal(classes="buttons"):
                yield Button("Enter it", variant="primary", id=self.SAVE)
                yield Button("Cancel", id="cancel")

    def _draft(self) -> RequestDraft | None:
        record = self.query_one("#record", Input).value.strip()
        if not record:
            self.fault("record", "Give the record's reference.")
            return None
        try:
            received = parse_typed(self.query_one("#received", Input).value, RECEIVED)
        except DateRefused as exc:
            self.fault("received", str(exc))
            return None
        return RequestDraft(record, received, self.query_one("#identity", Input).value)


class ExtendAccessRequest(Dialog[ExtensionDraft]):
    """More time for a request, with the reason the person is told."""

    WHAT = "extension"

    def __init__(self, request: AccessRequest, minimum: int, check: Check[ExtensionDraft]) -> None:
        super().__init__(check)
        self._request, self._minimum = request, minimum

    def compose(self) -> ComposeResult:
        request = self._request
        with Vertical(id="dialog"):
            yield Static(literal(f"Extend the time for {request.id}"), id="question")
            yield Static(
                literal(
                    f"About {request.record_id}, due {uk_date(request.due)}. Up to "
                    f"{MAX_EXTENSION_MONTHS} months more in all, only within the first "
                    "month: tell the person why within it."
                ),
                classes="hint",
            )
            yield field_label("By how many months (1 or 2)")
            yield Input("1", id="months")
            yield said("months")
            yield field_label(f"Why (at least {counted(self._minimum, 'character')})")
            yield Input(placeholder="Enter to go on", id="reason")
            yield said("reason")
            yield Static("", id="problem", classes="said")
            with Horizontal(classes="buttons"):
                yield Button("Extend", variant="warning", id=self.SAVE)
                yield Button("Cancel", id="cancel")

    def _draft(self) -> ExtensionDraft | None:
        months = self.query_one("#months", Input).value.strip()
        if months not in ("1", "2"):
            self.fault("months", "Type 1 or 2.")
            return None
        return ExtensionDraft(int(months), self.query_one("#reason", Input).value)


class AccessRequestsScreen(ReviewQueue[AccessRequest]):
    BINDINGS = [
        *ReviewQueue.BINDINGS,
        Binding("n", "new_request", "New request"),
        Binding("x", "extend", "Extend the time"),
    ]
    NEEDS = {"new_request": Permission.SUBJECT_ACCESS, "extend": Permission.SUBJECT_ACCESS}
    BOX_ID = "access-request-list"
    HEADING = "Subject access requests"
    HINT = (
        f"Due one calendar month after receipt; + marks an extension. Those due within "
        f"{DUE_SOON_DAYS} days or overdue are on your first screen. Press n for a new "
        "request, x to extend one; the report, made from the record (a), answers it."
    )
    LIST_ID = "access-requests"
    EMPTY = "No subject access request is in the register."
    WHOLE = True

    # The first resume follows the mount, which has just loaded the list (and logged it).
    _resumed = False
    # What a dialog did, said again after the reload that follows it closing.
    _after_dialog = ""

    def on_screen_resume(self) -> None:
        if self._resumed:
            self._load()
        self._resumed = True
        if self._after_dialog:
            self._say(self._after_dialog)
            self._after_dialog = ""

    def _fetch(self) -> list[AccessRequest]:
        return self._session.access_requests.register()

    def _line(self, item: AccessRequest) -> tuple[str, str]:
        return request_line(item, date.today()), item.id

    def _whole(self, item: AccessRequest) -> list[str]:
        return request_whole(item, date.today())

    def _load_refused(self, message: str) -> None:
        self._say(message)

    def _entered(self, said: str) -> None:
        """Once a dialog has closed: the register again, and what was done."""
        self._after_dialog = said
        self._load()
        self._say(said)

    def action_new_request(self) -> None:
        session = self._session
        done: list[str] = []

        def check(draft: RequestDraft) -> Refusal | None:
            try:
                entered = session.access_requests.record(
                    draft.record_id, draft.received, draft.identity_check
                )
            except DateRefused as exc:
                return Beside("received", str(exc))
            except SecureRecordsError as exc:
                return str(exc)
            done.append(f"{entered.record_id}: entered, due {uk_date(entered.due)}.")
            return None

        minimum = session.policy.sharing.reason_min_length
        self.app.push_screen(
            NewAccessRequest(date.today(), minimum, check),
            lambda _: self._entered(done[0]) if done else None,
        )

    def action_extend(self) -> None:
        index = self.query_one(f"#{self.LIST_ID}", OptionList).highlighted
        if index is None or not 0 <= index < len(self._items):
            self._say("Choose a request to extend.")
            return
        request, session = self._items[index], self._session
        done: list[str] = []

        def check(draft: ExtensionDraft) -> Refusal | None:
            try:
                extended = session.access_requests.extend(request.id, draft.months, draft.reason)
            except SecureRecordsError as exc:
                return str(exc)
            done.append(f"{extended.record_id}: now due {uk_date(extended.due)}.")
            return None

        minimum = session.policy.sharing.reason_min_length
        self.app.push_screen(
            ExtendAccessRequest(request, minimum, check),
            lambda _: self._entered(done[0]) if done else None,
        )
