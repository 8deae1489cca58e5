"""`secure-records status` (issue 20, "Schedules"): exit 0 when the vault is looked
after, 1 with one line for each problem: the log or the seals broken, the newest
backup older than a day, disposals overdue, the keyring unreachable.

Each problem on a real vault: a row edited in SQLite, a backup file made old with
os.utime, a record past its retention date, an approval the nightly run never carried
out (time_machine), a keyring that fails every call.
"""

from __future__ import annotations

import json
import os
import time
from datetime import datetime, timedelta
from pathlib import Path

import keyring
import pytest
import time_machine
from keyring.backends import fail

from secure_records.admin import Administration
from secure_records.vault.kek import INSECURE_ENV
from tests.integration.test_disposal_cli import adult_row, approve, import_rows, propose
from tests.support.cli import run, subprocess_env
from tests.support.in_process import Cli, Out, no_traceback
from tests.support.raw_db import behind_the_back, log_bytes, raw_log

DAY = 24 * 3600


@pytest.fixture
def backups(tmp_path: Path) -> Path:
    """A backup directory holding one backup taken a minute ago."""
    directory = tmp_path / "backups"
    directory.mkdir()
    (directory / "vault-2026-11-02.backup").write_bytes(b"sealed")
    return directory


def status(cli: Cli, home: Path, *args: str | Path) -> Out:
    result = cli("status", *args, home=home)
    no_traceback(result)
    return result


def problems(result: Out) -> list[str]:
    """The problem lines: exit 1, one line each on stderr, nothing on stdout."""
    assert result.code == 1, result
    assert result.out == "", result.out
    return result.problems


def entries(home: Path) -> int:
    with Administration.open(home) as admin:
        return admin.verify_log().entries


def test_a_looked_after_vault_is_healthy_and_status_writes_nothing(
    cli: Cli, home: Path, backups: Path
) -> None:
    before = entries(home)
    result = status(cli, home, "--backups", backups)
    assert result.code == 0, result
    [line] = result.out.splitlines()
    assert line.startswith("healthy: keyring: reachable")
    assert "log: intact" in line and "disposals: none overdue" in line
    assert "the newest, vault-2026-11-02.backup" in line
    assert entries(home) == before  # a monitor may ask every minute: nothing logged


def test_the_backup_directory_comes_from_the_environment_the_units_set(
    cli: Cli, home: Path, backups: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SECURE_RECORDS_BACKUPS", str(backups))
    assert status(cli, home).code == 0


def test_no_backup_directory_known_or_none_in_it(cli: Cli, home: Path, tmp_path: Path) -> None:
    assert problems(status(cli, home)) == [
        "no backups found: no backup directory is known (give --backups DIR or set "
        "SECURE_RECORDS_BACKUPS)"
    ]
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / ".vault.backup.tmp").write_bytes(b"half written")
    assert problems(status(cli, home, "--backups", empty)) == [f"no backups found in {empty}"]


def test_a_backup_older_than_a_day_is_named(cli: Cli, home: Path, backups: Path) -> None:
    old = backups / "vault-2026-11-02.backup"
    then = time.time() - 2 * DAY
    os.utime(old, (then, then))
    [line] = problems(status(cli, home, "--backups", backups))
    assert line.startswith(f"the newest backup in {backups}, vault-2026-11-02.backup, was taken")
    assert "more than a day ago; is the nightly backup running?" in line
    # A newer one written since: healthy again.
    (backups / "vault-2026-11-03.backup").write_bytes(b"sealed")
    assert status(cli, home, "--backups", backups).code == 0


def test_a_row_edited_in_sqlite_is_named_and_nothing_else_is_read(
    cli: Cli, populated: Path, backups: Path
) -> None:
    with behind_the_back(populated, autocommit=True) as db:
        db.execute("UPDATE staff SET role = 'safeguarding_lead' WHERE name = 'alice'")
    before = log_bytes(populated)
    [line] = problems(status(cli, populated, "--backups", backups))
    assert line == (
        "seals: 1 rows that do not match their seal, the first: staff row alice; "
        "run 'secure-records vault verify'"
    )
    assert log_bytes(populated) == before  # no refusal logged by status


