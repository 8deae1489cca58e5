"""Restricted records (10(d)): a lead's list of them, and the dialog that restricts,
grants or lifts. A record whose grants have all run out is reachable only from here.
Emergency (break-glass) access is asked for here too, and every lead sees it here."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import OptionList

from secure_records.core.errors import SecureRecordsError, UnknownStaff
from secure_records.core.permissions import Permission
from secure_records.session import Session
from secure_records.session.oversight import Restriction
from secure_records.tui.dialog import Beside, Refusal
from secure_records.tui.modals import AskReason, RestrictDialog, RestrictionDraft
from secure_records.tui.review_queue import ReviewQueue
from secure_records.tui.session_screen import SessionScreen
from secure_records.tui.shown_time import at, when


def _clock(stamp: str) -> str:
    """The time of day of a stamp, UK time: 14:03."""
    return at(stamp)[-5:]


def _standing(r: Restriction) -> str:
    """Its grants, and any emergency access first: every lead is to see those."""
    grants = ", ".join(f"{staff} until {uk_day(until)}" for staff, until in r.grants) or "none"
    emergencies = "".join(
        f"EMERGENCY ACCESS by {staff} at {at(began)} until {_clock(until)}; "
        for staff, began, until in r.emergencies
    )
    return f"{emergencies}grants: {grants}"


def uk_day(stamp: str) -> str:
    """The day of a stamp or date, the UK way and UK time: 01 Dec 2026."""
    return at(stamp)[:11]


def restriction_banner(found: Restriction | None) -> str:
    """What the record itself says of its restriction: since when, and who may open it."""
    if found is None:
        return ""
    return f"RESTRICTED since {uk_day(found.set_at)} by {found.set_by}; {_standing(found)}"


def restrict_dialog(
    screen: SessionScreen, session: Session, record_id: str
) -> RestrictDialog | None:
    """The dialog that restricts, grants or lifts (None if Session refused to say how
    the record stands). It stays open, with what was typed, until Session has done it;
    a refusal is said in it (a name it does not know, beside the name). The screen
    below redraws when it closes."""
    app = screen.app
    with screen.attempt():
        found = session.oversight.restriction(record_id)
        state = "" if found is None else f"Restricted by {found.set_by}. {_standing(found)}"

        def check(draft: RestrictionDraft) -> Refusal | None:
            try:
                if draft.action == "restrict":
                    session.oversight.restrict_record(record_id, draft.reason, draft.days)
                elif draft.action == "grant":
                    session.oversight.grant_access(record_id, draft.staff, draft.days, draft.reason)
                else:
                    session.oversight.lift_restriction(record_id, draft.reason)
            except UnknownStaff as exc:
                return Beside("staff", str(exc))
            except SecureRecordsError as exc:
                return str(exc)
            app.notify(f"{record_id}: done ({draft.action}).", markup=False)
            return None

        minimum = session.policy.sharing.reason_min_length
        return RestrictDialog(record_id, state, minimum, check)
    return None


class RestrictedScreen(ReviewQueue[tuple[str, Restriction]]):
    BINDINGS = [
        *ReviewQueue.BINDINGS,
        Binding("e", "emergency", "Emergency access"),
    ]
    NEEDS = {"emergency": Permission.RESTRICT_RECORDS}
    BOX_ID = "restricted-list"
    HEADING = "Restricted records"
    HINT = (
        "Choose one to grant someone access for a number of days, or lift it. You cannot "
        "grant yourself access: another lead must. In an emergency, press e."
    )
    LIST_ID = "restricted-records"
    EMPTY = "No record is restricted."

    # What an emergency access said, kept for the reload when its dialog closes.
    _after_dialog = ""

    # The first resume follows the mount, which has just loaded the list: each load is
    # logged as the restricted records listed, so it is not loaded twice.
    _resumed = False

    def on_screen_resume(self) -> None:
        if self._resumed:
            self._load()
        self._resumed = True
        if self._after_dialog:
            self._say(self._after_dialog)
            self._after_dialog = ""

    def _say_after_dialog(self, message: str) -> None:
        self._after_dialog = message
        self._load()
        self._say(message)

    def _fetch(self) -> list[tuple[str, Restriction]]:
        return self._session.oversight.restricted_records()

    def _line(self, item: tuple[str, Restriction]) -> tuple[str, str]:
        rid, r = item
        return f"{rid}  restricted by {r.set_by} {when(r.set_at)}  {_standing(r)}", rid

    def _load_refused(self, message: str) -> None:
        # Said on the screen, which stays open.
        self._say(message)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        dialog = restrict_dialog(self, self._session, str(event.option.id))
        if dialog is not None:
            self.app.push_screen(dialog)

    def action_emergency(self) -> None:
        """Break glass on the highlighted record: a reason, then a short access that
        every lead sees here and the access review flags."""
        index = self.query_one(f"#{self.LIST_ID}", OptionList).highlighted
        if index is None or not 0 <= index < len(self._items):
            return
        record_id = self._items[index][0]
        minutes = self._session.policy.oversight.emergency_access_minutes
        session = self._session

        def open_it(reason: str | None) -> None:
            if reason is None:
                return
            # Said once the dialog has closed and the list reloaded, refusal or not: said
            # now, under the dialog, it was wiped by the reload and nobody saw it.
            with self.attempt(say=self._say_after_dialog):
                until = session.oversight.emergency_access(record_id, reason)
                self._say_after_dialog(
                    f"{record_id}: you can open it until {_clock(until)}; every "
                    "lead sees this, and the access review flags it."
                )

        self.app.push_screen(
            AskReason(
                f"Emergency access to {record_id}",
                f"Only in an emergency: you can open it for {minutes} minutes. Every lead "
                "sees it in this list, and the access review flags it.",
                "Open in an emergency",
                session.policy.sharing.reason_min_length,
            ),
            open_it,
        )
