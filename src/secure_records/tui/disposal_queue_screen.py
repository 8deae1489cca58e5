"""A safeguarding lead's queue of proposed disposals, to approve or reject.

The lead sees every record, so can open one to review it before approving; the
lead who approves must not be the person who proposed. The highlighted proposal is
shown whole (the rule in words and why, the due date, who proposed it and their
reason), and approving it is typed (the record's reference): it cannot be undone.
Rejecting it keeps the record until a next review date typed beside the reason
(offered from retention.toml), when it is back in IT's queue; a date that cannot be
read, or is not after today, is refused beside the field, as typed.

`a` (or its button) approves every proposal waiting (but the lead's own) as a batch:
the reason asked in a box if none is typed, then the whole decision (the counts under
each rule, who proposed, when and why, each record with its rule and due date),
confirmed by typing how many (issue 20). The list says how many wait.
"""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Static

from secure_records.core.dates import DateRefused, parse_typed, shown_date, typed_hint
from secure_records.core.permissions import Permission
from secure_records.core.policy import Policy
from secure_records.core.retention import add_years, next_review_refused, rule_words
from secure_records.core.text import plural
from secure_records.core.words import DISPOSAL_WORDS, in_words, status_words
from secure_records.session.retention import DisposalItem
from secure_records.tui.dialog import field_label, typed_form
from secure_records.tui.disposal_batch import (
    batch_heading,
    batch_lines,
    confirm_batch,
    listing,
    proposers,
    total,
    with_reason,
)
from secure_records.tui.literal import literal
from secure_records.tui.review_queue import QueueAction, ReviewQueue
from secure_records.tui.shown_time import when

NEXT_REVIEW = "Next review"


def rule_said(policy: Policy, name: str) -> list[str]:
    """A retention rule in words, and why it is the rule."""
    rule = policy.retention.rules.get(name)
    if rule is None:  # the policy changed since: its name is all there is
        return [f"Rule: {name}"]
    starts = policy.fields[rule.starts].label if rule.starts in policy.fields else rule.starts
    return [f"Rule: {rule_words(rule, starts)}", f"Why: {rule.basis}"]


