"""The auditor's screen: the log, filtered and readable, and the access review.

At the top, what `log verify` says and the last checkpoint: an auditor reads a log
they can trust, or is told plainly that they cannot.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Input, Static

from secure_records.core.dates import TYPED_FORM, DateRefused, parse_optional, shown_date
from secure_records.core.errors import SecureRecordsError
from secure_records.core.text import counted, plural
from secure_records.core.words import in_words, readable
from secure_records.tui.dialog import field_label
from secure_records.tui.key_footer import KeyFooter
from secure_records.tui.literal import labelled, literal
from secure_records.tui.output_screens import OutputScreen
from secure_records.tui.session_screen import SessionScreen
from secure_records.tui.shown_time import at, stamps_in

# The log can be long: the newest this many matching entries are shown.
SHOWN = 200
SINCE = "Since"
FILTERS = (
    f"Filter by record, staff member and action (as shown, e.g. field revealed), "
    f"and since a date ({TYPED_FORM})."
)


def action_typed(text: str) -> str:
    """An action typed as it is shown ('field revealed') as the log's identifier."""
    return "_".join(text.lower().split())


# (label, id, hint) of each filter box.
FILTER_BOXES = (
    ("Record", "f-record", "R-000001"),
    ("Staff member", "f-actor", "name"),
    ("Action", "f-action", "field revealed"),
    ("Since", "f-since", TYPED_FORM),
)


class AuditScreen(SessionScreen):
    BINDINGS = [Binding("escape", "back", "Back")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="audit"):
            yield Static("The log and the access review", classes="title")
            yield Static("", id="verdict")
            yield Static("", id="checkpoint")
            yield Static(FILTERS, classes="hint")
            # Each box labelled above it: a placeholder goes with the first key typed.
            with Horizontal(classes="filters"):
                for label, box_id, hint in FILTER_BOXES:
                    with Vertical():
                        yield field_label(label)
                        yield Input(placeholder=hint, id=box_id)
            with Horizontal(classes="buttons"):
                yield Button("Show entries", variant="primary", id="show")
                yield Button("Access review", id="review")
                yield Button("Export review as CSV", id="export")
            yield Static("", id="problem")
            yield Static("", id="entries")
        yield KeyFooter()

    def on_mount(self) -> None:
        try:
            sentence, checkpoint = self._session.oversight.log_state()
        except SecureRecordsError as exc:
            sentence, checkpoint = str(exc), "unknown"
        self.query_one("#verdict", Static).update(labelled("log verify", stamps_in(sentence)))
        self.query_one("#checkpoint", Static).update(
            labelled("last checkpoint", stamps_in(checkpoint))
        )
        self.query_one("#f-record", Input).focus()

    def _since(self) -> date | None:
        return parse_optional(self.query_one("#f-since", Input).value, SINCE)

    def _value(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value.strip()

    def on_input_submitted(self) -> None:
        self._run(self._show)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        run = {"show": self._show, "review": self._review, "export": self._export}
        self._run(run[str(event.button.id)])

    def _run(self, step: Callable[[date | None], None]) -> None:
        """Run `step` with the filter's date; a bad date or a refusal is said."""
        try:
            since = self._since()
        except DateRefused as refused:
            self._say(str(refused))
            return
        with self.attempt(say=self._say):
            step(since)

    def _say(self, text: str) -> None:
        self.query_one("#problem", Static).update(literal(text))

    def _show(self, since: date | None) -> None:
        lines = self._session.oversight.audit_log(
            self._value("f-record"),
            self._value("f-actor"),
            action_typed(self._value("f-action")),
            since,
        )
        shown = lines[-SHOWN:]
        self._say(
            f"{counted(len(lines), 'entry matches', 'entries match')}; "
            f"the newest {len(shown)} {plural(len(shown), 'is', 'are')} shown."
        )
        rows = [
            literal(
                f"{line.seq:>6} {at(line.time)} {line.actor} ({self._role(line.role)}) "
                f"{in_words(line.action).lower()} {line.record_id} "
                f"{readable(stamps_in(line.details))}"
                + (f"\n         personal: {line.personal}" if line.personal else "")
                + (
                    f"\n         personal details withheld: {', '.join(line.withheld)}"
                    if line.withheld
                    else ""
                ),
                multiline=True,
            )
            for line in shown
        ]
        self.query_one("#entries", Static).update(Content("\n").join(rows))

    def _review(self, since: date | None) -> None:
        accesses, flags = self._session.oversight.access_review(since)
        flagged = [a for a in accesses if a.flags]
        self._say(
            f"{counted(len(accesses), 'access', 'accesses')}; {len(flagged)} flagged; "
            f"{counted(len(flags), 'pattern')} flagged."
        )
        rows = [
            literal(f"PATTERN {shown_date(f.day)} {f.staff}: {stamps_in(f.what)}") for f in flags
        ]
        rows += [
            literal(
                f"{at(a.time)} {a.staff} ({self._role(a.role)}) {in_words(a.action).lower()} "
                f"{a.record_id} {self._field(a.field)}"
                + (f" reason: {a.reason}" if a.reason else "")
                + (f"  FLAGGED: {'; '.join(a.flags)}" if a.flags else "")
            )
            for a in accesses[-SHOWN:]
        ]
        self.query_one("#entries", Static).update(Content("\n").join(rows))

    def _role(self, name: str) -> str:
        """A role as the policy names it ('Safeguarding lead'), not its key."""
        role = self._session.policy.roles.get(name)
        return in_words(name) if role is None else role.label

    def _field(self, name: str) -> str:
        spec = self._session.policy.fields.get(name)
        return name if spec is None else spec.label

    def _export(self, since: date | None) -> None:
        kept = self._session.oversight.export_access_review(since)
        self.app.push_screen(OutputScreen(self._session, kept))  # sealed in the vault

    def action_back(self) -> None:
        self.app.pop_screen()

    def forget(self) -> None:
        self.query_one("#entries", Static).update("")
        for widget in self.query(Input):
            widget.value = ""
