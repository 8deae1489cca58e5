"""A safeguarding lead's queue of proposed disposals, to approve or reject.

The lead sees every record, so can open one to review it before approving; the
lead who approves must not be the person who proposed. The highlighted proposal is
shown whole (the rule in words and why, the due date, who proposed it and their
reason), and approving it is typed (the record's reference): it cannot be undone.
"""

from __future__ import annotations

from secure_records.core.dates import shown_date
from secure_records.core.permissions import Permission
from secure_records.core.policy import Policy
from secure_records.core.retention import rule_words
from secure_records.core.words import DISPOSAL_WORDS, in_words, status_words
from secure_records.session.retention import DisposalItem
from secure_records.tui.review_queue import QueueAction, ReviewQueue
from secure_records.tui.shown_time import when


def rule_said(policy: Policy, name: str) -> list[str]:
    """A retention rule in words, and why it is the rule."""
    rule = policy.retention.rules.get(name)
    if rule is None:  # the policy changed since: its name is all there is
        return [f"Rule: {name}"]
    starts = policy.fields[rule.starts].label if rule.starts in policy.fields else rule.starts
    return [f"Rule: {rule_words(rule, starts)}", f"Why: {rule.basis}"]


class DisposalQueueScreen(ReviewQueue[DisposalItem]):
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
    ACTIONS = (
        QueueAction("approve", "Approve", "error"),
        QueueAction("reject", "Reject: keep the record", "primary"),
    )
    NEEDS = {"approve": Permission.APPROVE_DISPOSAL, "reject": Permission.APPROVE_DISPOSAL}
    WHOLE = True
    TYPED = {"approve": "approve the disposal"}

    def _fetch(self) -> list[DisposalItem]:
        return self._session.retention.proposals()

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
        done = self._session.retention.review_disposal(item.id, action == "approve", reason)
        return f"{done.id} {status_words(done.status, DISPOSAL_WORDS)} (record {done.record_id})."
