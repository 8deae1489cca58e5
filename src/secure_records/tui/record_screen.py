"""One record, as the viewer's role sees it."""

from __future__ import annotations

from datetime import date
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from secure_records.core.access import FieldView, RecordView
from secure_records.core.errors import SecureRecordsError
from secure_records.core.permissions import Permission
from secure_records.core.policy import Rule
from secure_records.core.words import shown_value
from secure_records.session import Session
from secure_records.tui.amend_field import amend_dialog, corrections_text
from secure_records.tui.consent_recording import consent_saver
from secure_records.tui.consent_withdrawal import WithdrawConsent, in_force
from secure_records.tui.dialog import Beside, Dialog, HeldDraft, Refusal, Typed
from secure_records.tui.key_footer import KeyFooter
from secure_records.tui.literal import labelled, literal
from secure_records.tui.modals import AskReason, RevealReason
from secure_records.tui.note_forms import NewConsent, NewNote, NoteDraft
from secure_records.tui.output_screens import OutputScreen
from secure_records.tui.record_entries import chronology_text, consent_text, history_text
from secure_records.tui.restricted_screen import restrict_dialog, restriction_banner
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
        text = labelled(view.label, shown_value(view.kind, view.text))
        if view.revealable:
            text = text + literal("   [press r to reveal, with a reason]").stylize("dim")
        elif view.rule is Rule.MASKED:
            text = text + literal("   (masked for your role)").stylize("dim")
        self.update(text)


