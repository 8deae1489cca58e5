"""The callback: the directory's number only, and how the call went.

Shown straight after a request is taken, or from reception's list of callbacks
still to make. Whatever the outcome, reception discloses nothing: a verified
request goes to the people who decide; anything else is refused in words that
neither confirm nor deny that a record exists.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Input, Static

from secure_records.core.telephone import CALLBACK_WORDS, Callback, Status
from secure_records.core.text import counted
from secure_records.session import Session
from secure_records.session.telephone import CallView
from secure_records.tui.key_footer import KeyFooter
from secure_records.tui.literal import labelled, literal
from secure_records.tui.session_screen import SessionScreen
from secure_records.tui.toggles import Checkbox

DO_NOT_DISCLOSE = "Do not disclose anything: not even whether we hold a record."
URGENT = "URGENT: the caller says someone may be at risk now. Call back first."


def attempts_made(call: CallView) -> str:
    return f"{call.attempts} of {counted(call.attempts_allowed, 'attempt')}"


class CallbackScreen(SessionScreen):
    BINDINGS = [Binding("escape", "back", "Back")]

    def __init__(self, session: Session, call: CallView) -> None:
        super().__init__(session)
        self._call = call

    def compose(self) -> ComposeResult:
        yield VerticalScroll(id="callback")
        yield KeyFooter()

    async def on_mount(self) -> None:
        await self._show(self._call)

    async def _show(self, call: CallView) -> None:
        self._call = call
        body = self.query_one("#callback", VerticalScroll)
        await body.remove_children()
        await body.mount_all(self._widgets(call))
        # Never a callback outcome by default: a stray Enter must not verify anyone.
        # While the call is to make, the note box (Enter there does nothing) near the
        # top, so that at 80x24 the focus and the number to call are both in view.
        notes = self.query("#note")
        (notes.first() if notes else self.query_one("#done", Button)).focus(scroll_visible=False)
        body.scroll_home(animate=False, immediate=True)

    def _widgets(self, call: CallView) -> list[Widget]:
        widgets: list[Widget] = [
            Static(literal(f"Telephone request {call.id}"), classes="title"),
            Static(labelled("Caller", f"{call.caller}, {call.organisation}")),
        ]
        if call.urgent:
            widgets.append(Static(literal(URGENT), id="urgent", classes="flag"))
        if call.reference is not None:
            widgets.append(Static(labelled("A record exists", call.reference)))
        widgets += [Static(literal(f"Red flag: {flag}"), classes="flag") for flag in call.flags]
        if call.status is Status.AWAITING_CALLBACK:
            widgets += self._callback_widgets(call)
        elif call.status is Status.REFERRED:
            widgets += [
                Static(literal(call.why), classes="heading"),
                Static(literal(DO_NOT_DISCLOSE), id="verdict"),
                Static(literal("Passed to the safeguarding lead. Say:"), classes="hint"),
                Static(literal(call.say), id="say"),
                Button("Done", variant="primary", id="done"),
            ]
        elif call.status is Status.VERIFIED:
            widgets += [
                Static(
                    literal(
                        "Verified. The request has gone to the record's workers and the "
                        "safeguarding lead, who decide what, if anything, is shared. "
                        + DO_NOT_DISCLOSE
                    ),
                    id="verdict",
                ),
                Button("Done", variant="primary", id="done"),
            ]
        elif call.status is Status.ESCALATED:
            # The caller was never spoken to: nothing was refused and there is no one
            # to read words to.
            widgets += [
                Static(
                    literal(
                        f"Not reached after {counted(call.attempts, 'attempt')}: passed to the "
                        "safeguarding lead, who decides what happens next. " + DO_NOT_DISCLOSE
                    ),
                    id="verdict",
                ),
                Button("Done", variant="primary", id="done"),
            ]
        else:
            widgets += [
                Static(literal("Not verified: refused. " + DO_NOT_DISCLOSE), id="verdict"),
                Static(literal("Say:"), classes="hint"),
                Static(literal(call.say), id="say"),
                Button("Done", variant="primary", id="done"),
            ]
        return widgets

    def _callback_widgets(self, call: CallView) -> list[Widget]:
        messages = self._session.telephone.phone_messages(call.id)
        tried: list[Widget] = []
        if call.attempts:
            left = call.attempts_allowed - call.attempts
            tried.append(
                Static(
                    literal(
                        f"Not reached so far ({attempts_made(call)}). Try again later: after "
                        f"{counted(left, 'more attempt')} it goes to the safeguarding lead."
                    ),
                    id="attempts",
                    classes="flag",
                )
            )
        return [
            *tried,
            Static(literal(DO_NOT_DISCLOSE), id="verdict"),
            Static(literal("Call back on the directory's number, and no other:"), classes="hint"),
            Static(literal(call.callback_number), id="callback-number", classes="title"),
            Static(
                literal(
                    f"Ask the switchboard for {call.caller} by name. A number the caller gave "
                    "is never used, even if they insist."
                ),
                classes="hint",
            ),
            Checkbox("The caller pressed for speed", id="pressed"),
            Input(placeholder="Anything else to note (optional)", id="note"),
            Static("How did the callback go?", classes="heading"),
            Vertical(
                *[
                    Button(literal(CALLBACK_WORDS[outcome]), id=f"outcome-{outcome.value}")
                    for outcome in Callback
                ],
                classes="outcomes",
            ),
            Static("If you leave a message (no names, no reasons):", classes="heading"),
            Static(labelled("Voicemail", messages["voicemail"]), id="voicemail"),
            Static(labelled("Text", messages["text_message"]), id="text-message"),
            Button("Later", id="done"),
            Static("", id="problem"),
        ]

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        button = event.button.id or ""
        if button == "done":
            self.action_back()
            return
        if not button.startswith("outcome-"):
            return
        outcome = Callback(button.removeprefix("outcome-"))
        with self.attempt(say=self._say):
            call = self._session.telephone.record_callback(
                self._call.id,
                outcome,
                pressed_for_speed=self.query_one("#pressed", Checkbox).value,
                note=self.query_one("#note", Input).value,
            )
            await self._show(call)

    def _say(self, text: str) -> None:
        self.query_one("#problem", Static).update(literal(text))

    def action_back(self) -> None:
        self.app.pop_screen()

    def forget(self) -> None:
        for widget in self.query(Input):
            widget.value = ""
