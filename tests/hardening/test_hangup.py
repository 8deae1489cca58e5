"""Hang-ups during start-up: the real `secure-records session` on a real terminal,
closed at 20 moments of its start-up, as a dropped SSH connection closes it.

Killing the terminal while the first screen was drawn left the process for ever in a
futex wait, deaf to SIGTERM (Textual's output thread died on the first failed write
and the app blocked on its full queue); a hang-up before the app was mounted killed
the process with the session's end never logged. The standard, at every moment: the
process is gone within 2 s of the hang-up, and every session that started has its end
in the log. Start-up on a loaded machine can take longer than 2 s, so the 20 moments
are spread over 2 s or over the time the list takes to appear, whichever is longer.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from secure_records.admin import Administration
from secure_records.vault.log import LogEntry
from tests.conftest import canary_row, write_jsonl
from tests.support import figures
from tests.support.cli import subprocess_env
from tests.support.pty_session import PIN_PROMPT, PtySession

POINTS = 20
LIMIT = 2.0  # seconds from the hang-up to the process gone
LISTED = b"R-0001"  # on screen once the list is drawn
PIN = "246810"


@dataclass
class Run:
    at: float
    phase: str
    code: int | None
    took: float
    started: int
    ended: int


def sessions(home: Path) -> list[LogEntry]:
    with Administration.open(home) as admin:
        return [e for e in admin.vault.log.entries() if e.action.startswith("session_")]


def start(home: Path, env: dict[str, str]) -> PtySession:
    return PtySession(["--home", str(home), "session", "alice"], env)


def time_to_list(home: Path, env: dict[str, str]) -> float:
    """How long this machine takes, now, to draw alice's list, her PIN typed as soon as
    it is asked for (then she quits)."""
    term = start(home, env)
    try:
        term.sign_in(PIN, seconds=30)
        term.wait_for(LISTED, seconds=30)
        took = time.monotonic() - term.started
        term.send(b"\x11")  # ctrl+q
        assert term.wait(10) == 0, term.text()[-500:]
        return took
    finally:
        term.kill()


def hang_up_at(home: Path, env: dict[str, str], at: float) -> Run:
    before = len(sessions(home))
    term = start(home, env)
    try:
        # Until the moment: the PIN typed as soon as it is asked for, as alice would.
        signed = False
        while (left := term.started + at - time.monotonic()) > 0:
            term.read(min(left, 0.05))
            if not signed and PIN_PROMPT in term.output:
                term.send(PIN.encode() + b"\r")
                signed = True
        listed = LISTED in term.output
        term.hang_up()
        hung_up = time.monotonic()
        code = term.wait(LIMIT)
        took = time.monotonic() - hung_up
    finally:
        term.kill()
    new = sessions(home)[before:]
    started = sum(e.action == "session_started" for e in new)
    ended = sum(e.action == "session_ended" for e in new)
    phase = "list drawn" if listed else ("starting" if started else "before the session")
    return Run(at, phase, code, took, started, ended)


@pytest.mark.slow
def test_a_hang_up_at_any_moment_of_start_up_ends_the_process_and_logs_the_end(
    file_keyring_home: Path, tmp_path: Path
) -> None:
    home = file_keyring_home
    rows = [canary_row(f"R-{n:04d}", ["alice"]) for n in range(1, 61)]
    with Administration.open(home) as admin:
        admin.add_staff("alice", "caseworker")
        admin.set_pin("alice", PIN)
        admin.import_file(write_jsonl(tmp_path / "records.jsonl", rows))
    env = subprocess_env(tmp_path)

    span = max(LIMIT, time_to_list(home, env) * 1.1)
    runs = [hang_up_at(home, env, span * n / POINTS) for n in range(POINTS)]

    orphaned = [r for r in runs if r.code is None]
    slow = [r for r in runs if r.took > LIMIT]
    unended = [r for r in runs if r.ended != r.started]
    phases = {
        p: sum(r.phase == p for r in runs) for p in ("before the session", "starting", "list drawn")
    }
    figures.report(
        "Hang-ups",
        f"{POINTS} hang-ups during start-up, 0 to {span:.1f} s after `session` began "
        f"({', '.join(f'{n} {p}' for p, n in phases.items())}); sessions started "
        f"{sum(r.started for r in runs)}, their end logged {sum(r.ended for r in runs)}; "
        f"slowest exit {max(r.took for r in runs):.2f} s; orphaned processes {len(orphaned)}",
    )
    assert orphaned == [], orphaned
    assert slow == [], slow
    assert unended == [], unended
    # The test means something only if some hang-ups came while the app started.
    assert sum(r.started for r in runs) >= POINTS // 4, runs
