"""Modal questions: why a value is revealed; a new chronology note; consent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioSet, Static, TextArea

from secure_records.core.records import NoteKind
from secure_records.core.text import counted
from secure_records.session.records import MAX_NOTE, NOTE_TOO_LONG
from secure_records.tui.literal import literal
from secure_records.tui.toggles import Checkbox, RadioButton

T = TypeVar("T")


class Dialog(ModalScreen[T | None]):
    """A question in a modal: Escape, or any button but the one that saves, cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    SAVE = "save"  # the id of the button that submits

    def _submit(self) -> None:
        raise NotImplementedError

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == self.SAVE:
            self._submit()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class AskReason(Dialog[str]):
    """A question that needs a reason of some length, which goes to the log."""

    def __init__(self, question: str, hint: str, action: str, minimum: int) -> None:
        super().__init__()
        self._question, self._hint, self._action = question, hint, action
        self._minimum = minimum

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(literal(self._question), id="question")
            yield Static(literal(self._hint), classes="hint")
            yield Input(
                placeholder=f"Reason (at least {counted(self._minimum, 'character')})", id="reason"
            )
            yield Static("", id="problem")
            with Horizontal(classes="buttons"):
                yield Button(literal(self._action), variant="primary", id=self.SAVE)
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    def _submit(self) -> None:
        reason = self.query_one("#reason", Input).value
        if len(reason.strip()) < self._minimum:
            self.query_one("#problem", Static).update(
                literal(f"Say a little more: at least {counted(self._minimum, 'character')}.")
            )
            return
        self.dismiss(reason.strip())

    def on_input_submitted(self) -> None:
        self._submit()


class RevealReason(AskReason):
    """Asks why a masked value is needed; the reason goes to the log."""

    def __init__(self, field_label: str, minimum: int) -> None:
        super().__init__(
            f"Why do you need to see {field_label}?",
            f"At least {counted(minimum, 'character')}. Your reason is recorded in the log and the "
            "value stays visible until you close the record.",
            "Reveal",
            minimum,
        )


@dataclass(frozen=True)
class RestrictionDraft:
    action: str  # restrict | grant | lift
    staff: str
    days: int
    reason: str


class RestrictDialog(Dialog[RestrictionDraft]):
    """Restrict a record, grant someone time-limited access, or lift it (10(d))."""

    def __init__(self, record_id: str, restricted: str, minimum: int) -> None:
        super().__init__()
        self._record_id, self._restricted, self._minimum = record_id, restricted, minimum

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
            yield Input(placeholder="Staff member to grant (for Grant)", id="staff")
            yield Input("30", placeholder="Days", id="days")
            yield Input(
                placeholder=f"Reason (at least {counted(self._minimum, 'character')})", id="reason"
            )
            yield Static("", id="problem")
            with Horizontal(classes="buttons"):
                if not self._restricted:
                    yield Button("Restrict", variant="error", id="restrict")
                else:
                    yield Button("Grant", variant="primary", id="grant")
                    yield Button("Lift", id="lift")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        # Three ways to submit: Dialog's one-button handler must not run as well.
        event.prevent_default()
        action = str(event.button.id)
        if action == "cancel":
            self.dismiss(None)
            return
        reason = self.query_one("#reason", Input).value
        days = self.query_one("#days", Input).value.strip()
        # ASCII digits only: "²" is a digit to isdigit() but not to int().
        if len(reason.strip()) < self._minimum or not (days.isascii() and days.isdigit()):
            self.query_one("#problem", Static).update(
                literal(
                    f"Give a number of days and a reason of {counted(self._minimum, 'character')}."
                )
            )
            return
        staff = self.query_one("#staff", Input).value.strip()
        self.dismiss(RestrictionDraft(action, staff, int(days[:4]), reason.strip()))


@dataclass(frozen=True)
class NoteDraft:
    kind: NoteKind
    on: date
    text: str
    historical: bool


class NewNote(Dialog[NoteDraft]):
    """A chronology note: fact or opinion must be chosen (policy section 6, Accurate)."""

    def __init__(self, today: date) -> None:
        super().__init__()
        self._today = today

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("New chronology note")
            yield Static("Is this a fact, or an opinion? You must choose.", classes="hint")
            with RadioSet(id="kind"):
                yield RadioButton("Fact", id="fact")
                yield RadioButton("Opinion", id="opinion")
            yield Input(self._today.isoformat(), placeholder="Date (YYYY-MM-DD)", id="date")
            yield TextArea(id="text")
            yield Checkbox("Historical information (explain in the text)", id="historical")
            yield Static("", id="problem")
            with Horizontal(classes="buttons"):
                yield Button("Save note", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#kind", RadioSet).focus()

    def _problem(self, text: str) -> None:
        self.query_one("#problem", Static).update(literal(text))

    def _submit(self) -> None:
        pressed = self.query_one("#kind", RadioSet).pressed_button
        if pressed is None or pressed.id not in ("fact", "opinion"):
            self._problem("Choose Fact or Opinion.")
            return
        try:
            on = date.fromisoformat(self.query_one("#date", Input).value.strip())
        except ValueError:
            self._problem("The date must be YYYY-MM-DD.")
            return
        if on > self._today:
            self._problem("A note cannot be dated in the future.")
            return
        text = self.query_one("#text", TextArea).text
        if not text.strip():
            self._problem("Write the note first.")
            return
        if len(text) > MAX_NOTE:
            self._problem(NOTE_TOO_LONG)  # said here, so that the note is not lost
            return
        historical = self.query_one("#historical", Checkbox).value
        self.dismiss(NoteDraft(NoteKind(pressed.id), on, text, historical))


@dataclass(frozen=True)
class ConsentDraft:
    given_by: str
    scope: str
    on: date
    withdrawn: date | None


class NewConsent(Dialog[ConsentDraft]):
    """Consent on the record: who gave it, to what, when, and whether withdrawn."""

    def __init__(self, today: date) -> None:
        super().__init__()
        self._today = today

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Record consent")
            yield Input(placeholder="Who gave consent", id="given-by")
            yield Input(placeholder="To what (scope)", id="scope")
            yield Input(self._today.isoformat(), placeholder="Date given (YYYY-MM-DD)", id="on")
            yield Input(placeholder="Date withdrawn, if it was (YYYY-MM-DD)", id="withdrawn")
            yield Static("", id="problem")
            with Horizontal(classes="buttons"):
                yield Button("Save consent", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#given-by", Input).focus()

    def _date(self, widget_id: str) -> date | None:
        text = self.query_one(widget_id, Input).value.strip()
        return date.fromisoformat(text) if text else None

    def _submit(self) -> None:
        try:
            on, withdrawn = self._date("#on"), self._date("#withdrawn")
        except ValueError:
            self.query_one("#problem", Static).update(literal("Dates are YYYY-MM-DD."))
            return
        if on is None:
            self.query_one("#problem", Static).update(literal("Say when consent was given."))
            return
        self.dismiss(
            ConsentDraft(
                self.query_one("#given-by", Input).value,
                self.query_one("#scope", Input).value,
                on,
                withdrawn,
            )
        )
