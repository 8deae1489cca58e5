"""Every app host runs the policy last applied on any of them: the vault keeps a copy
of its sealed policy files, and a host whose files are an older sealed policy (or
missing) takes the vault's copy; files edited by hand are still refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from secure_records.admin import Administration
from secure_records.core.errors import VaultError
from secure_records.session import Session
from secure_records.vault.policy_files import read_policy_files
from tests.integration.test_policy_seal import edit_roles_as_the_issue_says


def narrowed(home: Path, tmp_path: Path) -> Path:
    """The vault's policy with one retention setting changed: a policy to apply."""
    changed = tmp_path / "changed-policy"
    shutil.copytree(home / "policies", changed)
    path = changed / "retention.toml"
    text = path.read_text()
    assert "next_review_months = 12" in text
    path.write_text(text.replace("next_review_months = 12", "next_review_months = 6"))
    return changed


def apply(home: Path, directory: Path) -> None:
    with Administration.open(home) as admin:
        admin.apply_policy(admin.propose_policy(directory))


def second_home(home: Path, tmp_path: Path) -> Path:
    """Another host's home: a copy of the policies and of vault.conf (PostgreSQL)."""
    other = tmp_path / "host-b"
    other.mkdir(mode=0o700)
    shutil.copytree(home / "policies", other / "policies")
    shutil.copy2(home / "vault.conf", other / "vault.conf")
    return other


def test_a_policy_applied_on_one_host_is_taken_up_by_the_others(
    home: Path, tmp_path: Path, vault_backend: str
) -> None:
    if vault_backend != "postgres":
        pytest.skip("two hosts share a vault only on PostgreSQL")
    other = second_home(home, tmp_path)
    apply(home, narrowed(home, tmp_path))
    with Session.open("alice", other) as alice:  # not refused as tampered
        assert alice.records.search("") == []
    assert read_policy_files(other / "policies") == read_policy_files(home / "policies")
    assert b"next_review_months = 6" in (other / "policies" / "retention.toml").read_bytes()


def test_a_home_without_its_policy_files_takes_the_vaults_copy(home: Path) -> None:
    before = read_policy_files(home / "policies")
    shutil.rmtree(home / "policies")
    with Administration.open(home) as admin:
        assert admin.verify_log().intact
    assert read_policy_files(home / "policies") == before
    assert (home / "policies").stat().st_mode & 0o777 == 0o700


def test_an_older_sealed_policy_put_back_is_replaced_by_the_current_one(
    home: Path, tmp_path: Path
) -> None:
    older = tmp_path / "older"
    shutil.copytree(home / "policies", older)
    apply(home, narrowed(home, tmp_path))
    current = read_policy_files(home / "policies")
    shutil.rmtree(home / "policies")
    shutil.copytree(older, home / "policies")
    with Session.open("alice", home):
        pass
    assert read_policy_files(home / "policies") == current


def test_files_edited_by_hand_are_still_refused_and_left_as_they_are(home: Path) -> None:
    edit_roles_as_the_issue_says(home / "policies")
    edited = read_policy_files(home / "policies")
    with pytest.raises(VaultError, match="changed outside 'secure-records policy apply'"):
        Session.open("alice", home)
    assert read_policy_files(home / "policies") == edited
