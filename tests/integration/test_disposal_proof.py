"""A disposal is carried out only when the log proves it (issue 15, item 3).

The `disposals` table is a plain SQLite row anyone who can write the file can edit;
the log's entries are sealed under a key the file alone does not give. So the
proposal, the approval by someone else, both by roles that may, and that the
record is due and not held, are all checked at the moment of erasing.
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from secure_records.admin import Administration
from secure_records.admin.administration import default_policy_dir
from secure_records.core.errors import AccessRefused
from secure_records.core.log_actions import LogAction
from secure_records.session import Session
from tests.conftest import canaries, canary_row, write_jsonl
from tests.support.cli import run, subprocess_env
from tests.support.in_process import Cli, no_traceback

REASON = "a reason long enough to record"
CHILD = "R-0001"  # a child born 2013: not due for review until 2038
ADULT = "R-0002"  # an adult whose case closed in 2015: due since 2021


def adult_row(rid: str) -> dict[str, object]:
    row = canary_row(rid, ["alice"])
    row["category"] = "vulnerable_adult"
    row["case_closed"] = "2015-01-01"
    return row


def seed(home: Path, staff: tuple[tuple[str, str], ...] = ()) -> None:
    with Administration.open(home) as admin:
        for name, role in staff:
            admin.add_staff(name, role)
        rows = [canary_row(CHILD, ["alice"]), adult_row(ADULT)]
        admin.import_file(write_jsonl(home.parent / "records.jsonl", rows))


def sql(home: Path, statement: str, *params: str) -> None:
    """A real edit of the vault's database file, as an attacker would make it."""
    db = sqlite3.connect(home / "vault.db")
    with db:
        db.execute(statement, params)
    db.close()


def refused(home: Path, disposal_id: str) -> str:
    """What IT's session is told on carrying out `disposal_id`; it must be refused."""
    with Session.open("it", home) as it, pytest.raises(AccessRefused) as caught:
        it.retention.execute_disposal(disposal_id)
    return str(caught.value)


def forge_approved(home: Path, disposal_id: str, record_id: str, **row: str) -> None:
    """What someone with write access to the files, and no keyring, can do."""
    values = {
        "id": disposal_id,
        "record_id": record_id,
        "category": "child",
        "rule": "children",
        "due": "2020-03-31",
        "status": "approved",
        "proposed_by": "it",
        "proposed_at": "2026-11-01T10:00:00+00:00",
        "approved_by": "lead",
        "approved_at": "2026-11-02T10:00:00+00:00",
    } | row
    names = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    sql(home, f"INSERT INTO disposals ({names}) VALUES ({marks})", *values.values())  # noqa: S608


def still_there(home: Path, record_id: str) -> bool:
    with Administration.open(home) as admin:
        return admin.vault.read_record(record_id, ["name"]) is not None


def refusals(home: Path) -> list[dict[str, object]]:
    with Administration.open(home) as admin:
        return [
            dict(e.details, record=e.record_id)
            for e in admin.vault.log.entries()
            if e.action == LogAction.DISPOSAL_REFUSED
        ]


def test_a_forged_approved_row_erases_nothing_and_certifies_nothing(
    file_keyring_home: Path, tmp_path: Path
) -> None:
    """The attack as written in the issue: a real edit of the vault's file, and the
    real `secure-records disposal run` in its own process."""
    home = file_keyring_home
    seed(home, (("alice", "caseworker"), ("it", "it"), ("lead", "safeguarding_lead")))
    forge_approved(home, "X-forged", CHILD)
    env = subprocess_env(tmp_path)

    result = run(["--home", str(home), "disposal", "run"], env)

    assert result.code != 0, result
    assert "Traceback" not in result.out + result.err
    assert "erased" not in result.out
    assert result.out == "0 disposal(s) carried out.\n"
    assert "X-forged has no proposal in the log; it is not carried out." in result.err
    for value in canaries(canary_row(CHILD, ["alice"])).values():
        assert value not in result.out + result.err
    assert still_there(home, CHILD)
    with Administration.open(home) as admin:
        assert admin.certificates() == []
        row = admin.vault.store.disposal("X-forged")
        assert row is not None and row.status == "approved"  # left for a person to look at
    certificate = run(["--home", str(home), "disposal", "certificate", "X-forged"], env)
    assert certificate.code != 0 and "DISPOSAL CERTIFICATE" not in certificate.out
    assert refusals(home) == [
        {
            "disposal": "X-forged",
            "record": CHILD,
            "refused": "X-forged has no proposal in the log; it is not carried out.",
        }
    ]
    verify = run(["--home", str(home), "log", "verify"], env)
    assert verify.code == 0 and verify.out.startswith("intact: "), verify


@pytest.fixture
def vault(home: Path) -> Path:
    seed(home)
    return home


def propose_and_approve(home: Path, record_id: str, today: date | None = None) -> str:
    with Session.open("it", home) as it:
        disposal_id = it.retention.propose_disposal(record_id, REASON, today=today)
    with Session.open("lead", home) as lead:
        lead.retention.review_disposal(disposal_id, True, REASON)
    return disposal_id


