"""The base of every dialog: a label on each field, its first field focused, Enter (or
ctrl+s) submits, a problem said beside its field; it stays open with what was typed
until what it asks for is done (the `check` its caller gives)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple, TypeVar

from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, RadioSet, Select, Static, TextArea

from secure_records.core.dates import TYPED_FORM
from secure_records.tui.literal import literal
from secure_records.tui.toggles import Checkbox, RadioButton

T = TypeVar("T")


class Beside(NamedTuple):
    """A problem to say beside one field (by its id), not under the whole form."""

    field: str
    sentence: str


# What a check says when it refuses: a sentence for the form, or one for a field.
Refusal = str | Beside
# Does what the dialog asks for (through Session) or validates it: None when done.
Check = Callable[[T], Refusal | None]
# What was typed, by field id: the lock holds it and puts it back.
Typed = dict[str, str | bool | None]

DATE_HINT = TYPED_FORM


def typed_form(day: date) -> str:
    """A date as it is typed into a field: 04/02/2018."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def field_label(text: str) -> Label:
    """A field's label: what to type (a placeholder is a hint, gone once typing starts)."""
    return Label(literal(text), classes="field-label")


def said(field_id: str) -> Static:
    """Where what is wrong with a field is said, just below it; hidden until then."""
    return Static("", id=f"{field_id}-said", classes="said")


class Dialog(ModalScreen[T | None]):
    """A question in a modal: Escape, or any button but the one that saves, cancels."""

    DEFAULT_CSS = """
    Dialog { align: center middle; }
    Dialog .field-label { text-style: bold; }
    Dialog .said { display: none; text-style: bold; color: $error; }
    Dialog .said.-shown { display: block; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "submit", "Save", show=False),
    ]
    SAVE = "save"  # the id of the button that submits
    WHAT = "reason"  # what is typed here: "You have an unsaved reason."

    def __init__(self, check: Check[T] | None = None) -> None:
        super().__init__()
        self._check = check
        self._held: Typed = {}
        self._initial: Typed = {}

    def _draft(self) -> T | None:
        """What was typed, checked in the form; None (with the problem said) if wrong."""
        raise NotImplementedError

    def on_mount(self) -> None:
        self._initial = self.typed()
        self.put_back(self._held)
        first = next(iter(self.query("Input, TextArea, RadioSet, Checkbox")), None)
        if first is not None:
            first.focus()

    def action_submit(self) -> None:
        for shown in self.query(".said").results(Static):
            shown.update("")
            shown.remove_class("-shown")
        draft = self._draft()
        if draft is None:
            return
        refusal = self._check(draft) if self._check is not None else None
        if refusal is None:
            self.dismiss(draft)
        elif isinstance(refusal, Beside):
            self.fault(refusal.field, refusal.sentence)
        else:
            self.fault("", refusal)

    def fault(self, field_id: str, sentence: str) -> None:
        """Say what is wrong beside `field_id` (or under the form), and go to it."""
        beside = self.query(f"#{field_id}-said") if field_id else None
        target = beside.first(Static) if beside else self.query_one("#problem", Static)
        target.update(literal(f"! {sentence}"))
        target.add_class("-shown")
        if field_id:
            self.query_one(f"#{field_id}").focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == self.SAVE:
            self.action_submit()
        else:
            self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def action_cancel(self) -> None:
        self.dismiss(None)

    # what was typed: held over the lock, and put back after it

    def typed(self) -> Typed:
        values: Typed = {}
        for widget in self.query("Input, TextArea, Checkbox, RadioSet, Select").results(Widget):
            if widget.id is None:
                continue
            if isinstance(widget, Input):
                values[widget.id] = widget.value
            elif isinstance(widget, TextArea):
                values[widget.id] = widget.text
            elif isinstance(widget, Checkbox):
                values[widget.id] = widget.value
            elif isinstance(widget, RadioSet):
                pressed = widget.pressed_button
                values[widget.id] = None if pressed is None else pressed.id
            elif isinstance(widget, Select):
                values[widget.id] = widget.value if isinstance(widget.value, str) else None
        return values

    def unsaved(self) -> bool:
        """Whether anything was typed or chosen since the dialog opened."""
        return self.is_mounted and self.typed() != self._initial

    def hold(self, values: Typed) -> None:
        """Put `values` in the fields once mounted (after the lock)."""
        self._held = dict(values)

    def put_back(self, values: Typed) -> None:
        for field_id, value in values.items():
            found = self.query(f"#{field_id}")
            widget = found.first() if found else None
            if isinstance(widget, Input) and isinstance(value, str):
                widget.value = value
            elif isinstance(widget, TextArea) and isinstance(value, str):
                widget.text = value
            elif isinstance(widget, Checkbox) and isinstance(value, bool):
                widget.value = value
            elif isinstance(widget, RadioSet) and isinstance(value, str):
                button = self.query(f"#{value}")
                if button:
                    button.first(RadioButton).value = True
            elif isinstance(widget, Select) and isinstance(value, str):
                widget.value = value


@dataclass(frozen=True)
class HeldDraft:
    """A dialog's typed text, held in memory over the lock (never drawn while locked)."""

    record_id: str
    action: str  # the record screen's action that opened the dialog
    typed: Typed
    what: str  # "note": as the quit question names it
    focus: str | None = None  # the field it was about (a reveal's), by id
