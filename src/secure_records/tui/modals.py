"""Modal questions: why a value is needed (a reveal, a hold, a report); restricting a
record. The forms of notes and consent are in note_forms."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static

from secure_records.core.text import counted
from secure_records.tui.dialog import Beside, Check, Dialog, Refusal, field_label, said
from secure_records.tui.literal import literal
from secure_records.tui.note_forms import ConsentDraft, NewConsent, NewNote, NoteDraft
from secure_records.tui.typed_confirmation import TypedConfirmation

__all__ = [
    "AskReason",
    "Beside",
    "ConsentDraft",
    "Dialog",
    "NewConsent",
    "NewNote",
    "NoteDraft",
    "RestrictDialog",
    "RestrictionDraft",
    "RevealReason",
]


class AskReason(Dialog[str]):
    """A question that needs a reason of some length, which goes to the log."""

    def __init__(
        self, question: str, hint: str, action: str, minimum: int, check: Check[str] | None = None
    ) -> None:
        super().__init__(check)
        self._question, self._hint, self._action = question, hint, action
        self._minimum = minimum

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(literal(self._question), id="question")
            yield Static(literal(self._hint), classes="hint")
            yield field_label(f"Reason (at least {counted(self._minimum, 'character')})")
            yield Input(placeholder="Enter to go on", id="reason")
            yield said("reason")
            yield Static("", id="problem", classes="said")
            with Horizontal(classes="buttons"):
                yield Button(literal(self._action), variant="primary", id=self.SAVE)
                yield Button("Cancel", id="cancel")

    def _draft(self) -> str | None:
        reason = self.query_one("#reason", Input).value
        if len(reason.strip()) < self._minimum:
            self.fault(
                "reason", f"Say a little more: at least {counted(self._minimum, 'character')}."
            )
            return None
        return reason.strip()


class RevealReason(AskReason):
    """Asks why a masked value is needed; the reason goes to the log."""

    def __init__(self, label: str, minimum: int, check: Check[str] | None = None) -> None:
        super().__init__(
            f"Why do you need to see {label}?",
            "Your reason is recorded in the log and the value stays visible until you close "
            "the record.",
            "Reveal",
            minimum,
            check,
        )


@dataclass(frozen=True)
class RestrictionDraft:
    action: str  # restrict | grant | lift
    staff: str
    days: int
    reason: str


class RestrictDialog(Dialog[RestrictionDraft]):
    """Restrict a record, grant someone time-limited access, or lift it (10(d))."""

    WHAT = "restriction"

    def __init__(
        self,
        record_id: str,
        restricted: str,
        minimum: int,
        check: Check[RestrictionDraft] | None = None,
    ) -> None:
        super().__init__(check)
        self._record_id, self._restricted, self._minimum = record_id, restricted, minimum
        # What Enter does: the first button's action.
        self._action = "grant" if restricted else "restrict"

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(literal(f"Restricted access to {self._record_id}"), id="question")
            yield Static(
                literal(
                    self._restricted
                    or "Not restricted. Restricting it hides it from everyone, even in search, "
                    "but those you name, each for a number of days; you are named first."
                ),
                classes="hint",
            )
            if self._restricted:
                yield field_label("Staff member to grant access to (for Grant)")
                yield Input(placeholder="their sign-in name", id="staff")
                yield said("staff")
            yield field_label("For how many days")
            yield Input("30", placeholder="a number, e.g. 30", id="days")
            yield said("days")
            yield field_label(f"Reason (at least {counted(self._minimum, 'character')})")
            yield Input(placeholder="Enter to go on", id="reason")
            yield said("reason")
            yield Static("", id="problem", classes="said")
            with Horizontal(classes="buttons"):
                if not self._restricted:
                    yield Button("Restrict", variant="error", id="restrict")
                else:
                    yield Button("Grant", variant="primary", id="grant")
                    yield Button("Lift", id="lift")
                yield Button("Cancel", id="cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        # Three ways to submit: Dialog's one-button handler must not run as well.
        event.prevent_default()
        if event.button.id == "cancel":
            self.dismiss(None)
            return
        self._action = str(event.button.id)
        self.action_submit()

    def action_submit(self) -> None:
        if self._action != "lift":
            super().action_submit()
            return
        # Lifting cannot be undone (the record is open to everyone whose role reaches
        # it at once): the reason checked here, then the record's reference typed.
        draft = self._draft()
        self._action = "grant"  # Enter in a field grants again, as it did
        if draft is None:
            return
        check = self._check

        def lift(_: str) -> Refusal | None:
            refusal = check(draft) if check is not None else None
            return refusal.sentence if isinstance(refusal, Beside) else refusal

        def after(typed: str | None) -> None:
            if typed is not None:
                self.dismiss(draft)

        rid = self._record_id
        self.app.push_screen(
            TypedConfirmation(
                f"Lift the restriction on {rid}?",
                [self._restricted, f"Your reason: {draft.reason}"],
                rid,
                "lift the restriction",
                lift,
            ),
            after,
        )

    def _draft(self) -> RestrictionDraft | None:
        staff = self.query("#staff")
        name = staff.first(Input).value.strip() if staff else ""
        days = self.query_one("#days", Input).value.strip()
        reason = self.query_one("#reason", Input).value
        if self._action == "grant" and not name:
            self.fault("staff", "Say whom to grant access to.")
        # ASCII digits only: "²" is a digit to isdigit() but not to int().
        elif not (days.isascii() and days.isdigit()):
            self.fault("days", "Give a number of days, for example 30.")
        elif len(reason.strip()) < self._minimum:
            self.fault("reason", f"At least {counted(self._minimum, 'character')}.")
        else:
            return RestrictionDraft(self._action, name, int(days[:4]), reason.strip())
        return None
