"""Outputs kept in the vault, read in the app (issue 18): the list of those a person
may open, and a read-only viewer. Disclosure packages, subject access reports and
access reviews never reach a file in plain text; a lead releases one from the viewer,
on purpose: the reference typed, the passphrase shown once.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from secure_records.core.access_report import for_release
from secure_records.core.errors import SecureRecordsError
from secure_records.core.outputs import OutputKind
from secure_records.core.permissions import Permission
from secure_records.core.text import counted
from secure_records.session import Session
from secure_records.session.outputs import OutputSummary, OutputText, Released
from secure_records.tui.dialog import Refusal, field_label, said
from secure_records.tui.key_footer import KeyFooter
from secure_records.tui.literal import literal
from secure_records.tui.session_screen import SessionScreen
from secure_records.tui.shown_time import when
from secure_records.tui.typed_confirmation import TypedConfirmation

HANDING_OVER = (
    "Give it to the recipient by phone, on the number the directory gives for them "
    "(never one they gave), and never with the file. It is not kept: it cannot be "
    "shown again."
)


def output_line(item: OutputSummary) -> str:
    about = f"  {item.record_id}" if item.record_id else ""
    return f"{item.id}  {item.kind.label}{about}  by {item.made_by}  {when(item.made_at)}"


class OutputsScreen(SessionScreen):
    """The outputs this person may open, newest first."""

    BINDINGS = [Binding("escape", "back", "Back")]

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self._items: list[OutputSummary] = []

    def compose(self) -> ComposeResult:
        yield Static("Outputs kept in the vault", classes="title")
        yield Static(
            literal(
                "Disclosure packages, subject access reports and access reviews you may "
                "read. Choose one and press Enter to read it; each reading is logged."
            ),
            classes="hint",
        )
        yield OptionList(id="outputs")
        yield Static("", id="problem")
        yield KeyFooter()

    def on_mount(self) -> None:
        with self.attempt(say=self.leave):
            self._items = self._session.outputs.readable()
            options = self.query_one("#outputs", OptionList)
            options.add_options([Option(literal(output_line(i)), id=i.id) for i in self._items])
            if self._items:
                options.highlighted = 0
            else:
                self.query_one("#problem", Static).update(literal("Nothing is kept for you."))
            options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.app.push_screen(OutputScreen(self._session, event.option.id))

    def action_back(self) -> None:
        self.app.pop_screen()

    def forget(self) -> None:
        self._items = []
        self.query_one("#outputs", OptionList).clear_options()


class OutputScreen(SessionScreen):
    """One output, read-only and scrollable; a lead may release it from here."""

    BINDINGS = [Binding("escape", "back", "Back")]
    NEEDS = {"release": Permission.APPROVE_SHARING}
    DEFAULT_CSS = """
    OutputScreen #output-text { height: 1fr; }
    OutputScreen #release-box { height: auto; }
    OutputScreen #recipient-said { display: none; text-style: bold; }
    OutputScreen #recipient-said.-shown { display: block; }
    OutputScreen #released { height: auto; }
    """

    def __init__(self, session: Session, output_id: str) -> None:
        super().__init__(session)
        self._output_id = output_id
        self._shown: OutputText | None = None
        self._released: Released | None = None

    def compose(self) -> ComposeResult:
        yield Static(literal(self._output_id), classes="title", id="heading")
        yield Static("", id="about", classes="hint")
        with VerticalScroll(id="output-text"):
            yield Static("", id="text")
        # Not a scroll: a focusable box here took the first Tab, and what was typed next.
        with Vertical(id="release-box"):
            yield field_label("Release to (the recipient's name and organisation)")
            yield Input(id="recipient")
            yield said("recipient")
            yield Button("Release", variant="error", id="release")
        yield Static("", id="released")
        yield KeyFooter()

    def on_mount(self) -> None:
        with self.attempt(say=self.leave):
            shown = self._session.outputs.read(self._output_id)
            self._shown = shown
            item = shown.summary
            about = f"about {item.record_id}, " if item.record_id else ""
            self.query_one("#heading", Static).update(literal(f"{item.kind.label} {item.id}"))
            self.query_one("#about", Static).update(
                literal(
                    f"Made by {item.made_by}, {about}{when(item.made_at)}. Read-only; kept "
                    "sealed in the vault, and this reading is logged."
                )
            )
            self.query_one("#text", Static).update(literal(shown.text, multiline=True))
            self.query_one("#release-box").display = shown.may_release and self.allowed("release")
            self.query_one("#output-text", VerticalScroll).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "release":
            self._ask_release()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "recipient":
            self._ask_release()

    def _ask_release(self) -> None:
        shown = self._shown
        if shown is None or not self.allowed("release"):
            return
        recipient = self.query_one("#recipient", Input).value.strip()
        if not recipient:
            self._beside("Say who the file is for first: their name and organisation.")
            self.query_one("#recipient", Input).focus()
            return
        self._beside("")
        item = shown.summary

        def release(_: str) -> Refusal | None:
            try:
                self._released = self._session.outputs.release(item.id, recipient)
            except SecureRecordsError as exc:
                # Said in the box and again beside the field, whose text is kept.
                self._beside(str(exc))
                return str(exc)
            return None

        lines = [
            f"What: {item.kind.label} {item.id}"
            + (f", about {item.record_id}" if item.record_id else ""),
            f"To: {recipient}",
            "How: an AES-256 zip (7-Zip opens it) under the vault's exports/, for IT to "
            "pass on; its passphrase is shown once, next.",
            "Recorded: you, now, and to whom; IT is reminded to shred it after the policy's days.",
        ]
        if item.kind is OutputKind.SUBJECT_ACCESS_REPORT:
            released = for_release(shown.text)
            lines.append(
                f"Withheld from the file: {counted(released.withheld, 'item')} marked for "
                "review (other people's details, staff's own words)"
                + (
                    f", and {counted(released.untold, 'sharing decision')} the person was "
                    "not told of (so as not to tip them off)."
                    if released.untold
                    else "."
                )
            )
        self.app.push_screen(
            TypedConfirmation(f"Release {item.id}?", lines, item.id, "release it", release),
            self._after_release,
        )

    def _after_release(self, reference: str | None) -> None:
        done = self._released
        if reference is None or done is None:
            return
        self._released = None
        self.query_one("#recipient", Input).value = ""
        self.query_one("#released", Static).update(
            literal(
                f"Released as {done.release_id}: exports/{done.path.name}.\n"
                f"Passphrase: {done.passphrase}\n{HANDING_OVER}",
                multiline=True,
            )
        )

    def _beside(self, sentence: str) -> None:
        """What is wrong with the recipient, said just below the field (never the
        foot of a long page); a blank sentence hides it."""
        shown = self.query_one("#recipient-said", Static)
        shown.update(literal(sentence))
        shown.set_class(bool(sentence), "-shown")

    def action_back(self) -> None:
        self.app.pop_screen()

    def forget(self) -> None:
        # The lock takes the screen away: nothing of the output (or a passphrase) stays.
        self._shown = None
        self._released = None
        for widget_id in ("#text", "#released", "#about"):
            self.query_one(widget_id, Static).update("")
        self.query_one("#recipient", Input).value = ""
