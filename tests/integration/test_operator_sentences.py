"""The review of issue 20, items 7 and 10: a vault with no recovery code is said to
have none, and each operator error is one plain sentence naming what and where."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.integration.test_cli import refused
from tests.integration.test_release_vaults import release_vault
from tests.support.in_process import Cli

__all__ = ["release_vault"]  # the fixture, used by name
NEW_CODE = "secure-records key recovery-code --new"


def test_upgrade_and_status_say_a_vault_has_no_recovery_code(
    release_vault: Path, cli: Cli, tmp_path: Path
) -> None:
    upgraded = cli("upgrade", home=release_vault)
    assert upgraded.code == 0, upgraded
    assert "no recovery code" in upgraded.err and NEW_CODE in upgraded.err
    status = cli("status", "--backups", tmp_path, home=release_vault)
    assert status.code == 1
    [line] = [p for p in status.problems if "recovery code" in p]
    assert line.startswith("no recovery code") and NEW_CODE in line
    assert cli("key", "recovery-code", "--new", home=release_vault).code == 0
    again = cli("status", "--backups", tmp_path, home=release_vault)
    assert not any("recovery code" in p for p in again.problems), again


@pytest.mark.not_on_postgres  # backups on PostgreSQL are the server's own
def test_backup_create_errors_are_one_sentence(cli: Cli, home: Path, tmp_path: Path) -> None:
    made = tmp_path / "b1.backup"
    assert cli("backup", "create", made, home=home).code == 0
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    if os.access(locked, os.W_OK):
        locked = Path("/proc")  # root writes anywhere else
    refused(
        cli("backup", "create", locked / "x.backup", home=home),
        2,
        f"{locked}",
        "cannot be written",
    )
    refused(
        cli("backup", "create", made / "x.backup", home=home),
        2,
        f"{made} is a file, not a directory",
    )
    refused(cli("backup", "create", tmp_path, home=home), 2, f"{tmp_path} is a directory")


@pytest.mark.not_on_postgres  # backups on PostgreSQL are the server's own
def test_restore_and_verify_refusals_are_one_sentence(cli: Cli, home: Path, tmp_path: Path) -> None:
    made = tmp_path / "b1.backup"
    assert cli("backup", "create", made, home=home).code == 0
    refused(cli("backup", "restore", made, home=home), 2, "backup restore needs --home DIR")
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    refused(cli("backup", "restore", made, "--home", a_file, home=home), 1, f"{a_file} is a file")
    empty = cli("backup", "restore", made, "--home", tmp_path / "r", "--recovery-code", home=home)
    refused(empty, 2, "No recovery code was given")
    made.write_bytes(made.read_bytes()[:-10])  # cut short
    cut = cli("backup", "verify", made)
    refused(cut, 1, str(made))
    assert "nothing was restored" not in cut.err
