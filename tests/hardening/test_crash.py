"""Kill -9 at random moments of each kind of write: nothing committed is lost, and
nothing is left corrupt.

For each operation (import, note, sharing decision, disposal, key rotation) one
vault takes every run: a worker process does that operation over and over, printing
what each commit committed, and is killed with SIGKILL at a random moment 0-150 ms
after it has opened the vault. Then the vault must pass PRAGMA integrity_check,
open, verify its log (intact, or only a torn or uncommitted final write), and still
hold everything the worker said it had committed, as a safeguarding lead sees it.

Only disposal has a limit to its work (the approved disposals waiting): a machine
fast enough, or a kill late enough, lets a run finish first. That run is checked as
finished (every disposal it was given carried out), and the next run is given twice
as many, so that kills keep landing mid-run on any machine.

Last, one kill at a chosen moment: a key rotation killed after its commit, just
before it removes the old key from the keyring.
"""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import keyring
import pytest

from secure_records.admin import Administration, retire_keys
from secure_records.core.errors import AccessRefused, SecureRecordsError
from secure_records.core.statuses import DisposalStatus, SharingStatus
from secure_records.session import Session
from secure_records.vault.kek import SERVICE
from tests.conftest import write_jsonl
from tests.support import crash_worker, figures
from tests.support.cli import REPO, subprocess_env
from tests.support.raw_db import own_database
from tests.support.soak import scaled

OPERATIONS = ("import", "note", "decision", "disposal", "rotate")
RUNS_EACH = scaled(20)
MAX_DELAY = 0.15  # seconds between the worker's "ready" and the kill
# Approved disposals waiting before the first disposal run: about a second's work at
# the 4-6 ms a disposal takes on a 2-core machine, several times MAX_DELAY (and
# doubled after any run that finishes anyway).
APPROVED_AHEAD = 200
# Workers started ahead of their turn, so that their start-up overlaps the runs before.
PRESPAWN = 2
ROTATED_RECORDS = tuple(f"ROT-{n}" for n in range(5))
REASON = "a reason long enough to record"
STAFF = (("alice", "caseworker"), ("it", "it"), ("lead", "safeguarding_lead"))
# Who looks after each run: sees every record, its sharing history and its disposals.
READER = "lead"
ASKED_BY = f"{crash_worker.ASKER.name}, {crash_worker.ASKER.organisation}"


def seed(home: Path, rows: list[dict[str, object]], name: str) -> None:
    if rows:
        with Administration.open(home) as admin:
            admin.import_file(write_jsonl(home.parent / f"{home.name}-{name}.jsonl", rows))


def make_vault(home: Path, op: str) -> None:
    with Administration.init(home) as admin:
        for name, role in STAFF:
            admin.add_staff(name, role)
    alices = {"assigned_to": ["alice"]}
    rows = {
        "note": [crash_worker.import_row(crash_worker.NOTE_RECORD) | alices],
        "decision": [crash_worker.import_row(crash_worker.DECISION_RECORD) | alices],
        "rotate": [crash_worker.import_row(rid) for rid in ROTATED_RECORDS],
    }
    seed(home, rows.get(op, []), "seed")


@dataclass
class Expected:
    """Everything the workers said was committed, over all runs so far."""

    records: set[str] = field(default_factory=set)
    notes: set[str] = field(default_factory=set)
    decisions: set[str] = field(default_factory=set)
    disposed: set[str] = field(default_factory=set)
    disposals: dict[str, str] = field(default_factory=dict)  # disposal id -> record id
    executed: set[str] = field(default_factory=set)  # seen carried out by a check
    version: int = 1
    stock: int = APPROVED_AHEAD  # approved disposals the next disposal run is given


