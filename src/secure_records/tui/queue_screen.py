"""A safeguarding lead's queue: sharing without consent, to confirm or reject.

The highlighted decision is shown whole under the list; confirming it is typed (its
reference), with the whole decision above the box: a share cannot be taken back."""

from __future__ import annotations

from secure_records.core.permissions import Permission
from secure_records.core.statuses import SharingStatus
from secure_records.core.words import SHARING_WORDS, status_words
from secure_records.session import QueueItem
from secure_records.tui.review_queue import QueueAction, ReviewQueue
from secure_records.tui.sharing_review import decision_lines
from secure_records.tui.shown_time import when

WAITING = {
    SharingStatus.AWAITING_MANAGER: "waiting to share",
    SharingStatus.ACTED_URGENTLY: "shared urgently",
}


class QueueScreen(ReviewQueue[QueueItem]):
    BOX_ID = "queue"
    HEADING = "Sharing decisions to confirm (section 10(f))"
    LIST_ID = "items"
    EMPTY = "Nothing is waiting for you to confirm."
    CHOOSE = "Choose a decision first."
    REASON = "Your reason for confirming or rejecting"
    ACTIONS = (
        QueueAction("confirm", "Confirm", "primary"),
        QueueAction("reject", "Reject", "error"),
    )
    NEEDS = {"confirm": Permission.APPROVE_SHARING, "reject": Permission.APPROVE_SHARING}

    WHOLE = True
    TYPED = {"confirm": "confirm the share"}

    def _fetch(self) -> list[QueueItem]:
        return self._session.sharing.sharing_queue()

    def _line(self, item: QueueItem) -> tuple[str, str]:
        return (
            f"{'URGENT  ' if item.urgent else ''}{item.decision_id}  {item.record_id}  "
            f"{WAITING[item.status]} to {item.decision.requester.organisation}  "
            f"by {item.decided_by}  {when(item.created_at)}",
            item.decision_id,
        )

    def _whole(self, item: QueueItem) -> list[str]:
        return decision_lines(item)

    def _typed(self, action: str, item: QueueItem) -> tuple[str, str]:
        # A decision flagged "consent not on file" claims consent: say what it is.
        without = (
            "with consent not on file" if item.decision.consent_not_on_file else ("without consent")
        )
        return f"Confirm sharing {item.record_id} {without}?", item.decision_id

    def _act(self, action: str, item: QueueItem, reason: str) -> str:
        done = self._session.sharing.review_sharing(item.decision_id, action == "confirm", reason)
        said = f"{done.decision_id} {status_words(done.status, SHARING_WORDS)}."
        if done.package is not None:
            said += f" The disclosure package {done.package} is kept in the vault (e on the list)."
        return said
