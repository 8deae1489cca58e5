"""Asked to share: the policy's questions, then how, then the decision recorded."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, RadioButton, RadioSet, Static

from secure_records.core.access import RecordView
from secure_records.core.policy import Rule
from secure_records.core.sharing import HowChoices, Outcome, Requester, SharingFlow
from secure_records.core.statuses import SharingStatus
from secure_records.core.text import counted, printable
from secure_records.session import Session
from secure_records.session.telephone import PhoneRequestDetail
from secure_records.tui.key_footer import KeyFooter
from secure_records.tui.literal import literal
from secure_records.tui.session_screen import SessionScreen

REQUEST_FIELDS = (
    ("req-name", "Requester's name"),
    ("req-org", "Their organisation"),
    ("req-role", "Their role"),
    ("req-contact", "How to reach them (a verified number or address)"),
    ("purpose", "What is the information for?"),
)


# What the person is told once a decision is recorded, by where it now stands.
RECORDED = {
    SharingStatus.DECIDED: "Recorded.",
    SharingStatus.AWAITING_MANAGER: "Recorded; it waits for a safeguarding lead to confirm it.",
    SharingStatus.ACTED_URGENTLY: "Recorded as urgent; a safeguarding lead will confirm it after.",
}


class SharingScreen(SessionScreen):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self, session: Session, view: RecordView, phone_request: PhoneRequestDetail | None = None
    ) -> None:
        super().__init__(session)
        self._view = view
        self._flow = SharingFlow(session.policy.sharing)
        self._requester: Requester | None = None
        self._purpose = ""
        # A verified telephone request: the requester is the caller who was verified.
        self._phone_request = phone_request

    def compose(self) -> ComposeResult:
        yield VerticalScroll(id="sharing")
        yield KeyFooter()

    async def on_mount(self) -> None:
        await self._show(self._request_step())

    # steps

    async def _show(self, widgets: list[Widget]) -> None:
        body = self.query_one("#sharing", VerticalScroll)
        await body.remove_children()
        await body.mount_all([*widgets, Static("", id="problem")])
        inputs = [i for i in body.query(Input) if not i.disabled]
        if inputs:
            inputs[0].focus()

    def _problem(self, text: str) -> None:
        self.query_one("#problem", Static).update(literal(text))

    def _request_step(self) -> list[Widget]:
        widgets: list[Widget] = [
            Static(literal(f"Share information from {self._view.id}"), classes="title"),
            Static(literal("Who is asking, and why?"), classes="hint"),
        ]
        call = self._phone_request
        known = {}
        if call is not None:
            widgets.append(
                Static(
                    literal(
                        f"Answering telephone request {call.id}: verified by calling back "
                        f"{call.switchboard}, the directory's number."
                    ),
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
        for wid, label in REQUEST_FIELDS:
            # Typed in an Input, a value is text the person edits, never markup.
            widgets.append(
                Input(known.get(wid, ""), placeholder=label, id=wid, disabled=wid in known)
            )
        widgets.append(Button("Next", variant="primary", id="request-next"))
        return widgets

    def _question_step(self) -> list[Widget]:
        at = self._flow.at
        assert not isinstance(at, Outcome)
        minimum = self._session.policy.sharing.reason_min_length
        widgets: list[Widget] = [
            Static(literal(f"Question {len(self._flow.answers) + 1}"), classes="title"),
            Static(literal(at.text), id="question"),
        ]
        if at.help:
            widgets.append(Static(literal(at.help), classes="hint"))
        widgets += [
            Input(
                placeholder=f"Your reason (at least {counted(minimum, 'character')})", id="reason"
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
        if not outcome.share:
            widgets += [
                Static(literal("Record the reasons, and what you discussed with the requester.")),
                Input(placeholder="What was discussed with the requester", id="discussed"),
            ]
        else:
            widgets.append(Static("How (section 7):", classes="heading"))
            widgets += [
                Static(literal(f"- {item}"), classes="entry") for item in policy.how_checklist
            ]
            widgets.append(Static("Choose exactly what goes (nothing is chosen yet):"))
            for field in self._view.fields:
                if field.rule is Rule.VISIBLE or field.revealed:
                    widgets.append(Checkbox(literal(field.label), id=f"field-{field.name}"))
            notes = self._view.notes.entries if self._view.notes else ()
            for n, note in enumerate(notes):
                label = "FACT" if note.kind.value == "fact" else "OPINION"
                mark = " HISTORICAL" if note.historical else ""
                widgets.append(
                    Checkbox(
                        literal(f"{note.date.isoformat()} {label}{mark}: {note.text[:60]}"),
                        id=f"note-{n}",
                    )
                )
            widgets += [
                Checkbox("This is the right information for the right individual", id="confirmed"),
                Static("Method:"),
                RadioSet(*[RadioButton(literal(m)) for m in policy.methods], id="method"),
                Static("Lawful basis:"),
                RadioSet(*[RadioButton(literal(b)) for b in policy.lawful_bases], id="basis"),
                Static("Will the individual be told?"),
                RadioSet(
                    RadioButton("Yes", id="inform-yes"),
                    RadioButton("No", id="inform-no"),
                    id="inform",
                ),
                Input(
                    placeholder="If not: why telling them would put someone at risk",
                    id="not-informing",
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
                    Input(placeholder="Urgent: manager consulted, and how", id="urgent"),
                ]
        widgets.append(Button("Record the decision", variant="primary", id="record"))
        return widgets

    # actions

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        button = event.button.id
        if button == "request-next":
            values = {wid: self.query_one(f"#{wid}", Input).value for wid, _ in REQUEST_FIELDS}
            if not all(values[k].strip() for k in ("req-name", "req-org", "purpose")):
                self._problem("Name the requester, their organisation and the purpose.")
                return
            self._requester = (
                self._phone_request.requester
                if self._phone_request is not None
                else Requester(
                    values["req-name"], values["req-org"], values["req-role"], values["req-contact"]
                )
            )
            self._purpose = values["purpose"]
            await self._show(self._question_step())
        elif button in ("answer-yes", "answer-no"):
            reason = self.query_one("#reason", Input).value
            with self.attempt(say=self._problem):
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
            self.app.pop_screen()

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
                self._problem("Say whether the individual will be told.")
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
        with self.attempt(say=self._problem):
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
                said += f" The disclosure package is exports/{done.package.name}."
            await self._show(
                [
                    Static(literal(f"Decision {done.decision_id}"), classes="title"),
                    Static(literal(said), id="result"),
                    Button("Done", variant="primary", id="done"),
                ]
            )

    def action_cancel(self) -> None:
        self.app.pop_screen()

    def forget(self) -> None:
        for widget in self.query(Input):
            widget.value = ""
