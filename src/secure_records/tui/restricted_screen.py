"""Restricted records (10(d)): a lead's list of them, and the dialog that restricts,
grants or lifts. A record whose grants have all run out is reachable only from here."""

from __future__ import annotations

from textual.widgets import OptionList

from secure_records.session import Session
from secure_records.session.oversight import Restriction
from secure_records.tui.modals import RestrictDialog, RestrictionDraft
from secure_records.tui.review_queue import ReviewQueue
from secure_records.tui.session_screen import SessionScreen


def change_restriction(screen: SessionScreen, session: Session, record_id: str) -> None:
    """Ask, then restrict, grant or lift; say how it went."""
    app = screen.app
    with screen.attempt():
        found = session.oversight.restriction(record_id)
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
                    session.oversight.restrict_record(record_id, draft.reason, draft.days)
                elif draft.action == "grant":
                    session.oversight.grant_access(record_id, draft.staff, draft.days, draft.reason)
                else:
                    session.oversight.lift_restriction(record_id, draft.reason)
                app.notify(f"{record_id}: done ({draft.action}).", markup=False)

        minimum = session.policy.sharing.reason_min_length
        app.push_screen(RestrictDialog(record_id, state, minimum), save)


class RestrictedScreen(ReviewQueue[tuple[str, Restriction]]):
    BOX_ID = "restricted-list"
    HEADING = "Restricted records"
    HINT = "Choose one to grant someone access for a number of days, or lift it."
    LIST_ID = "restricted-records"
    EMPTY = "No record is restricted."

    def on_screen_resume(self) -> None:
        self._load()

    def _fetch(self) -> list[tuple[str, Restriction]]:
        return self._session.oversight.restricted_records()

    def _line(self, item: tuple[str, Restriction]) -> tuple[str, str]:
        rid, r = item
        return (
            f"{rid}  restricted by {r.set_by} {r.set_at[:10]}  grants: "
            + (", ".join(f"{s} until {u[:10]}" for s, u in r.grants) or "none"),
            rid,
        )

    def _load_refused(self, message: str) -> None:
        # Said on the screen, which stays open.
        self._say(message)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        change_restriction(self, self._session, str(event.option.id))
