"""Asked to share, or sharing unasked (tui/referral_step.py): the policy's questions,
then how, then the decision recorded."""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Input, RadioSet, Static

from secure_records.core.access import RecordView
from secure_records.core.permissions import Permission
from secure_records.core.referral import Recipient
from secure_records.core.sharing import Check, HowChoices, Outcome, Requester, SharingFlow
from secure_records.core.sharing_answers import AnswerLimits, answer_limits, consent_in_force
from secure_records.core.statuses import SharingStatus
from secure_records.core.text import counted
from secure_records.session import Session
from secure_records.session.telephone import PhoneRequestDetail
from secure_records.tui.consent_recording import consent_saver
from secure_records.tui.key_footer import KeyFooter
from secure_records.tui.literal import literal
from secure_records.tui.note_forms import ConsentDraft, NewConsent
from secure_records.tui.output_screens import OutputScreen
from secure_records.tui.referral_step import (
    NOT_SHARING,
    RECIPIENT_FIELDS,
    recipient_of,
    referral_step,
)
from secure_records.tui.request_step import REQUEST_FIELDS, request_problem, request_step
from secure_records.tui.session_screen import SessionScreen
from secure_records.tui.sharing_choices import (
    consent_missing_widgets,
    how_widgets,
    is_special_box,
)
from secure_records.tui.sharing_steps import (
    ADVICE_LABEL,
    CONSENT_QUESTION,
    Problem,
    chosen_words,
    consent_lines,
    how_fault,
    labelled_input,
    question_title,
)
from secure_records.tui.toggles import Checkbox

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
        # "Yes, we have consent" with none in force: asked why, and the lead is told.
        self._asking_missing = False
        self._consent_missing = ""
        self._limits = AnswerLimits()

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
        minimum = self._session.policy.sharing.reason_min_length
        if self._own_initiative:
            return referral_step(self._view.id, self._typed, minimum)
        return request_step(self._view.id, self._phone_request, self._typed, minimum)

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
        if at.checks is Check.CONSENT or at.name == CONSENT_QUESTION:
            lines = consent_lines(self._view)
            held = literal("\n".join(lines), multiline=True)
            widgets.append(Static(held, id="consent-held", classes="field"))
            if self._asking_missing:
                may = self._session.may(Permission.RECORD_CONSENT)
                widgets += consent_missing_widgets(policy.reason_min_length, may)
        widgets += [
            *labelled_input(
                f"Your reason for this answer (at least {counted(minimum, 'character')})", "reason"
            ),
            *labelled_input(ADVICE_LABEL, "advice"),
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
            self._limits = answer_limits(self._flow)
            widgets += how_widgets(policy, self._view, self._session.policy.fields, self._limits)
            if outcome.needs_manager or self._consent_missing:
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
            if not await self._consent_on_file(button == "answer-yes", reason):
                return
            with self.attempt(say=lambda text: self._problem(text, "reason")):
                advice = self.query_one("#advice", Input).value
                self._flow = self._flow.answer(button == "answer-yes", reason, advice)
                outcome = self._flow.outcome
                await self._show(self._how_step(outcome) if outcome else self._question_step())
        elif button == "answer-back":
            if self._flow.answers:
                self._flow = self._flow.back()
                if not answer_limits(self._flow).consent_given:
                    self._asking_missing, self._consent_missing = False, ""
                await self._show(self._question_step())
            else:
                await self._show(self._request_step())
        elif button == "record-consent":
            self._ask_consent()
        elif button == "record":
            await self._record()
        elif button == "done":
            self.action_done()

    async def _consent_on_file(self, yes: bool, reason: str) -> bool:
        """Whether the answer can be taken: "yes, we have consent" with none in force
        on the record first asks for it to be recorded, or why it is not on file."""
        at = self._flow.at
        if isinstance(at, Outcome) or at.checks is not Check.CONSENT:
            return True
        if not yes or consent_in_force(self._view):
            self._asking_missing, self._consent_missing = False, ""
            return True
        minimum = self._session.policy.sharing.reason_min_length
        if not self._asking_missing:
            self._asking_missing = True
            await self._show(self._question_step())
            self.query_one("#reason", Input).value = reason
            self._problem("Record the consent, or say why it is not on file.", "consent-missing")
            return False
        missing = self.query_one("#consent-missing", Input).value
        if len(missing.strip()) < minimum:
            self._problem(
                f"Say why the consent is not on file (at least {counted(minimum, 'character')}).",
                "consent-missing",
            )
            return False
        self._consent_missing = missing
        return True

    def _ask_consent(self) -> None:
        """Record the consent from here, on the record's own form; the question then
        shows it in force."""
        record_id = self._view.id
        reason = self.query_one("#reason", Input).value

        def saved(view: RecordView) -> None:
            self._view = view

        async def recorded(draft: ConsentDraft | None) -> None:
            if consent_in_force(self._view):
                self._asking_missing = False
            await self._show(self._question_step())
            self.query_one("#reason", Input).value = reason

        save = consent_saver(self._session, record_id, saved)
        self.app.push_screen(NewConsent(date.today(), save), recorded)

    def _request_ready(self, values: dict[str, str]) -> bool:
        """Whether the request can go on to the questions; if not, said beside the box."""
        minimum = self._session.policy.sharing.reason_min_length
        missing = request_problem(values, minimum, self._own_initiative)
        if missing is not None:
            self._problem(missing[1], missing[0])
        return missing is None

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        """The line above the items says what is chosen, as it is ticked."""
        boxes = [
            box for box in self.query(Checkbox) if box.id and box.id.startswith(("field-", "note-"))
        ]
        if event.checkbox in boxes:
            self.query_one("#chosen", Static).update(literal(chosen_words(boxes)))
            # The Art. 9 condition is asked only while a special-category item is chosen.
            self.query_one("#condition-box", Vertical).display = self._special_chosen(boxes)

    def _special_chosen(self, boxes: list[Checkbox]) -> bool:
        fields = self._session.policy.fields
        notes = self._view.notes.name if self._view.notes else ""
        return any(b.value and b.id and is_special_box(b.id, fields, notes) for b in boxes)

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
            condition = ""
            if self.query_one("#condition-box", Vertical).display:
                condition = self._chosen("condition", self._limits.offered(policy.conditions))
            how = HowChoices(
                fields,
                notes,
                self.query_one("#confirmed", Checkbox).value,
                self._chosen("method", policy.methods),
                self._chosen("basis", self._limits.offered(policy.lawful_bases)),
                inform.id == "inform-yes",
                self.query_one("#not-informing", Input).value,
                condition,
            )
            if outcome.needs_manager or self._consent_missing:
                urgent = self.query_one("#urgent", Input).value
        else:
            discussed = self.query_one("#discussed", Input).value
        typed = {"discussed": discussed, "urgent": urgent}
        special = how is not None and self.query_one("#condition-box", Vertical).display
        place = how_fault(policy, outcome, how, typed, self._limits, special=special)
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
                consent_not_on_file=self._consent_missing,
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
