"""`secure-records upgrade` (issue 20): an older vault is refused by every door until
it is upgraded; the upgrade takes a backup first, migrates in one transaction, and
adds this release's new policy settings through the logged policy change. A vault
newer than the program names the migration it needs."""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

import pytest

from secure_records.admin import Administration
from secure_records.core.errors import VaultError
from secure_records.core.log_actions import LogAction
from secure_records.session import Session
from secure_records.vault.backup import unpack
from secure_records.vault.sqlite import migrations
from secure_records.vault.sqlite.migrations import Migration
from tests.support.in_process import Cli, Out, no_traceback
from tests.support.raw_db import behind_the_back, on_postgres

CONCERNS = 7  # the migration these tests take away, and every one after it


# PostgreSQL's tables and their columns, as one row each (SQLite keeps each one's SQL).
PG_SCHEMA = (
    "SELECT table_name, string_agg(column_name || ' ' || data_type, ', ' "
    "ORDER BY ordinal_position) FROM information_schema.columns "
    "WHERE table_schema = current_schema() GROUP BY table_name ORDER BY table_name"
)


def schema(home: Path) -> tuple[list[tuple[str, str]], list[tuple[int, str]]]:
    """What the database holds as schema: its tables' SQL and its migrations."""
    query = PG_SCHEMA if on_postgres(home) else "SELECT name, sql FROM sqlite_master ORDER BY name"
    with behind_the_back(home) as db:
        sql = [tuple(row) for row in db.execute(query)]
        done = [
            tuple(row) for row in db.execute("SELECT number, name FROM migrations ORDER BY number")
        ]
    return sql, done


def make_older(home: Path) -> None:
    """As the release before concerns (migration 7) left it."""
    with behind_the_back(home, autocommit=True) as db:
        db.execute("DROP TABLE concerns")
        db.execute("DELETE FROM migrations WHERE number = ?", (CONCERNS,))


def actions(home: Path) -> list[LogAction]:
    with Administration.open(home, any_policy=True) as admin:
        return [LogAction(e.action) for e in admin.vault.log.entries(personal=False)]


def one_sentence(result: Out) -> str:
    no_traceback(result)
    assert result.code != 0, result
    assert len(result.problems) == 1, result.err
    (line,) = result.problems
    assert line.endswith(".") and ". " not in line, line
    return line


def test_a_vault_newer_than_this_release_names_the_migration_it_needs(
    populated: Path, cli: Cli
) -> None:
    beyond = migrations.LATEST + 1
    with behind_the_back(populated, autocommit=True) as db:
        db.execute(
            "INSERT INTO migrations VALUES (?, 'from_the_future', '2031-01-01T00:00:00+00:00')",
            (beyond,),
        )
    before = schema(populated)
    wanted = (
        f"was upgraded by secure-records with migration {beyond} (from_the_future); this "
        f"release knows up to migration {migrations.LATEST} "
    )
    needs = f"install a release that has migration {beyond}."
    with pytest.raises(VaultError) as caught:
        Session.open("lead", populated)
    assert wanted in str(caught.value) and str(caught.value).endswith(needs)
    for command in (("upgrade",), ("vault", "verify"), ("log", "verify")):
        line = one_sentence(cli(*command, home=populated))
        assert wanted in line and line.endswith(needs), line
    assert schema(populated) == before
    assert not (populated / "backups").exists()  # nothing taken, nothing changed


@pytest.mark.not_on_postgres  # the migration they take away predates every PostgreSQL vault
def test_an_older_vault_is_refused_naming_the_command_until_it_is_upgraded(
    populated: Path, cli: Cli
) -> None:
    make_older(populated)
    before = schema(populated)
    with pytest.raises(VaultError) as caught:
        Session.open("lead", populated)
    said = str(caught.value)
    assert "made by an older release" in said and "migration 7 (concerns)" in said
    assert "run 'secure-records upgrade'" in said and "\n" not in said
    assert "secure-records upgrade" in one_sentence(cli("staff", "list", home=populated))
    assert schema(populated) == before  # refused, not migrated