def test_a_log_entry_cut_off_is_named(cli: Cli, home: Path, backups: Path) -> None:
    with raw_log(home) as log:
        log.write(b"".join(log.read().splitlines(keepends=True)[:-1]))
    lines = problems(status(cli, home, "--backups", backups))
    assert lines[0].startswith("the log does not verify: truncated")
    assert all(not line.startswith("disposals") for line in lines)


def test_a_record_long_past_its_retention_date_is_overdue(
    cli: Cli, home: Path, tmp_path: Path, backups: Path
) -> None:
    import_rows(home, tmp_path, [adult_row("R-0100")])  # case closed 2015: due 2021-03-31
    [line] = problems(status(cli, home, "--backups", backups))
    assert line == (
        "1 record was due for review or disposal more than 30 days ago (the first on "
        "2021-03-31) and is still waiting; IT proposes them from the retention queue, a "
        "lead reviews them"
    )
    # Within the days allowed, it is not.
    allowed = (datetime.now().date() - datetime(2021, 3, 31).date()).days + 1
    assert status(cli, home, "--backups", backups, "--overdue-days", str(allowed)).code == 0


def test_an_approved_disposal_not_carried_out_in_a_day_is_named(
    cli: Cli, home: Path, tmp_path: Path, backups: Path
) -> None:
    import_rows(home, tmp_path, [adult_row("R-0100")])
    approve(home, propose(home, "R-0100"))
    # Approved just now: the nightly run has not had its chance yet.
    assert status(cli, home, "--backups", backups).code == 0
    with time_machine.travel(datetime.now() + timedelta(days=2)):
        # The backups kept going (the clock travelled; the file system's did not).
        os.utime(backups / "vault-2026-11-02.backup", (time.time(), time.time()))
        [line] = problems(status(cli, home, "--backups", backups))
        assert line.startswith("1 disposal approved more than a day ago has not been carried")
        assert line.endswith("is the nightly 'secure-records disposal run' running?")
        assert cli("disposal", "run", home=home).code == 0
        assert status(cli, home, "--backups", backups).code == 0


def test_an_unreachable_keyring_is_named_and_the_backups_still_checked(
    cli: Cli, home: Path, backups: Path
) -> None:
    keyring.set_keyring(fail.Keyring())
    [line] = problems(status(cli, home, "--backups", backups))
    assert line.startswith(
        "the keyring is unreachable, so the log, seals and disposals were not checked: "
        "The keyring refused to read the key (NoKeyringError)"
    )


def test_json_gives_every_check(cli: Cli, home: Path, tmp_path: Path) -> None:
    result = status(cli, home, "--json", "--backups", tmp_path / "nowhere")
    assert result.code == 1
    assert result.problems == [
        f"no backups found in {tmp_path / 'nowhere'} (No such file or directory)"
    ]
    found = json.loads(result.out)
    assert found["healthy"] is False
    checks = {c["check"]: c for c in found["checks"]}
    assert set(checks) == {"keyring", "log", "seals", "recovery", "disposals", "backups"}
    assert checks["backups"]["healthy"] is False
    assert checks["backups"]["said"].startswith(f"no backups found in {tmp_path / 'nowhere'}")
    assert all(c["healthy"] for name, c in checks.items() if name != "backups")


@pytest.mark.slow
def test_executable_status_with_a_failing_keyring_backend(tmp_path: Path, backups: Path) -> None:
    env = subprocess_env(tmp_path)
    home = tmp_path / "vault"
    assert run(["--home", str(home), "init"], env).code == 0
    assert run(["--home", str(home), "status", "--backups", str(backups)], env).code == 0
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    del env[INSECURE_ENV]
    done = run(["--home", str(home), "status", "--backups", str(backups)], env)
    assert done.code == 1, done
    assert "Traceback" not in done.err and done.out == ""
    [line] = done.err.splitlines()
    assert line.startswith("the keyring is unreachable, so the log, seals and disposals were")
    assert "Refusing to use the keyring: no keyring backend is available" in line
