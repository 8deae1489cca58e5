"""The log: every access and decision recorded, and any tampering detected."""

from __future__ import annotations

import errno
import os
import random
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from secure_records.admin import Administration
from secure_records.core.errors import AccessRefused, UnknownStaff
from secure_records.core.records import NoteKind
from secure_records.session import LockedOut, Session
from secure_records.vault.log import DISPOSED, LogEntry, LogError
from tests.support.cli import REPO, subprocess_env
from tests.support.raw_db import behind_the_back, log_bytes, on_postgres, own_database, raw_log


def entries(home: Path) -> list[LogEntry]:
    with Administration.open(home) as admin:
        return list(admin.vault.log.entries())


def last(home: Path) -> LogEntry:
    return entries(home)[-1]


def verify(home: Path, checkpoint: str | None = None):  # type: ignore[no-untyped-def]
    with Administration.open(home) as admin:
        return admin.verify_log(checkpoint)


def log_lines(home: Path) -> list[bytes]:
    return log_bytes(home).splitlines(keepends=True)


def write_lines(home: Path, lines: list[bytes]) -> None:
    with raw_log(home) as log:
        log.write(b"".join(lines))


# What is logged


def test_every_session_action_writes_its_entry(populated: Path) -> None:
    session = Session.open("alice", populated)
    assert (last(populated).actor, last(populated).action) == ("alice", "session_started")

    session.records.open_record("R-0001")
    entry = last(populated)
    assert (entry.action, entry.record_id, entry.role) == ("record_opened", "R-0001", "caseworker")

    session.records.reveal("R-0001", "health", "planning tomorrow's home visit")
    entry = last(populated)
    assert entry.action == "field_revealed" and entry.details == {"field": "health"}
    assert entry.personal == {"reason": "planning tomorrow's home visit"}

    session.records.matching("canary")
    assert last(populated).action == "searched"

    session.records.add_note("R-0001", NoteKind.OPINION, "Seemed tired today.", date(2026, 11, 1))
    entry = last(populated)
    assert entry.action == "note_added" and entry.details["kind"] == "opinion"
    assert "Seemed tired" not in repr(entry)  # the note lives in the record, not the log

    session.lock()
    assert last(populated).action == "locked"
    session.close()
    assert last(populated).action == "session_ended"


def test_a_refused_session_is_logged(populated: Path) -> None:
    with pytest.raises(UnknownStaff):
        Session.open("mallory", populated)
    entry = last(populated)
    assert (entry.actor, entry.action) == ("mallory", "session_refused")


