"""Concerns and suspected breaches on screen (policy section 11; UK GDPR Art. 33).

Anyone raises one from their first screen (c): what happened, when it was noticed,
whether personal data is involved, and a record reference if they have one. A lead
triages them (b from the list): each suspected breach with the 72 hours to report it
to the ICO counted from the moment it was raised, and the outcome recorded with why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, RadioSet, Static

from secure_records.core.concerns import (
    ICO_HOURS,
    KIND_WORDS,
    OUTCOME_WORDS,
    ConcernKind,
    ConcernStatus,
    Outcome,
    clock_words,
)
from secure_records.core.dates import DateRefused, parse_typed, typed_hint, uk_date
from secure_records.core.errors import SecureRecordsError
from secure_records.core.permissions import Permission
from secure_records.core.text import counted
from secure_records.session import Session
from secure_records.session.concerns import Concern
from secure_records.tui.dialog import Beside, Check, Dialog, Refusal, field_label, said, typed_form
from secure_records.tui.review_queue import QueueAction, ReviewQueue
from secure_records.tui.shown_time import at, when
from secure_records.tui.toggles import Checkbox, RadioButton

NOTICED = "When noticed"


@dataclass(frozen=True)
class ConcernDraft:
    kind: ConcernKind
    what_happened: str
    noticed: date
    personal_data: bool
    record_reference: str


class RaiseConcern(Dialog[ConcernDraft]):
    """A concern about the security of personal information, or a suspected data
    breach, raised by anyone."""

    DEFAULT_CSS = """
    RaiseConcern { align: center middle; }
    RaiseConcern .concern-row, RaiseConcern .concern-row Vertical { height: auto; }
    RaiseConcern .concern-row Vertical { width: 1fr; }
    RaiseConcern #kind { layout: horizontal; width: 38; height: auto; }
    RaiseConcern #kind RadioButton { width: auto; }
    RaiseConcern #personal { width: 1fr; }
    """
    WHAT = "concern"

    def __init__(self, today: date, minimum: int, check: Check[ConcernDraft]) -> None:
        super().__init__(check)
        self._today, self._minimum = today, minimum

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as box:
            box.border_title = "Raise a concern or a suspected breach"
            yield field_label("Which is it (you must choose), and is personal data involved?")
            with Horizontal(classes="concern-row"):
                with RadioSet(id="kind"):
                    yield RadioButton("Concern", id="concern")
                    yield RadioButton("Suspected breach", id="breach")
                yield Checkbox("Personal data", id="personal")
            yield said("kind")
            yield field_label(f"What happened? (at least {counted(self._minimum, 'character')})")
            yield Input(placeholder="e.g. a letter sent to the wrong address", id="what")
            yield said("what")
            with Horizontal(classes="concern-row"):
                with Vertical():
                    yield field_label(typed_hint(NOTICED))
                    yield Input(typed_form(self._today), id="noticed")
                with Vertical():
                    yield field_label("Record reference, if any")
                    yield Input(placeholder="e.g. R-0001", id="reference")
            yield said("noticed")
            yield Static("", id="problem", classes="said")
            with Horizontal(classes="buttons"):
                yield Button("Raise it", variant="warning", id=self.SAVE)
                yield Button("Cancel", id="cancel")

    def _draft(self) -> ConcernDraft | None:
        pressed = self.query_one("#kind", RadioSet).pressed_button
        if pressed is None or pressed.id not in ("concern", "breach"):
            self.fault("kind", "Choose Concern or Suspected breach.")
            return None
        try:
            noticed = parse_typed(self.query_one("#noticed", Input).value, NOTICED)
        except DateRefused as exc:
            self.fault("noticed", str(exc))
            return None
        return ConcernDraft(
            ConcernKind(pressed.id),
            self.query_one("#what", Input).value,
            noticed,
            self.query_one("#personal", Checkbox).value,
            self.query_one("#reference", Input).value,
        )


def raise_concern(
    session: Session, push: Callable[..., object], tell: Callable[[str], None]
) -> None:
    """The dialog to raise one, from any first screen; `tell` says what was done."""
    done: list[str] = []

    def check(draft: ConcernDraft) -> Refusal | None:
        try:
            raised = session.concerns.raise_concern(
                draft.kind,
                draft.what_happened,
                draft.noticed,
                draft.personal_data,
                draft.record_reference,
            )
        except SecureRecordsError as exc:
            sentence = str(exc)
            if sentence.startswith("Say what happened"):
                return Beside("what", sentence)
            return Beside("noticed", sentence) if "noticed" in sentence else sentence
        done.append(f"{KIND_WORDS[raised.kind]} {raised.id} raised: a safeguarding lead is told.")
        return None

    minimum = session.policy.sharing.reason_min_length
    push(RaiseConcern(date.today(), minimum, check), lambda _: tell(done[0]) if done else None)


def standing_words(concern: Concern, now: datetime) -> str:
    """A breach's clock while open; an outcome once recorded; 'open' for a concern."""
    if concern.outcome is not None:
        return OUTCOME_WORDS[concern.outcome]
    if concern.kind is ConcernKind.BREACH:
        return clock_words(concern.raised_at, now)
    return "open"


