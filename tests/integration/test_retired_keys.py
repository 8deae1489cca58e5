"""Retired key versions and backups (issue 20 review, items 1, 2 and 8).

A backup carries the recovery wrapping of the code current when it was taken, so
retiring a version cannot reach it: the commands say so. What can be closed is: a
restore never puts a version the live vault retired back into the keyring, nor
overwrites a keyring entry; `key retire` logs and says whatever it removes; `key
recover` with nothing missing changes nothing and says so.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from tests.integration.test_cli import refused
from tests.integration.test_recovery import TODAY, logged, made_last_year
from tests.integration.test_restore_drill import Host, host
from tests.support.in_process import Cli

__all__ = ["host"]  # the fixture, used by name

OLD_BACKUPS = "backups taken before still open with the recovery code that was current"


def keyring_versions(path: Path) -> list[int]:
    return sorted(int(name.rsplit(":v", 1)[1]) for name in json.loads(path.read_text()))


def backed_up_then_retired(cli: Cli, host: Host, tmp_path: Path) -> Path:
    """A backup under version 1, a rotation, then version 1 retired (it says backups
    taken before still open with the code of their day)."""
    made = tmp_path / "b1.backup"
    assert cli("backup", "create", made, home=host.home).code == 0
    assert cli("key", "rotate", home=host.home).code == 0
    made_last_year(host.home)
    retired = cli("key", "retire", "--before", TODAY, home=host.home)
    assert retired.code == 0 and "Retired key-encryption key version 1" in retired.out, retired
    assert OLD_BACKUPS in retired.out and "destroy those backups" in retired.out
    assert keyring_versions(host.keyring) == [2]
    return made


@pytest.mark.not_on_postgres  # backups on PostgreSQL are the server's own
def test_a_restore_beside_the_live_vault_does_not_put_a_retired_version_back(
    cli: Cli, host: Host, tmp_path: Path
) -> None:
    made = backed_up_then_retired(cli, host, tmp_path)
    before = host.keyring.read_text()
    target = tmp_path / "r3"
    args = ["backup", "restore", made, "--home", target, "--without-ledger", "--recovery-code"]
    result = cli(*args, home=host.home, stdin=host.code + "\n")
    refused(result, 1, "version 1 was retired on", "a retired key is not put back")
    assert result.problems[0].endswith("Nothing was restored.")
    assert not target.exists()
    assert host.keyring.read_text() == before


@pytest.mark.not_on_postgres  # backups on PostgreSQL are the server's own
def test_a_restore_with_no_live_vault_never_overwrites_a_keyring_entry(
    cli: Cli, host: Host, tmp_path: Path
) -> None:
    made = tmp_path / "b1.backup"
    assert cli("backup", "create", made, home=host.home).code == 0
    entries = json.loads(host.keyring.read_text())
    [name] = entries
    entries[name] = base64.b64encode(b"\x01" * 32).decode()  # other material, same name
    host.keyring.write_text(json.dumps(entries))
    before = host.keyring.read_text()
    target = tmp_path / "elsewhere"
    args = ["backup", "restore", made, "--home", target, "--without-ledger", "--recovery-code"]
    result = cli(*args, home=tmp_path / "no-live-vault", stdin=host.code + "\n")
    refused(result, 1, "already holds a different key-encryption key version 1", "overwritten")
    assert not target.exists()
    assert host.keyring.read_text() == before
    # An empty keyring: the restore says the restored vault's keys are now in it.
    host.keyring.write_text("{}")
    done = cli(*args, home=tmp_path / "no-live-vault", stdin=host.code + "\n")
    assert done.code == 0, done
    assert "the restored vault's keys are now in this host's keyring" in done.out
    assert keyring_versions(host.keyring) == [1]


@pytest.mark.not_on_postgres  # backups on PostgreSQL are the server's own
def test_retire_logs_and_says_a_retired_version_found_in_the_keyring_again(
    cli: Cli, host: Host, tmp_path: Path
) -> None:
    entries = json.loads(host.keyring.read_text())  # version 1, as a restore would put it
    backed_up_then_retired(cli, host, tmp_path)
    host.keyring.write_text(json.dumps({**json.loads(host.keyring.read_text()), **entries}))
    assert keyring_versions(host.keyring) == [1, 2]
    result = cli("key", "retire", "--before", TODAY, home=host.home)
    assert result.code == 0, result
    assert "version 1, retired earlier, was in this host's keyring again" in result.out
    assert "no other version was retired" in result.out
    assert keyring_versions(host.keyring) == [2]
    entry = logged(host.home, "keys_retired")[-1]
    assert (entry["versions"], entry["from_keyring_again"]) == ([], [1])


def test_recover_with_the_keyring_intact_says_nothing_was_missing(
    cli: Cli, host: Host, tmp_path: Path
) -> None:
    before = host.keyring.read_text()
    result = cli("key", "recover", "--recovery-code", home=host.home, stdin=host.code + "\n")
    assert result.code == 0, result
    assert "already in this host's keyring" in result.out and "nothing was missing" in result.out
    assert "back in the keyring" not in result.out
    assert logged(host.home, "keys_recovered") == []
    assert host.keyring.read_text() == before


@pytest.mark.parametrize(
    ("before", "needle"),
    [
        ("2030-01-01", "--before 2030-01-01 is after today"),
        ("31/12/2099", "--before 2099-12-31 is after today"),
        ("yesterday", "--before 'yesterday' is not a date"),
    ],
)
def test_retire_refuses_a_future_date_or_a_non_date_in_one_sentence(
    cli: Cli, host: Host, before: str, needle: str
) -> None:
    keys = host.keyring.read_text()
    refused(cli("key", "retire", "--before", before, home=host.home), 2, needle)
    assert host.keyring.read_text() == keys
    assert logged(host.home, "keys_retired") == []


def test_retire_takes_a_uk_date(cli: Cli, host: Host) -> None:
    result = cli("key", "retire", "--before", "05/12/2020", home=host.home)
    assert result.code == 0 and "replaced before 2020-12-05; nothing was retired" in result.out


def test_a_new_recovery_code_says_old_backups_still_open_with_the_old_one(
    cli: Cli, host: Host
) -> None:
    result = cli("key", "recovery-code", "--new", home=host.home)
    assert result.code == 0 and OLD_BACKUPS in result.out, result


@pytest.mark.not_on_postgres  # backups on PostgreSQL are the server's own
def test_restore_refuses_a_missing_parent_directory(cli: Cli, host: Host, tmp_path: Path) -> None:
    made = tmp_path / "b1.backup"
    assert cli("backup", "create", made, home=host.home).code == 0
    target = tmp_path / "nonexistent" / "deep" / "x"
    result = cli("backup", "restore", made, "--home", target, home=host.home)
    refused(result, 2, f"{target.parent}: no such directory; nothing was restored.")
    assert not (tmp_path / "nonexistent").exists()


@pytest.mark.not_on_postgres  # backups on PostgreSQL are the server's own
def test_a_restored_copy_rotating_never_writes_over_the_live_vaults_key(
    cli: Cli, host: Host, tmp_path: Path
) -> None:
    """Review of issue 20: a copy restored beside the live vault shares its vault id and
    so its keyring entries; its `key rotate` wrote its version 2 over the live vault's,
    and every record of the live vault became unreadable."""
    made = tmp_path / "b1.backup"
    assert cli("backup", "create", made, home=host.home).code == 0
    assert cli("key", "rotate", home=host.home).code == 0  # the live vault: version 2
    drill = tmp_path / "drill"
    restored = cli("backup", "restore", made, "--home", drill, home=host.home)
    assert restored.code == 0, restored
    rotated = cli("key", "rotate", home=drill)
    assert rotated.code == 0 and "rotated to version 3" in rotated.out, rotated
    assert keyring_versions(host.keyring) == [1, 2, 3]
    for home in (host.home, drill):
        assert cli("vault", "verify", home=home).code == 0, home
