"""Restricted records (10(d)): a lead's list of them, and the dialog that restricts,
grants or lifts. A record whose grants have all run out is reachable only from here."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from secure_records.core.errors import SecureRecordsError
from secure_records.session import Session
from secure_records.tui.literal import literal
from secure_records.tui.modals import RestrictDialog, RestrictionDraft
from secure_records.tui.session_screen import SessionScreen


def change_restriction(screen: SessionScreen, session: Session, record_id: str) -> None:
    """Ask, then restrict, grant or lift; say how it went."""
    app = screen.app
    with screen.attempt():
        found = session.restriction(record_id)
        state = (
            ""
            if found is None
            else f"Restricted by {found.set_by}. Grants: "
            + ", ".join(f"{staff} until {until[:10]}" for staff, until in found.grants)
        )

        def save(draft: RestrictionDraft | None) -> None:
            if draft is None:
                return
            with screen.attempt():
                if draft.action == "restrict":
                    session.restrict_record(record_id, draft.reason, draft.days)
                elif draft.action == "grant":
                    session.grant_access(record_id, draft.staff, draft.days, draft.reason)
                else:
                    session.lift_restriction(record_id, draft.reason)
                app.notify(f"{record_id}: done ({draft.action}).", markup=False)

        minimum = session.policy.sharing.reason_min_length
        app.push_screen(RestrictDialog(record_id, state, minimum), save)


class RestrictedScreen(SessionScreen):
    BINDINGS = [Binding("escape", "back", "Back")]

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self._ids: list[str] = []

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="restricted-list"):
            yield Static("Restricted records", classes="title")
            yield Static(
                literal("Choose one to grant someone access for a number of days, or lift it."),
                classes="hint",
            )
            yield OptionList(id="restricted-records")
            yield Static("", id="problem")
        yield Footer()

    def on_mount(self) -> None:
        self._load()

    def on_screen_resume(self) -> None:
        self._load()

    def _load(self) -> None:
        try:
            found = self._session.restricted_records()
        except SecureRecordsError as exc:
            self.query_one("#problem", Static).update(literal(str(exc)))
            return
        self._ids = [rid for rid, _ in found]
        options = self.query_one("#restricted-records", OptionList)
        options.clear_options()
        options.add_options(
            [
                Option(
                    literal(
                        f"{rid}  restricted by {r.set_by} {r.set_at[:10]}  grants: "
                        + (", ".join(f"{s} until {u[:10]}" for s, u in r.grants) or "none")
                    ),
                    id=rid,
                )
                for rid, r in found
            ]
        )
        if self._ids:
            options.highlighted = 0
        self.query_one("#problem", Static).update(
            literal("" if self._ids else "No record is restricted.")
        )
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        change_restriction(self, self._session, str(event.option.id))

    def action_back(self) -> None:
        self.app.pop_screen()

    def forget(self) -> None:
        self.query_one("#restricted-records", OptionList).clear_options()
