"""Withdrawing consent on the entry that recorded it (policy 8, 10(e)).

A dialog: which consent in force ends, and from when. It stays open with what was
typed until Session accepts the withdrawal, saying beside the field what is wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, RadioSet, Static

from secure_records.core.access import RecordView
from secure_records.core.consent import capacity_words, consent_given, consent_standing
from secure_records.core.dates import TYPED_FORM, read_typed
from secure_records.core.errors import SecureRecordsError
from secure_records.core.records import ConsentEntry
from secure_records.tui.dialog import Dialog
from secure_records.tui.literal import literal
from secure_records.tui.toggles import RadioButton

# Both DD/MM/YYYY and YYYY-MM-DD are read; the hint is the one form every screen says.
DATE_FORMS = TYPED_FORM


def consent_state(entry: ConsentEntry) -> str:
    """A consent entry as the record shows it, beside its date: by whom, in what
    capacity, to what, and whether in force or withdrawn (when, and why)."""
    given = f"given by {entry.given_by} ({capacity_words(entry.capacity)})"
    return f"{given}, to {entry.scope}; {consent_standing(entry)}"


def in_force(view: RecordView | None) -> list[tuple[int, ConsentEntry]]:
    """(number from 1, entry) of each consent entry in force the viewer can see."""
    if view is None or view.consent is None:
        return []
    return [(n, e) for n, e in enumerate(view.consent.entries, start=1) if e.in_force]


# Session's withdrawal: (entry number, date withdrawn, why) -> the record as it now is.
Withdraw = Callable[[int, date, str], RecordView]


class WithdrawConsent(Dialog[RecordView]):
    """Choose the consent in force that ends, and the date; dismissed with the record
    as it now stands once Session has withdrawn it."""

    DEFAULT_CSS = """
    WithdrawConsent { align: center middle; }
    WithdrawConsent #dialog { max-height: 100%; }
    WithdrawConsent #withdraw-body { height: auto; max-height: 17; }
    WithdrawConsent RadioSet { width: 100%; }
    WithdrawConsent .problem { color: $error; display: none; }
    WithdrawConsent .problem.-shown { display: block; }
    """
    SAVE = "withdraw"

    def __init__(self, view: RecordView, withdraw: Withdraw, today: date) -> None:
        super().__init__()
        self._entries = in_force(view)
        self._record_id = view.id
        self._withdraw = withdraw
        self._today = today

    def compose(self) -> ComposeResult:
        only = len(self._entries) == 1
        # At 80x24 the bottom of the dialog was off screen: what is asked scrolls
        # inside it, the buttons stay in view under it.
        with Vertical(id="dialog") as box:
            box.styles.padding = (0, 2)  # inline: the app's #dialog padding is 1 2
            with VerticalScroll(id="withdraw-body"):
                yield Label(literal(f"Withdraw consent on {self._record_id}"))
                yield Static(
                    "The entry that recorded it will say when and why it was withdrawn.",
                    classes="hint",
                )
                yield Label("Which consent is withdrawn?")
                with RadioSet(id="entry"):
                    for number, entry in self._entries:
                        yield RadioButton(
                            literal(f"{number}. {consent_given(entry)}, to {entry.scope}"),
                            value=only,
                            id=f"entry-{number}",
                        )
                yield Static("", id="entry-problem", classes="problem")
                yield Label(f"Date withdrawn ({DATE_FORMS})")
                yield Input(self._today.strftime("%d/%m/%Y"), id="withdrawn")
                yield Static("", id="date-problem", classes="problem")
                yield Label("Why it was withdrawn (the entry will say)")
                yield Input(placeholder="e.g. told us in person she no longer agrees", id="why")
                yield Static("", id="why-problem", classes="problem")
            with Horizontal(classes="buttons"):
                yield Button("Withdraw consent", variant="warning", id=self.SAVE)
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        super().on_mount()  # what was typed, held over a lock; the first field focused
        if len(self._entries) == 1:  # nothing to choose: the date is what is asked
            self.call_after_refresh(self.query_one("#withdrawn").focus)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def _say(self, where: str, text: str) -> None:
        for place in ("#entry-problem", "#date-problem", "#why-problem"):
            problem = self.query_one(place, Static)
            problem.update(literal(text) if place == where else "")
            problem.set_class(place == where and bool(text), "-shown")

    def action_submit(self) -> None:
        # Session's withdrawal is the check: its refusal said beside the date.
        pressed = self.query_one("#entry", RadioSet).pressed_button
        if pressed is None or not pressed.id:
            self._say("#entry-problem", "Choose which consent is withdrawn.")
            return
        withdrawn = read_typed(self.query_one("#withdrawn", Input).value)
        if withdrawn is None:
            self._say("#date-problem", f"Write the date withdrawn as {DATE_FORMS}.")
            return
        why = self.query_one("#why", Input).value
        if not why.strip():
            self._say("#why-problem", "Say why consent was withdrawn.")
            return
        try:
            view = self._withdraw(int(pressed.id.removeprefix("entry-")), withdrawn, why)
        except SecureRecordsError as exc:
            # Said beside the date (every refusal is about the date or the entry), and
            # the dialog stays open with what was typed.
            self._say("#date-problem", str(exc))
            return
        self.dismiss(view)
