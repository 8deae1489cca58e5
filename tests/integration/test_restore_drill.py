"""The restore drill (issue 20): what an IT administrator does after losing the host.

Backup; more work; `key rotate`; a disposal of a record the backup holds; the home
deleted, and (the host lost outright) its keyring too, the disposal ledger and the
recovery code kept off the host with the backups and the checkpoints; restore into a
new home, with the recovery code when the keyring is gone. Every record of the
backup is back except the one disposed of, the log verifies and says it was
restored, a checkpoint taken after the backup reports the restore rather than
tampering, and sessions open and work.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import keyring
import pytest

from secure_records.admin import Administration
from secure_records.core.log_actions import LogAction
from secure_records.core.records import NoteKind
from secure_records.session import Session
from tests.integration.test_cli import refused
from tests.integration.test_disposal_cli import adult_row, approve, import_rows, propose
from tests.integration.test_recovery import init, shown_code
from tests.support.file_keyring import FileKeyring
from tests.support.in_process import Cli, Out, no_traceback

# Backups on PostgreSQL are the server's own (pg_dump, base backups): `backup create`
# refuses there (tests/integration/test_postgres_vault.py).
pytestmark = pytest.mark.not_on_postgres

DRILL_NOTE = "CANARY-DRILL-NOTE written after the backup"
KEYRING_FILE = "SECURE_RECORDS_TEST_KEYRING_FILE"


@dataclass(frozen=True)
class Host:
    """A vault made by `init`, its recovery code, and the keyring file its keys are in."""

    home: Path
    code: str
    keyring: Path

    def lose_keyring(self, monkeypatch: pytest.MonkeyPatch) -> Path:
        """The keyring file gone with the host; a fresh, empty one on the new host."""
        self.keyring.unlink()
        fresh = self.keyring.parent / "new-host-keyring.json"
        fresh.write_text("{}")
        monkeypatch.setenv(KEYRING_FILE, str(fresh))
        return fresh


@pytest.fixture
def host(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Host]:
    """`init`'s vault with three records and R-0100 (due for disposal), its keys in the
    file keyring the tests use, so that losing the keyring is deleting a file."""
    path = tmp_path / "keyring.json"
    monkeypatch.setenv(KEYRING_FILE, str(path))
    monkeypatch.setenv("SECURE_RECORDS_ALLOW_INSECURE_KEYRING", "1")
    previous = keyring.get_keyring()
    keyring.set_keyring(FileKeyring())
    home = tmp_path / "vault"
    code = init(cli, home)
    import_rows(home, tmp_path, [adult_row("R-0100")])
    yield Host(home, code, path)
    keyring.set_keyring(previous)


def logged(home: Path, action: LogAction) -> list[dict[str, object]]:
    with Administration.open(home) as admin:
        return [e.details for e in admin.vault.log.entries(personal=False) if e.action == action]


@pytest.mark.parametrize("keyring_lost", [False, True], ids=["keyring-kept", "keyring-lost"])
def test_the_restore_drill(
    cli: Cli, host: Host, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keyring_lost: bool
) -> None:
    home = host.home
    with Administration.open(home) as admin:
        before = sorted(admin.vault.store.record_ids())
    backups = tmp_path / "backups"
    backups.mkdir()
    made = cli("backup", "create", backups / "nightly.backup", home=home)
    assert made.code == 0, made
    assert f"{len(before)} records" in made.out

    # More work, then a checkpoint IT keeps offline, then a rotation and a disposal.
    with Session.open("alice", home) as alice:
        alice.records.add_note("R-0001", NoteKind.FACT, DRILL_NOTE, date.today())
    checkpoint = cli("log", "checkpoint", home=home).out.strip()
    assert cli("key", "rotate", home=home).code == 0
    approve(home, propose(home, "R-0100"))
    ran = cli("disposal", "run", home=home)
    assert ran.code == 0 and "1 disposal carried out" in ran.out, ran
    kept_ledger = backups / "disposals.ledger"
    shutil.copy(home / "disposals.ledger", kept_ledger)

    shutil.rmtree(home)  # the host's disk is gone
    args = ["backup", "restore", backups / "nightly.backup", "--home", tmp_path / "restored"]
    args += ["--ledger", kept_ledger]
    if keyring_lost:
        fresh = host.lose_keyring(monkeypatch)
        # Without the keys, the restore says what to do, and does nothing.
        without = cli(*args)
        assert without.code == 1 and "give --recovery-code" in without.err, without
        assert not (tmp_path / "restored").exists()
        restored = cli(*args, "--recovery-code", stdin=host.code + "\n")
    else:
        restored = cli(*args)
    new_home = tmp_path / "restored"
    assert restored.code == 0, restored
    no_traceback(restored)
    assert "1 disposal certified after the backup carried out again" in restored.out
    if keyring_lost:
        assert "version 1 put into this host's keyring from the recovery code" in restored.out
        assert len(json.loads(fresh.read_text())) == 1  # the backup's version, no other
        [recovered] = logged(new_home, LogAction.KEYS_RECOVERED)
        assert recovered["versions"] == [1]
    else:
        assert "recovery code" not in restored.out
        assert logged(new_home, LogAction.KEYS_RECOVERED) == []

    with Administration.open(new_home) as admin:
        after = sorted(admin.vault.store.record_ids())
        certificates = [c.reference for c in admin.certificates()]
    assert after == [rid for rid in before if rid != "R-0100"]
    assert certificates == ["R-0100"]

    verified = cli("log", "verify", home=new_home)
    assert verified.code == 0, verified
    assert "restored at entry" in verified.out and "taken at" in verified.out
    against = cli("log", "verify", "--checkpoint", checkpoint, home=new_home)
    assert against.code == 1, against  # not extended; but said to be a restore, and which
    said = " ".join(against.problems)
    assert "a restore, not tampering" in said and "from backup" in said and "taken at" in said
    assert "modified" not in said and "truncated" not in said
    assert cli("vault", "verify", home=new_home).code == 0

    with Session.open("lead", new_home) as lead:
        view = lead.records.open_record("R-0001")
        assert DRILL_NOTE not in str(view)  # written after the backup: not in it
    with Session.open("alice", new_home) as alice:
        note = "after the restore"
        view = alice.records.add_note("R-0001", NoteKind.FACT, note, date.today())
        assert note in str(view)


def backed_up(cli: Cli, host: Host, tmp_path: Path) -> Path:
    path = tmp_path / "vault.backup"
    made = cli("backup", "create", path, home=host.home)
    assert made.code == 0, made
    return path


def restore_with(cli: Cli, path: Path, target: Path, code: str) -> Out:
    return cli(
        "backup", "restore", path, "--home", target, "--without-ledger", "--recovery-code",
        stdin=code + "\n",
    )  # fmt: skip


def test_a_wrong_or_mistyped_code_restores_nothing_and_puts_nothing_into_the_keyring(
    cli: Cli, host: Host, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = backed_up(cli, host, tmp_path)
    another_vaults = init(cli, tmp_path / "another")
    fresh = host.lose_keyring(monkeypatch)
    target = tmp_path / "restored"
    typo = ("B" if host.code[0] != "B" else "C") + host.code[1:]
    for code, exit_code, words in (
        (another_vaults, 1, "That recovery code does not open"),
        (typo, 2, "That recovery code is mistyped"),
    ):
        refused(restore_with(cli, path, target, code), exit_code, words)
        assert not target.exists()
        assert fresh.read_text() == "{}"
        checked = cli("backup", "verify", path, "--recovery-code", stdin=code + "\n")
        refused(checked, exit_code, words)
    assert fresh.read_text() == "{}"


def test_a_backup_opens_with_the_code_current_when_it_was_taken_not_a_later_one(
    cli: Cli, host: Host, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = backed_up(cli, host, tmp_path)
    replaced = cli("key", "recovery-code", "--new", home=host.home)
    assert replaced.code == 0, replaced
    later = shown_code(replaced.out)
    host.lose_keyring(monkeypatch)
    target = tmp_path / "restored"
    refused(restore_with(cli, path, target, later), 1, "made after this backup was taken")
    assert not target.exists()
    restored = restore_with(cli, path, target, host.code)
    assert restored.code == 0, restored
    with Session.open("lead", target) as lead:
        assert lead.records.open_record("R-0002").id == "R-0002"


def test_a_vault_without_a_recovery_code_makes_backups_the_code_cannot_open(
    cli: Cli, host: Host, tmp_path: Path
) -> None:
    # As migration 8 leaves a vault made before recovery codes: nothing sealed.
    with closing(sqlite3.connect(host.home / "vault.db")) as db, db:
        db.executescript(
            "DELETE FROM recovery_code; DELETE FROM vault_keys WHERE name = 'recovery_root';"
            "UPDATE kek_versions SET recovery = NULL;"
        )
    path = backed_up(cli, host, tmp_path)
    target = tmp_path / "restored"
    result = restore_with(cli, path, target, host.code)
    refused(result, 1, "had no recovery code when it was taken", "nothing was restored")
    assert not target.exists()


def test_backup_verify_as_json_and_with_the_recovery_code(
    cli: Cli, host: Host, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = backed_up(cli, host, tmp_path)
    verified = cli("backup", "verify", path, "--json")
    assert verified.code == 0, verified
    [facts] = [json.loads(line) for line in verified.out.splitlines()]
    assert facts["verified"] is True and facts["records"] == 4 and facts["file"] == str(path)
    fresh = host.lose_keyring(monkeypatch)
    failed = cli("backup", "verify", path, "--json")
    assert failed.code == 1, failed  # the same exit code as text, and said on stderr too
    assert len(failed.problems) == 1 and "not in this host's keyring" in failed.problems[0]
    [facts] = [json.loads(line) for line in failed.out.splitlines()]
    assert facts["verified"] is False and "not in this host's keyring" in facts["problem"]
    assert cli("backup", "verify", path).code == 1
    coded = cli("backup", "verify", path, "--recovery-code", "--json", stdin=host.code + "\n")
    assert coded.code == 0, coded
    assert json.loads(coded.out)["records"] == 4
    assert fresh.read_text() == "{}"  # a check: nothing put into the keyring
