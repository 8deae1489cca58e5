"""`backup create`, `backup verify` and `backup restore` (issue 20), and the disposal
ledger a restore reads, from the command line as IT runs them."""

from __future__ import annotations

import stat
import threading
from pathlib import Path

import pytest

from secure_records.admin import Administration
from secure_records.core.log_actions import LogAction
from secure_records.session import Session
from tests.conftest import canaries, canary_row
from tests.integration.test_disposal_cli import adult_row, approve, import_rows, propose
from tests.support.in_process import Cli, Out, no_traceback

# Backups on PostgreSQL are the server's own (pg_dump, base backups): `backup create`
# refuses there (tests/integration/test_postgres_vault.py).
pytestmark = pytest.mark.not_on_postgres


def one_sentence(result: Out, code: int = 1) -> str:
    assert result.code == code, result
    no_traceback(result)
    assert len(result.problems) == 1, result.problems
    return result.problems[0]


def test_a_backup_is_one_private_encrypted_file_that_says_what_it_holds_and_is_logged(
    cli: Cli, populated: Path, tmp_path: Path
) -> None:
    path = tmp_path / "vault.backup"
    made = cli("backup", "create", path, home=populated)
    assert made.code == 0, made
    assert (
        "3 records, the log up to entry" in made.out and "key-encryption key version 1" in made.out
    )
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = path.read_bytes()
    assert data.startswith(b"SRBACKUP\x02")
    secrets = [v for rid in ("R-0001", "R-0002") for v in canaries(canary_row(rid, [])).values()]
    for value in secrets:
        assert value.encode() not in data and value not in made.out
    assert b"SQLite format" not in data and b"[policy]" not in data
    with Administration.open(populated) as admin:
        taken = [e for e in admin.vault.log.entries() if e.action == LogAction.BACKUP_TAKEN]
    assert len(taken) == 1 and taken[0].details["records"] == 3
    assert [p.name for p in populated.iterdir() if p.name.startswith(".")] == []

    verified = cli("backup", "verify", path)
    assert verified.code == 0 and "verifies: 3 records" in verified.out, verified
    again = cli("backup", "create", path, home=populated)
    assert "already exists" in one_sentence(again, 2)


def test_a_damaged_or_cut_backup_does_not_verify_in_one_sentence(
    cli: Cli, populated: Path, tmp_path: Path
) -> None:
    path = tmp_path / "vault.backup"
    assert cli("backup", "create", path, home=populated).code == 0
    data = path.read_bytes()
    for n, damaged in enumerate((data[:-1], data[:5000], data[:-70000] + data[-69999:] + b"x")):
        bad = tmp_path / f"bad{n}.backup"
        bad.write_bytes(damaged)
        assert "damaged" in one_sentence(cli("backup", "verify", bad))
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 1
    (tmp_path / "flipped.backup").write_bytes(flipped)
    said = one_sentence(cli("backup", "verify", tmp_path / "flipped.backup"))
    assert "damaged or was altered" in said
    # Format 1 (before the recovery slot) and a later release's format: one sentence each.
    for version, words in ((1, "take a new backup"), (9, "newer release")):
        other = tmp_path / f"format{version}.backup"
        other.write_bytes(data[:8] + bytes([version]) + data[9:])
        said = one_sentence(cli("backup", "verify", other))
        assert f"backup format {version}" in said and words in said, said


def test_a_backup_taken_while_people_work_restores_to_a_vault_whose_log_verifies(
    cli: Cli, populated: Path, tmp_path: Path
) -> None:
    """Copying files by hand while someone works gave 'truncated' or 'an uncommitted
    final write', and every session was refused."""
    stop = threading.Event()

    def work() -> None:
        with Session.open("lead", populated) as lead:
            while not stop.is_set():
                lead.records.open_record("R-0001")

    worker = threading.Thread(target=work)
    worker.start()
    try:
        paths = [tmp_path / f"{n}.backup" for n in range(3)]
        for path in paths:
            assert cli("backup", "create", path, home=populated).code == 0
    finally:
        stop.set()
        worker.join()
    for n, path in enumerate(paths):
        target = tmp_path / f"restored{n}"
        restored = cli("backup", "restore", path, "--home", target, home=populated)
        assert restored.code == 0, restored
        assert cli("log", "verify", home=target).code == 0
        with Session.open("alice", target) as alice:
            assert alice.records.open_record("R-0001").field("name") is not None


def test_restore_refuses_a_live_vault_and_changes_nothing(
    cli: Cli, populated: Path, tmp_path: Path
) -> None:
    path = tmp_path / "vault.backup"
    assert cli("backup", "create", path, home=populated).code == 0
    before = {p.name: p.stat().st_mtime_ns for p in populated.iterdir()}
    said = one_sentence(cli("backup", "restore", path, "--home", populated, home=populated))
    assert "is not empty" in said and "Nothing was changed" in said
    assert {p.name: p.stat().st_mtime_ns for p in populated.iterdir()} == before


def test_restore_without_a_ledger_to_read_is_refused_unless_said_outright(
    cli: Cli, populated: Path, tmp_path: Path
) -> None:
    path = tmp_path / "vault.backup"
    assert cli("backup", "create", path, home=populated).code == 0
    gone = tmp_path / "gone"
    target = tmp_path / "restored"
    said = one_sentence(cli("backup", "restore", path, "--home", target, home=gone), 2)
    assert "--ledger PATH" in said and not target.exists()
    done = cli("backup", "restore", path, "--home", target, "--without-ledger", home=gone)
    assert done.code == 0, done
    assert "No disposal ledger was read" in done.err


def test_a_forged_ledger_line_is_refused_and_nothing_is_restored(
    cli: Cli, home: Path, tmp_path: Path
) -> None:
    import_rows(home, tmp_path, [adult_row("R-0100"), adult_row("R-0101")])
    path = tmp_path / "vault.backup"
    assert cli("backup", "create", path, home=home).code == 0
    approve(home, propose(home, "R-0100"))
    assert cli("disposal", "run", home=home).code == 0
    ledger = home / "disposals.ledger"
    line = ledger.read_text()
    assert "R-0100" in line and line.count("\n") == 1
    ledger.write_text(line.replace("R-0100", "R-0101"))  # have another record destroyed
    target = tmp_path / "restored"
    said = one_sentence(cli("backup", "restore", path, "--home", target, home=home))
    assert "disposal ledger" in said and "line 1" in said
    assert not target.exists()


def test_a_checkpoint_from_before_the_backup_is_still_extended_after_a_restore(
    cli: Cli, populated: Path, tmp_path: Path
) -> None:
    """Only a checkpoint past the backup's last entry is put down to the restore; one
    the backup holds is compared entry for entry as before."""
    early = cli("log", "checkpoint", home=populated).out.strip()
    path = tmp_path / "vault.backup"
    assert cli("backup", "create", path, home=populated).code == 0
    target = tmp_path / "restored"
    assert cli("backup", "restore", path, "--home", target, home=populated).code == 0
    verified = cli("log", "verify", "--checkpoint", early, home=target)
    assert verified.code == 0 and "extends the checkpoint" in verified.out, verified
    assert "restored at entry" in verified.out
    # A checkpoint the backup holds that does not match is tampering, restore or not.
    seq, mac = early.rsplit(" ", 2)[1:]
    altered = early.replace(f" {seq} {mac}", f" {seq} {mac[:-4]}AAA=")
    said = one_sentence(cli("log", "verify", "--checkpoint", altered, home=target))
    assert "does not match the checkpoint" in said and "restore" not in said