def top_up_disposals(home: Path, expected: Expected, batch: int) -> set[str]:
    """Approve enough disposals that the next worker should not run out before the
    kill: the ids of every disposal it is given."""
    with Session.open("it", home) as it:
        waiting = {item.id for item in it.retention.disposals((DisposalStatus.APPROVED,))}
    wanted = [f"X{batch:02d}-{n}" for n in range(expected.stock - len(waiting))]
    if not wanted:
        return waiting
    rows = [
        crash_worker.import_row(rid) | {"category": "vulnerable_adult", "case_closed": "2015-01-01"}
        for rid in wanted
    ]
    seed(home, rows, f"adults-{batch}")
    with Session.open("it", home) as it:
        proposed = {it.retention.propose_disposal(rid, REASON): rid for rid in wanted}
    with Session.open("lead", home) as lead:
        for disposal_id in proposed:
            reviewed = lead.retention.review_disposal(disposal_id, True, REASON)
            assert reviewed.status == DisposalStatus.APPROVED
    expected.disposals.update(proposed)
    return waiting | set(proposed)


@dataclass
class Tally:
    runs: Counter[str] = field(default_factory=Counter)
    finished: Counter[str] = field(default_factory=Counter)  # ran out of work before the kill
    corrupt: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    torn: int = 0
    harness: list[str] = field(default_factory=list)  # a worker that did not run as planned


def spawn(op: str, home: Path, tag: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.support.crash_worker", op, str(home), tag],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
    )


def finished(returncode: int | None, lines: list[str]) -> bool | None:
    """True if the worker ran out of work before the kill came, False if the kill
    stopped it mid-run, None if it did not run as planned (it failed, or printed
    something out of turn)."""
    if lines[:1] != ["ready"]:
        return None
    if "done" in lines:
        # Finished, then exited or was killed on its way out: both are whole runs.
        whole = lines.index("done") == len(lines) - 1
        return True if whole and returncode in (0, -signal.SIGKILL) else None
    return False if returncode == -signal.SIGKILL else None


def remember(op: str, committed: list[str], expected: Expected) -> None:
    if op == "import":
        for line in committed:
            expected.records.update(line.split())
    elif op == "note":
        expected.notes.update(committed)
    elif op == "decision":
        expected.decisions.update(committed)
    elif op == "disposal":
        expected.disposed.update(committed)
    elif committed:
        expected.version = max(expected.version, *(int(line) for line in committed))


def logged_key_version(admin: Administration) -> int:
    """The key version the last committed rotation in the log moved the vault to."""
    rotations = [e for e in admin.read_log() if e.action == "key_rotated"]
    return max((int(e.details["to_version"]) for e in rotations), default=1)


def missing_and_damaged(
    op: str, reader: Session, expected: Expected, latest: list[str], version: int
) -> tuple[list[str], list[str]]:
    """What the workers committed that is not there, and what is there but wrong."""
    lost: list[str] = []
    damaged: list[str] = []
    if op == "import":
        lost = sorted(expected.records - set(reader.records.listing_ids()))
        for shown in reader.records.summaries([rid for line in latest for rid in line.split()]):
            if shown.name != f"Crashname {shown.id}":
                damaged.append(f"record {shown.id} reads back wrong")
    elif op == "note":
        notes = reader.records.open_record(crash_worker.NOTE_RECORD).notes
        there = {note.text for note in notes.entries} if notes else set()
        lost = sorted(expected.notes - there)
    elif op == "decision":
        history = {
            h.decision_id: h for h in reader.records.sharing_history(crash_worker.DECISION_RECORD)
        }
        for decision_id in sorted(expected.decisions):
            found = history.get(decision_id)
            if found is None:
                lost.append(decision_id)
            elif (found.status, found.with_whom, found.purpose) != (
                SharingStatus.DECIDED,
                ASKED_BY,
                crash_worker.PURPOSE,
            ):
                damaged.append(f"decision {decision_id} reads back wrong")
    elif op == "disposal":
        listed = set(reader.records.listing_ids())
        either = (DisposalStatus.APPROVED, DisposalStatus.EXECUTED)
        status = {item.id: item.status for item in reader.retention.disposals(either)}
        for disposal_id, rid in sorted(expected.disposals.items()):
            # The record's row holds its wrapped data key: listed means not erased.
            state = (rid in listed, status.get(disposal_id))
            if disposal_id in expected.disposed and state != (False, DisposalStatus.EXECUTED):
                lost.append(f"{disposal_id} ({rid}): {state}")
            elif state not in ((True, DisposalStatus.APPROVED), (False, DisposalStatus.EXECUTED)):
                damaged.append(f"disposal {disposal_id} half done: {state}")
            elif not state[0] and disposal_id not in expected.executed:
                expected.executed.add(disposal_id)
                try:
                    reader.records.open_record(rid)
                    damaged.append(f"record {rid} still opens after its disposal")
                except AccessRefused:
                    pass
    else:
        if version < expected.version:
            lost.append(f"key version {expected.version} (the log says {version})")
        # Opening unwrapped the vault's own keys; every record's key must unwrap too.
        names = {
            shown.id: shown.name for shown in reader.records.summaries(reader.records.listing_ids())
        }
        if names != {rid: f"Crashname {rid}" for rid in ROTATED_RECORDS}:
            damaged.append(f"records read back wrong at key version {version}")
    return lost, damaged


