"""Overwriting a file before removing it (policy section 11, Disposal).

Overwriting in place is only as good as the storage beneath it: on an SSD (wear
levelling), a copy-on-write or snapshotting filesystem (btrfs, ZFS, APFS), or a
journaling one that journals data, old blocks can survive. That is why the vault's
own guarantee is cryptographic erase; shredding is for plaintext files that left
the vault, such as disclosure packages.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from secure_records.core.errors import BadInput
from secure_records.core.text import counted

CAVEAT = (
    "Overwriting cannot be relied on for SSDs, copy-on-write or snapshotting "
    "filesystems (btrfs, ZFS, APFS) or filesystems that journal data: there, old "
    "copies of the blocks may survive. Keep such files on encrypted storage."
)
CHUNK = 1 << 20


def shred_file(path: Path) -> str:
    """Overwrite with random bytes, then zeros, flush each pass, and unlink.

    Returns one line saying what was done; raises OSError naming the problem.
    """
    info = path.lstat()
    if not stat.S_ISREG(info.st_mode):
        raise OSError(f"{path}: not a regular file; nothing was overwritten")
    size = info.st_size
    # O_NOFOLLOW: a symlink swapped in after the check is refused, not followed.
    fd = os.open(path, os.O_WRONLY | os.O_NOFOLLOW)
    try:
        for fill in (secrets.token_bytes, lambda n: bytes(n)):
            os.lseek(fd, 0, os.SEEK_SET)
            left = size
            while left > 0:
                n = min(CHUNK, left)
                os.write(fd, fill(n))
                left -= n
            os.fsync(fd)
        os.ftruncate(fd, 0)
        os.fsync(fd)
    finally:
        os.close(fd)
    path.unlink()
    return f"{path}: {counted(size, 'byte')} overwritten twice (random, then zeros) and removed"


def shred_named(path: Path) -> str:
    """Overwrite and remove one file; BadInput naming it if that cannot be done."""
    try:
        return shred_file(path)
    except FileNotFoundError:
        raise BadInput(f"{path}: no such file; nothing was shredded.") from None
    except OSError as exc:
        said = f"{path}: cannot be shredded ({exc.strerror})." if exc.strerror else str(exc)
        raise BadInput(said) from None
