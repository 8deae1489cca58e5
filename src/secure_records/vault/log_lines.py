"""Where the log's committed lines live: the `LogLines` interface `AuditLog` writes
and reads through, and `LogFile`, the append-only file beside a SQLite vault.

The sealed head in the store says how many bytes are committed (`end`); whatever
lies beyond it was never committed. The store chooses the kind (`Store.log_lines`):
on PostgreSQL the lines are rows in the vault's own database
(`vault.postgres.log_rows`), so every host appends to one chain.
"""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Protocol

from secure_records.core.errors import VaultError
from secure_records.vault.log_chain import one_crashed_write, parse_line
from secure_records.vault.private_files import make_private_file

WINDOW = 65536  # the first read back from the end; widened until enough is found


class LogError(VaultError):
    """The log cannot be written or read; the action it would record does not happen."""


class LogLines(Protocol):
    where: str  # for messages: "The log {where} is ..."

    def create(self) -> None:
        """An empty log, durably there before the vault's first head names it."""
        ...

    def tail(self, end: int) -> bytes:
        """The whole lines before `end`, at least the last two (or all there are);
        refused if fewer than `end` bytes are there (truncated)."""
        ...

    def append(self, end: int, line: bytes) -> None:
        """`line` written at `end` durably, inside the caller's transaction; refused if
        the committed lines do not end at `end`."""
        ...

    def cut_back(self, size: int) -> None:
        """Take off what an append wrote past `size`, its transaction having rolled back."""
        ...

    def read(self) -> bytes:
        """Every line there, committed or not (log verify judges what lies beyond)."""
        ...

    def read_from(self, start: int, end: int) -> bytes:
        """The bytes from `start` to `end` (both where lines begin)."""
        ...

    def read_back_to(self, end: int, since: str) -> bytes:
        """The whole lines before `end`, back to one written before `since` (an ISO
        time), or from the start: the cost is the window's entries, not the log's."""
        ...


def written_before(line: bytes, since: str) -> bool:
    time: str = json.loads(parse_line(line)[0])["time"]
    return time < since


class LogFile:
    """One line per entry in an append-only file (`<home>/audit.log`)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.where = str(path)

    def create(self) -> None:
        make_private_file(self.path, durable=True)

    def tail(self, end: int) -> bytes:
        try:
            with open(self.path, "rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                if size < end:
                    raise LogError(
                        f"The log {self.path} is shorter than its sealed head says (truncated); "
                        "run 'secure-records log verify'."
                    )
                # The last two whole lines; entries can be long, so widen until found.
                window = WINDOW
                while True:
                    start = max(0, end - window)
                    handle.seek(start)
                    chunk = handle.read(end - start)
                    if start == 0 or chunk.count(b"\n") >= 3:
                        return chunk
                    window *= 4
        except FileNotFoundError:
            raise LogError(f"The log {self.path} is missing; nothing can be recorded.") from None
        except OSError as exc:
            raise LogError(f"The log {self.path} cannot be read ({exc.strerror}).") from None

    def append(self, end: int, line: bytes) -> None:
        try:
            fd = os.open(self.path, os.O_RDWR)
        except FileNotFoundError:
            raise LogError(f"The log {self.path} is missing; nothing can be recorded.") from None
        except OSError as exc:
            raise LogError(f"The log {self.path} cannot be opened ({exc.strerror}).") from None
        try:
            size = os.fstat(fd).st_size
            if size < end:
                raise LogError(
                    f"The log {self.path} is shorter than its sealed head says; it has been "
                    "truncated. Run 'secure-records log verify'."
                )
            if size > end:
                tail = os.pread(fd, size - end, end)
                if not one_crashed_write(tail):
                    raise LogError(
                        f"The log {self.path} holds entries the vault database never committed: "
                        "the database is older than the log (restored from a backup?). Nothing "
                        "was recorded; run 'secure-records log verify'."
                    )
                # Never committed: a crash between writing and committing. Cut it off.
                os.ftruncate(fd, end)
            written = 0
            while written < len(line):
                done = os.pwrite(fd, line[written:], end + written)
                if done <= 0:
                    raise OSError(errno.EIO, "the write made no progress")
                written += done
            os.fsync(fd)
        except OSError as exc:
            raise LogError(f"The log {self.path} cannot be written ({exc.strerror}).") from None
        finally:
            os.close(fd)

    def cut_back(self, size: int) -> None:
        # Best effort: the next append would cut it off anyway.
        try:
            with open(self.path, "r+b") as handle:
                if os.fstat(handle.fileno()).st_size > size:
                    handle.truncate(size)
        except OSError:
            pass

    def read(self) -> bytes:
        with self._reading() as handle:
            return handle.read()

    def read_from(self, start: int, end: int) -> bytes:
        with self._reading() as handle:
            handle.seek(start)
            return handle.read(end - start)

    def read_back_to(self, end: int, since: str) -> bytes:
        with self._reading() as handle:
            window = WINDOW
            while True:
                begin = max(0, end - window)
                handle.seek(begin)
                chunk = handle.read(end - begin)
                if begin == 0:
                    return chunk
                lines = chunk.split(b"\n", 2)  # a partial line, then the first whole one
                if len(lines) == 3 and written_before(lines[1], since):
                    return lines[1] + b"\n" + lines[2]
                window *= 4

    @contextmanager
    def _reading(self) -> Iterator[BinaryIO]:
        try:
            with open(self.path, "rb") as handle:
                yield handle
        except FileNotFoundError:
            raise LogError(f"The log {self.path} is missing.") from None
        except OSError as exc:
            raise LogError(f"The log {self.path} cannot be read ({exc.strerror}).") from None
