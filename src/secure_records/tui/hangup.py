"""A dropped connection at any moment of a session, from its first line to its last.

sshd closing the terminal sends SIGHUP (an administrator's kill, SIGTERM). Textual does
not handle either, and a handler set up only once the app is mounted misses the start:
a hang-up while the first screen was drawn killed the process before the session end
was logged, or left it stuck for ever. So `session` catches both from its first line.
Before the session opens, a hang-up ends the process at once (nothing to log); while
it opens, it is remembered and acted on once the session is open; once the app's loop
runs, it asks the app to end the session and exit. A watchdog ends the process a
little later whatever happens, so none is ever left behind.

No Textual here: `session` installs this before the app (and Textual) is imported.
"""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
from collections.abc import Callable
from types import FrameType
from typing import Any

SIGNALS = (signal.SIGHUP, signal.SIGTERM)
# After a hang-up the session's end is logged and the process gone well within 2 s;
# past this the watchdog ends it, logged or not (the log then shows it "dropped").
WATCHDOG_SECONDS = 1.6
HUNG_UP_EXIT = 1

Handler = Callable[[int, FrameType | None], Any] | int | signal.Handlers | None


def dropped(signal_name: str) -> str:
    """How the log says it: the session's end, and why."""
    return f"connection dropped ({signal_name})"


class HangUp:
    """Installed for the life of a session; `signal` names the hang-up, if one came."""

    def __init__(self, *, nothing_open: bool = False) -> None:
        """`nothing_open`: until `opening_session`, a hang-up ends the process at once
        (`session` is still starting up: there is nothing to log or to close)."""
        self.signal: str | None = None
        self._nothing_open = nothing_open
        self._watched = False
        self._on_hang_up: Callable[[str], None] | None = None
        self._previous: dict[signal.Signals, Handler] = {}

    def install(self) -> HangUp:
        if threading.current_thread() is threading.main_thread():  # else: no signals
            for sig in SIGNALS:
                self._previous[sig] = signal.signal(sig, self._caught)
        return self

    def restore(self) -> None:
        for sig, previous in self._previous.items():
            signal.signal(sig, previous if previous is not None else signal.SIG_DFL)
        self._previous.clear()
        self._on_hang_up = None

    def __enter__(self) -> HangUp:
        return self.install()

    def __exit__(self, *_: object) -> None:
        self.restore()

    @property
    def why(self) -> str | None:
        """What the log says of the session's end, once the connection has dropped."""
        return None if self.signal is None else dropped(self.signal)

    def attach(self, on_hang_up: Callable[[str], None]) -> None:
        """Call `on_hang_up(signal name)` on the running loop at the next hang-up (the
        app's own way out), or at once if the connection has already dropped."""
        self._on_hang_up = on_hang_up
        if self.signal is not None:
            on_hang_up(self.signal)

    def detach(self) -> None:
        self._on_hang_up = None

    def opening_session(self) -> None:
        """From here a session may have started: a hang-up ends it, logged, first."""
        self._nothing_open = False

    def noticed(self, what: str) -> bool:
        """A hang-up (a signal's name, or a terminal found gone): True if it is the
        first, the one acted on."""
        if self.signal is not None:
            return False
        self.signal = what
        return True

    def exit_if_hung_up(self) -> None:
        """Once the session's end is logged: nothing is left to do for a terminal that
        has gone, and a normal exit (tearing down every module) can take seconds on a
        loaded host, during which nothing, not even the watchdog, runs."""
        if self.signal is not None:
            os._exit(HUNG_UP_EXIT)

    def _caught(self, signum: int, _frame: FrameType | None) -> None:
        first = self.noticed(signal.Signals(signum).name)
        if self._nothing_open:
            os._exit(HUNG_UP_EXIT)
        if not self._watched:
            self._watched = True
            _watchdog(WATCHDOG_SECONDS)
        if not first:
            return  # the terminal sends more than one; the first is acted on
        on_hang_up = self._on_hang_up
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # not in the app: whoever runs next sees `why`
        if on_hang_up is not None:
            # A signal handler runs between two steps of whatever the loop was doing:
            # the app is asked to end at the loop's next turn, never in the middle.
            loop.call_soon_threadsafe(on_hang_up, self.signal or "")


def _watchdog(seconds: float) -> None:
    def end() -> None:
        time.sleep(seconds)
        os._exit(HUNG_UP_EXIT)

    threading.Thread(target=end, name="hang-up watchdog", daemon=True).start()