class DisposalQueueScreen(ReviewQueue[DisposalItem]):
    DEFAULT_CSS = """
    DisposalQueueScreen #next-review { width: 18; }  /* 10 characters, frame, padding, cursor */
    DisposalQueueScreen #next-review-said { display: none; text-style: bold; color: $error; }
    DisposalQueueScreen #next-review-said.-shown { display: block; }
    """
    BOX_ID = "disposal-queue"
    HEADING = "Disposals to approve (sections 6 and 11)"
    HINT = (
        "Approving lets IT erase the record for good. Open the record from the "
        "list first if you need to review it; set a legal hold instead if it "
        "must be kept (an inquiry, litigation)."
    )
    LIST_ID = "disposals"
    EMPTY = "No disposal is waiting for you to approve."
    CHOOSE = "Choose a disposal first."
    REASON = "Your reason for approving or rejecting"
    NOTHING_TO_DO = "Nothing is waiting, so there is nothing to approve or keep."
    ACTIONS = (
        QueueAction("approve", "Approve", "error"),
        QueueAction("reject", "Reject: keep the record", "primary"),
        # The key's twin: with the reason typed into, a is a letter.
        QueueAction("approve-all", "Approve all (a)", "error"),
    )
    BINDINGS = [Binding("a", "approve_all", "Approve all as a batch")]
    NEEDS = {
        "approve": Permission.APPROVE_DISPOSAL,
        "reject": Permission.APPROVE_DISPOSAL,
        "approve_all": Permission.APPROVE_DISPOSAL,
        "approve-all": Permission.APPROVE_DISPOSAL,
    }
    WHOLE = True
    TYPED = {"approve": "approve the disposal"}

    def _reason_fields(self) -> ComposeResult:
        # The date under the reason, each with its label: beside it, the reason was
        # left 30 columns at 80, its placeholder cut and what was typed scrolled away.
        yield from super()._reason_fields()
        yield field_label(typed_hint(NEXT_REVIEW) + ":")
        yield Input(self._offered(), placeholder=typed_form(date.today()), id="next-review")
        yield Static("", id="next-review-said")

    def _offered(self) -> str:
        """The next review date offered: retention.toml's months from today."""
        return typed_form(self._session.policy.retention.next_review(date.today()))

    def _beside(self, sentence: str) -> None:
        said = self.query_one("#next-review-said", Static)
        said.update(literal(f"! {sentence}" if sentence else ""))
        said.set_class(bool(sentence), "-shown")

    def _pressed(self, action: str) -> None:
        """Keeping needs a next review date, read and checked here first, so that a
        mistake in it is said beside it and what was typed stays to be corrected."""
        self._beside("")
        if action == "approve-all":
            self.action_approve_all()
            return
        if action == "reject" and self._next_review() is None:
            self.query_one("#next-review", Input).focus()
            return
        super()._pressed(action)

    def _next_review(self) -> date | None:
        typed = self.query_one("#next-review", Input).value
        try:
            # The example a date it could be: a year on, not a day long past.
            example = typed_form(add_years(date.today(), 1))
            day = parse_typed(typed, NEXT_REVIEW, example)
        except DateRefused as refused:
            self._beside(str(refused))
            return None
        refused_day = next_review_refused(day, date.today())
        if refused_day is not None:
            self._beside(refused_day)
            return None
        return day

    def _done(self, said: str) -> None:
        super()._done(said)
        self.query_one("#next-review", Input).value = self._offered()

    def forget(self) -> None:
        super().forget()
        for field in self.query("#next-review").results(Input):
            field.value = ""
        self._beside("")

    def _fetch(self) -> list[DisposalItem]:
        return self._session.retention.proposals()

    def _show_empty(self, empty: bool) -> None:
        super()._show_empty(empty)
        if not empty:  # how many wait, above the list, on screen at 80x24
            many = len(self._items)
            line = self.query_one("#empty", Static)
            line.update(literal(f"Waiting for a lead: {many:,} {plural(many, 'disposal')}."))
            line.display = True

    def _line(self, item: DisposalItem) -> tuple[str, str]:
        return (
            f"{item.id}  {item.record_id}  {in_words(item.category)}  "
            f"due {shown_date(item.due)}  proposed by {item.proposed_by} "
            f"{when(item.proposed_at)}",
            item.id,
        )

    def _whole(self, item: DisposalItem) -> list[str]:
        return [
            f"Record: {item.record_id} ({in_words(item.category)})",
            *rule_said(self._session.policy, item.rule),
            f"Due: {shown_date(item.due)}",
            f"Proposed by {item.proposed_by} {when(item.proposed_at)}",
            f"Their reason: {item.reason or '(none in the log)'}",
        ]

    def _typed(self, action: str, item: DisposalItem) -> tuple[str, str]:
        return f"Approve the disposal of {item.record_id}?", item.record_id

    def _act(self, action: str, item: DisposalItem, reason: str) -> str:
        if action == "approve":
            done = self._session.retention.review_disposal(item.id, True, reason)
            return (
                f"{done.id} {status_words(done.status, DISPOSAL_WORDS)} (record {done.record_id})."
            )
        day = self._next_review()
        if day is None:  # said beside the field; nothing was done
            raise DateRefused("The next review date needs correcting first.")
        done = self._session.retention.review_disposal(item.id, False, reason, day)
        return (
            f"{done.id} {status_words(done.status, DISPOSAL_WORDS)} (record {done.record_id}); "
            f"it is next reviewed on {shown_date(day.isoformat())}."
        )

    def action_approve_all(self) -> None:
        """Your reason first (asked in a box, on screen, if none is typed), then the
        whole decision, and how many typed; approved in one transaction only then."""
        asked = (
            "Approve every disposal waiting for you?",
            "Who proposed them, when and why, and each record, are shown next; you type "
            "how many to approve them. IT can then erase them for good.",
            "Show them",
        )
        minimum = self._session.policy.sharing.reason_min_length
        with_reason(self, self._reason(), minimum, asked, self._approve_all)

    def _approve_all(self, reason: str | None) -> None:
        if reason is None:
            return  # cancelled
        with self.attempt(say=self._say):
            batches = self._session.disposal_batches
            counts, items = batches.approval_preview(), batches.approval_items()
            many = total(counts)
            if not many:
                self._say("No proposal waits for you: your own are for another lead.")
                return

            def approve() -> str:
                done = batches.approve_all(reason, many)
                return f"{done:,} {plural(done, 'disposal')} approved; IT can carry them out."

            def after(said: str | None) -> None:
                if said is not None:
                    self._done(said)

            lines = [
                *batch_lines(self._session.policy, counts, reason),
                *proposers(items),
                "Approving lets IT erase each of them for good. The records:",
            ]
            heading = batch_heading("Approve", many, "disposal", "as a batch")
            verb = "approve them all"
            listed = listing(items)
            confirm_batch(
                self, heading, lines, many, verb, approve, after, final=True, listed=listed
            )