@pytest.mark.not_on_postgres  # the migration they take away predates every PostgreSQL vault
def test_upgrade_takes_a_backup_first_then_migrates_and_logs_it(
    populated: Path, cli: Cli, tmp_path: Path
) -> None:
    make_older(populated)
    older = schema(populated)
    result = cli("upgrade", home=populated)
    no_traceback(result)
    assert result.code == 0, result
    assert "Migrations applied, in one transaction: 7 (concerns)." in result.out
    (backup,) = (populated / "backups").iterdir()
    assert f"Backup of the vault as it was: {backup}" in result.out
    assert backup.name.startswith("pre-upgrade-") and backup.name.endswith(".backup")
    assert stat.S_IMODE(backup.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert backup.read_bytes().startswith(b"SRBACKUP")  # one encrypted file, as `backup create`
    inside = tmp_path / "inside"
    inside.mkdir(mode=0o700)
    unpack(backup, inside)
    assert schema(inside) == older  # the vault as it was
    assert schema(populated)[1] == [(m.number, m.name) for m in migrations.MIGRATIONS]
    assert actions(populated)[-2:] == [LogAction.BACKUP_TAKEN, LogAction.VAULT_UPGRADED]
    for command in (("vault", "verify"), ("log", "verify")):
        assert cli(*command, home=populated).code == 0
    with Session.open("lead", populated) as lead:
        assert lead.records.open_record("R-0001").id == "R-0001"
    # `backup verify` reads it with this release, and says it is an older release's.
    verified = cli("backup", "verify", backup)
    assert verified.code == 0, verified
    assert "taken by an older release" in verified.out and "migrations 7 concerns" in verified.out
    # Restored, it is the vault as it was, brought up to this release in the new home.
    target = tmp_path / "restored"
    restored = cli("backup", "restore", backup, "--home", target, home=populated)
    assert restored.code == 0, restored
    assert "brought up to this one (migrations 7 concerns)" in restored.out
    assert schema(target)[1] == schema(populated)[1]
    assert {LogAction.RESTORED, LogAction.VAULT_UPGRADED} <= set(actions(target)[-3:])
    assert cli("log", "verify", home=target).code == 0
    with Session.open("alice", target) as alice:
        assert alice.records.open_record("R-0002").id == "R-0002"
    again = cli("upgrade", home=populated)
    assert again.code == 0 and "already up to date" in again.out
    assert len(list((populated / "backups").iterdir())) == 1  # none taken for nothing


@pytest.mark.not_on_postgres  # the migration they take away predates every PostgreSQL vault
def test_a_migration_that_fails_leaves_the_vault_as_it_was(
    populated: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_older(populated)
    before = schema(populated)
    log_before = (populated / "audit.log").read_bytes()
    breaks = Migration(
        migrations.LATEST + 1,
        "breaks",
        "CREATE TABLE half_done (x INTEGER); INSERT INTO no_such_table VALUES (1)",
    )
    known = migrations.MIGRATIONS
    monkeypatch.setattr(migrations, "MIGRATIONS", (*known, breaks))
    line = one_sentence(cli("upgrade", home=populated))
    assert f"Migration {breaks.number} (breaks) could not be applied" in line
    assert "nothing was changed" in line
    # Migration 7 ran before the one that failed, in the same transaction: undone too.
    assert schema(populated) == before
    assert (populated / "audit.log").read_bytes() == log_before
    assert len(list((populated / "backups").iterdir())) == 1  # the backup came first
    monkeypatch.setattr(migrations, "MIGRATIONS", known)
    assert cli("upgrade", home=populated).code == 0
    assert "concerns" in {name for name, _ in schema(populated)[0]}


def seal_without(home: Path, tmp_path: Path, cli: Cli, table: str, file: str) -> None:
    """A vault whose sealed policy predates `[table]` in `file`: applied as a release
    without it would have applied it."""
    older = Path(shutil.copytree(home / "policies", tmp_path / "older-policy"))
    text = (older / file).read_text(encoding="utf-8")
    start = text.index(f"[{table}]")
    end = text.index("\n[", start)
    (older / file).write_text(text[:start] + text[end + 1 :], encoding="utf-8")
    assert cli("policy", "apply", older, "--yes", home=home).code == 0


def test_policy_tables_new_in_this_release_are_added_with_defaults_and_logged(
    populated: Path, tmp_path: Path, cli: Cli
) -> None:
    seal_without(populated, tmp_path, cli, "restricted", "oversight.toml")
    result = cli("upgrade", home=populated)
    no_traceback(result)
    assert result.code == 0, result
    assert "Policy: added oversight.toml [restricted]." in result.out
    assert "Migrations applied" not in result.out  # the schema was already current
    text = (populated / "policies" / "oversight.toml").read_text(encoding="utf-8")
    assert "[restricted]\n" in text and "emergency_access_minutes = 60" in text
    with Administration.open(populated) as admin:  # sealed: every door opens it
        applied = [
            e
            for e in admin.vault.log.entries(personal=False)
            if e.action == LogAction.POLICY_APPLIED
        ][-1]
    assert applied.details["changes"][0] == "added: oversight.toml [restricted]"
    assert applied.details["old_matched_seal"] is True
    assert cli("vault", "verify", home=populated).code == 0


def test_a_policy_file_new_in_this_release_is_added_and_logged(populated: Path, cli: Cli) -> None:
    """A release that makes a new policy file: the vault sealed without one (as an
    older release left it) is refused by sessions, naming `upgrade`, which adds it."""
    with Administration.open(populated) as admin:
        files = {p.name: p.read_bytes() for p in (populated / "policies").glob("*.toml")}
        del files["session.toml"]
        with admin.recorded(LogAction.VAULT_SEALED):
            admin.vault.policy_seal.write(files)
    (populated / "policies" / "session.toml").unlink()
    with pytest.raises(VaultError) as caught:
        Session.open("lead", populated)
    assert "does not read with this release" in str(caught.value)
    assert "run 'secure-records upgrade'" in str(caught.value)
    result = cli("upgrade", home=populated)
    assert result.code == 0, result
    assert "Policy: added session.toml (new in this release, with its defaults)." in result.out
    assert (populated / "policies" / "session.toml").is_file()
    with Session.open("lead", populated) as lead:
        assert lead.records.open_record("R-0003").id == "R-0003"
    if on_postgres(populated):  # its backups are the server's: upgrade takes none
        assert not (populated / "backups").exists()
        return
    # Its backup, restored, gains the file again, logged and sealed, and opens.
    (backup,) = (populated / "backups").iterdir()
    target = populated.parent / "restored"
    restored = cli("backup", "restore", backup, "--home", target, home=populated)
    assert restored.code == 0, restored
    assert (target / "policies" / "session.toml").is_file()
    with Session.open("lead", target) as lead:
        assert lead.records.open_record("R-0003").id == "R-0003"
