"""Eight people at once: no lost write, no forked log, no 'database is locked'.

With PostgreSQL the eight stand for two app hosts: four work through a second home
naming the same database, with its own keyring, the key carried there by `key
export-to-host` and `key import` as IT would; they must append to the one chain.

Eight caseworker sessions, each its own process, work the same vault for a bounded
time (tests/support/concurrency_worker.py): opening records, revealing fields with
a reason, adding notes, recording decisions not to share, and trying records off
their caseload. Every record is on at least three caseloads, two are on all eight.
Each worker prints what it saw committed; afterwards everything printed must be in
the vault and in the log, the log must be one unbroken chain holding exactly those
entries, and nobody may have been shown a locking error.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest

from secure_records.admin import Administration
from secure_records.core.errors import SecureRecordsError
from secure_records.session import Session
from secure_records.vault import database
from secure_records.vault.home import resolve_home
from tests.conftest import canary_row, write_jsonl
from tests.support import figures
from tests.support.cli import REPO, run, subprocess_env
from tests.support.concurrency_worker import RECORDS, WORKERS, assigned, caseload
from tests.support.soak import scaled

SECONDS = 10.0 * scaled(1)
SEED = 20261201
HOST_ENV = "SECURE_RECORDS_HOST_NAME"
LEAD = "lead"
TOKEN = re.compile(r"CC-[a-z]+-\d+-[0-9a-f]{8}")
# Printed line -> the log action it commits (a refusal is logged for the access
# review, in the same words whether the record exists or not).
COMMITS = {
    "REFUSED": "record_refused",
    "STARTED": "session_started",
    "LISTED": "record_list_shown",
    "OPENED": "record_opened",
    "REVEALED": "field_revealed",
    "NOTE": "note_added",
    "DECISION": "sharing_decision",
    "ENDED": "session_ended",
}
# What a person must never see: SQLite's locking, PostgreSQL's serialization failures.
LOCKING = ("locked", "busy", "serializ", "deadlock")


@dataclass
class Worker:
    staff: str
    seed: int
    proc: subprocess.Popen[bytes]
    out: Path
    err: Path
    lines: list[list[str]] = field(default_factory=list)

    def text(self) -> str:
        return self.out.read_text(encoding="utf-8")

    def ready(self) -> bool:
        return "READY\n" in self.text() or self.proc.poll() is not None

    def printed(self, kind: str) -> list[list[str]]:
        return [parts for parts in self.lines if parts[0] == kind]

    def errors(self) -> list[str]:
        return [" ".join(parts) for parts in self.lines if parts[0] == "ERROR"]


def start(home: Path, staff: str, seed: int, env: dict[str, str], logs: Path) -> Worker:
    out, err = logs / f"{staff}.out", logs / f"{staff}.err"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.support.concurrency_worker",
                str(home),
                staff,
                str(SECONDS),
                str(seed),
            ],
            stdin=subprocess.PIPE,
            stdout=stdout,
            stderr=stderr,
            env=env,
            cwd=REPO,
        )
    return Worker(staff, seed, proc, out, err)


@pytest.fixture
def shared_vault(file_keyring_home: Path, tmp_path: Path) -> Path:
    """Eight caseworkers and a lead; twenty records, each on three or more caseloads."""
    rows = [canary_row(rid, assigned(rid)) for rid in RECORDS]
    with Administration.open(file_keyring_home) as admin:
        for staff in WORKERS:
            admin.add_staff(staff, "caseworker")
        admin.add_staff(LEAD, "safeguarding_lead")
        admin.import_file(write_jsonl(tmp_path / "records.jsonl", rows))
    for staff in WORKERS:
        mine = caseload(staff)
        assert 7 <= len(mine) < len(RECORDS), (staff, mine)
        for other in WORKERS:
            if other != staff:
                assert set(mine) & set(caseload(other)), (staff, other)
    return file_keyring_home


def second_host(home: Path, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """Host B of a PostgreSQL vault: its own home (the policies and the vault.conf
    naming the shared database) and its own keyring, into which `key import` puts the
    key that `key export-to-host` sealed on host A."""
    b = tmp_path / "host-b"
    b.mkdir()
    home_b = b / "vault"
    home_b.mkdir(mode=0o700)
    shutil.copytree(home / "policies", home_b / "policies")
    shutil.copy2(home / "vault.conf", home_b / "vault.conf")
    env_a = subprocess_env(tmp_path) | {HOST_ENV: "host-a"}
    env_b = subprocess_env(b) | {HOST_ENV: "host-b"}
    carried = tmp_path / "key.transfer"
    exported = run(["--home", str(home), "key", "export-to-host", str(carried)], env_a)
    assert exported.code == 0, exported.err
    [phrase] = [
        line.split(": ", 1)[1] for line in exported.out.splitlines() if "Passphrase" in line
    ]
    imported = run(["--home", str(home_b), "key", "import", str(carried)], env_b, phrase + "\n")
    assert imported.code == 0, imported.err
    return home_b, env_b


def places(home: Path, tmp_path: Path) -> list[tuple[Path, dict[str, str]]]:
    """Each worker's home and environment: with PostgreSQL, half on a second host."""
    env = subprocess_env(tmp_path) | {HOST_ENV: "host-a"}
    where = [(home, env)] * len(WORKERS)
    if (home / "vault.conf").is_file():
        half = len(WORKERS) // 2
        where = where[:half] + [second_host(home, tmp_path)] * (len(WORKERS) - half)
    return where


