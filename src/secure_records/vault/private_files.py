"""Files and directories only their owner can open: the one way this project makes them.

O_EXCL refuses a path that already exists (a file or a planted symlink), so nothing
already there is overwritten or followed, and 0600 is set as the file is born, never
tightened afterwards.
"""

from __future__ import annotations

import os
from pathlib import Path


def make_private_dir(path: Path) -> None:
    """Create a directory only its owner can enter (0700), or tighten an existing one."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)


def create_private_file(path: Path) -> int:
    """A new file only its owner can read (0600), open for writing: its descriptor,
    for the caller to close. FileExistsError if anything is at `path` already."""
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)


def write_private_file(path: Path, text: str, *, durable: bool = False) -> None:
    """A new 0600 file holding `text` exactly as given (no newline translation);
    `durable` waits until it is on disk. A failed write leaves no file behind."""
    fd = create_private_file(path)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def make_private_file(path: Path, *, durable: bool = False) -> None:
    """Create an empty 0600 file, refusing to reuse one."""
    write_private_file(path, "", durable=durable)
