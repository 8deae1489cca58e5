"""A safeguarding lead's queue: sharing without consent, to confirm or reject.

The highlighted decision is shown whole under the list; confirming it is typed (its
reference), with the whole decision above the box: a share cannot be taken back."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import OptionList, Static

from secure_records.core.errors import SecureRecordsError
from secure_records.core.permissions import Permission
from secure_records.core.statuses import SharingStatus
from secure_records.core.text import counted
from secure_records.core.words import SHARING_WORDS, status_words
from secure_records.session import QueueItem
from secure_records.tui.literal import literal
from secure_records.tui.review_queue import QueueAction, ReviewQueue
from secure_records.tui.sharing_review import decision_lines
from secure_records.tui.shown_time import when
from secure_records.tui.typed_confirmation import TypedConfirmation

WAITING = {
    SharingStatus.AWAITING_MANAGER: "waiting to share",
    SharingStatus.ACTED_URGENTLY: "shared urgently",
}


class QueueScreen(ReviewQueue[QueueItem]):
    BOX_ID = "queue"
    HEADING = "Sharing decisions to confirm (section 10(f))"
    LIST_ID = "items"
    EMPTY = "Nothing is waiting."
    CHOOSE = "Choose a decision first."
    REASON = "Your reason for confirming or rejecting"
    ACTIONS = (
        QueueAction("confirm", "Confirm", "primary"),
        QueueAction("reject", "Reject", "error"),
    )
    NEEDS = {"confirm": Permission.APPROVE_SHARING, "reject": Permission.APPROVE_SHARING}

    def _controls(self) -> ComposeResult:
        yield Static("", id="decision")
        yield from super()._controls()

    def _fetch(self) -> list[QueueItem]:
        return self._session.sharing.sharing_queue()

    def _line(self, item: QueueItem) -> tuple[str, str]:
        return (
            f"{'URGENT  ' if item.urgent else ''}{item.decision_id}  {item.record_id}  "
            f"{WAITING[item.status]} to {item.decision.requester.organisation}  "
            f"by {item.decided_by}  {when(item.created_at)}",
            item.decision_id,
        )

    def _load(self) -> None:
        super()._load()
        self._show(self.query_one(f"#{self.LIST_ID}", OptionList).highlighted)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show(event.option_index)

    def _show(self, index: int | None) -> None:
        """The highlighted decision, whole, under the list."""
        lines = decision_lines(self._items[index]) if index is not None and self._items else []
        self.query_one("#decision", Static).update(literal("\n".join(lines), multiline=True))

    def _pressed(self, action: str) -> None:
        if action != "confirm":
            super()._pressed(action)
            return
        index = self.query_one(f"#{self.LIST_ID}", OptionList).highlighted
        if index is None or not 0 <= index < len(self._items):
            self._say(self.CHOOSE)
            return
        item, reason = self._items[index], self._reason()
        minimum = self._session.policy.sharing.reason_min_length
        if len(reason.strip()) < minimum:
            self._say(f"Give your reason first (at least {counted(minimum, 'character')}).")
            return
        said: list[str] = []

        def confirm(_: str) -> str | None:
            try:
                said.append(self._act("confirm", item, reason))
            except SecureRecordsError as exc:
                return str(exc)
            return None

        def after(typed: str | None) -> None:
            if typed is not None and said:
                self._done(said[0])

        self.app.push_screen(
            TypedConfirmation(
                f"Confirm sharing {item.record_id} without consent?",
                [*decision_lines(item), f"Your reason: {reason}"],
                item.decision_id,
                "confirm the share",
                confirm,
            ),
            after,
        )

    def _act(self, action: str, item: QueueItem, reason: str) -> str:
        done = self._session.sharing.review_sharing(item.decision_id, action == "confirm", reason)
        said = f"{done.decision_id} {status_words(done.status, SHARING_WORDS)}."
        if done.package is not None:
            said += f" The disclosure package is exports/{done.package.name}."
        return said

    def forget(self) -> None:
        super().forget()
        self.query_one("#decision", Static).update("")