def check(
    op: str, run: str, home: Path, expected: Expected, latest: list[str], tally: Tally
) -> None:
    db = sqlite3.connect(home / "vault.db")
    try:
        integrity = db.execute("PRAGMA integrity_check").fetchall()
        dangling = db.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        db.close()
    if integrity != [("ok",)] or dangling:
        tally.corrupt.append(f"{run}: integrity_check {integrity}, foreign_key_check {dangling}")
    try:
        with Administration.open(home) as admin:
            verdict = admin.verify_log()
            if verdict.crash_tail:
                tally.torn += 1
            elif not verdict.intact:
                tally.corrupt.append(f"{run}: log verify: {verdict.problem}")
            version = logged_key_version(admin) if op == "rotate" else 0
        with Session.open(READER, home) as reader:
            lost, damaged = missing_and_damaged(op, reader, expected, latest, version)
    except (SecureRecordsError, sqlite3.DatabaseError) as exc:
        tally.corrupt.append(f"{run}: {type(exc).__name__}: {exc}")
        return
    tally.lost += [f"{run}: {what}" for what in lost]
    tally.corrupt += [f"{run}: {what}" for what in damaged]


def carries_on(home: Path) -> str | None:
    """After the last kill: the next write cuts any torn tail off and the log is whole."""
    try:
        with Administration.open(home) as admin:
            admin.log_checkpoint()
            verdict = admin.verify_log()
    except (SecureRecordsError, sqlite3.DatabaseError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None if verdict.intact else verdict.problem


def kill_one(proc: subprocess.Popen[str], delay: float) -> tuple[list[str], str]:
    """Let it open its vault, kill it `delay` seconds later: the whole lines it
    printed, and what it wrote to stderr."""
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write("go\n")
    proc.stdin.flush()
    first = proc.stdout.readline()
    if first == "ready\n":
        time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    rest, err = proc.communicate(timeout=60)
    # Only whole lines: a line cut short was not reported as committed.
    return (first + rest).split("\n")[:-1], err


def crash_runs(
    homes: dict[str, Path], expected: dict[str, Expected], env: dict[str, str], tally: Tally
) -> None:
    rng = random.Random(20261130)
    schedule = [(op, n) for op in OPERATIONS for n in range(RUNS_EACH)]
    # Later workers load their modules (most of a start-up) while this one runs, is
    # killed and is checked; each touches its vault only once told "go".
    upcoming: deque[subprocess.Popen[str]] = deque()
    try:
        for position, (op, n) in enumerate(schedule):
            for ahead, ahead_n in schedule[position + len(upcoming) : position + PRESPAWN + 1]:
                upcoming.append(spawn(ahead, homes[ahead], f"{ahead_n:02d}", env))
            proc, home, run = upcoming.popleft(), homes[op], f"{op} run {n}"
            given = top_up_disposals(home, expected[op], n) if op == "disposal" else set()
            lines, err = kill_one(proc, rng.uniform(0.0, MAX_DELAY))
            outcome = finished(proc.returncode, lines)
            if outcome is None:
                tally.harness.append(f"{run}: exit {proc.returncode}, {lines[-3:]}, {err[-800:]}")
            committed = [line for line in lines[1:] if line != "done"]
            remember(op, committed, expected[op])
            tally.runs[op] += 1
            if outcome:
                # A whole run is checked as one: it carried out all it was given.
                tally.finished[op] += 1
                left = sorted(given - set(committed))
                tally.lost += [f"{run}: finished, yet did not carry out {left}"] if left else []
                expected[op].stock *= 2  # so that the next run is killed mid-way
            check(op, run, home, expected[op], committed, tally)
    finally:
        for waiting in upcoming:
            waiting.kill()
            waiting.communicate(timeout=60)


@pytest.mark.slow
def test_kill_9_at_random_moments_loses_nothing_committed_and_corrupts_nothing(
    file_keyring_home: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    homes = {op: tmp_path / f"vault-{op}" for op in OPERATIONS}
    for op, home in homes.items():
        with own_database(request):  # on PostgreSQL, a database for each vault
            make_vault(home, op)
    expected = {op: Expected() for op in OPERATIONS}
    tally = Tally()
    # The workers' keyring is the same file as file_keyring_home's.
    crash_runs(homes, expected, subprocess_env(tmp_path), tally)
    for op, home in homes.items():
        problem = carries_on(home)
        if problem is not None:
            tally.corrupt.append(f"{op} after the last run: {problem}")

    runs = sum(tally.runs.values())
    corrupt, lost = len(tally.corrupt), len(tally.lost)
    figures.report(
        "Crash",
        f"{runs} kill -9 runs (import {tally.runs['import']}, note {tally.runs['note']}, "
        f"decision {tally.runs['decision']}, disposal {tally.runs['disposal']}, "
        f"key rotation {tally.runs['rotate']}; {sum(tally.finished.values())} finished "
        f"their work before the kill); corrupt {corrupt}, lost {lost}, "
        f"torn final entries {tally.torn}",
    )
    assert tally.harness == []
    assert runs >= 100
    # Most runs of every kind were killed mid-way: it is a crash test.
    assert all(tally.finished[op] * 2 <= tally.runs[op] for op in OPERATIONS), tally.finished
    # Every operation committed something, so "lost 0" is about real writes.
    assert expected["import"].records and expected["note"].notes
    assert expected["decision"].decisions and expected["disposal"].disposed
    assert expected["rotate"].version > 1
    assert tally.corrupt == []
    assert tally.lost == []


def keyring_versions(vault_id: str, up_to: int) -> list[int]:
    """The versions of this vault's key-encryption key that the keyring still holds."""
    return [
        v
        for v in range(1, up_to + 1)
        if keyring.get_password(SERVICE, f"{vault_id}:kek:v{v}") is not None
    ]


@pytest.mark.slow
def test_a_retirement_killed_after_its_commit_leaves_no_old_key_behind(
    file_keyring_home: Path, tmp_path: Path
) -> None:
    home = file_keyring_home
    proc = spawn("retire-dies-at-delete", home, "00", subprocess_env(tmp_path))
    out, err = proc.communicate("go\n", timeout=60)
    assert out == "ready\n" and proc.returncode == -signal.SIGKILL, err
    with Administration.open(home) as admin:
        assert admin.verify_log().intact
        assert admin.vault.kek_version == 2
        vault_id = admin.vault_id
        assert keyring_versions(vault_id, 2) == [1, 2]  # the kill came before the delete
        # The retirement committed: the next one has nothing new to retire, and still
        # takes the key it left behind out of the keyring.
        assert retire_keys(admin, date.today() + timedelta(days=1)).versions == []
    assert keyring_versions(vault_id, 2) == [2]
