"""Every vault a past release made (tests/fixtures/vault-*, built by
tests/fixtures/make_vault.py and committed) still opens with this release: upgraded
on a copy, its log and seals verify and a session reads a record.

Every later release must keep passing this with every fixture here: a release that
cannot open a charity's vault of years ago is not a release. Never edit or remove a
fixture to make this pass; add a new one (make_vault.py) when a release changes what
a vault holds.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from secure_records.session import Session
from tests.support.file_keyring import FileKeyring
from tests.support.in_process import Cli, no_traceback

FIXTURES = Path(__file__).parent.parent / "fixtures"
VAULTS = sorted(FIXTURES.glob("vault-*"))
PIN = "246810"  # make_vault.PIN, as it was when each fixture was made


@pytest.fixture(params=VAULTS, ids=[path.name for path in VAULTS])
def release_vault(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """A copy of one fixture (the committed one is never written to), its key in the
    fixture's own file keyring."""
    copy = Path(shutil.copytree(request.param, tmp_path / request.param.name))
    (copy / "home").chmod(0o700)  # git keeps no modes
    monkeypatch.setenv("SECURE_RECORDS_TEST_KEYRING_FILE", str(copy / "keyring.json"))
    monkeypatch.setenv("SECURE_RECORDS_ALLOW_INSECURE_KEYRING", "1")
    previous = keyring.get_keyring()
    keyring.set_keyring(FileKeyring())
    yield copy / "home"
    keyring.set_keyring(previous)


def test_there_is_a_vault_from_a_past_release() -> None:
    assert VAULTS, "tests/fixtures holds no vault-* made by make_vault.py"


def test_every_past_release_vault_upgrades_verifies_and_opens(
    release_vault: Path, cli: Cli
) -> None:
    upgraded = cli("upgrade", home=release_vault)
    no_traceback(upgraded)
    assert upgraded.code == 0, upgraded
    for command in (("vault", "verify"), ("log", "verify")):
        checked = cli(*command, home=release_vault)
        assert checked.code == 0, checked
    with Session.open("alice", release_vault, pin=PIN) as alice:
        record = alice.records.open_record("R-0001")
        assert record.id == "R-0001"
        assert "Fixture note added in a session" in str(record)
    with Session.open("lead", release_vault, pin=PIN) as lead:
        assert [r.id for r in lead.records.matching()] == ["R-0001", "R-0002"]
    again = cli("upgrade", home=release_vault)
    assert again.code == 0 and "already up to date" in again.out
