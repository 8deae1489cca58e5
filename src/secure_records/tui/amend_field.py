"""Correcting the field in focus on a record (policy section 6, Accurate; the right
to rectification), and the record's history of corrections.

`m` on a field opens `AmendField`: the new value and why, each labelled. It stays
open with what was typed until Session has made the correction, saying beside the
field what is wrong. Closing a case is typing its closing date; reopening it is
leaving the date blank.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.console import RenderableType
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static

from secure_records.core.access import FieldView, RecordView
from secure_records.core.amendments import CASE_CLOSED
from secure_records.core.dates import TYPED_FORM, read_typed, uk_time
from secure_records.core.errors import SecureRecordsError
from secure_records.core.policy import FieldKind
from secure_records.core.text import counted
from secure_records.core.words import in_words, shown_value
from secure_records.session import AmendmentLine, Session
from secure_records.tui.dialog import Beside, Check, Dialog, Refusal, field_label, said, typed_form
from secure_records.tui.literal import literal
from secure_records.tui.record_entries import entries_text


@dataclass(frozen=True)
class AmendDraft:
    value: str  # as typed: a date DD/MM/YYYY, a choice as its words
    reason: str


def _as_typed(view: FieldView) -> str:
    """The field's value as it would be typed back: a date DD/MM/YYYY, a choice in words."""
    if view.kind is FieldKind.DATE and (day := read_typed(view.text)) is not None:
        return typed_form(day)
    return shown_value(view.kind, view.text)


class AmendField(Dialog[AmendDraft]):
    """The new value of one field and why it is corrected; the old value is kept."""

    WHAT = "correction"

    def __init__(
        self, view: FieldView, hint: str, minimum: int, check: Check[AmendDraft] | None = None
    ) -> None:
        super().__init__(check)
        self._view = view
        self._hint = hint
        self._minimum = minimum

    def compose(self) -> ComposeResult:
        view = self._view
        with Vertical(id="dialog") as box:
            box.border_title = f"Correct {view.label}"
            yield Static(literal(self._hint), classes="hint")
            yield field_label(_value_label(view))
            yield Input(_as_typed(view), id="value")
            yield said("value")
            yield field_label(
                f"Why is it corrected? (at least {counted(self._minimum, 'character')})"
            )
            yield Input(placeholder="e.g. misspelt at referral", id="reason")
            yield said("reason")
            yield Static("", id="problem", classes="said")
            with Horizontal(classes="buttons"):
                yield Button("Save correction", variant="primary", id=self.SAVE)
                yield Button("Cancel", id="cancel")

    def _draft(self) -> AmendDraft | None:
        reason = self.query_one("#reason", Input).value
        if len(reason.strip()) < self._minimum:
            self.fault("reason", f"Say why: at least {counted(self._minimum, 'character')}.")
            return None
        return AmendDraft(self.query_one("#value", Input).value, reason.strip())


def _value_label(view: FieldView) -> str:
    if view.name == CASE_CLOSED:
        return f"{view.label} ({TYPED_FORM}; blank if the case is open)"
    if view.kind is FieldKind.DATE:
        return f"{view.label} ({TYPED_FORM})"
    return f"New {view.label.lower()}" if view.kind is FieldKind.TEXT else view.label


def amend_dialog(
    session: Session, record_id: str, view: FieldView, done: Callable[[RecordView], None]
) -> AmendField:
    """The dialog that corrects `view`'s field on `record_id`, through Session; `done`
    is given the record as it then stands."""

    def check(draft: AmendDraft) -> Refusal | None:
        try:
            done(session.amendments.amend(record_id, view.name, draft.value, draft.reason))
        except SecureRecordsError as exc:
            said = str(exc)
            about_reason = said.startswith(("Say why", "A reason"))
            return Beside("reason" if about_reason else "value", said)
        return None

    spec = session.policy.fields[view.name]
    hint = "The old value is kept in the record's history, with your name and your reason."
    if spec.kind is FieldKind.CHOICE:
        hint += " One of: " + ", ".join(in_words(c) for c in spec.choices) + "."
    elif view.name == CASE_CLOSED:
        hint += " The retention clock runs from the date the case closed."
    return AmendField(view, hint, session.policy.sharing.reason_min_length, check)


def corrections_text(lines: list[AmendmentLine]) -> RenderableType:
    """The record's corrections the viewer may read, oldest first ("" when none)."""
    rows = [
        (uk_time(line.at), f"{line.words}. By {line.by}, because: {line.reason}") for line in lines
    ]
    return entries_text("Corrections", rows) if rows else ""
