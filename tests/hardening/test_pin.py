"""A PIN at the start of every session, counted in the vault (issue 16, items 1 and 2).

As an attacker with the service account's forced command would try it: `session lead`
must ask for lead's PIN before anything of a record is drawn or read; wrong PINs, in
one session or many, at the start or at the lock, add up to one lockout per staff
member; only IT lifts it early (`staff unlock`, logged); and a count set back to 0 in
the database file by hand is refused by the row's seal.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from secure_records.admin import Administration
from secure_records.core.errors import AccessRefused, IntegrityError
from secure_records.session import LockedOut, Session, WrongPin
from secure_records.vault.log import LogEntry
from tests.conftest import STAFF, canary_row, write_jsonl
from tests.support import figures
from tests.support.cli import EXECUTABLE, subprocess_env
from tests.support.in_process import Cli
from tests.support.raw_db import behind_the_back
from tests.support.ssh import Terminal

PIN = "246810"
WRONG = [f"{n:06d}" for n in range(100, 120)]  # never PIN
# A made-up client address, as the observation 1 typed it.
CLAIMED = "10.20.30.40 51515 10.0.0.1 22"


class Tally:
    answered_before_lockout = 0  # the most wrong PINs that got an answer, in any test


TALLY = Tally()


def entries(home: Path, action: str | None = None) -> list[LogEntry]:
    with Administration.open(home) as admin:
        return [e for e in admin.read_log() if action is None or e.action == action]


def with_pins(home: Path) -> Path:
    with Administration.open(home) as admin:
        for name in ("alice", "lead"):
            admin.set_pin(name, PIN)
    return home


@pytest.fixture
def pins(populated: Path) -> Path:
    return with_pins(populated)


def max_failures(home: Path) -> int:
    with Administration.open(home) as admin:
        return admin.policy.session.max_pin_failures


def guess_until_locked_out(home: Path, name: str) -> int:
    """Wrong PINs, each in a session of its own, until one is refused: how many were
    checked (each checked one is logged as a failure)."""
    for wrong in WRONG:
        try:
            Session.open(name, home, pin=wrong).close()
        except WrongPin:
            continue
        except LockedOut:
            break
    checked = sum(e.actor == name for e in entries(home, "pin_failed"))
    TALLY.answered_before_lockout = max(TALLY.answered_before_lockout, checked)
    return checked


# 1. `session NAME` asks for the PIN before anything of a record


@pytest.fixture
def process_vault(
    file_keyring_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """A vault a separate process can open (its key in a file keyring)."""
    with Administration.open(file_keyring_home) as admin:
        for name, role in STAFF:
            admin.add_staff(name, role)
        rows = [canary_row("R-0001", ["alice"]), canary_row("R-0002", [])]
        admin.import_file(write_jsonl(tmp_path / "records.jsonl", rows))
    yield with_pins(file_keyring_home)


def session_in_a_terminal(home: Path, tmp_path: Path, name: str) -> Terminal:
    env = subprocess_env(tmp_path)
    wanted = ("PYTHONPATH", "PYTHON_KEYRING_BACKEND", "SECURE_RECORDS_TEST_KEYRING_FILE")
    settings = [f"{key}={env[key]}" for key in wanted]
    settings += ["SECURE_RECORDS_ALLOW_INSECURE_KEYRING=1", f"SSH_CONNECTION={CLAIMED}"]
    return Terminal(["env", *settings, str(EXECUTABLE), "--home", str(home), "session", name])


def test_session_asks_for_the_pin_before_any_record_is_drawn_or_read(
    process_vault: Path, tmp_path: Path
) -> None:
    terminal = session_in_a_terminal(process_vault, tmp_path, "lead")
    try:
        shown = terminal.wait_for("Enter your PIN")
        assert "Canaryname" not in shown and "R-000" not in shown
        # Nothing of the vault's records read, and no session, before the PIN.
        read = {e.action for e in entries(process_vault)}
        assert not read & {"session_started", "record_list_shown", "searched"}

        terminal.tmux("send-keys", "-t", "e2e", "-l", WRONG[0])
        terminal.tmux("send-keys", "-t", "e2e", "Enter")
        shown = terminal.wait_for("That PIN is not right. 2 more tries before you are locked out.")
        assert "Canaryname" not in shown and WRONG[0] not in shown
        (failed,) = entries(process_vault, "pin_failed")
        assert (failed.actor, failed.details["failures"]) == ("lead", 1)

        terminal.tmux("send-keys", "-t", "e2e", "-l", PIN)
        terminal.tmux("send-keys", "-t", "e2e", "Enter")
        terminal.wait_for("Canaryname R-0001")
        terminal.tmux("send-keys", "-t", "e2e", "C-q")
        for _ in range(100):
            if entries(process_vault, "session_ended"):
                break
            time.sleep(0.2)
    finally:
        terminal.close()
    (started,) = entries(process_vault, "session_started")
    assert started.actor == "lead" and started.details["pin_checked"] is True
    # A right PIN sets the count back: the next session may miss twice again.
    with Administration.open(process_vault) as admin:
        assert admin.existing_staff("lead").pin_failures == 0


def test_a_staff_member_with_no_pin_cannot_start_a_session(populated: Path, cli: Cli) -> None:
    ran = cli("session", "alice", home=populated)
    assert ran.code == 1
    assert ran.err == (
        "secure-records: alice has no PIN yet, so no session can start: IT must set one with "
        "'secure-records staff pin alice'.\n"
    )
    refused = entries(populated, "session_refused")[-1]
    assert refused.actor == "alice" and "no PIN yet" in refused.details["why"]
    with pytest.raises(AccessRefused, match="no PIN yet"):
        Session.open("alice", populated, pin="anything")


# 2. wrong PINs add up across sessions, at the start and at the lock


def test_wrong_pins_across_separate_sessions_lock_the_person_out(pins: Path) -> None:
    most = max_failures(pins)
    assert guess_until_locked_out(pins, "alice") == most
    # Locked out: even the right PIN is refused, unchecked, in a new session.
    with pytest.raises(LockedOut, match="alice is locked out after too many wrong PINs"):
        Session.open("alice", pins, pin=PIN)
    # And the code path that asks no PIN (in-process callers) is refused as well.
    with pytest.raises(LockedOut):
        Session.open("alice", pins)
    failed = entries(pins, "pin_failed")
    assert [e.details["failures"] for e in failed] == list(range(1, most + 1))
    (locked,) = entries(pins, "pin_locked_out")
    assert locked.actor == "alice" and locked.details["failures"] == most
    # Someone else is not locked out by alice's count.
    Session.open("lead", pins, pin=PIN).close()


def test_wrong_pins_at_the_lock_count_with_those_at_the_start(pins: Path) -> None:
    most = max_failures(pins)
    with Session.open("alice", pins, pin=PIN) as session:
        session.lock("asked")
        for wrong in WRONG[: most - 1]:
            assert session.unlock(wrong) is False
        assert session.tries_left == 1
    # The session quit; a new one does not start the count again.
    with pytest.raises(LockedOut):
        Session.open("alice", pins, pin=WRONG[-1])
    assert len(entries(pins, "pin_failed")) == most
    TALLY.answered_before_lockout = max(TALLY.answered_before_lockout, most)


def test_a_right_pin_sets_the_count_back(pins: Path) -> None:
    most = max_failures(pins)
    for _ in range(3):
        for wrong in WRONG[: most - 1]:
            with pytest.raises(WrongPin):
                Session.open("alice", pins, pin=wrong)
        Session.open("alice", pins, pin=PIN).close()


# 3. IT lifts a lockout, logged


def test_staff_unlock_lifts_a_lockout_and_is_logged(pins: Path, cli: Cli) -> None:
    guess_until_locked_out(pins, "alice")
    listed = cli("staff", "list", home=pins).out
    assert "alice\tcaseworker\tactive\tPIN set, locked out until " in listed
    ran = cli("staff", "unlock", "alice", home=pins)
    assert (ran.code, ran.out) == (
        0,
        "Unlocked alice: their count of wrong PINs is back to nothing.\n",
    )
    (lifted,) = entries(pins, "pin_lockout_lifted")
    assert lifted.actor.startswith("host:") and lifted.details["staff"] == "alice"
    assert lifted.details["failures"] == max_failures(pins)
    Session.open("alice", pins, pin=PIN).close()
    again = cli("staff", "unlock", "alice", home=pins)
    assert again.out == "alice was not locked out and had no wrong PINs; nothing was changed.\n"
    assert len(entries(pins, "pin_lockout_lifted")) == 1


# 4. the count is sealed


def test_a_count_set_back_in_the_database_file_is_refused_by_its_seal(pins: Path) -> None:
    guess_until_locked_out(pins, "alice")
    with behind_the_back(pins) as db:
        db.execute("UPDATE staff SET pin_failures = 0, locked_until = NULL WHERE name = 'alice'")
    with pytest.raises(IntegrityError, match="staff row alice does not match its seal"):
        Session.open("alice", pins, pin=PIN)
    (broken,) = entries(pins, "seal_broken")
    assert (broken.details["table"], broken.details["row"]) == ("staff", "alice")


def test_figures() -> None:
    """The suite's figure; run last (pytest keeps the file's order)."""
    assert TALLY.answered_before_lockout > 0
    figures.report(
        "PIN",
        f"PIN guesses across sessions before lockout: at most {TALLY.answered_before_lockout}",
    )
