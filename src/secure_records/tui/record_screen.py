"""One record, as the viewer's role sees it."""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Static

from secure_records.core.access import FieldView, RecordView
from secure_records.core.errors import SecureRecordsError
from secure_records.core.permissions import Permission
from secure_records.core.policy import Rule
from secure_records.core.statuses import SharingStatus
from secure_records.core.text import counted
from secure_records.session import Session, SharedBefore
from secure_records.tui.literal import labelled, literal
from secure_records.tui.modals import (
    AskReason,
    ConsentDraft,
    NewConsent,
    NewNote,
    NoteDraft,
    RevealReason,
)
from secure_records.tui.restricted_screen import change_restriction
from secure_records.tui.session_screen import SessionScreen
from secure_records.tui.sharing_screen import SharingScreen


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


def _consent_text(view: RecordView) -> Content:
    consent = view.consent
    if consent is None:
        return Content("")
    lines = [Content.styled(consent.label, "bold underline")]
    if not consent.entries:
        lines.append(literal(f"  {consent.summary}"))
    for entry in consent.entries:
        state = f"withdrawn {entry.withdrawn.isoformat()}" if entry.withdrawn else "in force"
        lines.append(
            literal(f"  {entry.date.isoformat()}  {entry.given_by}: {entry.scope} ({state})")
        )
    return Content("\n").join(lines)


def _chronology_text(view: RecordView) -> Content:
    notes = view.notes
    if notes is None:
        return Content("")
    lines = [Content.styled(notes.label, "bold underline")]
    if not notes.entries:
        lines.append(literal(f"  {notes.summary}"))
    for note in notes.entries:
        # Section 6, Accurate: fact and opinion told apart; historical marked.
        kind = ("FACT", "bold") if note.kind.value == "fact" else ("OPINION", "bold italic")
        lines.append(
            Content.assemble(
                f"  {note.date.isoformat()}  ",
                kind,
                ("  HISTORICAL" if note.historical else "", "bold"),
                literal(f"  {note.author}"),
            )
        )
        lines.append(literal(f"    {note.text}", multiline=True))
    return Content("\n").join(lines)


STATUS_WORDS = {
    SharingStatus.DECIDED: "",
    SharingStatus.AWAITING_MANAGER: " (waiting for a safeguarding lead)",
    SharingStatus.ACTED_URGENTLY: " (urgent; a lead confirms after)",
    SharingStatus.CONFIRMED: " (confirmed by a lead)",
    SharingStatus.REJECTED: " (rejected by a lead)",
}


def _history_text(history: list[SharedBefore]) -> Content:
    lines = [Content.styled("Sharing history", "bold underline")]
    if not history:
        lines.append(literal("  none"))
    for item in history:
        what = ", ".join(item.fields) or "no fields"
        verdict = (
            f"share {what} and {counted(item.notes, 'note')} by {item.method}"
            if item.shared
            else "not to share"
        )
        lines.append(
            literal(
                f"  {item.on}  {item.decision_id}  {item.decided_by} decided {verdict}"
                f"{STATUS_WORDS.get(item.status, '')}"
            )
        )
        lines.append(literal(f"    with {item.with_whom}: {item.purpose}"))
        if item.phone_request:
            lines.append(
                literal(f"    asked by telephone, verified by callback ({item.phone_request})")
            )
    return Content("\n").join(lines)


