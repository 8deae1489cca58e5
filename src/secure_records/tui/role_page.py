"""What the IT and auditor roles do, for roles that see no record."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from secure_records.core.errors import SecureRecordsError
from secure_records.core.permissions import Permission
from secure_records.core.text import counted
from secure_records.tui.audit_screen import AuditScreen
from secure_records.tui.key_footer import KeyFooter
from secure_records.tui.literal import literal
from secure_records.tui.output_screens import OutputsScreen
from secure_records.tui.retention_screen import RetentionScreen
from secure_records.tui.session_screen import SessionScreen

DUTIES = {
    Permission.MANAGE_STAFF: "Staff accounts: secure-records staff add | list | disable | pin",
    Permission.MANAGE_KEYS: (
        "Keys: secure-records key rotate (a new key-encryption key; older versions stay "
        "for backups taken under them), key retire --before DATE (removes them from "
        "the keyring; an older backup still opens with the recovery code of its day), "
        "key recovery-code --new, key recover"
    ),
    Permission.PROPOSE_DISPOSAL: (
        "Retention: press r for the retention queue; propose disposals there"
    ),
    Permission.DISPOSE: (
        "Disposal: carry out approved disposals by cryptographic erase (r), or "
        "secure-records disposal run | certificates | certificate ID on the host"
    ),
    Permission.READ_LOG: (
        "The log: press a to read it and run the access review here; on the host, "
        "secure-records log verify, log checkpoint (keep the line offline), "
        "log show [--record ID] [--actor NAME] [--since DATE]"
    ),
}


class RolePage(SessionScreen):
    """A plain page for a role whose work is not about reading records."""

    BINDINGS = [
        Binding("r", "retention", "Retention queue"),
        Binding("a", "audit", "The log and access review"),
        Binding("e", "outputs", "Outputs"),
        Binding("c", "raise_concern", "Raise a concern"),
    ]
    NEEDS = {
        "retention": (Permission.PROPOSE_DISPOSAL, Permission.DISPOSE),
        "audit": Permission.READ_LOG,
        "outputs": Permission.READ_LOG,
    }

    def compose(self) -> ComposeResult:
        role = self._session.role
        with VerticalScroll(id="role-page"):
            yield Static(literal(f"{role.label}: {self._session.staff_name}"), classes="title")
            yield Static(literal(role.description))
            yield Static(
                literal(
                    "Your role sees no record's contents: not names, not notes. That is by "
                    "design (policy section 10(d))."
                ),
                classes="hint",
            )
            duties = [text for action, text in DUTIES.items() if role.may(action)]
            if duties:
                yield Static("What you do, and where:", classes="heading")
                for text in duties:
                    yield Static(literal(f"- {text}"), classes="entry")
            if role.may(Permission.DISPOSE):
                try:
                    expired = len(self._session.retention.expired_packages())
                except SecureRecordsError as exc:
                    yield Static(literal(str(exc)), classes="entry")
                else:
                    yield Static(
                        literal(
                            f"{counted(expired, 'released file')} past their days to shred: "
                            "press r for the retention queue."
                        ),
                        classes="heading",
                    )
        yield KeyFooter()

    def action_audit(self) -> None:
        self.app.push_screen(AuditScreen(self._session))

    def action_outputs(self) -> None:
        self.app.push_screen(OutputsScreen(self._session))

    def action_raise_concern(self) -> None:
        from secure_records.tui.concern_screens import raise_concern

        raise_concern(self._session, self.app.push_screen, self._tell)

    def _tell(self, said: str) -> None:
        self.app.notify(said, markup=False)

    def action_retention(self) -> None:
        self.app.push_screen(RetentionScreen(self._session))

    def forget(self) -> None:
        pass  # it shows no record and holds nothing typed
