"""The forms that add to a record: a chronology note, and consent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, RadioSet, Select, Static, TextArea

from secure_records.core.consent import CAPACITY_WORDS
from secure_records.core.dates import DateRefused, parse_typed
from secure_records.core.records import ConsentCapacity, NoteKind
from secure_records.session.records import MAX_NOTE, NOTE_TOO_LONG
from secure_records.tui.dialog import (
    DATE_HINT,
    Check,
    Dialog,
    field_label,
    said,
    typed_form,
)
from secure_records.tui.toggles import Checkbox, RadioButton


@dataclass(frozen=True)
class NoteDraft:
    kind: NoteKind
    on: date
    text: str
    historical: bool


class NewNote(Dialog[NoteDraft]):
    """A chronology note: fact or opinion must be chosen (policy section 6, Accurate).
    It fits in 24 rows, its buttons on screen: the kind, date and historical mark
    share rows, and the heading is on the border."""

    DEFAULT_CSS = """
    NewNote #kind { layout: horizontal; width: auto; height: auto; }
    NewNote .note-when { height: auto; }
    NewNote #date { width: 18; }  /* 10 characters, the frame, padding, the cursor */
    NewNote #historical { width: 1fr; }
    """
    WHAT = "note"

    def __init__(self, today: date, check: Check[NoteDraft] | None = None) -> None:
        super().__init__(check)
        self._today = today

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as box:
            box.border_title = "New chronology note"
            yield field_label("Is this a fact, or an opinion? You must choose.")
            with RadioSet(id="kind"):
                yield RadioButton("Fact", id="fact")
                yield RadioButton("Opinion", id="opinion")
            yield said("kind")
            yield field_label(f"Date ({DATE_HINT})")
            with Horizontal(classes="note-when"):
                yield Input(typed_form(self._today), placeholder=DATE_HINT, id="date")
                yield Checkbox("Historical information (explain in the text)", id="historical")
            yield said("date")
            yield field_label(f"Note (at most {MAX_NOTE:,} characters)")
            yield TextArea(id="text")
            yield said("text")
            yield Static("", id="problem", classes="said")
            with Horizontal(classes="buttons"):
                # Enter is a new line in the note: ctrl+s saves, from any field.
                yield Button("Save note (ctrl+s)", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def _draft(self) -> NoteDraft | None:
        pressed = self.query_one("#kind", RadioSet).pressed_button
        text = self.query_one("#text", TextArea).text
        try:
            on = parse_typed(self.query_one("#date", Input).value, "Date")
        except DateRefused as refused:
            self.fault("date", str(refused))
            return None
        if pressed is None or pressed.id not in ("fact", "opinion"):
            self.fault("kind", "Choose Fact or Opinion.")
        elif on > self._today:
            self.fault("date", "A note cannot be dated in the future.")
        elif not text.strip():
            self.fault("text", "Write the note first.")
        elif len(text) > MAX_NOTE:
            self.fault("text", NOTE_TOO_LONG)  # said here, so that the note is not lost
        else:
            historical = self.query_one("#historical", Checkbox).value
            return NoteDraft(NoteKind(pressed.id), on, text, historical)
        return None


@dataclass(frozen=True)
class ConsentDraft:
    given_by: str
    scope: str
    on: date
    withdrawn: date | None
    capacity: ConsentCapacity
    why_withdrawn: str = ""


# Section 4: in what capacity consent was given, in words; one must be chosen.
CAPACITIES = [(words, capacity.value) for capacity, words in CAPACITY_WORDS.items()]


class NewConsent(Dialog[ConsentDraft]):
    """Consent on the record: who gave it and in what capacity, to what, when, and
    whether withdrawn (and why). It fits in 24 rows: the dates and the reason share a
    row (what is wrong with them said under it, full width), and the dialog has no
    padding above and below."""

    DEFAULT_CSS = """
    NewConsent .consent-dates, NewConsent .consent-dates Vertical { height: auto; }
    NewConsent .consent-dates Vertical { width: 18; }
    NewConsent .consent-dates Vertical.withdrawn, NewConsent .consent-dates Vertical.why {
        width: 1fr;
    }
    NewConsent .consent-dates .field-label { width: 100%; height: 2; }  /* wrapped, aligned */
    NewConsent #capacity { width: 100%; }
    """
    WHAT = "consent entry"

    def __init__(self, today: date, check: Check[ConsentDraft] | None = None) -> None:
        super().__init__(check)
        self._today = today

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as box:
            box.border_title = "Record consent"
            box.styles.padding = (0, 2)  # inline: the app's #dialog padding is 1 2
            yield field_label("Who gave consent")
            yield Input(placeholder="e.g. the young person, in person", id="given-by")
            yield said("given-by")
            yield field_label("In what capacity")
            yield Select(CAPACITIES, prompt="Choose: given by whom, or how", id="capacity")
            yield said("capacity")
            yield field_label("To what (scope)")
            yield Input(placeholder="e.g. sharing with the school nurse", id="scope")
            yield said("scope")
            # The dates and the reason side by side: the form fits in 24 rows.
            with Horizontal(classes="consent-dates"):
                with Vertical():
                    yield field_label(f"Date given ({DATE_HINT})")
                    yield Input(typed_form(self._today), placeholder=DATE_HINT, id="on")
                with Vertical(classes="withdrawn"):
                    # A label, not a placeholder: it stays once the date is typed.
                    yield field_label(f"Withdrawn on ({DATE_HINT}), if it was")
                    yield Input(placeholder=DATE_HINT, id="withdrawn")
                with Vertical(classes="why"):
                    yield field_label("Why withdrawn")
                    yield Input(placeholder="empty if in force", id="why")
            yield Static("", id="problem", classes="said")
            with Horizontal(classes="buttons"):
                yield Button("Save consent", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def _date(self, field_id: str, name: str) -> date | None:
        text = self.query_one(f"#{field_id}", Input).value.strip()
        return parse_typed(text, name) if text else None

    def _draft(self) -> ConsentDraft | None:
        given_by = self.query_one("#given-by", Input).value
        scope = self.query_one("#scope", Input).value
        dates: dict[str, date | None] = {}
        for field_id, name in (("on", "Date given"), ("withdrawn", "Date withdrawn")):
            try:
                dates[field_id] = self._date(field_id, name)
            except DateRefused as refused:
                self.fault(field_id, str(refused))
                return None
        on, withdrawn = dates["on"], dates["withdrawn"]
        chosen = self.query_one("#capacity", Select).value
        why = self.query_one("#why", Input).value.strip()
        if not given_by.strip():
            self.fault("given-by", "Say who gave consent.")
        elif not scope.strip():
            self.fault("scope", "Say what they consented to.")
        elif on is None:
            self.fault("on", "Say when consent was given.")
        elif on > self._today:
            self.fault("on", "It cannot be in the future.")
        elif withdrawn is not None and withdrawn < on:
            self.fault("withdrawn", "It is before the date given.")
        elif withdrawn is not None and withdrawn > self._today:
            self.fault("withdrawn", "It cannot be in the future.")
        elif not isinstance(chosen, str):
            self.fault("capacity", "Choose in what capacity consent was given.")
        elif withdrawn is not None and not why:
            self.fault("why", "Say why consent was withdrawn.")
        elif withdrawn is None and why:
            self.fault("withdrawn", "Say when it was withdrawn, or leave the reason empty.")
        else:
            capacity = ConsentCapacity(chosen)
            return ConsentDraft(given_by, scope, on, withdrawn, capacity, why)
        return None