class RecordScreen(SessionScreen):
    """Built once per session and reused: opening a record fills it in, closing a
    record blanks it, so no record stays in its widgets once closed."""

    BINDINGS = [
        Binding("escape", "close", "Back"),
        Binding("r", "reveal", "Reveal"),
        Binding("n", "add_note", "Add note"),
        Binding("s", "share", "Share"),
        Binding("c", "add_consent", "Consent"),
        Binding("h", "legal_hold", "Legal hold"),
        Binding("x", "restrict", "Restrict"),
        Binding("a", "subject_access", "Subject access report"),
    ]
    # Each only for the roles that may (and not shown otherwise).
    NEEDS = {
        "legal_hold": Permission.SET_LEGAL_HOLD,
        "restrict": Permission.RESTRICT_RECORDS,
        "subject_access": Permission.SUBJECT_ACCESS,
    }

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self._record_id: str | None = None
        self._view: RecordView | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="record"):
            yield Static("", id="record-title", classes="title")
            yield Static("", id="hold", classes="flag")
            for spec in self._session.policy.scalar_fields:
                if self._session.role.rule_for(spec.name).rule is not Rule.HIDDEN:
                    row = FieldRow(FieldView(spec.name, spec.label, Rule.HIDDEN, ""))
                    row.id = f"field-{spec.name}"
                    yield row
            yield Static("", id="restricted", classes="restricted")
            yield Static("", id="consent", classes="entries")
            yield Static("", id="chronology", classes="entries")
            yield Static("", id="history", classes="entries")
        yield Footer()

    def show_record(self, record_id: str) -> bool:
        """Open `record_id` through Session and draw it; False if it was refused."""
        if self._record_id is not None and self._record_id != record_id:
            self._session.records.close_record(self._record_id)  # its reveals end with it
        with self.attempt():
            view = self._session.records.open_record(record_id)
            self._record_id, self._view = record_id, view
            self._draw()
            rows = self.query(FieldRow)
            if rows:
                rows.first().focus()
            self.query_one("#record", VerticalScroll).scroll_home(animate=False)
            return True
        return False

    def _draw(self) -> None:
        view = self._view
        if view is None:
            return
        self.query_one("#record-title", Static).update(literal(f"Record {view.id}"))
        try:
            hold = self._session.retention.legal_hold(view.id)
        except SecureRecordsError:
            hold = None
        self.query_one("#hold", Static).update(
            literal(
                f"ON LEGAL HOLD since {hold.set_at[:10]}, set by {hold.set_by}: {hold.reason}"
                if hold
                else ""
            )
        )
        for field in view.fields:
            self.query_one(f"#field-{field.name}", FieldRow).show(field)
        restricted = (
            labelled("Restricted for your role", ", ".join(view.restricted))
            if view.restricted
            else Content("")
        )
        self.query_one("#restricted", Static).update(restricted)
        self.query_one("#consent", Static).update(_consent_text(view))
        self.query_one("#chronology", Static).update(_chronology_text(view))
        try:
            history = self._session.records.sharing_history(view.id)
        except SecureRecordsError:
            history = []
        self.query_one("#history", Static).update(_history_text(history))

    def forget(self) -> None:
        """Blank every widget: nothing of the record stays behind."""
        if self._record_id is not None:
            self._session.records.close_record(self._record_id)
        self._record_id, self._view = None, None
        if not self.is_mounted:
            return
        for row in self.query(FieldRow):
            row.view = FieldView(row.view.name, row.view.label, Rule.HIDDEN, "")
            row.update("")
        for static_id in (
            "#record-title",
            "#hold",
            "#restricted",
            "#consent",
            "#chronology",
            "#history",
        ):
            self.query_one(static_id, Static).update("")

    def action_close(self) -> None:
        self.forget()
        self.app.pop_screen()

    def action_reveal(self) -> None:
        focused = self.focused
        if not isinstance(focused, FieldRow) or not focused.view.revealable:
            self.app.notify("Move to a field that says 'press r to reveal' first.", markup=False)
            return
        field = focused.view
        record_id = self._record_id
        if record_id is None:
            return
        minimum = self._session.policy.session.reveal_reason_min_length

        def revealed(reason: str | None) -> None:
            if reason is None:
                return
            with self.attempt():
                self._view = self._session.records.reveal(record_id, field.name, reason)
                shown = self._view.field(field.name)
                if shown is not None:
                    focused.show(shown)

        self.app.push_screen(RevealReason(field.label, minimum), revealed)

    def action_share(self) -> None:
        if not self._session.may(Permission.SHARE):
            self.app.notify("Your role does not take sharing decisions.", markup=False)
            return
        if self._view is not None:
            self.app.push_screen(SharingScreen(self._session, self._view))

    def action_subject_access(self) -> None:
        record_id = self._record_id
        if record_id is None or not self.allowed("subject_access"):
            return

        def write(reason: str | None) -> None:
            if reason is None:
                return
            with self.attempt():
                path = self._session.oversight.subject_access_report(record_id, reason)
                self.app.notify(
                    f"Written to exports/{path.name} (0600): review the marked items before "
                    "release.",
                    markup=False,
                )

        minimum = self._session.policy.sharing.reason_min_length
        hint = (
            "The report writes everything held about this person to a file. Say whose "
            "request it answers, and when it was made; that is recorded in the log."
        )
        self.app.push_screen(
            AskReason(f"Subject access report for {record_id}?", hint, "Write it", minimum), write
        )

    def action_restrict(self) -> None:
        if self._record_id is not None and self.allowed("restrict"):
            change_restriction(self, self._session, self._record_id)

    def action_legal_hold(self) -> None:
        record_id = self._record_id
        if record_id is None or not self.allowed("legal_hold"):
            return
        with self.attempt():
            self._ask_legal_hold(
                record_id, held=self._session.retention.legal_hold(record_id) is not None
            )

    def _ask_legal_hold(self, record_id: str, *, held: bool) -> None:
        def save(reason: str | None) -> None:
            if reason is None:
                return
            with self.attempt():
                self._session.retention.set_legal_hold(record_id, reason, hold=not held)
                self._draw()

        question = (
            f"Lift the legal hold on {record_id}?" if held else f"Put {record_id} on legal hold?"
        )
        hint = (
            "A record on legal hold cannot be disposed of, whatever its retention rule says "
            "(an inquiry, litigation). Your reason is recorded in the log."
        )
        minimum = self._session.policy.sharing.reason_min_length
        action = "Lift the hold" if held else "Put on hold"
        self.app.push_screen(AskReason(question, hint, action, minimum), save)

    def action_add_consent(self) -> None:
        if not self._session.may(Permission.RECORD_CONSENT):
            self.app.notify("Your role cannot record consent.", markup=False)
            return
        record_id = self._record_id
        if record_id is None:
            return

        def save(draft: ConsentDraft | None) -> None:
            if draft is None:
                return
            with self.attempt():
                self._view = self._session.records.record_consent(
                    record_id, draft.given_by, draft.scope, draft.on, draft.withdrawn
                )
                self._draw()

        self.app.push_screen(NewConsent(date.today()), save)

    def action_add_note(self) -> None:
        if not self._session.may(Permission.ADD_NOTE):
            self.app.notify("Your role cannot add notes.", markup=False)
            return

        record_id = self._record_id
        if record_id is None:
            return

        def save(draft: NoteDraft | None) -> None:
            if draft is None:
                return
            with self.attempt():
                self._view = self._session.records.add_note(
                    record_id, draft.kind, draft.text, draft.on, historical=draft.historical
                )
                self.app.notify("Note saved.", markup=False)
                self._draw()

        self.app.push_screen(NewNote(date.today()), save)