def test_the_client_address_is_logged_as_the_clients_claim(
    populated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSH_CONNECTION", "192.0.2.7 50022 192.0.2.1 22")
    monkeypatch.setenv("SSH_ORIGINAL_COMMAND", "cat /etc/passwd")
    Session.open("alice", populated).close()
    started = [e for e in entries(populated) if e.action == "session_started"][-1]
    assert started.details["ssh_client_claims"] == "192.0.2.7 port 50022"
    assert "client" not in started.details  # never as if it were a fact
    assert "passwd" not in repr(started.details)


def test_a_session_start_names_who_is_at_the_host(
    populated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's attack: anyone at the service account's shell can start anyone's
    session; the entry says which account, uid, terminal and parent program it was,
    and the person `sudo` names."""
    monkeypatch.setenv("SSH_CONNECTION", "10.20.30.40 51515 10.0.0.1 22")
    monkeypatch.setenv("SUDO_USER", "it-dana")
    Session.open("lead", populated).close()
    started = [e for e in entries(populated) if e.action == "session_started"][-1]
    details = started.details
    assert details["os_uid"] == os.getuid()
    assert details["os_user"] and details["parent_process"] and details["tty"]
    assert details["sudo_user"] == "it-dana"
    assert details["ssh_client_claims"] == "10.20.30.40 port 51515"


def test_every_host_command_names_who_is_at_the_host(
    populated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUDO_USER", "it-dana")
    with Administration.open(populated) as admin:
        admin.assign("R-0003", "alice")
        admin.disable_staff("bilal")
    for entry in entries(populated)[-2:]:
        assert (entry.role, entry.details["sudo_user"]) == ("host", "it-dana"), entry
        assert entry.details["os_uid"] == os.getuid()
        assert {"os_user", "tty", "parent_process"} <= set(entry.details)


def test_wrong_pins_are_logged_and_three_lock_them_out_and_end_the_session(
    populated: Path,
) -> None:
    with Administration.open(populated) as admin:
        admin.set_pin("alice", "246810")
    session = Session.open("alice", populated)
    session.lock()
    with pytest.raises(AccessRefused):
        session.records.open_record("R-0001")
    assert not session.unlock("000000")
    assert not session.unlock("111111")
    with pytest.raises(LockedOut):
        session.unlock("222222")
    assert session.ended
    actions = [e.action for e in entries(populated)][-6:]
    assert actions == [
        "locked",
        "pin_failed",
        "pin_failed",
        "pin_failed",
        "pin_locked_out",
        "session_ended",
    ]


def test_host_administration_is_logged(populated: Path) -> None:
    with Administration.open(populated) as admin:
        admin.assign("R-0003", "alice")
        admin.rotate_key()
    actions = [(e.action, e.role) for e in entries(populated)]
    assert ("staff_added", "host") in actions
    assert ("records_imported", "host") in actions
    assert ("assigned", "host") in actions
    assert actions[-1] == ("key_rotated", "host")
    assert verify(populated).intact  # old entries still verify under the new KEK


def test_a_disposed_records_details_become_unreadable_but_the_chain_verifies(
    populated: Path,
) -> None:
    with Session.open("lead", populated) as session:
        session.records.reveal("R-0002", "health", "strategy discussion this afternoon")
    # Cryptographic erase by hand: the record and its wrapped key are gone.
    with behind_the_back(populated) as db:
        if not on_postgres(populated):
            db.execute("PRAGMA foreign_keys = ON")
        db.execute("DELETE FROM records WHERE id = 'R-0002'")
    reveal = [e for e in entries(populated) if e.action == "field_revealed"][-1]
    assert reveal.personal == DISPOSED
    assert reveal.record_id == "R-0002" and reveal.details == {"field": "health"}
    assert verify(populated).intact


# Fail closed


# audit.log's own writes: PostgreSQL's log rows commit with the action or not at all.
@pytest.mark.not_on_postgres
def test_an_action_whose_entry_cannot_be_written_does_not_happen(
    populated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = Session.open("alice", populated)
    before = len(session.records.open_record("R-0001").notes.entries)  # type: ignore[union-attr]

    def disk_full(*_: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr(os, "pwrite", disk_full)
        with pytest.raises(LogError) as caught:
            session.records.add_note("R-0001", NoteKind.FACT, "Visited.", date(2026, 11, 1))
        assert "cannot be written (No space left on device)" in str(caught.value)
        with pytest.raises(LogError):
            session.records.open_record("R-0001")  # and nothing is shown either
    assert len(session.records.open_record("R-0001").notes.entries) == before  # type: ignore[union-attr]
    session.close()
    assert verify(populated).intact


def test_a_failed_action_leaves_no_entry(populated: Path) -> None:
    with Administration.open(populated) as admin:
        count = len(list(admin.vault.log.entries()))
        with pytest.raises(Exception, match="already exists"):
            admin.add_staff("alice", "caseworker")
    assert len(entries(populated)) == count
    assert verify(populated).intact


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        ("missing", "is missing"),
        ("last_entry", "its last entry does not match its sealed head"),
        ("head", "sealed head is missing"),
        ("truncated", "shorter than its sealed head"),
    ],
)
def test_a_damaged_log_stops_sessions_and_is_not_overwritten(
    populated: Path, damage: str, words: str
) -> None:
    log = populated / "audit.log"
    if damage == "missing" and on_postgres(populated):
        with behind_the_back(populated) as db:
            db.execute("DELETE FROM log_entries")
    elif damage == "missing":
        log.unlink()
    elif damage == "last_entry":
        lines = log_lines(populated)
        lines[-1] = lines[-1].replace(b'"g":"', b'"g":"AAAA', 1)
        write_lines(populated, lines)
    elif damage == "head":
        with behind_the_back(populated) as db:
            db.execute("DELETE FROM log_head")
    else:
        write_lines(populated, log_lines(populated)[:-1])
    before = log_bytes(populated) if on_postgres(populated) or log.exists() else None
    with pytest.raises(LogError) as caught:
        Session.open("alice", populated)
    if damage == "missing" and on_postgres(populated):  # no rows: nothing left of it
        words = "shorter than its sealed head"
    assert words in str(caught.value)
    after = log_bytes(populated) if on_postgres(populated) or log.exists() else None
    assert after == before


# Tampering, on a real log file


@pytest.fixture
def long_log(populated: Path) -> Path:
    with Session.open("lead", populated) as session:
        for rid in ("R-0001", "R-0002", "R-0003") * 3:
            session.records.open_record(rid)
    assert verify(populated).entries >= 14
    return populated


def test_an_untouched_log_is_intact(long_log: Path) -> None:
    verdict = verify(long_log)
    assert verdict.intact
    assert verdict.sentence().startswith(f"intact: {verdict.entries} entries, 20")


def test_a_flipped_byte_is_named_as_modified(long_log: Path) -> None:
    lines = log_lines(long_log)
    line = bytearray(lines[5])
    line[line.index(b'"g":"') + 9] ^= 0x01
    lines[5] = bytes(line)
    write_lines(long_log, lines)
    assert verify(long_log).problem == (
        "entry 6: modified (its MAC does not match: altered, or from another key)"
    )


def test_a_deleted_entry_is_named_as_a_gap(long_log: Path) -> None:
    lines = log_lines(long_log)
    del lines[4]
    write_lines(long_log, lines)
    assert verify(long_log).problem == "entry 5: missing (gap: entry 5 is gone)"


def test_swapped_entries_are_named_as_out_of_order(long_log: Path) -> None:
    lines = log_lines(long_log)
    lines[6], lines[7] = lines[7], lines[6]
    write_lines(long_log, lines)
    assert verify(long_log).problem == (
        "entry 7: out of order (found entry 8 where entry 7 belongs)"
    )


def test_a_cut_tail_is_named_as_truncated(long_log: Path) -> None:
    lines = log_lines(long_log)
    n = len(lines)
    write_lines(long_log, lines[:-2])
    assert verify(long_log).problem == f"truncated (head says {n} entries, log has {n - 2})"


def test_an_entry_from_another_vault_is_named_as_spliced(
    long_log: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    other = tmp_path / "other"
    with own_database(request):
        Administration.init(other).close()
    foreign = log_lines(other)[0]
    lines = log_lines(long_log)
    lines[3] = foreign
    write_lines(long_log, lines)
    problem = verify(long_log).problem
    assert problem is not None
    assert problem.startswith("entry 4: spliced (an entry from another vault")


@pytest.mark.not_on_postgres  # a row of PostgreSQL's log is written whole or not at all
def test_a_torn_final_write_is_told_apart_from_tampering(long_log: Path) -> None:
    log = long_log / "audit.log"
    committed = len(log_lines(long_log))
    with log.open("ab") as handle:
        handle.write(b'{"seq":999,"time":"2026-')  # a crash mid-write
    verdict = verify(long_log)
    assert not verdict.intact and verdict.crash_tail
    assert verdict.problem == (
        f"entry {committed + 1}: a torn final write after a crash, beyond the sealed head "
        f"(not tampering: the {committed} committed entries are intact; the next append "
        "discards it)"
    )
    Session.open("alice", long_log).close()  # the next append carries on
    after = verify(long_log)
    assert after.intact and after.entries == committed + 2


def test_a_checkpoint_proves_the_log_still_extends_it(
    long_log: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    with Administration.open(long_log) as admin:
        line = admin.log_checkpoint()
    Session.open("alice", long_log).close()
    assert verify(long_log, line).intact
    other = tmp_path / "other"
    with own_database(request), Administration.init(other) as admin:
        assert admin.verify_log(line).problem == "the checkpoint belongs to another vault"
    lines = log_lines(long_log)
    lines[2] = lines[2].replace(b'"g":"', b'"g":"AAAA', 1)
    write_lines(long_log, lines)
    assert not verify(long_log, line).intact


# Many writers, and crashes


def worker(home: Path, count: int, label: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.support.log_worker", str(home), str(count), label],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
    )


@pytest.mark.slow
def test_eight_processes_appending_at_once_make_one_chain(
    file_keyring_home: Path, tmp_path: Path
) -> None:
    env = subprocess_env(tmp_path)
    workers = [worker(file_keyring_home, 200, f"w{n}", env) for n in range(8)]
    for proc in workers:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        assert len(out.split()) == 200
    verdict = verify(file_keyring_home)
    assert verdict.intact, verdict.problem
    probes = [e for e in entries(file_keyring_home) if e.role == "worker"]
    assert len(probes) == 1600
    assert {(e.actor, e.details["n"]) for e in probes} == {
        (f"w{w}", n) for w in range(8) for n in range(200)
    }


@pytest.mark.slow
def test_kill_during_appends_loses_nothing_committed(
    file_keyring_home: Path, tmp_path: Path
) -> None:
    env = subprocess_env(tmp_path)
    rng = random.Random(20261130)
    committed_total = 1  # vault_created
    for run in range(12):
        proc = worker(file_keyring_home, 10_000, f"run{run}", env)
        # Wait until it is appending, then kill it at a random moment.
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.strip().isdigit(), proc.stderr.read() if proc.stderr else ""
        time.sleep(rng.uniform(0.0, 0.15))
        proc.send_signal(signal.SIGKILL)
        rest, _ = proc.communicate(timeout=60)
        reported = [int(s) for s in (first + rest).split()]
        verdict = verify(file_keyring_home)
        assert verdict.intact or verdict.crash_tail, verdict.problem
        # Every entry the worker saw committed is still there.
        assert verdict.entries >= reported[-1]
        committed_total = verdict.entries
    # The next append carries on from the head, whatever the last kill left behind.
    with Administration.open(file_keyring_home) as admin:
        admin.log_checkpoint()
        final = admin.verify_log()
    assert final.intact and final.entries == committed_total + 1


# Found in review


def test_log_verify_exits_non_zero_on_a_tampered_log(long_log: Path) -> None:
    from secure_records.cli import main

    lines = log_lines(long_log)
    write_lines(long_log, lines[:-1])
    assert main(["--home", str(long_log), "log", "verify"]) == 1
    write_lines(long_log, lines)
    assert main(["--home", str(long_log), "log", "verify"]) == 0


# On PostgreSQL the log is rows of the vault's own database: restored with it, never apart.
@pytest.mark.not_on_postgres
def test_a_restored_older_database_is_not_taken_for_a_crash(long_log: Path) -> None:
    db_path = long_log / "vault.db"
    with behind_the_back(long_log) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    backup = db_path.read_bytes()
    Session.open("alice", long_log).close()  # two more entries after the "backup"
    before = (long_log / "audit.log").read_bytes()
    db_path.write_bytes(backup)  # restore the database alone
    verdict = verify(long_log)
    assert not verdict.intact and not verdict.crash_tail
    assert "the vault database is older than the log" in str(verdict.problem)
    with pytest.raises(LogError) as caught:
        Session.open("alice", long_log)
    assert "older than the log" in str(caught.value)
    assert (long_log / "audit.log").read_bytes() == before  # nothing cut off


def test_a_very_long_last_entry_does_not_stop_the_next_session(populated: Path) -> None:
    with Administration.open(populated) as admin:
        admin.set_pin("alice", "246810")
    with Session.open("alice", populated) as session:
        session.records.reveal("R-0001", "health", "x" * 999)
        session.lock()
        session.unlock("wrong")  # keeps the long entry near the end
    Session.open("alice", populated).close()
    assert verify(populated).intact


# audit.log's own writes: PostgreSQL's log rows commit with the action or not at all.
@pytest.mark.not_on_postgres
def test_a_short_write_is_not_committed(populated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    session = Session.open("alice", populated)
    real = os.pwrite
    calls = {"n": 0}

    def short_then_stuck(fd: int, data: bytes, offset: int) -> int:
        calls["n"] += 1
        return real(fd, data[: len(data) // 2], offset) if calls["n"] == 1 else 0

    with monkeypatch.context() as patched:
        patched.setattr(os, "pwrite", short_then_stuck)
        with pytest.raises(LogError):
            session.records.open_record("R-0001")
    session.records.open_record("R-0001")  # the torn half was cut off by this append
    session.close()
    assert verify(populated).intact
