"""The service account's authorized_keys, kept by `secure-records ssh ...`.

Every change rewrites the file atomically (a new file beside it, flushed, then
renamed over it) under a lock, keeping every line it did not write byte for byte.
Each change is logged in the vault, so the auditor can see who could get in when.
"""

from __future__ import annotations

import fcntl
import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from secure_records.admin import Administration
from secure_records.core.errors import AccessRefused, BadInput
from secure_records.core.log_actions import LogAction
from secure_records.core.ssh_keys import (
    AuthorizedKey,
    forced_line,
    key_of_line,
    ours,
    parse_public_key,
)
from secure_records.vault.private_files import write_private_file


def default_authorized_keys() -> Path:
    configured = os.environ.get("SECURE_RECORDS_AUTHORIZED_KEYS")
    return Path(configured) if configured else Path.home() / ".ssh" / "authorized_keys"


class AccessKeys:
    def __init__(self, admin: Administration, authorized_keys: Path, program: str) -> None:
        self._admin = admin
        self.path = authorized_keys
        self._program = program

    def read_lines(self) -> list[str]:
        try:
            text = self.path.read_bytes().decode("utf-8")
        except FileNotFoundError:
            return []
        except (OSError, UnicodeDecodeError) as exc:
            raise BadInput(f"{self.path} cannot be read ({exc}).") from None
        # Split on "\n" only, as sshd does: "\r" stays part of its line, byte for byte.
        return [part for part in re.split(r"(?<=\n)", text) if part]

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        lock = self.path.with_name(self.path.name + ".lock")
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def _write(self, lines: list[str]) -> None:
        temp = self.path.with_name(f".{self.path.name}.{secrets.token_hex(4)}")
        try:
            write_private_file(temp, "".join(lines), durable=True)
            os.replace(temp, self.path)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        directory = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)

    def authorize(self, staff: str, public_key_file: Path) -> str:
        """Add the staff member's key with its forced command; its fingerprint."""
        row = self._admin.existing_staff(staff)
        if row.disabled:
            raise AccessRefused(f"The staff account {staff!r} is disabled.")
        try:
            text = public_key_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise BadInput(f"{public_key_file} cannot be read ({exc}).") from None
        key = parse_public_key(text, str(public_key_file))
        line = forced_line(staff, key, self._program, str(self._admin.home.resolve()))
        with self._locked():
            lines = self.read_lines()
            for n, existing in enumerate(lines, 1):
                found = key_of_line(existing)
                if found is not None and found.blob == key.blob:
                    # sshd uses only the first line a key appears on: a second would be dead.
                    raise BadInput(
                        f"{self.path}:{n}: this key is already there; sshd would only use "
                        "the first line, so it is not added again."
                    )
            with self._admin.recorded(
                LogAction.SSH_KEY_AUTHORIZED, staff=staff, fingerprint=key.fingerprint
            ):
                if lines and not lines[-1].endswith("\n"):
                    lines[-1] += "\n"  # or the new line would join the last one
                self._write([*lines, line + "\n"])
        return key.fingerprint

    def revoke(self, staff: str) -> int:
        """Remove every key of this staff member; how many there were."""
        with self._locked():
            lines = self.read_lines()
            kept = [line for line in lines if _staff_of(line) != staff]
            removed = len(lines) - len(kept)
            if removed == 0:
                raise BadInput(f"{staff!r} has no key in {self.path}.")
            with self._admin.recorded(LogAction.SSH_KEY_REVOKED, staff=staff, keys=removed):
                self._write(kept)
        return removed

    def list(self) -> list[AuthorizedKey]:
        return [found for line in self.read_lines() if (found := ours(line)) is not None]


def _staff_of(line: str) -> str | None:
    found = ours(line)
    return None if found is None else found.staff
