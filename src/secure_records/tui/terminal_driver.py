"""The terminal as a staff member's session meets it: a client that sends any byte, and
a connection that can drop at any moment.

Textual's Linux driver decodes input as strict UTF-8, so one byte 0xff from the client
(`tmux send-keys -H ff`) ended the session with a traceback. Its output thread dies on
the first write to a terminal that has gone; the app then blocks for ever putting
output on the full queue, deaf to SIGTERM (the first paint writes enough to fill it).
Here a byte that is not UTF-8 is read as U+FFFD, and a terminal that has gone is a
hang-up: output to it is dropped and the app is asked to end the session.
"""

from __future__ import annotations

import contextlib
import os
import selectors
from codecs import getincrementaldecoder
from collections.abc import Callable
from typing import IO, Any

from textual._loop import loop_last
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver

TERMINAL_GONE = "terminal gone"
_READ_SIZE = 4096


class _TerminalOutput:
    """The terminal's output stream, for Textual's writer thread: once a write fails
    (EIO: the terminal hung up) the rest is dropped, so the thread keeps draining its
    queue and nothing that writes to it ever waits for ever."""

    def __init__(self, stream: IO[str], gone: Callable[[], None]) -> None:
        self._stream = stream
        self._gone = gone
        self.closed_terminal = False

    def _attempt(self, step: Callable[[], object]) -> None:
        if self.closed_terminal:
            return
        try:
            step()
        except (OSError, ValueError):
            self.closed_terminal = True
            self._gone()

    def write(self, text: str) -> None:
        self._attempt(lambda: self._stream.write(text))

    def flush(self) -> None:
        self._attempt(self._stream.flush)

    def fileno(self) -> int:
        return self._stream.fileno()

    def isatty(self) -> bool:
        return True


class SessionDriver(LinuxDriver):
    """Textual's Linux driver, forgiving of the bytes it reads and of a terminal that
    goes away."""

    def __init__(self, app: Any, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        stream = self._file
        assert stream is not None, "a session needs a terminal"
        self._file = _TerminalOutput(stream, self._terminal_gone)  # type: ignore[assignment]
        self._told_gone = False

    def _terminal_gone(self) -> None:
        """Ask the app, on its own loop, to end as on a hang-up (any thread may call)."""
        if self._told_gone:
            return
        self._told_gone = True
        hang_up = getattr(self._app, "hang_up", None)
        callback: Callable[..., object] = hang_up if callable(hang_up) else self._app.exit
        with contextlib.suppress(RuntimeError):  # the loop has closed: the app has ended
            self._loop.call_soon_threadsafe(callback, TERMINAL_GONE)

    def write(self, data: str) -> None:
        # Textual returns from start-up without its writer when the terminal has
        # already gone (and then asserts on the next write): nothing to write to.
        if self._writer_thread is not None:
            self._writer_thread.write(data)

    def run_input_thread(self) -> None:
        """Textual's input loop, but a byte that is not UTF-8 becomes U+FFFD (never an
        exception) and a read that fails or finds the end means the terminal has gone."""
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        parser = XTermParser(self._debug)
        decode = getincrementaldecoder("utf-8")(errors="replace").decode

        def feed(text: str) -> None:
            # Never "": to the parser that is the end of input (and the decoder gives
            # "" while it holds the first bytes of a character).
            if text:
                for event in parser.feed(text):
                    self.process_message(event)

        def read_ready(ready: list[tuple[selectors.SelectorKey, int]], final: bool) -> bool:
            for last, (_key, mask) in loop_last(ready):
                if mask & selectors.EVENT_READ:
                    try:
                        data = os.read(self.fileno, _READ_SIZE)
                    except OSError:
                        data = b""
                    if not data:
                        return False
                    feed(decode(data, final=final and last))
            for event in parser.tick():
                self.process_message(event)
            return True

        try:
            while not self.exit_event.is_set():
                if not read_ready(selector.select(0.1), final=False):
                    self._terminal_gone()
                    return
            selector.unregister(self.fileno)
            read_ready(selector.select(0.1), final=True)
        finally:
            selector.close()