def test_one_refusal_does_not_stop_a_proven_disposal(vault: Path, cli: Cli) -> None:
    forge_approved(vault, "X-forged", CHILD)
    real = propose_and_approve(vault, ADULT)

    result = cli("disposal", "run", home=vault)

    no_traceback(result)
    assert result.code != 0
    assert f"{real}: record {ADULT} erased; " in result.out
    assert result.out.endswith("1 disposal(s) carried out.\n")
    assert result.problems == ["X-forged has no proposal in the log; it is not carried out."]
    assert still_there(vault, CHILD) and not still_there(vault, ADULT)


def test_a_row_approved_in_sqlite_after_a_real_proposal_has_no_approval(vault: Path) -> None:
    with Session.open("it", vault) as it:
        disposal_id = it.retention.propose_disposal(ADULT, REASON)
    approve = "UPDATE disposals SET status = 'approved', approved_by = 'lead' WHERE id = ?"
    sql(vault, approve, disposal_id)

    said = refused(vault, disposal_id)

    assert said == f"{disposal_id} has no approval in the log; it is not carried out."
    assert still_there(vault, ADULT)
    assert [r["disposal"] for r in refusals(vault)] == [disposal_id]
    with Administration.open(vault) as admin:
        assert admin.certificates() == []
        assert admin.verify_log().intact


def test_a_proven_disposal_moved_onto_another_record_in_sqlite_is_refused(vault: Path) -> None:
    disposal_id = propose_and_approve(vault, ADULT)
    sql(vault, "UPDATE disposals SET record_id = ? WHERE id = ?", CHILD, disposal_id)

    said = refused(vault, disposal_id)

    assert said == f"{disposal_id} does not match its proposal in the log; it is not carried out."
    assert still_there(vault, CHILD) and still_there(vault, ADULT)


def test_a_certificate_cannot_be_made_to_name_someone_else(vault: Path) -> None:
    disposal_id = propose_and_approve(vault, ADULT)
    sql(vault, "UPDATE disposals SET approved_by = 'auditor' WHERE id = ?", disposal_id)

    said = refused(vault, disposal_id)

    assert said == f"{disposal_id} does not match its approval in the log; it is not carried out."
    assert still_there(vault, ADULT)


def test_a_record_not_yet_due_is_refused_even_with_a_real_proposal_and_approval(
    vault: Path,
) -> None:
    # Proposed as if it were 2040 (the child's review is due in 2038): the proposal
    # and the approval are real entries, but today the record is not due.
    disposal_id = propose_and_approve(vault, CHILD, today=date(2040, 1, 1))

    said = refused(vault, disposal_id)

    assert said == (
        f"{disposal_id} is for record {CHILD}, which is not due until 2038-06-30; "
        "it is not carried out."
    )
    assert still_there(vault, CHILD)
    assert [r["disposal"] for r in refusals(vault)] == [disposal_id]


def test_a_due_date_edited_in_sqlite_does_not_make_a_record_due(vault: Path) -> None:
    disposal_id = propose_and_approve(vault, CHILD, today=date(2040, 1, 1))
    sql(vault, "UPDATE disposals SET due = '2020-03-31' WHERE id = ?", disposal_id)

    # The row's due date must be the one proposed (the certificate prints it), and
    # whether the record is due is worked out from its own date of birth anyway.
    mismatch = f"{disposal_id} does not match its proposal in the log; it is not carried out."
    assert refused(vault, disposal_id) == mismatch
    with Administration.open(vault) as admin:
        assert admin.run_disposals() == ([], [mismatch])
    sql(vault, "UPDATE disposals SET due = '2038-06-30' WHERE id = ?", disposal_id)
    assert "which is not due until 2038-06-30" in refused(vault, disposal_id)
    assert still_there(vault, CHILD)


def lead_also_proposes(tmp_path: Path) -> Path:
    """A policy (chosen at init, a legitimate path) whose leads may also propose."""
    policies = tmp_path / "policies"
    shutil.copytree(default_policy_dir(), policies)
    roles = policies / "roles.toml"
    approves = '    "approve_disposal",\n'
    text = roles.read_text(encoding="utf-8")
    roles.write_text(text.replace(approves, approves + '    "propose_disposal",\n'), "utf-8")
    return policies


def test_a_proposal_and_approval_by_the_same_person_is_refused(
    tmp_path: Path, memory_keyring: object
) -> None:
    home = tmp_path / "vault"
    with Administration.init(home, lead_also_proposes(tmp_path)) as admin:
        for name, role in (("alice", "caseworker"), ("it", "it"), ("lead", "safeguarding_lead")):
            admin.add_staff(name, role)
    seed(home)
    with Session.open("lead", home) as lead:
        disposal_id = lead.retention.propose_disposal(ADULT, REASON)
    # The app refuses a proposer's own approval by the row's proposed_by: edit it.
    sql(home, "UPDATE disposals SET proposed_by = 'it' WHERE id = ?", disposal_id)
    with Session.open("lead", home) as lead:
        lead.retention.review_disposal(disposal_id, True, REASON)

    with Administration.open(home) as admin:
        done, refused = admin.run_disposals()
    assert done == []
    assert refused == [
        f"{disposal_id} does not match its proposal in the log; it is not carried out."
    ]
    # And with the row put back as the log has it, the same person is named.
    sql(home, "UPDATE disposals SET proposed_by = 'lead' WHERE id = ?", disposal_id)
    with Administration.open(home) as admin:
        done, refused = admin.run_disposals()
    assert done == []
    assert refused == [
        f"{disposal_id} was proposed and approved by the same person (lead); it is not carried out."
    ]
    assert still_there(home, ADULT)
    assert len(refusals(home)) == 2
