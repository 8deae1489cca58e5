"""The recovery code (issue 20): shown once at `init`, stored nowhere, and enough on
its own to put every version of the vault's key back into an emptied keyring;
`key rotate` keeps older versions for backups until `key retire`."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from secure_records.admin import Administration
from secure_records.core.errors import VaultError
from secure_records.session import Session
from secure_records.vault.kek import SERVICE
from tests.conftest import STAFF, canary_row, write_jsonl
from tests.integration.test_cli import refused
from tests.support.in_process import Cli, no_traceback
from tests.support.open_keyring import OpenKeyring
from tests.support.raw_db import behind_the_back, copy_vault

CODE_LINE = "Recovery code: "
TODAY = date.today().isoformat()


def made_last_year(home: Path) -> None:
    """Every version of the key dated a year back, so that `key retire --before` today
    (a later date is refused) reaches the versions rotated away in the test."""
    last_year = (date.today() - timedelta(days=365)).isoformat()
    with behind_the_back(home) as db:
        db.execute("UPDATE kek_versions SET created_at = ?", (last_year + "T00:00:00+00:00",))


def init(cli: Cli, home: Path) -> str:
    """A vault made by `init` with staff and three records; its recovery code."""
    result = cli("init", home=home)
    no_traceback(result)
    assert result.code == 0, result
    shown = [line for line in result.out.splitlines() if line.startswith(CODE_LINE)]
    assert len(shown) == 1, result.out
    with Administration.open(home) as admin:
        for name, role in STAFF:
            admin.add_staff(name, role)
        rows = [canary_row(f"R-000{n}", ["alice"]) for n in (1, 2, 3)]
        admin.import_file(write_jsonl(home.parent / "records.jsonl", rows))
    return shown[0].removeprefix(CODE_LINE)


@pytest.fixture
def made(cli: Cli, memory_keyring: OpenKeyring, tmp_path: Path) -> tuple[Path, str]:
    """A vault made by `init`, and the recovery code it showed."""
    home = tmp_path / "vault"
    return home, init(cli, home)


def init_and_copy(
    cli: Cli, tmp_path: Path, request: pytest.FixtureRequest
) -> tuple[Path, str, Path]:
    """`init`'s vault, its code, and a copy of its files taken then (a backup at version 1)."""
    home, backup = tmp_path / "vault", tmp_path / "backup"
    code = init(cli, home)
    copy_vault(home, backup, request)
    return home, code, backup


def shown_code(out: str) -> str:
    [code] = [line.removeprefix(CODE_LINE) for line in out.splitlines() if CODE_LINE in line]
    return code


def recover(cli: Cli, home: Path, code: str) -> str:
    result = cli("key", "recover", "--recovery-code", home=home, stdin=code + "\n")
    no_traceback(result)
    assert result.code == 0, result
    return result.out


def kek_versions(keyring: OpenKeyring) -> list[int]:
    return sorted(
        int(user.rsplit(":v", 1)[1]) for service, user in keyring.entries if service == SERVICE
    )


def record_ids(home: Path) -> list[str]:
    with Session.open("lead", home) as lead:
        return [summary.id for summary in lead.records.matching()]


def logged(home: Path, action: str) -> list[dict[str, object]]:
    with Administration.open(home, any_policy=True) as admin:
        return [e.details for e in admin.read_log(personal=True) if e.action == action]


def files(home: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(home.rglob("*")) if p.is_file()}


def test_init_shows_the_code_once_and_keeps_it_in_no_file_and_not_in_the_log(
    cli: Cli, memory_keyring: OpenKeyring, tmp_path: Path
) -> None:
    home = tmp_path / "vault"
    code = init(cli, home)
    assert len(code) == 47 and code.count("-") == 7
    with Administration.open(home) as admin:
        log_text = "".join(repr(e) for e in admin.read_log(personal=True))
    for form in (code, code.replace("-", ""), code.replace("-", "")[:38]):
        assert all(form.encode() not in data for data in files(tmp_path).values())
        assert form not in log_text
        assert all(form not in secret for secret in memory_keyring.entries.values())


def test_a_wiped_keyring_is_refilled_from_the_code_alone_and_sessions_work(
    cli: Cli, memory_keyring: OpenKeyring, made: tuple[Path, str]
) -> None:
    home, code = made
    memory_keyring.entries.clear()
    with pytest.raises(VaultError, match="is not in the keyring"):
        Session.open("lead", home)
    # Read as typed from paper: lower case, spaces for dashes.
    out = recover(cli, home, code.lower().replace("-", " "))
    assert out.startswith("Key-encryption key version 1 of vault ")
    assert "back in the keyring" in out
    assert kek_versions(memory_keyring) == [1]
    assert record_ids(home) == ["R-0001", "R-0002", "R-0003"]
    [entry] = logged(home, "keys_recovered")
    assert entry["versions"] == [1]


