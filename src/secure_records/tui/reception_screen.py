"""Reception's desk: telephone requests taken, and the callbacks still to make.

Reception never sees what a record holds and has no way to disclose anything:
the screens here write a request down, say whom to call back on which number, and
record how the callback went (policy section 11, Telephones).
"""

from __future__ import annotations

from collections.abc import Iterator

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Input, OptionList, RadioSet, Static
from textual.widgets.option_list import Option

from secure_records.core.dates import typed_hint, typed_iso
from secure_records.core.telephone import Urgency
from secure_records.core.words import URGENCY_WORDS
from secure_records.session import Session
from secure_records.session.telephone import OTHER_ORGANISATION, Caller, CallView
from secure_records.tui.callback_screen import CallbackScreen
from secure_records.tui.dialog import field_label
from secure_records.tui.key_footer import KeyFooter
from secure_records.tui.literal import literal
from secure_records.tui.lookup_screen import LookupScreen
from secure_records.tui.session_screen import SessionScreen
from secure_records.tui.shown_time import when
from secure_records.tui.toggles import RadioButton

EXPLAINED = (
    "Section 11: check the caller's identity and whether they are entitled to ask; "
    "take their number, but call back only on the number in the directory. You never "
    "disclose anything yourself: a verified request goes to the people who decide."
)
ABOUT_DOB = "Their date of birth"


