"""The policy is sealed: the vault's policy files change only through a logged
`policy apply`; edited by hand, every door but the way back refuses them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from secure_records.admin import Administration
from secure_records.cli import vault_setup
from secure_records.core.errors import SecureRecordsError
from secure_records.core.log_actions import LogAction
from secure_records.session import Session
from secure_records.vault.log import LogEntry
from secure_records.vault.seals import policy_hash
from tests.support.in_process import Cli, Out, no_traceback
from tests.support.raw_db import behind_the_back, own_database

CASEWORKER_NHS = 'nhs_number = { rule = "masked", form = "last4" }'


def edit_roles_as_the_issue_says(policies: Path) -> None:
    """The attack of issue 15: caseworkers see every record and full NHS numbers."""
    roles = policies / "roles.toml"
    text = roles.read_text(encoding="utf-8")
    caseworker = text.index("[roles.caseworker]")
    lead = text.index("[roles.safeguarding_lead]")
    part = (
        text[caseworker:lead]
        .replace('scope = "caseload"', 'scope = "all"', 1)
        .replace(CASEWORKER_NHS, 'nhs_number = "visible"', 1)
    )
    assert part != text[caseworker:lead]
    roles.write_text(text[:caseworker] + part + text[lead:], encoding="utf-8")


def widened_copy(home: Path, tmp_path: Path) -> Path:
    """The same attack, as a policy directory for `policy apply`."""
    changed = Path(shutil.copytree(home / "policies", tmp_path / "widened"))
    edit_roles_as_the_issue_says(changed)
    return changed


def entries(home: Path, action: LogAction) -> list[LogEntry]:
    with Administration.open(home, any_policy=True) as admin:
        return [e for e in admin.read_log() if e.action == action]


def files(home: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((home / "policies").iterdir())}


def one_sentence(result: Out, code: int, needle: str) -> None:
    no_traceback(result)
    assert result.code == code, result
    assert result.problems and len(result.problems) == 1, result.err
    assert needle in result.problems[0], result.err


def forget_the_seal(home: Path) -> None:
    """A vault as made before policies were sealed."""
    with behind_the_back(home) as db:
        db.execute("DELETE FROM meta WHERE key IN ('policy_seal', 'policy_hash')")


# ---------------------------------------------------------------- the attack


def test_a_hand_edited_roles_file_refuses_the_next_caseworker_session(populated: Path) -> None:
    edit_roles_as_the_issue_says(populated / "policies")
    shown: list[str] = []
    with pytest.raises(SecureRecordsError) as refused, Session.open("alice", populated) as session:
        shown = [s.id for s in session.records.matching()]
        shown += [str(session.records.open_record("R-0003"))]
    assert shown == []
    assert "do not match the vault's seal" in str(refused.value)
    assert "policy apply" in str(refused.value)
    (logged,) = entries(populated, LogAction.SESSION_REFUSED)
    assert logged.actor == "alice"
    assert "do not match the vault's seal" in logged.details["why"]


@pytest.mark.parametrize(
    "argv",
    [
        ["staff", "list"],
        ["staff", "add", "zed", "--role", "caseworker"],
        ["disposal", "run"],
        ["key", "rotate"],
        ["log", "show"],
        ["session", "alice"],
    ],
)
def test_every_door_refuses_an_edited_policy_in_one_sentence(
    cli: Cli, populated: Path, argv: list[str]
) -> None:
    edit_roles_as_the_issue_says(populated / "policies")
    result = cli(*argv, home=populated)
    one_sentence(result, 1, "do not match the vault's seal")
    assert "CANARY" not in result.out + result.err


def test_log_verify_and_policy_apply_still_run_on_an_edited_policy(
    cli: Cli, populated: Path, tmp_path: Path
) -> None:
    shipped = Path(shutil.copytree(populated / "policies", tmp_path / "good"))
    edit_roles_as_the_issue_says(populated / "policies")
    assert cli("log", "verify", home=populated).code == 0
    # The way back: the good policy, applied, and the doors open again.
    applied = cli("policy", "apply", shipped, "--yes", home=populated)
    assert applied.code == 0, applied
    assert "narrows: caseworker: scope narrows from all records to their caseload" in applied.out
    assert files(populated) == {p.name: p.read_bytes() for p in sorted(shipped.iterdir())}
    with Session.open("alice", populated) as session:
        assert [s.id for s in session.records.matching()] == ["R-0001", "R-0002"]
    (logged,) = entries(populated, LogAction.POLICY_APPLIED)
    assert logged.details["old_matched_seal"] is False


# ---------------------------------------------------------------- policy apply


def test_policy_apply_says_what_widens_logs_both_hashes_and_reseals(
    cli: Cli, populated: Path, tmp_path: Path
) -> None:
    with Session.open("alice", populated):
        pass
    (started,) = entries(populated, LogAction.SESSION_STARTED)
    old_hash = started.details["policy_hash"]
    assert len(old_hash) == 64
    result = cli("policy", "apply", widened_copy(populated, tmp_path), "--yes", home=populated)
    assert result.code == 0, result
    assert "widens: caseworker: scope widens from their caseload to all records" in result.out
    assert "widens: caseworker: NHS number widens from masked to visible" in result.out
    (logged,) = entries(populated, LogAction.POLICY_APPLIED)
    assert logged.details["old_hash"] == old_hash
    new_hash = logged.details["new_hash"]
    assert new_hash != old_hash
    assert "caseworker: NHS number widens from masked to visible" in " ".join(
        logged.details["changes"]
    )
    # Sealed anew: the applied policy is the one sessions now run on.
    with Session.open("alice", populated) as session:
        assert [s.id for s in session.records.matching()] == ["R-0001", "R-0002", "R-0003"]
    assert entries(populated, LogAction.SESSION_STARTED)[-1].details["policy_hash"] == new_hash


def test_policy_apply_says_what_narrows(cli: Cli, populated: Path, tmp_path: Path) -> None:
    changed = Path(shutil.copytree(populated / "policies", tmp_path / "narrowed"))
    roles = changed / "roles.toml"
    roles.write_text(roles.read_text().replace('"record_consent", "share"]', '"share"]', 1))
    result = cli("policy", "apply", changed, "--yes", home=populated)
    assert result.code == 0, result
    assert "narrows: caseworker: may no longer record consent" in result.out


def test_policy_apply_without_a_terminal_or_yes_refuses_and_changes_nothing(
    cli: Cli, populated: Path, tmp_path: Path
) -> None:
    before = files(populated)
    result = cli("policy", "apply", widened_copy(populated, tmp_path), home=populated)
    no_traceback(result)
    assert result.code == 1
    assert "widens: caseworker: scope widens" in result.out  # shown before refusing
    # (After the shipped policy's warnings: reception's lookup is an oracle on purpose.)
    assert [p for p in result.problems if not p.startswith("warning: ")] == [
        "policy apply asks for confirmation and there is no terminal to ask at; nothing "
        "was changed (pass --yes to apply from a script)."
    ]
    assert files(populated) == before
    assert entries(populated, LogAction.POLICY_APPLIED) == []


@pytest.mark.parametrize(("answer", "applied"), [("y\n", True), ("n\n", False)])
def test_policy_apply_at_a_terminal_asks_first(
    cli: Cli,
    populated: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    answer: str,
    applied: bool,
) -> None:
    monkeypatch.setattr(vault_setup, "stdin_is_terminal", lambda: True)
    before = files(populated)
    result = cli("policy", "apply", widened_copy(populated, tmp_path), home=populated, stdin=answer)
    no_traceback(result)
    assert "Apply this policy to the vault?" in result.out
    assert (result.code == 0) is applied
    assert (files(populated) != before) is applied
    assert len(entries(populated, LogAction.POLICY_APPLIED)) == int(applied)


def test_applying_the_same_policy_says_so_and_changes_nothing(cli: Cli, populated: Path) -> None:
    same = populated.parent / "same"
    shutil.copytree(populated / "policies", same)
    result = cli("policy", "apply", same, "--yes", home=populated)
    assert result.code == 0
    assert "already has this policy" in result.out
    assert "nothing was changed" in result.out
    assert entries(populated, LogAction.POLICY_APPLIED) == []


@pytest.mark.parametrize("bad", ["missing", "invalid"])
def test_policy_apply_of_a_bad_directory_is_named_and_changes_nothing(
    cli: Cli, populated: Path, tmp_path: Path, bad: str
) -> None:
    before = files(populated)
    directory = tmp_path / "nowhere"
    if bad == "invalid":
        directory = widened_copy(populated, tmp_path)
        roles = directory / "roles.toml"
        roles.write_text(roles.read_text().replace('"share"]', '"share", "fly"]', 1))
    result = cli("policy", "apply", directory, "--yes", home=populated)
    one_sentence(result, 2, str(directory))
    assert files(populated) == before
    assert entries(populated, LogAction.POLICY_APPLIED) == []


def test_policy_apply_needs_a_directory(cli: Cli, populated: Path) -> None:
    result = cli("policy", "apply", home=populated)
    no_traceback(result)
    assert result.code == 2
    assert "Missing argument 'DIRECTORY'" in result.err


# ---------------------------------------------------------------- an older vault


def test_an_older_vault_is_refused_until_vault_seal_which_works_once(
    cli: Cli, populated: Path
) -> None:
    forget_the_seal(populated)
    for argv in (["session", "alice"], ["staff", "list"], ["disposal", "run"]):
        one_sentence(cli(*argv, home=populated), 1, "'secure-records vault seal'")
    sealed = cli("vault", "seal", home=populated)
    assert sealed.code == 0, sealed
    assert "sealed" in sealed.out
    (logged,) = entries(populated, LogAction.VAULT_SEALED)
    assert len(logged.details["policy_hash"]) == 64
    assert cli("staff", "list", home=populated).code == 0
    # Never again: a second seal could launder a hand-edited policy.
    edit_roles_as_the_issue_says(populated / "policies")
    one_sentence(cli("vault", "seal", home=populated), 2, "already sealed")
    one_sentence(cli("session", "alice", home=populated), 1, "do not match the vault's seal")
    assert len(entries(populated, LogAction.VAULT_SEALED)) == 1


def test_vault_seal_refuses_a_policy_that_does_not_parse(cli: Cli, populated: Path) -> None:
    forget_the_seal(populated)
    roles = populated / "policies" / "roles.toml"
    roles.write_text(roles.read_text().replace('"share"]', '"share", "fly"]', 1))
    one_sentence(cli("vault", "seal", home=populated), 2, f"{roles}: roles.caseworker.actions")
    assert entries(populated, LogAction.VAULT_SEALED) == []


def test_a_recomputed_hash_or_another_vaults_seal_does_not_open_an_edited_policy(
    populated: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    # A vault the attacker made with the same edited policy has its own seal key.
    other = tmp_path / "other"
    with own_database(request), Administration.init(other, widened_copy(populated, tmp_path)):
        pass
    edit_roles_as_the_issue_says(populated / "policies")
    # The hash is public arithmetic: the attacker can recompute it, not the seal.
    with behind_the_back(populated) as db:
        db.execute(
            "UPDATE meta SET value = ? WHERE key = 'policy_hash'",
            (policy_hash(files(populated)),),
        )
    with behind_the_back(other) as db:
        (forged,) = db.execute("SELECT value FROM meta WHERE key = 'policy_seal'").fetchone()
    with behind_the_back(populated) as db:
        db.execute("UPDATE meta SET value = ? WHERE key = 'policy_seal'", (forged,))
    with pytest.raises(SecureRecordsError, match="do not match the vault's seal"):
        Session.open("alice", populated)


def test_policy_apply_prints_a_label_with_controls_as_escapes(
    cli: Cli, populated: Path, tmp_path: Path
) -> None:
    """A label in the proposed files is untrusted text: an OSC sequence in it must not
    reach the administrator's terminal raw when the changes are listed."""
    changed = Path(widened_copy(populated, tmp_path))
    records = changed / "records.toml"
    records.write_text(
        records.read_text().replace(
            'label = "NHS number"', 'label = "NHS \\u001b]0;owned\\u0007number"', 1
        )
    )
    result = cli("policy", "apply", changed, "--yes", home=populated)
    assert result.code == 0, result
    assert "\x1b" not in result.out + result.err and "\x07" not in result.out + result.err
    assert "widens: caseworker: NHS" in result.out and "owned" in result.out