def test_after_a_rotation_the_code_recovers_both_versions_and_an_older_backup_opens(
    cli: Cli, memory_keyring: OpenKeyring, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    home, code, backup = init_and_copy(cli, tmp_path, request)
    assert cli("key", "rotate", home=home).code == 0
    assert kek_versions(memory_keyring) == [1, 2]  # the older version kept
    memory_keyring.entries.clear()
    assert "versions 1, 2 of vault" in recover(cli, home, code)
    assert kek_versions(memory_keyring) == [1, 2]
    assert record_ids(home) == ["R-0001", "R-0002", "R-0003"]
    assert record_ids(backup) == ["R-0001", "R-0002", "R-0003"]


def test_retire_removes_older_versions_logged_never_the_current_one(
    cli: Cli, memory_keyring: OpenKeyring, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    home, code, backup = init_and_copy(cli, tmp_path, request)
    for _ in range(2):
        assert cli("key", "rotate", home=home).code == 0
    before = cli("key", "retire", "--before", "2000-01-01", home=home)
    assert before.code == 0 and "nothing was retired" in before.out
    assert kek_versions(memory_keyring) == [1, 2, 3]
    made_last_year(home)
    result = cli("key", "retire", "--before", TODAY, home=home)
    assert result.code == 0, result
    assert "versions 1, 2" in result.out and "version 3, the current one, is kept" in result.out
    assert kek_versions(memory_keyring) == [3]
    [entry] = logged(home, "keys_retired")
    assert (entry["versions"], entry["current"]) == ([1, 2], 3)
    # Gone from the recovery wrapping too: the code now gives the current one only.
    memory_keyring.entries.clear()
    assert "version 3 of vault" in recover(cli, home, code)
    assert kek_versions(memory_keyring) == [3]
    assert record_ids(home) == ["R-0001", "R-0002", "R-0003"]
    with pytest.raises(VaultError, match=r"\(version 1\) is not in the keyring"):
        Session.open("lead", backup)


def test_a_new_code_voids_the_old_one(
    cli: Cli, memory_keyring: OpenKeyring, tmp_path: Path
) -> None:
    home = tmp_path / "vault"
    old = init(cli, home)
    assert cli("key", "rotate", home=home).code == 0
    refused(cli("key", "recovery-code", home=home), 2, "pass --new")
    result = cli("key", "recovery-code", "--new", home=home)
    assert result.code == 0, result
    new = shown_code(result.out)
    assert new != old
    [entry] = logged(home, "recovery_code_set")
    assert (entry["replaced"], entry["versions"]) == (True, [1, 2])
    memory_keyring.entries.clear()
    refused(
        cli("key", "recover", "--recovery-code", home=home, stdin=old + "\n"),
        1,
        "That recovery code does not open vault",
    )
    assert kek_versions(memory_keyring) == []
    assert "versions 1, 2 of vault" in recover(cli, home, new)
    assert record_ids(home) == ["R-0001", "R-0002", "R-0003"]


def test_a_mistyped_code_says_so_in_one_sentence_and_changes_nothing(
    cli: Cli, memory_keyring: OpenKeyring, made: tuple[Path, str]
) -> None:
    home, code = made
    memory_keyring.entries.clear()
    before = files(home)
    typo = ("B" if code[0] != "B" else "C") + code[1:]
    for typed in (typo, code[:-6], code + "A"):
        result = cli("key", "recover", "--recovery-code", home=home, stdin=typed + "\n")
        refused(result, 2, "That recovery code is mistyped", "nothing was changed")
    assert files(home) == before
    assert memory_keyring.entries == {}


@pytest.mark.not_on_postgres  # every PostgreSQL vault was made with a recovery code
def test_a_vault_made_before_recovery_codes_gets_one(
    cli: Cli, memory_keyring: OpenKeyring, tmp_path: Path
) -> None:
    home = tmp_path / "vault"
    old = init(cli, home)
    # As migration 8 leaves an older vault: its current version listed, nothing sealed.
    with behind_the_back(home) as db:
        db.executescript(
            "DELETE FROM recovery_code; DELETE FROM vault_keys WHERE name = 'recovery_root';"
            "UPDATE kek_versions SET recovery = NULL;"
        )
    saved = dict(memory_keyring.entries)
    memory_keyring.entries.clear()
    refused(
        cli("key", "recover", "--recovery-code", home=home, stdin=old + "\n"),
        1,
        "has no recovery code",
    )
    memory_keyring.entries.update(saved)
    result = cli("key", "recovery-code", "--new", home=home)
    assert result.code == 0, result
    code = shown_code(result.out)
    [entry] = logged(home, "recovery_code_set")
    assert entry["replaced"] is False
    memory_keyring.entries.clear()
    recover(cli, home, code)
    assert record_ids(home) == ["R-0001", "R-0002", "R-0003"]
