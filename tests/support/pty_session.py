"""The real `secure-records` executable on a real pseudo-terminal, as sshd gives it.

The child is the session leader of its own terminal, as a forced command is: closing
the terminal (`hang_up`) makes the kernel send it SIGHUP, exactly as a dropped SSH
connection does.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import termios
import time
from pathlib import Path

from tests.support.cli import EXECUTABLE

# The app's first screen asks for the staff member's PIN (tui/pin_screen.py).
PIN_PROMPT = b"Enter your PIN"


class PtySession:
    def __init__(
        self, args: list[str], env: dict[str, str], *, size: tuple[int, int] = (80, 24)
    ) -> None:
        self.started = time.monotonic()
        pid, fd = pty.fork()
        if pid == 0:  # the child: nothing but exec (the test process has threads)
            try:
                os.execve(str(EXECUTABLE), [str(EXECUTABLE), *args], env)  # noqa: S606 - as sshd runs it
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        columns, rows = size
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.output = bytearray()
        self.code: int | None = None

    def read(self, seconds: float) -> bytes:
        """What the program wrote in the next `seconds` (its terminal must be drained,
        or it blocks writing, as a real one would)."""
        deadline = time.monotonic() + seconds
        while self.fd >= 0 and (left := deadline - time.monotonic()) > 0:
            ready, _, _ = select.select([self.fd], [], [], left)
            if not ready:
                continue
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:  # EIO: the child closed its end
                break
            if not chunk:
                break
            self.output.extend(chunk)
        return bytes(self.output)

    def wait_for(self, text: bytes, seconds: float = 30) -> bytes:
        deadline = time.monotonic() + seconds
        while text not in self.output:
            assert time.monotonic() < deadline, f"{text!r} never came; got {self.output[-400:]!r}"
            self.read(0.1)
            assert self.poll() is None or text in self.output, self.output[-2000:]
        return bytes(self.output)

    def send(self, data: bytes) -> None:
        os.write(self.fd, data)

    def sign_in(self, pin: str, seconds: float = 60) -> None:
        """The PIN, typed on the first screen as the staff member would."""
        self.wait_for(PIN_PROMPT, seconds)
        self.send(pin.encode() + b"\r")

    def hang_up(self) -> None:
        """Close the terminal, as sshd does when the connection drops."""
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def poll(self) -> int | None:
        if self.code is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.code = os.waitstatus_to_exitcode(status)
        return self.code

    def wait(self, seconds: float) -> int | None:
        """The exit code, or None if still running after `seconds`."""
        deadline = time.monotonic() + seconds
        while self.poll() is None and time.monotonic() < deadline:
            if self.fd >= 0:
                self.read(0.05)
            else:
                time.sleep(0.02)
        return self.code

    def kill(self) -> None:
        """The harness's last resort; a test that needs it has already failed."""
        if self.poll() is None:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        self.hang_up()

    def text(self) -> str:
        return self.output.decode("utf-8", "replace")


def vault_files(home: Path) -> list[Path]:
    return sorted(p for p in home.rglob("*") if p.is_file())
