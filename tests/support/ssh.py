"""A real sshd and ssh client for the end-to-end tests."""

from __future__ import annotations

import os
import secrets
import shlex
import socket
import subprocess
import time
from pathlib import Path

SSHD = Path("/usr/sbin/sshd")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def keygen(path: Path) -> None:
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)], check=True, timeout=30
    )


def ssh_args(key: Path, port: int, user: str, *extra: str) -> list[str]:
    return [
        "ssh",
        "-i",
        str(key),
        "-p",
        str(port),
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        "UserKnownHostsFile=/dev/null",
        "-o",
        "IdentitiesOnly=yes",
        "-o",
        "BatchMode=yes",
        "-o",
        "LogLevel=ERROR",
        *extra,
        f"{user}@127.0.0.1",
    ]


def privilege_separation_dir() -> None:
    """The directory sshd (even `sshd -t`) needs as root. A host whose sshd has run
    has it; a fresh machine that has only just installed openssh-server may not."""
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)


def start_sshd(config: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    """sshd in the foreground on 127.0.0.1:port; returns once it accepts connections."""
    privilege_separation_dir()
    with log.open("w") as out:
        sshd = subprocess.Popen([str(SSHD), "-D", "-e", "-f", str(config)], stderr=out, stdout=out)
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return sshd
        except OSError:
            assert sshd.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "sshd did not start"
            time.sleep(0.1)


class Terminal:
    """An ssh client in a tmux pane of its own server, read as a person would."""

    def __init__(self, ssh: list[str]) -> None:
        self.socket = f"sr-e2e-{secrets.token_hex(4)}"
        command = " ".join(shlex.quote(a) for a in ssh) + "; sleep 60"
        self.tmux("new-session", "-d", "-x", "120", "-y", "40", "-s", "e2e", command)

    def tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=30
        )
        return done.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "e2e")

    def wait_for(self, text: str, seconds: float = 40) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.3)
        raise AssertionError(f"{text!r} never appeared; the screen:\n{self.screen()}")

    def close(self) -> None:
        self.tmux("kill-server")
