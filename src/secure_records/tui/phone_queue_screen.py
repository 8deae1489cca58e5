"""Verified telephone requests, for the people who take the sharing decision.

A caseworker sees the verified requests about records assigned to them; a
safeguarding lead sees every one, and the requests reception referred because
the caller's organisation was not entitled to ask or not in the directory.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, OptionList, RadioSet, Static

from secure_records.core.dates import shown_date
from secure_records.core.permissions import Permission
from secure_records.core.telephone import Status, Urgency
from secure_records.core.text import counted
from secure_records.core.words import CALL_WORDS, URGENCY_WORDS, status_words
from secure_records.session import Session
from secure_records.session.telephone import PhoneQueueItem, PhoneRequestDetail
from secure_records.tui.dialog import field_label
from secure_records.tui.literal import labelled, literal
from secure_records.tui.review_queue import NOTHING_WAITING, QueueAction, ReviewQueue
from secure_records.tui.sharing_screen import SharingScreen
from secure_records.tui.shown_time import when
from secure_records.tui.toggles import RadioButton


def born_shown(about: str) -> str:
    """Session's "Name, born YYYY-MM-DD" with the date the UK way. The name is the
    caller's words: only the date after the last ", born " is read, never the name."""
    name, born, day = about.rpartition(", born ")
    return f"{name}{born}{shown_date(day)}" if born else about


CHOOSE_FIRST = "choose a request (Enter) to see it in full first."


def urgency_shown(urgency: Urgency) -> str:
    """In words, URGENT first where someone may be at risk now (not colour alone)."""
    words = status_words(urgency, URGENCY_WORDS)
    return f"URGENT: {words}" if urgency is Urgency.IMMEDIATE else words


def callback_shown(detail: PhoneRequestDetail) -> str:
    if detail.callback:
        return detail.callback
    if detail.status is Status.ESCALATED:
        return f"not reached ({counted(len(detail.attempts), 'attempt')})"
    return "none: reception referred it"


class PhoneQueueScreen(ReviewQueue[PhoneQueueItem]):
    BOX_ID = "phone-queue"
    HEADING = "Telephone requests (section 11)"
    LIST_ID = "requests"
    EMPTY = "No telephone requests are waiting."
    CHOOSE = "Choose a request first."
    # Only a lead forwards a request, or closes one without a decision.
    NEEDS = {"close": Permission.APPROVE_SHARING, "forward": Permission.APPROVE_SHARING}

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self._detail: PhoneRequestDetail | None = None
        lead = self.allowed("forward")
        self._forward_to = session.telephone.forward_choices() if lead else []

    def _controls(self) -> ComposeResult:
        # The request chosen (with Enter) is shown in full before anything is done.
        yield Static("", id="detail")
        with Horizontal(classes="buttons"):
            yield self._button(QueueAction("decide", "Decide on sharing", "primary"))
        # A button that cannot be pressed says why, in words.
        yield Static("", id="decide-why", classes="hint")
        if not self.allowed("close"):
            return
        if self._forward_to:
            yield field_label("Forward to")
            with RadioSet(id="forward-to"):
                for name in self._forward_to:
                    yield RadioButton(literal(name))
        yield field_label("Reason for forwarding it, or for closing it without a decision")
        yield Input(placeholder="Reason", id="reason")
        with Horizontal(classes="buttons"):
            if self._forward_to:
                yield self._button(QueueAction("forward", "Forward it"))
            yield self._button(QueueAction("close", "Close the request"))

    def on_screen_resume(self) -> None:
        self._load()

    def _fetch(self) -> list[PhoneQueueItem]:
        return self._session.telephone.phone_queue()

    def _line(self, item: PhoneQueueItem) -> tuple[str, str]:
        urgent = "URGENT  " if item.urgency is Urgency.IMMEDIATE else ""
        forwarded = ""
        if item.forwarded_to is not None:
            mine = item.forwarded_to == self._session.staff_name
            forwarded = "  forwarded to you" if mine else f"  forwarded to {item.forwarded_to}"
        return (
            f"{urgent}{item.id}  {item.record_id or 'no record found'}  "
            f"{status_words(item.status, CALL_WORDS)}  {item.organisation}  "
            f"{status_words(item.urgency, URGENCY_WORDS)}  {when(item.created_at)}"
            + (f"  {counted(item.flags, 'red flag')}" if item.flags else "")
            + forwarded,
            item.id,
        )

    def _load(self) -> None:
        self._forget_detail()
        super()._load()
        self._decide_refused(CHOOSE_FIRST if self._items else NOTHING_WAITING)

    def _decide_refused(self, why: str) -> None:
        self.query_one("#decide", Button).disabled = bool(why)
        said = f"Decide on sharing: {why}" if why else ""
        self.query_one("#decide-why", Static).update(literal(said))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        with self.attempt(say=self._say):
            detail = self._session.telephone.phone_request(str(event.option.id))
            self._show_detail(detail)

    def _show_detail(self, detail: PhoneRequestDetail) -> None:
        self._detail = detail
        lines = [
            labelled("Caller", f"{detail.caller}, {detail.caller_role}"),
            labelled("Organisation", detail.organisation),
            labelled(
                "Called back on",
                f"{detail.switchboard} (directory: {detail.directory_source}, checked "
                f"{shown_date(detail.directory_checked)})"
                if detail.switchboard
                else "not in the directory",
            ),
            labelled("Number the caller gave", detail.number_given),
            labelled("About", born_shown(detail.about)),
            labelled("Kind", detail.kind),
            labelled("Asked", detail.asked),
            labelled("Urgency", urgency_shown(detail.urgency)),
            labelled("Callback", callback_shown(detail)),
            *[labelled("Not reached", f"by {by}, {when(at)}") for by, at in detail.attempts],
            *([labelled("Referred because", detail.why)] if detail.why else []),
            *[labelled("Red flag", flag) for flag in detail.flags],
            *[
                labelled("Forwarded", f"by {f.by} to {f.to}, {when(f.at)}: {f.reason}")
                for f in detail.forwarded
            ],
            labelled("Taken by", f"{detail.taken_by} at {when(detail.created_at)}"),
        ]
        self.query_one("#detail", Static).update(literal("\n", multiline=True).join(lines))
        self._decide_refused(detail.decide_refused)

    def _pressed(self, action: str) -> None:
        # Acts on the request shown in full, not on the line highlighted.
        detail = self._detail
        if detail is None:
            self._say(self.CHOOSE)
            return
        if action == "decide" and detail.record_id is not None:
            with self.attempt(say=self._say):
                view = self._session.records.open_record(detail.record_id)
                self.app.push_screen(SharingScreen(self._session, view, detail))
        elif action == "forward":
            chosen = self.query_one("#forward-to", RadioSet).pressed_index
            if chosen < 0:
                self._say("Choose whom to forward it to.")
                return
            to = self._forward_to[chosen]
            with self.attempt(say=self._say):
                self._session.telephone.forward_phone_request(detail.id, to, self._reason())
                self._done(f"{detail.id} forwarded to {to}.")
        elif action == "close":
            with self.attempt(say=self._say):
                self._session.telephone.close_phone_request(detail.id, self._reason())
                self._done(f"{detail.id} closed.")

    def _forget_detail(self) -> None:
        self._detail = None
        self.query_one("#detail", Static).update("")

    def forget(self) -> None:
        super().forget()
        self._forget_detail()