def concern_line(concern: Concern, now: datetime) -> str:
    """'B-1a2b3c4d  breach  raised 01 Dec 2026 09:00  OVERDUE by 5 h': the whole,
    with the clock in full, is under the list."""
    raised = at(concern.raised_at.isoformat())
    said = standing_words(concern, now).replace(f"reported within {ICO_HOURS} hours: ", "")
    return f"{concern.id}  {concern.kind}  raised {raised}  {said}"


def concern_whole(concern: Concern, now: datetime) -> list[str]:
    """The concern whole, under the list: what was typed, and its outcome."""
    lines = [
        f"{KIND_WORDS[concern.kind]} {concern.id}, raised by {concern.raised_by} "
        f"{when(concern.raised_at.isoformat())}; noticed {uk_date(concern.noticed)}",
        f"Personal data involved: {'yes' if concern.personal_data else 'no'}"
        + (f"; record {concern.record_reference}" if concern.record_reference else ""),
        f"What happened: {concern.what_happened}",
    ]
    if concern.status is ConcernStatus.OPEN:
        return [*lines, standing_words(concern, now).capitalize()]
    outcome = OUTCOME_WORDS[concern.outcome] if concern.outcome else ""
    return [*lines, f"Outcome, by {concern.decided_by}: {outcome}: {concern.outcome_reason}"]


AS_BREACH = "treat_as_breach"


class ConcernsScreen(ReviewQueue[Concern]):
    BOX_ID = "concerns-box"
    HEADING = "Concerns and suspected breaches"
    HINT = (
        f"Raised by anyone (c on their first screen). A suspected breach is reported to "
        f"the ICO within {ICO_HOURS} hours of being raised unless it is unlikely to risk "
        "people's rights: record which, and why; for a concern, the action taken."
    )
    LIST_ID = "concerns"
    EMPTY = "No concern or suspected breach has been raised."
    CHOOSE = "Choose a concern first."
    REASON = "Why (not) reported, or the action taken"
    ACTIONS = (
        QueueAction(Outcome.REPORTED, "Reported to the ICO", "warning"),
        QueueAction(Outcome.NOT_REPORTED, "Not reported"),
        QueueAction(Outcome.ACTION_TAKEN, "Action taken"),
        # A concern found to be a breach starts the ICO clock (reviewer's find).
        QueueAction(AS_BREACH, "Treat as a breach"),
    )
    NEEDS = {action: Permission.TRIAGE_CONCERNS for action in (*Outcome, AS_BREACH)}
    WHOLE = True

    def _fetch(self) -> list[Concern]:
        return self._session.concerns.queue()

    def _line(self, item: Concern) -> tuple[str, str]:
        return concern_line(item, datetime.now(UTC)), item.id

    def _whole(self, item: Concern) -> list[str]:
        return concern_whole(item, datetime.now(UTC))

    def _act(self, action: str, item: Concern, reason: str) -> str:
        if action == AS_BREACH:
            treated = self._session.concerns.treat_as_breach(item.id, reason)
            return f"{treated.id} is now a suspected breach: report it within {ICO_HOURS} hours."
        decided = self._session.concerns.decide(item.id, Outcome(action), reason)
        outcome = OUTCOME_WORDS[decided.outcome] if decided.outcome else ""
        return f"{decided.id}: {outcome}, recorded."
