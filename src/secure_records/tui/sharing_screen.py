"""Asked to share, or sharing unasked (tui/referral_step.py): the policy's questions,
then how, then the decision recorded."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Input, RadioSet, Static

from secure_records.core.access import RecordView
from secure_records.core.dates import uk_date
from secure_records.core.policy import Rule
from secure_records.core.referral import Recipient
from secure_records.core.sharing import HowChoices, Outcome, Requester, SharingFlow
from secure_records.core.statuses import SharingStatus
from secure_records.core.text import counted, printable
from secure_records.session import Session
from secure_records.session.telephone import PhoneRequestDetail
from secure_records.tui.key_footer import KeyFooter
from secure_records.tui.literal import literal
from secure_records.tui.output_screens import OutputScreen
from secure_records.tui.referral_step import (
    NOBODY_ASKED,
    NOT_SHARING,
    RECIPIENT_FIELDS,
    recipient_of,
    recipient_problem,
    referral_step,
)
from secure_records.tui.session_screen import SessionScreen
from secure_records.tui.sharing_steps import (
    CONSENT_QUESTION,
    NOTHING_CHOSEN,
    BoxLabel,
    Problem,
    chosen_words,
    consent_lines,
    how_fault,
    labelled_input,
    question_title,
)
from secure_records.tui.toggles import Checkbox, RadioButton

REQUEST_FIELDS = (
    ("req-name", "Requester's name"),
    ("req-org", "Their organisation"),
    ("req-role", "Their role"),
    ("req-contact", "How to reach them (a verified number or address)"),
    ("purpose", "What is the information for?"),
)
# What each must hold before the questions start (the purpose: the policy's length).
REQUIRED = {"req-name": "Name the requester.", "req-org": "Name their organisation."}


# What the person is told once a decision is recorded, by where it now stands.
RECORDED = {
    SharingStatus.DECIDED: "Recorded.",
    SharingStatus.AWAITING_MANAGER: "Recorded; it waits for a safeguarding lead to confirm it.",
    SharingStatus.ACTED_URGENTLY: "Recorded as urgent; a safeguarding lead will confirm it after.",
}


class SharingScreen(SessionScreen):
    # Once the decision is recorded there is nothing to cancel: Enter (or Escape) goes
    # back to where the request came from, and the footer says so.
    BINDINGS = [
        # Priority: Enter on the focused "Back" button would otherwise hide it from the
        # footer; and first, or the footer would take Escape's "done" for it, unshown.
        Binding("enter", "done", "Back", priority=True),
        Binding("escape", "cancel", "Cancel"),
        Binding("escape", "done", "Back", show=False),
        Binding("v", "read_package", "Read the disclosure package"),
    ]

    def __init__(
        self,
        session: Session,
        view: RecordView,
        phone_request: PhoneRequestDetail | None = None,
        *,
        own_initiative: bool = False,
    ) -> None:
        super().__init__(session)
        self._view = view
        self._flow = SharingFlow(session.policy.sharing)
        self._requester: Requester | Recipient | None = None
        # Nobody asked (issue 19): the first step asks whom it goes to instead.
        self._own_initiative = own_initiative
        self._purpose = ""
        # A verified telephone request: the requester is the caller who was verified.
        self._phone_request = phone_request
        self._recorded = False
        self._typed: dict[str, str] = {}
        self._package: str | None = None  # kept in the vault, once a decision made one

    def compose(self) -> ComposeResult:
        yield VerticalScroll(id="sharing")
        yield KeyFooter()

    async def on_mount(self) -> None:
        await self._show(self._request_step())

    # steps

    async def _show(self, widgets: list[Widget]) -> None:
        body = self.query_one("#sharing", VerticalScroll)
        await body.remove_children()
        await body.mount_all(widgets)
        # The first thing to fill in or tick, top down: on the items step a box to
        # tick, not the last text box far below it.
        fields = [f for f in body.query("Input, Checkbox, RadioSet, TextArea") if f.focusable]
        if fields:
            fields[0].focus(scroll_visible=False)
        body.scroll_home(animate=False, immediate=True)
        self.refresh_bindings()

    def _problem(self, text: str, beside: str = "record") -> None:
        """Say `text` beside the box it is about (its id), and nothing anywhere else."""
        for problem in self.query(Problem):
            problem.say(text if problem.id == f"{beside}-problem" else "")
        boxes = self.query(f"#{beside}")
        if boxes and boxes.first().focusable:
            boxes.first().focus(scroll_visible=False)
        found = self.query(f"#{beside}-problem")
        if found:
            # Once it is laid out (it was hidden): the box and what is wrong with it, in view.
            found.first().scroll_visible(animate=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("cancel", "done"):
            return (action == "done") == self._recorded
        if action == "read_package":
            return self._package is not None
        return super().check_action(action, parameters)

    def action_read_package(self) -> None:
        if self._package is not None:
            self.app.push_screen(OutputScreen(self._session, self._package))

    def _request_step(self) -> list[Widget]:
        if self._own_initiative:
            minimum = self._session.policy.sharing.reason_min_length
            return referral_step(self._view.id, self._typed, minimum)
        widgets: list[Widget] = [
            Static(literal(f"Share information from {self._view.id}"), classes="title"),
            Static(literal("Who is asking, and why?"), classes="hint"),
        ]
        call = self._phone_request
        known = {}
        if call is None:
            widgets.append(Static(literal(NOBODY_ASKED), id="nobody-asked", classes="hint"))
        else:
            widgets.append(
                Static(
                    literal(f"Answering telephone request {call.id}: {call.how_verified}."),
                    id="phone-request",
                )
            )
            requester = call.requester
            known = {
                "req-name": printable(requester.name),
                "req-org": printable(requester.organisation),
                "req-role": printable(requester.role),
                "req-contact": printable(requester.contact),
            }
        minimum = self._session.policy.sharing.reason_min_length
        for wid, label in REQUEST_FIELDS:
            if wid == "purpose":
                label = f"{label} (at least {counted(minimum, 'character')})"
            # Typed in an Input, a value is text the person edits, never markup.
            value = known.get(wid, self._typed.get(wid, ""))
            widgets += labelled_input(label, wid, value, disabled=wid in known)
        widgets.append(Button("Next", variant="primary", id="request-next"))
        return widgets

    def _question_step(self) -> list[Widget]:
        at = self._flow.at
        assert not isinstance(at, Outcome)
        minimum = self._session.policy.sharing.reason_min_length
        policy = self._session.policy.sharing
        widgets: list[Widget] = [
            Static(literal(question_title(policy, len(self._flow.answers), at)), classes="title"),
            Static(literal(at.text), id="question"),
        ]
        if at.help:
            widgets.append(Static(literal(at.help), classes="hint"))
        if at.name == CONSENT_QUESTION:
            lines = consent_lines(self._view)
            held = literal("\n".join(lines), multiline=True)
            widgets.append(Static(held, id="consent-held", classes="field"))
        widgets += [
            *labelled_input(
                f"Your reason for this answer (at least {counted(minimum, 'character')})", "reason"
            ),
            Horizontal(
                Button("Yes", variant="primary", id="answer-yes"),
                Button("No", id="answer-no"),
                Button("Back", id="answer-back"),
                classes="buttons",
            ),
        ]
        return widgets

    def _how_step(self, outcome: Outcome) -> list[Widget]:
        policy = self._session.policy.sharing
        widgets: list[Widget] = [
            Static(literal(outcome.text), id="outcome", classes="title"),
        ]
        minimum = counted(policy.reason_min_length, "character")
        if not outcome.share:
            widgets += [
                Static(literal(NOT_SHARING[self._own_initiative][0])),
                *labelled_input(
                    f"{NOT_SHARING[self._own_initiative][1]} (at least {minimum})", "discussed"
                ),
            ]
        else:
            widgets.append(Static("How (section 7):", classes="heading"))
            widgets += [
                Static(literal(f"- {item}"), classes="entry") for item in policy.how_checklist
            ]
            widgets.append(Static(NOTHING_CHOSEN, id="chosen"))
            for field in self._view.fields:
                if field.rule is Rule.VISIBLE or field.revealed:
                    widgets.append(Checkbox(literal(field.label), id=f"field-{field.name}"))
            notes = self._view.notes.entries if self._view.notes else ()
            for n, note in enumerate(notes):
                label = "FACT" if note.kind.value == "fact" else "OPINION"
                mark = " HISTORICAL" if note.historical else ""
                widgets.append(
                    Checkbox(
                        literal(f"{uk_date(note.date)} {label}{mark}: {note.text[:60]}"),
                        id=f"note-{n}",
                    )
                )
            widgets += [
                Problem(id="choose-problem"),
                Checkbox("This is the right information for the right individual", id="confirmed"),
                Problem(id="confirmed-problem"),
                BoxLabel("Method:"),
                RadioSet(*[RadioButton(literal(m)) for m in policy.methods], id="method"),
                Problem(id="method-problem"),
                BoxLabel("Lawful basis:"),
                RadioSet(*[RadioButton(literal(b)) for b in policy.lawful_bases], id="basis"),
                Problem(id="basis-problem"),
                BoxLabel("Will the individual be told?"),
                RadioSet(
                    RadioButton("Yes", id="inform-yes"),
                    RadioButton("No", id="inform-no"),
                    id="inform",
                ),
                Problem(id="inform-problem"),
                *labelled_input(
                    "If they will not be told: why telling them would put someone at risk "
                    f"(at least {minimum})",
                    "not-informing",
                ),
            ]
            if outcome.needs_manager:
                widgets += [
                    Static(
                        literal(
                            "A safeguarding lead must confirm this. Only if it cannot wait: say "
                            "which manager you consulted and how, and it is shared now."
                        ),
                        classes="hint",
                    ),
                    *labelled_input(
                        "Only if it cannot wait: the manager you consulted, and how", "urgent"
                    ),
                ]
        widgets += [
            Button("Record the decision", variant="primary", id="record"),
            Problem(id="record-problem"),
        ]
        return widgets

    # actions

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        button = event.button.id
        if button == "request-next":
            boxes = RECIPIENT_FIELDS if self._own_initiative else REQUEST_FIELDS
            values = {wid: self.query_one(f"#{wid}", Input).value for wid, _ in boxes}
            self._typed = values  # kept, should they come back to it
            if not self._request_ready(values):
                return
            self._requester = (
                self._phone_request.requester
                if self._phone_request is not None
                else recipient_of(values)
                if self._own_initiative
                else Requester(
                    values["req-name"], values["req-org"], values["req-role"], values["req-contact"]
                )
            )
            self._purpose = values["purpose"]
            await self._show(self._question_step())
        elif button in ("answer-yes", "answer-no"):
            reason = self.query_one("#reason", Input).value
            with self.attempt(say=lambda text: self._problem(text, "reason")):
                self._flow = self._flow.answer(button == "answer-yes", reason)
                outcome = self._flow.outcome
                await self._show(self._how_step(outcome) if outcome else self._question_step())
        elif button == "answer-back":
            if self._flow.answers:
                self._flow = self._flow.back()
                await self._show(self._question_step())
            else:
                await self._show(self._request_step())
        elif button == "record":
            await self._record()
        elif button == "done":
            self.action_done()

    def _request_ready(self, values: dict[str, str]) -> bool:
        """Whether the request can go on to the questions; if not, said beside the box."""
        minimum = self._session.policy.sharing.reason_min_length
        missing = (
            recipient_problem(values)
            if self._own_initiative
            else next(
                ((wid, said) for wid, said in REQUIRED.items() if not values[wid].strip()), None
            )
        )
        if missing is not None:
            self._problem(missing[1], missing[0])
            return False
        if len(values["purpose"].strip()) < minimum:
            self._problem(
                f"Say what the information is for (at least {counted(minimum, 'character')}).",
                "purpose",
            )
            return False
        return True

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        """The line above the items says what is chosen, as it is ticked."""
        boxes = [
            box for box in self.query(Checkbox) if box.id and box.id.startswith(("field-", "note-"))
        ]
        if event.checkbox in boxes:
            self.query_one("#chosen", Static).update(literal(chosen_words(boxes)))

    def _chosen(self, radio_id: str, options: tuple[str, ...]) -> str:
        index = self.query_one(f"#{radio_id}", RadioSet).pressed_index
        return options[index] if 0 <= index < len(options) else ""

    async def _record(self) -> None:
        outcome = self._flow.outcome
        if outcome is None or self._requester is None:
            return
        policy = self._session.policy.sharing
        how = None
        discussed = ""
        urgent = ""
        if outcome.share:
            fields = tuple(
                box.id.removeprefix("field-")
                for box in self.query(Checkbox)
                if box.id and box.id.startswith("field-") and box.value
            )
            notes = tuple(
                int(box.id.removeprefix("note-"))
                for box in self.query(Checkbox)
                if box.id and box.id.startswith("note-") and box.value
            )
            inform = self.query_one("#inform", RadioSet).pressed_button
            if inform is None:
                self._problem("Say whether the individual will be told.", "inform")
                return
            how = HowChoices(
                fields,
                notes,
                self.query_one("#confirmed", Checkbox).value,
                self._chosen("method", policy.methods),
                self._chosen("basis", policy.lawful_bases),
                inform.id == "inform-yes",
                self.query_one("#not-informing", Input).value,
            )
            if outcome.needs_manager:
                urgent = self.query_one("#urgent", Input).value
        else:
            discussed = self.query_one("#discussed", Input).value
        typed = {"discussed": discussed, "urgent": urgent}
        place = how_fault(policy, outcome, how, typed)
        with self.attempt(say=lambda text: self._problem(text, place)):
            done = self._session.sharing.decide_sharing(
                self._view.id,
                self._requester,
                self._purpose,
                self._flow,
                how,
                discussed=discussed,
                urgent_manager=urgent,
                phone_request=None if self._phone_request is None else self._phone_request.id,
            )
            said = RECORDED[done.status]
            if done.package is not None:
                said += (
                    f" The disclosure package {done.package} is kept, sealed, in the vault: "
                    "press v to read it."
                )
                self._package = done.package
            self._recorded = True
            await self._show(
                [
                    Static(literal(f"Decision {done.decision_id}"), classes="title"),
                    Static(literal(said), id="result"),
                    Button(literal(self._back_words), variant="primary", id="done"),
                ]
            )
            self.query_one("#done", Button).focus()

    @property
    def _back_words(self) -> str:
        return "Back to the record" if self._phone_request is None else "Back to the requests"

    def action_cancel(self) -> None:
        self.app.pop_screen()

    def action_done(self) -> None:
        self.app.pop_screen()

    def forget(self) -> None:
        self._typed = {}
        for widget in self.query(Input):
            widget.value = ""