class ReceptionScreen(SessionScreen):
    BINDINGS = [
        Binding("n", "new_request", "New phone request"),
        Binding("l", "look_up", "Exact lookup"),
        Binding("c", "raise_concern", "Raise a concern"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self._calls: list[CallView] = []

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="reception"):
            yield Static("Reception: telephone requests", classes="title")
            yield Static(literal(EXPLAINED), classes="hint")
            yield Button("New phone request", variant="primary", id="new-request")
            yield Static("Callbacks still to make", classes="heading")
            yield OptionList(id="calls")
            yield Static("", id="problem")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.refresh_calls()

    def on_screen_resume(self) -> None:
        self.refresh_calls()

    def refresh_calls(self) -> None:
        with self.attempt(say=self._say):
            self._calls = self._session.telephone.awaiting_callback()
            self._show_calls()

    def _say(self, text: str) -> None:
        self.query_one("#problem", Static).update(literal(text))

    def _told(self, said: str) -> None:
        self.app.notify(said, markup=False)

    def _show_calls(self) -> None:
        options = self.query_one("#calls", OptionList)
        options.clear_options()
        options.add_options([Option(literal(call_line(call)), id=call.id) for call in self._calls])
        if self._calls:
            options.highlighted = 0
            options.focus()
        self._say("" if self._calls else "No callbacks are waiting.")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "new-request":
            self.action_new_request()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        chosen = next((c for c in self._calls if c.id == event.option.id), None)
        if chosen is not None:
            self.app.push_screen(CallbackScreen(self._session, chosen))

    def action_new_request(self) -> None:
        self.app.push_screen(PhoneRequestForm(self._session))

    def action_raise_concern(self) -> None:
        from secure_records.tui.concern_screens import raise_concern

        # Said as on every other first screen: the problem line is for the desk's own.
        raise_concern(self._session, self.app.push_screen, self._told)

    def action_look_up(self) -> None:
        self.app.push_screen(LookupScreen(self._session))

    def forget(self) -> None:
        self.query_one("#calls", OptionList).clear_options()
        self._calls = []


def call_line(call: CallView) -> str:
    """A callback still to make: URGENT in words (not colour alone), its age, and the
    attempts that did not reach the caller."""
    urgent = "URGENT  " if call.urgent else ""
    tried = f"  not reached {call.attempts} of {call.attempts_allowed}" if call.attempts else ""
    return f"{urgent}{call.id}  {call.caller}, {call.organisation}  {when(call.created_at)}{tried}"


TEXT_INPUTS = (
    ("caller-name", "Caller's name"),
    ("caller-role", "Caller's role (as they give it)"),
    ("other-org", "Organisation, if not in the list above"),
    ("number-given", "The number they gave (recorded, never used for the callback)"),
    ("about-name", "Who the request is about: full name"),
    ("about-dob", typed_hint(ABOUT_DOB)),
    ("asked", "What exactly are they asking for?"),
)


class PhoneRequestForm(SessionScreen):
    """A new telephone request, written down before anything else happens."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        directory = session.policy.directory
        self._orgs = [*directory.organisations.values()]
        self._kinds = [*directory.request_kinds.items()]

    def compose(self) -> ComposeResult:
        inputs = dict(TEXT_INPUTS)
        with VerticalScroll(id="phone-request"):
            yield Static("New phone request", classes="title")
            yield from labelled_input(inputs, "caller-name")
            yield from labelled_input(inputs, "caller-role")
            yield field_label("Their organisation")
            with RadioSet(id="organisation"):
                for org in self._orgs:
                    yield RadioButton(literal(org.name))
                yield RadioButton("Not in the directory")
            yield from labelled_input(inputs, "other-org")
            yield from labelled_input(inputs, "number-given")
            yield from labelled_input(inputs, "about-name")
            # The form it takes is said before the first try, not in the error after it.
            yield from labelled_input(inputs, "about-dob")
            yield field_label("What kind of request is it?")
            with RadioSet(id="kind"):
                for _, label in self._kinds:
                    yield RadioButton(literal(label))
            yield from labelled_input(inputs, "asked")
            yield field_label("How urgent, as they say?")
            with RadioSet(id="urgency"):
                for urgency in Urgency:
                    yield RadioButton(literal(URGENCY_WORDS[urgency]))
            with Horizontal(classes="buttons"):
                yield Button("Take the request", variant="primary", id="take")
                yield Button("Cancel", id="cancel")
            yield Static("", id="problem")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#caller-name", Input).focus()

    def _value(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value

    def _pressed(self, widget_id: str) -> int:
        return self.query_one(f"#{widget_id}", RadioSet).pressed_index

    def _take(self) -> None:
        org_index, kind_index, urgency_index = (
            self._pressed(w) for w in ("organisation", "kind", "urgency")
        )
        if org_index < 0 or kind_index < 0 or urgency_index < 0:
            self._say("Choose the organisation, the kind of request and urgency.")
            return
        in_directory = org_index < len(self._orgs)
        caller = Caller(
            self._value("caller-name"),
            self._value("caller-role"),
            self._orgs[org_index].id if in_directory else OTHER_ORGANISATION,
            "" if in_directory else self._value("other-org"),
            self._value("number-given"),
        )
        with self.attempt(say=self._say):
            # Typed the UK way or as YYYY-MM-DD; stored and matched as YYYY-MM-DD.
            born = typed_iso(self._value("about-dob"), ABOUT_DOB)
            call = self._session.telephone.take_phone_request(
                caller,
                self._value("about-name"),
                born,
                self._kinds[kind_index][0],
                self._value("asked"),
                list(Urgency)[urgency_index],
            )
            self.forget()
            self.app.switch_screen(CallbackScreen(self._session, call))

    def _say(self, text: str) -> None:
        self.query_one("#problem", Static).update(literal(text))

    def on_input_submitted(self) -> None:
        # Enter moves on, as on a paper form; only the button takes the request.
        self.focus_next()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "take":
            self._take()
        else:
            self.action_cancel()

    def action_cancel(self) -> None:
        self.forget()
        self.app.pop_screen()

    def forget(self) -> None:
        for widget in self.query(Input):
            widget.value = ""


def labelled_input(labels: dict[str, str], input_id: str) -> Iterator[Widget]:
    """A box with its label above it: a placeholder goes once something is typed."""
    yield field_label(labels[input_id])
    yield Input(id=input_id)
