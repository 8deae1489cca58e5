"""authorized_keys lines: one key, one staff member, one forced command.

The model is gitolite's: the service account's authorized_keys gives each staff
member's key a forced command that opens `secure-records session NAME`, with
`restrict` (no forwarding of any kind, no agent, no X11, no ~/.ssh/rc) and `pty`
back on for the app. Identity comes from the key; nobody gets a shell. Pure: text
in, text out.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import shlex
from dataclasses import dataclass

from secure_records.core.errors import BadInput
from secure_records.core.records import STAFF_NAME

MARK = "secure-records:"
KEY_TYPES = frozenset(
    {
        "ssh-ed25519",
        "ssh-rsa",
        "ecdsa-sha2-nistp256",
        "ecdsa-sha2-nistp384",
        "ecdsa-sha2-nistp521",
        "sk-ssh-ed25519@openssh.com",
        "sk-ecdsa-sha2-nistp256@openssh.com",
    }
)
# What may appear in a path written into a forced command: no quotes, no newlines.
SAFE_PATH = re.compile(r"[^\"'\n\r\\]+\Z")


@dataclass(frozen=True)
class PublicKey:
    kind: str
    blob: str  # base64, as written

    @property
    def fingerprint(self) -> str:
        """As `ssh-keygen -l` prints it: SHA256, unpadded base64."""
        digest = hashlib.sha256(base64.b64decode(self.blob)).digest()
        return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")


@dataclass(frozen=True)
class AuthorizedKey:
    """One of our lines in authorized_keys."""

    staff: str
    key: PublicKey


def parse_public_key(text: str, where: str) -> PublicKey:
    """A public key file's one line: `TYPE BASE64 [comment]`, and nothing else (no
    options: a key file that brings its own `command=` must not be accepted)."""
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    if len(lines) != 1:
        raise BadInput(f"{where}: expected exactly one public key line, found {len(lines)}.")
    words = lines[0].split()
    key = _key_in(words) if words and words[0] in KEY_TYPES else None
    if key is None:
        raise BadInput(f"{where}: not an OpenSSH public key (TYPE BASE64 [comment]).")
    return key


def _key_in(words: list[str]) -> PublicKey | None:
    """The first `TYPE BASE64` pair among the words of a line, if it is a real key."""
    for i, word in enumerate(words[:-1]):
        if word in KEY_TYPES:
            blob = words[i + 1]
            try:
                raw = base64.b64decode(blob, validate=True)
            except (binascii.Error, ValueError):
                return None
            if base64.b64encode(raw).decode() != blob:
                return None  # not canonical: OpenSSH would not read it either
            # The blob starts with its own type, length-prefixed: it must agree.
            if len(raw) < 4:
                return None
            size = int.from_bytes(raw[:4], "big")
            if raw[4 : 4 + size].decode("ascii", "replace") != word:
                return None
            return PublicKey(word, blob)
    return None


def key_of_line(line: str) -> PublicKey | None:
    """The key on any authorized_keys line (ours or not), options and all."""
    stripped = line.strip()
    if not stripped or stripped.startswith("#"):
        return None
    # Options may hold quoted spaces; shlex splits them as sshd would read them.
    try:
        words = shlex.split(stripped, posix=True)
    except ValueError:
        words = stripped.split()
    return _key_in(words)


def ours(line: str) -> AuthorizedKey | None:
    """A line this tool wrote: its comment is `secure-records:NAME` and its forced
    command opens NAME's session (a comment alone, typed by hand, is not enough)."""
    key = key_of_line(line)
    words = line.split()
    if key is None or not words or not words[-1].startswith(MARK):
        return None
    staff = words[-1][len(MARK) :]
    forced = f' session {staff}",restrict,pty {key.kind} {key.blob} '
    if not STAFF_NAME.fullmatch(staff) or not line.startswith('command="') or forced not in line:
        return None
    return AuthorizedKey(staff, key)


def forced_line(staff: str, key: PublicKey, executable: str, home: str) -> str:
    """The authorized_keys line for one staff member's key."""
    if not STAFF_NAME.fullmatch(staff):
        raise BadInput(f"{staff!r} is not a staff name.")
    for what, path in (("program", executable), ("vault home", home)):
        if not path.startswith("/") or not SAFE_PATH.fullmatch(path):
            raise BadInput(
                f"The {what} path {path!r} must be absolute, with no quotes or newlines."
            )
    command = " ".join(shlex.quote(part) for part in (executable, "--home", home, "session", staff))
    return f'command="{command}",restrict,pty {key.kind} {key.blob} {MARK}{staff}'
