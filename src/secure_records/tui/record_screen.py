"""One record, as the viewer's role sees it."""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from secure_records.core.access import FieldView, RecordView
from secure_records.core.errors import SecureRecordsError
from secure_records.core.policy import Rule
from secure_records.session import Session
from secure_records.tui.literal import labelled, literal
from secure_records.tui.modals import NewNote, NoteDraft, RevealReason


class FieldRow(Static, can_focus=True):
    """One field; focus it and press r to reveal it when its rule allows."""

    def __init__(self, view: FieldView) -> None:
        super().__init__(classes="field")
        self.view = view

    def on_mount(self) -> None:
        self.show(self.view)

    def show(self, view: FieldView) -> None:
        self.view = view
        text = labelled(view.label, view.text)
        if view.revealable:
            text = text + literal("   [press r to reveal, with a reason]").stylize("dim")
        elif view.rule is Rule.MASKED:
            text = text + literal("   (masked for your role)").stylize("dim")
        self.update(text)


class RecordScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "close", "Back"),
        Binding("r", "reveal", "Reveal"),
        Binding("n", "add_note", "Add note"),
    ]

    def __init__(self, session: Session, record_id: str) -> None:
        super().__init__()
        self._session = session
        self._record_id = record_id
        self._view: RecordView | None = None

    def compose(self) -> ComposeResult:
        yield VerticalScroll(id="record")
        yield Footer()

    def on_mount(self) -> None:
        try:
            self._view = self._session.open_record(self._record_id)
        except SecureRecordsError as exc:
            self.app.notify(str(exc), severity="error", markup=False)
            self.app.pop_screen()
            return
        self._draw()

    def _draw(self) -> None:
        view = self._view
        if view is None:
            return
        body = self.query_one("#record", VerticalScroll)
        body.remove_children()
        widgets: list[Static] = [Static(literal(f"Record {view.id}"), classes="title")]
        widgets += [FieldRow(field) for field in view.fields]
        if view.restricted:
            widgets.append(
                Static(
                    labelled("Restricted for your role", ", ".join(view.restricted)),
                    classes="restricted",
                )
            )
        if view.consent is not None:
            widgets.append(Static(literal(f"{view.consent.label}"), classes="heading"))
            if view.consent.entries:
                for entry in view.consent.entries:
                    state = (
                        f"withdrawn {entry.withdrawn.isoformat()}"
                        if entry.withdrawn
                        else "in force"
                    )
                    widgets.append(
                        Static(
                            literal(
                                f"{entry.date.isoformat()}  {entry.given_by}: {entry.scope} "
                                f"({state})"
                            ),
                            classes="entry",
                        )
                    )
            else:
                widgets.append(Static(literal(view.consent.summary), classes="entry"))
        if view.notes is not None:
            widgets.append(Static(literal(f"{view.notes.label}"), classes="heading"))
            if view.notes.entries:
                for note in view.notes.entries:
                    label = "FACT" if note.kind.value == "fact" else "OPINION"
                    historical = "  HISTORICAL" if note.historical else ""
                    widgets.append(
                        Static(
                            literal(
                                f"{note.date.isoformat()}  {label}{historical}  {note.author}\n"
                                f"{note.text}",
                                multiline=True,
                            ),
                            classes=f"entry note-{note.kind.value}",
                        )
                    )
            else:
                widgets.append(Static(literal(view.notes.summary), classes="entry"))
        body.mount_all(widgets)
        rows = self.query(FieldRow)
        if rows:
            rows.first().focus()

    def action_close(self) -> None:
        self._session.close_record(self._record_id)
        self._view = None
        self.app.pop_screen()

    def action_reveal(self) -> None:
        focused = self.focused
        if not isinstance(focused, FieldRow) or not focused.view.revealable:
            self.app.notify("Move to a field that says 'press r to reveal' first.", markup=False)
            return
        field = focused.view
        minimum = self._session.policy.session.reveal_reason_min_length

        def revealed(reason: str | None) -> None:
            if reason is None:
                return
            try:
                self._view = self._session.reveal(self._record_id, field.name, reason)
            except SecureRecordsError as exc:
                self.app.notify(str(exc), severity="error", markup=False)
                return
            shown = self._view.field(field.name)
            if shown is not None:
                focused.show(shown)

        self.app.push_screen(RevealReason(field.label, minimum), revealed)

    def action_add_note(self) -> None:
        if not self._session.may("add_note"):
            self.app.notify("Your role cannot add notes.", markup=False)
            return

        def save(draft: NoteDraft | None) -> None:
            if draft is None:
                return
            try:
                self._view = self._session.add_note(
                    self._record_id, draft.kind, draft.text, draft.on, historical=draft.historical
                )
            except SecureRecordsError as exc:
                self.app.notify(str(exc), severity="error", markup=False)
                return
            self.app.notify("Note saved.", markup=False)
            self._draw()

        self.app.push_screen(NewNote(date.today()), save)
