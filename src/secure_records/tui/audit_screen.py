"""The auditor's screen: the log, filtered and readable, and the access review.

At the top, what `log verify` says and the last checkpoint: an auditor reads a log
they can trust, or is told plainly that they cannot. Newest first, each entry's
details as labelled lines in words; the same filters narrow the log and the review.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Select, Static

from secure_records.core.action_words import action_words
from secure_records.core.dates import TYPED_FORM, DateRefused, parse_optional, shown_date
from secure_records.core.errors import SecureRecordsError
from secure_records.core.log_actions import LogAction
from secure_records.core.log_filter import LogFilter
from secure_records.core.log_words import Said
from secure_records.core.oversight import Access
from secure_records.core.text import counted, plural, printable
from secure_records.core.words import in_words
from secure_records.session.oversight import LogLine
from secure_records.tui.dialog import field_label
from secure_records.tui.hanging_lines import Hanging, HangingText
from secure_records.tui.key_footer import KeyFooter
from secure_records.tui.literal import labelled, literal
from secure_records.tui.output_screens import OutputScreen
from secure_records.tui.session_screen import SessionScreen
from secure_records.tui.shown_time import at, stamps_in

# The log can be long: the newest this many matching entries are shown.
SHOWN = 200
SINCE = "Since"
FILTERS = (
    f"Filter by record, staff member, since a date ({TYPED_FORM}) and action (chosen "
    f"from the list); the access review is filtered the same way."
)
# Where an entry's labelled lines start: under the staff member, past the number.
INDENT = " " * 9

# (label, id, hint) of each filter box; the action is chosen from a list, below them.
FILTER_BOXES = (
    ("Record", "f-record", "R-000001"),
    ("Staff member", "f-actor", "name"),
    ("Since", "f-since", TYPED_FORM),
)
# Every action the log can name, in words, alphabetically: nobody types "field_revealed".
ACTIONS = sorted(((action_words(a), a) for a in LogAction), key=lambda pair: pair[0].casefold())


def said_lines(lines: tuple[Said, ...]) -> list[tuple[str, str]]:
    """Labelled lines, indented under the entry, as (label, value): what a person
    typed as they typed it; anything else with its dates the UK way. A line break
    typed in a value is shown as an escape, so no value can start a line that looks
    like a label."""
    return [
        (
            f"{INDENT}{'  ' * line.depth}{printable(line.label)}:" + (" " if line.value else ""),
            printable(line.value if line.typed else stamps_in(line.value)),
        )
        for line in lines
    ]


def entry_text(line: LogLine, role: str) -> Hanging:
    """One entry: who did what, when, to which record; then its details, labelled.
    Each wraps under itself: the head under its time, a value under its first word."""
    action = action_words(str(line.action)).lower()
    head = f"{at(line.time)} {line.actor} ({role}) {action} {line.record_id}"
    rows = [(f"{line.seq:>6} ", head.rstrip()), *said_lines(line.details)]
    rows += said_lines(line.personal)
    if line.withheld:
        rows.append((f"{INDENT}Personal details withheld: ", ", ".join(line.withheld)))
    return Hanging(tuple(rows))


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
            # The list on a row of its own, the screen's width: at 80 columns, beside
            # the boxes, each action's name wrapped over two to four lines.
            with Horizontal(classes="filters"), Vertical():
                yield field_label("Action")
                yield Select(ACTIONS, prompt="Any action", id="f-action")
            with Horizontal(classes="buttons"):
                yield Button("Show entries", variant="primary", id="show")
                yield Button("Access review", id="review")
                yield Button("Export review as CSV", id="export")
            yield Static("", id="problem")
            yield HangingText("", id="entries")
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

    def _wanted(self, since: date | None) -> LogFilter:
        action = self.query_one("#f-action", Select).value
        return LogFilter(
            self._value("f-record"),
            self._value("f-actor"),
            action if isinstance(action, LogAction) else None,
            since,
        )

    def _run(self, step: Callable[[LogFilter], None]) -> None:
        """Run `step` with the filters; a bad date or a refusal is said."""
        try:
            since = self._since()
        except DateRefused as refused:
            self._say(str(refused))
            return
        with self.attempt(say=self._say):
            step(self._wanted(since))

    def _say(self, text: str) -> None:
        self.query_one("#problem", Static).update(literal(text))

    def _show(self, wanted: LogFilter) -> None:
        lines = self._session.oversight.audit_log(wanted)
        shown = lines[-SHOWN:][::-1]  # newest first: what happened last is read first
        self._say(
            f"{counted(len(lines), 'entry matches', 'entries match')}; "
            f"the newest {len(shown)} {plural(len(shown), 'is', 'are')} shown, newest first."
            if lines
            else "No entries match."
        )
        self._entries.show(entry_text(line, self._role(line.role)) for line in shown)

    def _review(self, wanted: LogFilter) -> None:
        accesses, flags = self._session.oversight.access_review(wanted)
        flagged = [a for a in accesses if a.flags]
        self._say(
            f"{counted(len(accesses), 'access', 'accesses')}; {len(flagged)} flagged; "
            f"{counted(len(flags), 'pattern')} flagged; newest first."
        )
        # Newest first, as the log: the day's patterns, then each look at a record.
        newest = sorted(flags, key=lambda f: f.day, reverse=True)
        rows = [
            Hanging(((f"PATTERN {shown_date(f.day)} ", f"{f.staff}: {stamps_in(f.what)}"),))
            for f in newest
        ]
        rows += [self._access(a) for a in accesses[-SHOWN:][::-1]]
        self._entries.show(rows)

    def _access(self, access: Access) -> Hanging:
        """One look at a record: who, when, which field; its reason and flags under it."""
        head = (
            f"{access.staff} ({self._role(access.role)}) {in_words(access.action).lower()} "
            f"{access.record_id} {self._field(access.field)}"
        )
        rows = [(f"{at(access.time)} ", head.rstrip())]
        if access.reason:
            rows.append((f"{INDENT}Reason: ", access.reason))
        if access.flags:
            rows.append((f"{INDENT}FLAGGED: ", "; ".join(access.flags)))
        return Hanging(tuple(rows))

    @property
    def _entries(self) -> HangingText:
        return self.query_one("#entries", HangingText)

    def _role(self, name: str) -> str:
        """A role as the policy names it ('Safeguarding lead'), not its key."""
        role = self._session.policy.roles.get(name)
        return in_words(name) if role is None else role.label

    def _field(self, name: str) -> str:
        spec = self._session.policy.fields.get(name)
        return name if spec is None else spec.label

    def _export(self, wanted: LogFilter) -> None:
        kept = self._session.oversight.export_access_review(wanted)
        self.app.push_screen(OutputScreen(self._session, kept))  # sealed in the vault

    def action_back(self) -> None:
        self.app.pop_screen()

    def forget(self) -> None:
        self._entries.update("")
        for widget in self.query(Input):
            widget.value = ""
        self.query_one("#f-action", Select).clear()
