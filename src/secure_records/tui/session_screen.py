"""The base of every screen that works for a signed-in person.

What a screen's keys need is declared once, in `NEEDS`; a refusal from Session is
said in one sentence through `attempt`; and every such screen says how it drops
what it shows, because the lock calls `forget` on each before taking them away.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import ClassVar

from textual import events, on
from textual.screen import Screen

from secure_records.core.errors import SecureRecordsError
from secure_records.core.permissions import Permission
from secure_records.session import Session
from secure_records.tui.signed_in_bar import SignedIn

# One permission, or a tuple of them of which any one will do.
Need = Permission | tuple[Permission, ...]


class SessionScreen(Screen[None]):
    # Action name (of a key binding, or a button's id) -> what the role needs for
    # it. Actions not named here are open to everyone who reaches the screen.
    NEEDS: ClassVar[Mapping[str, Need]] = {}

    def __init__(self, session: Session) -> None:
        super().__init__()
        self._session = session

    @on(events.Mount)
    def _show_who(self) -> None:
        # Docked at the top, whatever the screen composed: whose session this is.
        self.mount(SignedIn(self._session.staff_name, self._session.role.label))

    def allowed(self, action: str) -> bool:
        """Whether the session's role may do `action`, as `NEEDS` says."""
        need = self.NEEDS.get(action)
        if need is None:
            return True
        return any(self._session.may(p) for p in (need if isinstance(need, tuple) else (need,)))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A key the role may not use is neither run nor shown in the footer.
        return self.allowed(action)

    def refused(self, message: str) -> None:
        """Say in one sentence why Session refused (the default for `attempt`)."""
        self.app.notify(message, severity="error", markup=False)

    def leave(self, message: str) -> None:
        """Say why Session refused, and leave: for a screen with nothing to show."""
        self.refused(message)
        self.app.pop_screen()

    @contextmanager
    def attempt(self, say: Callable[[str], None] | None = None) -> Iterator[None]:
        """Run a block that calls Session. If Session refuses, the rest of the block
        is skipped and the refusal is said in one sentence: by `say`, or as an
        error notification. Code after the block runs either way."""
        try:
            yield
        except SecureRecordsError as exc:
            (say or self.refused)(str(exc))

    @abstractmethod
    def forget(self) -> None:
        """Drop every value shown or typed: the lock calls this on every screen."""
