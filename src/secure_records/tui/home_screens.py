"""The signed-in person's first screen: which one their role gets, finding it under
the others, and going back to it to open a record by its reference (the palette)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual.app import App
from textual.screen import Screen

from secure_records.core.permissions import Permission
from secure_records.core.policy import Scope
from secure_records.session import Session
from secure_records.tui.list_screen import RECORD_SCREEN, RecordListScreen
from secure_records.tui.record_list import RecordList
from secure_records.tui.session_screen import SessionScreen


def home_screen(session: Session) -> SessionScreen:
    """The first screen for the session's role."""
    scope = session.role.scope
    if scope in (Scope.ALL, Scope.CASELOAD):
        return RecordListScreen(session)
    if scope is Scope.INDEX:
        from secure_records.tui.lookup_screen import LookupScreen
        from secure_records.tui.reception_screen import ReceptionScreen

        return (
            ReceptionScreen(session)
            if session.may(Permission.VERIFY_CALLS)
            else LookupScreen(session)
        )
    from secure_records.tui.role_page import RolePage

    return RolePage(session)


def home_of(stack: Sequence[Screen[Any]]) -> SessionScreen | None:
    """The first screen, under every other (the PIN's base screen below it)."""
    home = stack[1] if len(stack) > 1 else None
    return home if isinstance(home, SessionScreen) else None


def opens_records_from(home: SessionScreen | None, screen: Screen[Any]) -> bool:
    # Not over a dialog: going to a record would drop what is typed in it.
    return isinstance(home, RecordListScreen) and isinstance(screen, SessionScreen)


async def clear_to_base(app: App[Any]) -> None:
    """Remove every screen above the base, and with them what they were showing."""
    for screen in list(app.screen_stack[1:]):
        if isinstance(screen, SessionScreen):
            screen.forget()
    while len(app.screen_stack) > 1:
        await app.pop_screen()
    if app.is_screen_installed(RECORD_SCREEN):
        record_screen = app.get_screen(RECORD_SCREEN)
        if isinstance(record_screen, SessionScreen):
            record_screen.forget()
        app.uninstall_screen(RECORD_SCREEN)


async def open_by_reference(app: App[Any], home: SessionScreen | None, reference: str) -> None:
    """Back to the list, each screen above it emptied as Escape would, then the
    reference opened as a choice in the list is (Session refuses what is not theirs)."""
    if not isinstance(home, RecordListScreen):
        return
    while app.screen is not home:
        if isinstance(app.screen, SessionScreen):
            app.screen.forget()
        await app.pop_screen()
    home.post_message(RecordList.Chosen(reference))