def run_workers(tmp_path: Path, places: list[tuple[Path, dict[str, str]]]) -> list[Worker]:
    """Start all eight, let them go together once each has its session, and wait."""
    logs = tmp_path / "workers"
    logs.mkdir()
    workers = [
        start(where, staff, SEED + n, env_of, logs)
        for n, (staff, (where, env_of)) in enumerate(zip(WORKERS, places, strict=True))
    ]
    try:
        ready_by = time.monotonic() + 60
        while not all(w.ready() for w in workers):
            assert time.monotonic() < ready_by, "workers never became ready"
            time.sleep(0.05)
        for w in workers:  # as near together as a loop can make it
            assert w.proc.stdin is not None
            try:
                w.proc.stdin.write(b"go\n")
                w.proc.stdin.close()
            except BrokenPipeError:
                pass  # it already ended: its output says why
        for w in workers:
            w.proc.wait(timeout=SECONDS + 90)
    finally:
        for w in workers:
            if w.proc.poll() is None:
                w.proc.kill()
                w.proc.wait()
    for w in workers:
        stderr = w.err.read_text(encoding="utf-8", errors="replace")
        assert w.proc.returncode == 0, f"{w.staff} (seed {w.seed}) exited badly:\n{stderr}"
        w.lines = [line.split() for line in w.text().splitlines() if line.strip()]
    return workers


def log_lines(home: Path) -> int:
    """Entries in the log as stored: the file's lines, or PostgreSQL's rows."""
    conninfo = database.configured(resolve_home(home))
    if conninfo is None:
        return (home / "audit.log").read_bytes().count(b"\n")
    with psycopg.connect(conninfo) as db:
        row = db.execute("SELECT count(*) FROM log_entries").fetchone()
    assert row is not None
    return int(row[0])


def integrity_check(home: Path) -> list[tuple[str]]:
    """SQLite's own check of its file; PostgreSQL keeps its own pages (nothing to ask)."""
    if database.configured(resolve_home(home)) is not None:
        return [("ok",)]
    db = sqlite3.connect(f"file:{resolve_home(home).database}?mode=ro", uri=True)
    try:
        return db.execute("PRAGMA integrity_check").fetchall()
    finally:
        db.close()


def vault_contents(home: Path) -> tuple[Counter[tuple[str, str]], Counter[tuple[str, str]]]:
    """(note token, record) and (decision id, record) in the vault, as a safeguarding
    lead sees them."""
    tokens: Counter[tuple[str, str]] = Counter()
    decisions: Counter[tuple[str, str]] = Counter()
    with Session.open(LEAD, home) as lead:
        for rid in RECORDS:
            view = lead.records.open_record(rid)
            for note in view.notes.entries if view.notes else ():
                tokens.update((token, rid) for token in TOKEN.findall(note.text))
            decisions.update((d.decision_id, rid) for d in lead.records.sharing_history(rid))
    return tokens, decisions


