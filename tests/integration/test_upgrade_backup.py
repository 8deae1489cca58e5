"""The backup `upgrade` takes first, of a vault a past release made (the committed
fixtures): `backup verify` and `backup restore` of this release read it and bring the
restored copy up to this release; and the bars `backup` draws on a terminal."""

from __future__ import annotations

import os
import select
import sys
from pathlib import Path

import pytest

from secure_records.cli.main import main
from secure_records.session import Session
from secure_records.vault.recovery_code import new_code
from tests.integration.test_cli import refused
from tests.integration.test_release_vaults import PIN, release_vault
from tests.support.in_process import Cli

# Backups on PostgreSQL are the server's own (pg_dump, base backups): `backup create`
# refuses there (tests/integration/test_postgres_vault.py).
pytestmark = pytest.mark.not_on_postgres

__all__ = ["release_vault"]  # the fixture, used by name


def test_upgrades_backup_of_a_past_release_vault_verifies_and_restores(
    release_vault: Path, cli: Cli, tmp_path: Path
) -> None:
    assert cli("upgrade", home=release_vault).code == 0
    (backup,) = (release_vault / "backups").glob("pre-upgrade-*.backup")
    verified = cli("backup", "verify", backup)
    assert verified.code == 0, verified
    assert "taken by an older release" in verified.out and "8 recovery" in verified.out
    target = tmp_path / "restored"
    # Made before recovery codes: the keyring opens it, the code cannot.
    no_code = cli(
        "backup", "restore", backup, "--home", target, "--recovery-code",
        home=release_vault, stdin=new_code() + "\n",
    )  # fmt: skip
    refused(no_code, 1, "had no recovery code when it was taken")
    restored = cli("backup", "restore", backup, "--home", target, home=release_vault)
    assert restored.code == 0, restored
    assert "brought up to this one" in restored.out
    for command in (("vault", "verify"), ("log", "verify")):
        checked = cli(*command, home=target)
        assert checked.code == 0, checked
    with Session.open("lead", target, pin=PIN) as lead:
        assert [r.id for r in lead.records.matching()] == ["R-0001", "R-0002"]


def drawn_on_a_terminal(monkeypatch: pytest.MonkeyPatch, argv: list[str]) -> tuple[int, bytes]:
    """Run the command with stderr a terminal: its exit code and what was drawn."""
    monkeypatch.setenv("TERM", "xterm-256color")
    reader, writer = os.openpty()
    drawn = b""
    with os.fdopen(writer, "w") as terminal:
        monkeypatch.setattr(sys, "stderr", terminal)
        code = main(argv)
        terminal.flush()
        while select.select([reader], [], [], 0.2)[0]:
            drawn += os.read(reader, 65536)
    os.close(reader)
    return code, drawn


def test_backup_create_and_verify_draw_a_bar_on_a_terminal_only(
    populated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "vault.backup"
    code, drawn = drawn_on_a_terminal(
        monkeypatch, ["--home", str(populated), "backup", "create", str(path)]
    )
    assert code == 0 and b"Encrypting the backup" in drawn
    code, drawn = drawn_on_a_terminal(monkeypatch, ["backup", "verify", str(path)])
    assert code == 0 and b"then checking the backup" in drawn
    assert b"Canaryname" not in drawn
