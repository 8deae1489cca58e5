"""Who is at the keyboard, as far as this host can tell, for every entry a session's
start or a host command writes: the operating-system account and uid, the terminal,
the program that started this one, the person `sudo` says ran it, and the address
the SSH client claims.

None of it is proof. Whoever has the service account's shell holds its key and can
read everything (README, security model); what this adds is the person behind the
account where the host knows it (`sudo` names them), and, where it does not, enough
to see that an entry did not come the usual way. SSH_CONNECTION is set by sshd, but
anyone at that shell can set it too: it is logged as the client's claim.
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Any

# Long enough for any real value; a planted one is cut, not stored whole.
MOST = 80
# Every name `at_the_host` may give a fact.
HOST_FACTS = frozenset(
    {"os_user", "os_uid", "tty", "parent_process", "sudo_user", "ssh_client_claims"}
)


def _short(value: str) -> str:
    return value[:MOST]


def _os_user() -> str:
    try:
        return _short(getpass.getuser())
    except (KeyError, OSError):
        return f"uid {os.getuid()}"


def _tty() -> str:
    for fd in (0, 1, 2):
        try:
            return _short(os.ttyname(fd))
        except OSError:
            continue
    return "none"


def _parent_process() -> str:
    try:
        name = Path(f"/proc/{os.getppid()}/comm").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "unknown"
    return _short(name.strip()) or "unknown"


def ssh_client_claim() -> str | None:
    """The client's address and port from SSH_CONNECTION, as claimed; the rest of the
    variable (our own address) and SSH_ORIGINAL_COMMAND (the client's words) ignored."""
    parts = os.environ.get("SSH_CONNECTION", "").split()
    return _short(f"{parts[0]} port {parts[1]}") if len(parts) >= 2 else None


def at_the_host() -> dict[str, Any]:
    """The facts, by the names the log gives them (details of a log entry)."""
    facts: dict[str, Any] = {
        "os_user": _os_user(),
        "os_uid": os.getuid(),
        "tty": _tty(),
        "parent_process": _parent_process(),
    }
    sudo_user = os.environ.get("SUDO_USER")
    if sudo_user:
        facts["sudo_user"] = _short(sudo_user)
    claim = ssh_client_claim()
    if claim is not None:
        facts["ssh_client_claims"] = claim
    return facts