@pytest.mark.slow
def test_eight_sessions_at_once_lose_nothing_and_keep_one_chain(
    shared_vault: Path, tmp_path: Path
) -> None:
    home = shared_vault
    where = places(home, tmp_path)
    with Administration.open(home) as admin:
        before = admin.verify_log()
    assert before.intact, before.problem

    began = time.monotonic()
    workers = run_workers(tmp_path, where)
    took = time.monotonic() - began

    # What the workers say was committed.
    printed: Counter[tuple[str, str, str | None]] = Counter()
    for w in workers:
        for parts in w.lines:
            if parts[0] in COMMITS:
                with_record = ("OPENED", "REVEALED", "NOTE", "DECISION", "REFUSED")
                rid = parts[1] if parts[0] in with_record else None
                printed[(w.staff, COMMITS[parts[0]], rid)] += 1
    notes = {parts[2]: parts[1] for w in workers for parts in w.printed("NOTE")}
    decided = {parts[2]: parts[1] for w in workers for parts in w.printed("DECISION")}
    opens = sum(len(w.printed("OPENED")) for w in workers)
    reveals = sum(len(w.printed("REVEALED")) for w in workers)
    refused = sum(len(w.printed("REFUSED")) for w in workers)
    errors = [f"{w.staff} (seed {w.seed}): {e}" for w in workers for e in w.errors()]
    locked = [e for e in errors if any(word in e.lower() for word in LOCKING)]

    # The log: one chain from the genesis to the head, exactly one line per entry.
    with Administration.open(home) as admin:
        verdict = admin.verify_log()
        lines = log_lines(home)
        # Itself logged, one entry more; it shows nothing of a log that does not verify.
        logged = admin.read_log() if verdict.intact else []
    forked = int(
        not verdict.intact
        or verdict.entries != lines
        or [e.seq for e in logged] != list(range(1, lines + 2))
    )
    after = [e for e in logged if before.entries < e.seq <= lines]
    in_log: Counter[tuple[str, str, str | None]] = Counter(
        (e.actor, e.action, e.record_id) for e in after
    )
    # Printed as committed but not in the log, and the other way round (only once the
    # log verifies: a forked one is counted as forked, not as lost).
    log_lost = printed - in_log if not forked else Counter()
    log_extra = in_log - printed if not forked else Counter()
    logged_decisions = {
        str(e.details.get("decision")): e.record_id for e in after if e.action == "sharing_decision"
    }

    # The vault: every printed note and decision is there, once, on its record.
    unreadable = ""
    try:
        tokens, decisions = vault_contents(home)
    except SecureRecordsError as exc:  # counted as lost: nobody could read them back
        unreadable = f"{type(exc).__name__}: {exc}"
        tokens, decisions = Counter(), Counter()
    # On the record it was written to: one on another record counts as lost there.
    lost_notes = sorted(set(notes.items()) - set(tokens))
    lost_decisions = sorted(set(decided.items()) - set(decisions))
    doubled = sorted(t for t, n in (tokens + decisions).items() if n > 1)
    phantom = sorted((set(tokens) - set(notes.items())) | (set(decisions) - set(decided.items())))
    lost = len(lost_notes) + len(lost_decisions) + sum(log_lost.values())

    integrity = integrity_check(home)

    figures.report(
        "Concurrency",
        f"{len(workers)} processes for {SECONDS:g} s: {opens} opens, {reveals} reveals, "
        f"{len(notes)} notes, {len(decided)} decisions, {refused} refusals off caseload; "
        f"lost writes {lost}, forked log {forked}, 'database is locked' seen {len(locked)}",
    )
    print(f"\nconcurrency: workers ran in {took:.1f} s; log {verdict.entries} entries")

    assert verdict.intact, verdict.problem
    assert not unreadable, unreadable
    assert forked == 0, (verdict.entries, lines, [e.seq for e in logged][-3:])
    assert verdict.entries == before.entries + sum(printed.values()), (
        f"one entry per commit; in the log, not printed: {dict(log_extra)}; errors: {errors}"
    )
    assert lost == 0, (lost_notes, lost_decisions, dict(log_lost))
    assert not log_extra, dict(log_extra)
    assert locked == [], locked
    assert errors == [], errors
    assert not doubled and not phantom, (doubled, phantom)
    assert logged_decisions == decided, "each decision's log entry names it and its record"
    assert integrity == [("ok",)], integrity
    if (home / "vault.conf").is_file():  # both hosts wrote to the one chain
        with Administration.open(home) as admin:
            names = {row.name for row in admin.vault.store.hosts()}
        assert {"host-a", "host-b"} <= names, names
    # Every worker really worked, all at once, on records others were working on too.
    for w in workers:
        kinds = {parts[0] for parts in w.lines}
        assert {"STARTED", "OPENED", "NOTE", "DECISION", "ENDED"} <= kinds, (w.staff, kinds)
    for rid in RECORDS[:2]:
        writers = {w.staff for w in workers for p in w.printed("NOTE") if p[1] == rid}
        assert len(writers) > 1, (rid, writers)