class RecordScreen(SessionScreen):
    """Built once per session and reused: opening a record fills it in, closing a
    record blanks it, so no record stays in its widgets once closed. It is drawn again
    each time it comes back to the top (a dialog or the sharing screen closed), so what
    was just done shows at once."""

    BINDINGS = [
        Binding("escape", "close", "Back"),
        Binding("r", "reveal", "Reveal"),
        Binding("n", "add_note", "Add note"),
        Binding("s", "share", "Share"),
        Binding("f", "refer", "Refer"),  # nobody asked (issue 19): one's own initiative
        Binding("c", "add_consent", "Consent"),
        Binding("h", "legal_hold", "Legal hold"),
        Binding("x", "restrict", "Restrict"),
        Binding("a", "subject_access", "Subject access report"),
        Binding("m", "amend", "Amend field"),
        # The arrows move between fields (before the scroll takes them), then scroll.
        Binding("down", "next_field", "Next field", show=False, priority=True),
        Binding("up", "previous_field", "Previous field", show=False, priority=True),
    ]
    # Each only for the roles that may (and not shown otherwise).
    NEEDS = {
        "refer": Permission.SHARE,
        "legal_hold": Permission.SET_LEGAL_HOLD,
        "restrict": Permission.RESTRICT_RECORDS,
        "subject_access": Permission.SUBJECT_ACCESS,
        "amend": Permission.AMEND,
    }

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self._record_id: str | None = None
        self._view: RecordView | None = None
        # The dialog open over the record, and the action that opened it: the lock
        # holds what was typed in it (`draft`) and puts it back (`resume`).
        self._asking: tuple[str, Dialog[Any]] | None = None
        self._held: Typed | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="record"):
            yield Static("", id="record-title", classes="title")
            yield Static("", id="hold", classes="flag")
            yield Static("", id="restriction", classes="flag")
            for spec in self._session.policy.scalar_fields:
                if self._session.role.rule_for(spec.name).rule is not Rule.HIDDEN:
                    row = FieldRow(FieldView(spec.name, spec.label, Rule.HIDDEN, ""))
                    row.id = f"field-{spec.name}"
                    yield row
            yield Static("", id="restricted", classes="restricted")
            yield Static("", id="consent", classes="entries")
            yield Static("", id="chronology", classes="entries")
            yield Static("", id="history", classes="entries")
            yield Static("", id="corrections", classes="entries")
        yield KeyFooter()

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

    def on_screen_resume(self) -> None:
        # Back from a dialog or the sharing screen: show what it did (history, hold,
        # restriction) at once, read again through Session.
        self._asking = None
        self._draw()

    def _draw(self) -> None:
        view = self._view
        if view is None:
            return
        self.query_one("#record-title", Static).update(literal(f"Record {view.id}"))
        try:
            hold = self._session.retention.legal_hold(view.id)
        except SecureRecordsError:
            hold = None
        self._banner(
            "#hold",
            f"ON LEGAL HOLD since {hold.set_at[:10]}, set by {hold.set_by}: {hold.reason}"
            if hold
            else "",
        )
        self._banner("#restriction", self._restriction(view.id))
        for field in view.fields:
            self.query_one(f"#field-{field.name}", FieldRow).show(field)
        restricted = (
            labelled("Restricted for your role", ", ".join(view.restricted))
            if view.restricted
            else Content("")
        )
        self.query_one("#restricted", Static).update(restricted)
        self.query_one("#consent", Static).update(consent_text(view))
        self.query_one("#chronology", Static).update(chronology_text(view))
        try:
            history = self._session.records.sharing_history(view.id)
        except SecureRecordsError:
            history = []
        self.query_one("#history", Static).update(history_text(history))
        try:
            corrections = self._session.amendments.history(view.id)
        except SecureRecordsError:
            corrections = []
        self.query_one("#corrections", Static).update(corrections_text(corrections))

    def _banner(self, static_id: str, text: str) -> None:
        """A banner above the fields, taking no row when it has nothing to say."""
        banner = self.query_one(static_id, Static)
        banner.update(literal(text))
        banner.display = bool(text)

    def _restriction(self, record_id: str) -> str:
        """The banner of a restricted record, for a role that restricts (who else can
        open one learns it from being let in)."""
        if not self._session.may(Permission.RESTRICT_RECORDS):
            return ""
        try:
            return restriction_banner(self._session.oversight.restriction(record_id))
        except SecureRecordsError:
            return ""

    def forget(self) -> None:
        """Blank every widget: nothing of the record stays behind."""
        if self._record_id is not None:
            self._session.records.close_record(self._record_id)
        self._record_id, self._view = None, None
        self._asking, self._held = None, None
        if not self.is_mounted:
            return
        for row in self.query(FieldRow):
            row.view = FieldView(row.view.name, row.view.label, Rule.HIDDEN, "")
            row.update("")
        for static_id in (
            "#record-title",
            "#hold",
            "#restriction",
            "#restricted",
            "#consent",
            "#chronology",
            "#history",
            "#corrections",
        ):
            self.query_one(static_id, Static).update("")

    def action_close(self) -> None:
        self.forget()
        self.app.pop_screen()

    # dialogs, and what the lock holds of them

    def _ask(self, action: str, dialog: Dialog[Any]) -> None:
        """Open `dialog` for `action`, with what the lock held of it put back."""
        if self._held is not None:
            dialog.hold(self._held)
            self._held = None
        self._asking = (action, dialog)
        self.app.push_screen(dialog)

    def draft(self) -> HeldDraft | None:
        """What is typed in the dialog open over this record, if anything."""
        if self._asking is None or self._record_id is None:
            return None
        action, dialog = self._asking
        if dialog not in self.app.screen_stack or not dialog.unsaved():
            return None
        focused = self.focused
        focus = focused.id if isinstance(focused, FieldRow) else None
        return HeldDraft(self._record_id, action, dialog.typed(), dialog.WHAT, focus)

    def resume(self, draft: HeldDraft) -> None:
        """Open the dialog `draft` came from again, with what was typed in it."""
        if draft.focus is not None:
            found = self.query(f"#{draft.focus}")
            if found:
                self.set_focus(found.first())
        self._held = draft.typed
        getattr(self, f"action_{draft.action}")()
        self._held = None

    # keys

    def action_next_field(self) -> None:
        self._move(1)

    def action_previous_field(self) -> None:
        self._move(-1)

    def _move(self, step: int) -> None:
        rows = list(self.query(FieldRow))
        focused = self.focused
        at = rows.index(focused) if isinstance(focused, FieldRow) and focused in rows else -1
        if at >= 0 and 0 <= at + step < len(rows):
            rows[at + step].focus()
            return
        scroll = self.query_one("#record", VerticalScroll)
        if step > 0:
            scroll.scroll_down(animate=False)
        else:
            scroll.scroll_up(animate=False)

    def action_reveal(self) -> None:
        focused = self.focused
        if not isinstance(focused, FieldRow) or not focused.view.revealable:
            if any(row.view.revealable for row in self.query(FieldRow)):
                message = (
                    "Move with tab or the arrow keys to a field that says 'press r to "
                    "reveal', then press r."
                )
            else:
                message = "Nothing on this record can be revealed for your role."
            self.app.notify(message, markup=False)
            return
        field = focused.view
        record_id = self._record_id
        if record_id is None:
            return
        minimum = self._session.policy.session.reveal_reason_min_length

        def reveal(reason: str) -> Refusal | None:
            try:
                self._view = self._session.records.reveal(record_id, field.name, reason)
            except SecureRecordsError as exc:
                return Beside("reason", str(exc))
            return None

        self._ask("reveal", RevealReason(field.label, minimum, reveal))

    def action_amend(self) -> None:
        focused, record_id = self.focused, self._record_id
        if record_id is None or not self.allowed("amend"):
            return
        amendable = self._session.amendments.amendable(record_id)
        if not isinstance(focused, FieldRow) or focused.view.name not in amendable:
            hidden = isinstance(focused, FieldRow) and focused.view.rule is Rule.REVEAL
            self.app.notify(
                f"Reveal {focused.view.label} first with r (with your reason), then press m."
                if hidden and isinstance(focused, FieldRow)
                else "Move with tab or the arrow keys to a field you see in full, then press m."
                if amendable
                else "Nothing on this record can be corrected by your role.",
                markup=False,
            )
            return

        def done(now: RecordView) -> None:
            self._view = now

        self._ask("amend", amend_dialog(self._session, record_id, focused.view, done))

    def action_share(self) -> None:
        if not self._session.may(Permission.SHARE):
            self.app.notify("Your role does not take sharing decisions.", markup=False)
            return
        if self._view is not None:
            self.app.push_screen(SharingScreen(self._session, self._view))

    def action_refer(self) -> None:
        """Share on one's own initiative: the same questions, whom it goes to first."""
        if self._view is not None and self.allowed("refer"):
            self.app.push_screen(SharingScreen(self._session, self._view, own_initiative=True))

    def action_subject_access(self) -> None:
        record_id = self._record_id
        if record_id is None or not self.allowed("subject_access"):
            return

        def write(reason: str) -> Refusal | None:
            try:
                report = self._session.oversight.subject_access_report(record_id, reason)
            except SecureRecordsError as exc:
                return str(exc)
            # Kept sealed in the vault: read here (once this dialog has gone), the
            # marked items reviewed before any release.
            self.app.call_later(self.app.push_screen, OutputScreen(self._session, report))
            return None

        minimum = self._session.policy.sharing.reason_min_length
        hint = (
            "The report gathers everything held about this person, kept sealed in the "
            "vault. Say whose request it answers, and when it was made; that is recorded "
            "in the log."
        )
        self._ask(
            "subject_access",
            AskReason(f"Subject access report for {record_id}?", hint, "Write it", minimum, write),
        )

    def action_restrict(self) -> None:
        if self._record_id is not None and self.allowed("restrict"):
            dialog = restrict_dialog(self, self._session, self._record_id)
            if dialog is not None:
                self._ask("restrict", dialog)

    def action_legal_hold(self) -> None:
        record_id = self._record_id
        if record_id is None or not self.allowed("legal_hold"):
            return
        with self.attempt():
            self._ask_legal_hold(
                record_id, held=self._session.retention.legal_hold(record_id) is not None
            )

    def _ask_legal_hold(self, record_id: str, *, held: bool) -> None:
        def save(reason: str) -> Refusal | None:
            try:
                self._session.retention.set_legal_hold(record_id, reason, hold=not held)
            except SecureRecordsError as exc:
                return str(exc)
            return None

        question = (
            f"Lift the legal hold on {record_id}?" if held else f"Put {record_id} on legal hold?"
        )
        hint = (
            "A record on legal hold cannot be disposed of, whatever its retention rule says "
            "(an inquiry, litigation). Your reason is recorded in the log."
        )
        minimum = self._session.policy.sharing.reason_min_length
        action = "Lift the hold" if held else "Put on hold"
        self._ask("legal_hold", AskReason(question, hint, action, minimum, save))

    def action_add_consent(self) -> None:
        if not self._session.may(Permission.RECORD_CONSENT):
            self.app.notify("Your role cannot record consent.", markup=False)
            return
        record_id = self._record_id
        if record_id is None:
            return

        def saved(view: RecordView) -> None:
            self._view = view

        save = consent_saver(self._session, record_id, saved)
        self._ask("add_consent", NewConsent(date.today(), save))

    def action_add_note(self) -> None:
        if not self._session.may(Permission.ADD_NOTE):
            self.app.notify("Your role cannot add notes.", markup=False)
            return
        record_id = self._record_id
        if record_id is None:
            return

        def save(draft: NoteDraft) -> Refusal | None:
            try:
                self._view = self._session.records.add_note(
                    record_id, draft.kind, draft.text, draft.on, historical=draft.historical
                )
            except SecureRecordsError as exc:
                return str(exc)
            self.app.notify("Note saved.", markup=False)
            return None

        self._ask("add_note", NewNote(date.today(), save))

    # Consent withdrawn in place (issue 17): `w`, only for a role that records consent
    # and only while the record shows consent in force.
    BINDINGS = [*BINDINGS, Binding("w", "withdraw_consent", "Withdraw consent")]
    NEEDS = {**NEEDS, "withdraw_consent": Permission.RECORD_CONSENT}

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "withdraw_consent" and not in_force(self._view):
            return False
        return super().check_action(action, parameters)

    def action_withdraw_consent(self) -> None:
        record_id, view = self._record_id, self._view
        if record_id is None or view is None or not self.allowed("withdraw_consent"):
            return

        def withdraw(number: int, withdrawn: date, why: str) -> RecordView:
            return self._session.records.withdraw_consent(record_id, number, withdrawn, why)

        def withdrawn(now: RecordView | None) -> None:
            if now is not None:
                self._view = now
                self._draw()
                self.refresh_bindings()

        self.app.push_screen(WithdrawConsent(view, withdraw, date.today()), withdrawn)
