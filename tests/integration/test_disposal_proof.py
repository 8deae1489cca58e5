"""A disposal is carried out only when the log proves it (issue 15, item 3).

A `disposals` row edited by someone who can write the file but not reach the keyring
no longer matches its seal (item 1). But someone holding the keys can write a row
that does, without writing the log: the log's entries are chained and sealed, so the
proposal, the approval by someone else, both by roles that may, and that the record
is due and not held, are all checked at the moment of erasing. Most tests here forge
the row that way, so that it is the log's proof that refuses.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from secure_records.admin import Administration
from secure_records.admin.administration import default_policy_dir
from secure_records.core.errors import AccessRefused, IntegrityError
from secure_records.core.log_actions import LogAction
from secure_records.core.statuses import DisposalStatus
from secure_records.session import Session
from secure_records.vault.rows import DisposalRow
from tests.conftest import canaries, canary_row, write_jsonl
from tests.support.cli import run, subprocess_env
from tests.support.in_process import Cli, no_traceback
from tests.support.insider import insider, resealed
from tests.support.raw_db import behind_the_back

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
    with behind_the_back(home) as db:
        db.execute(statement, params)


def sql_with_keys(home: Path, disposal_id: str, statement: str, *params: str) -> None:
    """The same edit of one disposal by someone holding the vault's keys: the row is
    sealed again, and nothing is written to the log."""
    with insider(home) as store, resealed(store, "disposals", {"id": disposal_id}) as db:
        db.execute(statement, params)


def refused(home: Path, disposal_id: str) -> str:
    """What IT's session is told on carrying out `disposal_id`; it must be refused."""
    with Session.open("it", home) as it, pytest.raises(AccessRefused) as caught:
        it.retention.execute_disposal(disposal_id)
    return str(caught.value)


def forged(disposal_id: str, record_id: str) -> dict[str, Any]:
    return {
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
    }


def forge_approved(home: Path, disposal_id: str, record_id: str) -> None:
    """What someone with write access to the files, and no keyring, can do."""
    values = forged(disposal_id, record_id)
    names = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    sql(home, f"INSERT INTO disposals ({names}) VALUES ({marks})", *values.values())  # noqa: S608


def forge_approved_with_keys(home: Path, disposal_id: str, record_id: str) -> None:
    """What someone holding the vault's keys can do without the log: a sealed row."""
    values = forged(disposal_id, record_id)
    status = DisposalStatus(values.pop("status"))
    with insider(home) as store:
        store.add_disposal(DisposalRow(**values, status=status))


def still_there(home: Path, record_id: str) -> bool:
    with Administration.open(home) as admin:
        return admin.vault.read_record(record_id, ["name"]) is not None


def seal_refusals(home: Path) -> list[dict[str, object]]:
    with Administration.open(home) as admin:
        return [
            dict(e.details) for e in admin.vault.log.entries() if e.action == LogAction.SEAL_BROKEN
        ]


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

    # The row carries no seal the attacker could make: refused before the log is asked.
    assert result.code != 0, result
    assert "Traceback" not in result.out + result.err
    assert "erased" not in result.out and "carried out" not in result.out
    assert "secure-records: The vault's disposals row X-forged has no seal" in result.err
    for value in canaries(canary_row(CHILD, ["alice"])).values():
        assert value not in result.out + result.err
    assert still_there(home, CHILD)
    with behind_the_back(home) as db:  # left for a person to look at
        statuses = db.execute("SELECT id, status FROM disposals").fetchall()
    assert statuses == [("X-forged", "approved")]
    certificate = run(["--home", str(home), "disposal", "certificate", "X-forged"], env)
    assert certificate.code != 0 and "DISPOSAL CERTIFICATE" not in certificate.out
    assert "disposals row X-forged" in certificate.err
    assert seal_refusals(home) == [{"table": "disposals", "row": "X-forged"}] * 2
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


def test_a_forged_approved_row_sealed_with_the_keys_erases_nothing_and_certifies_nothing(
    vault: Path, cli: Cli
) -> None:
    """The same attack by someone holding the keys: the row's seal matches, the log
    has no proposal."""
    forge_approved_with_keys(vault, "X-forged", CHILD)

    result = cli("disposal", "run", home=vault)

    no_traceback(result)
    assert result.code != 0
    assert result.out == "0 disposals carried out.\n"
    assert result.problems == ["X-forged has no proposal in the log; it is not carried out."]
    for value in canaries(canary_row(CHILD, ["alice"])).values():
        assert value not in result.out + "".join(result.problems)
    assert still_there(vault, CHILD)
    with Administration.open(vault) as admin:
        assert admin.certificates() == []
        row = admin.vault.store.disposal("X-forged")
        assert row is not None and row.status == "approved"  # left for a person to look at
    certificate = cli("disposal", "certificate", "X-forged", home=vault)
    assert certificate.code != 0 and "DISPOSAL CERTIFICATE" not in certificate.out
    assert refusals(vault) == [
        {
            "disposal": "X-forged",
            "record": CHILD,
            "refused": "X-forged has no proposal in the log; it is not carried out.",
        }
    ]
    with Administration.open(vault) as admin:
        assert admin.verify_log().intact


def test_one_refusal_does_not_stop_a_proven_disposal(vault: Path, cli: Cli) -> None:
    forge_approved_with_keys(vault, "X-forged", CHILD)
    real = propose_and_approve(vault, ADULT)

    result = cli("disposal", "run", home=vault)

    no_traceback(result)
    assert result.code != 0
    assert f"{real}: record {ADULT} erased; " in result.out
    assert result.out.endswith("1 disposal carried out.\n")
    assert result.problems == ["X-forged has no proposal in the log; it is not carried out."]
    assert still_there(vault, CHILD) and not still_there(vault, ADULT)


def test_a_row_approved_without_the_log_after_a_real_proposal_has_no_approval(
    vault: Path,
) -> None:
    with Session.open("it", vault) as it:
        disposal_id = it.retention.propose_disposal(ADULT, REASON)
    with insider(vault) as store:
        at = "2026-11-02T10:00:00+00:00"
        assert store.review_disposal(disposal_id, DisposalStatus.APPROVED, "lead", at)

    said = refused(vault, disposal_id)

    assert said == f"{disposal_id} has no approval in the log; it is not carried out."
    assert still_there(vault, ADULT)
    assert [r["disposal"] for r in refusals(vault)] == [disposal_id]
    with Administration.open(vault) as admin:
        assert admin.certificates() == []
        assert admin.verify_log().intact


def test_a_proven_disposal_moved_onto_another_record_is_refused(vault: Path) -> None:
    disposal_id = propose_and_approve(vault, ADULT)
    move = "UPDATE disposals SET record_id = ? WHERE id = ?"
    sql_with_keys(vault, disposal_id, move, CHILD, disposal_id)

    said = refused(vault, disposal_id)

    assert said == f"{disposal_id} does not match its proposal in the log; it is not carried out."
    assert still_there(vault, CHILD) and still_there(vault, ADULT)


def test_a_certificate_cannot_be_made_to_name_someone_else(vault: Path) -> None:
    disposal_id = propose_and_approve(vault, ADULT)
    rename = "UPDATE disposals SET approved_by = 'auditor' WHERE id = ?"
    sql_with_keys(vault, disposal_id, rename, disposal_id)

    said = refused(vault, disposal_id)

    assert said == f"{disposal_id} does not match its approval in the log; it is not carried out."
    assert still_there(vault, ADULT)


def test_a_proven_disposal_edited_in_sqlite_is_refused_by_its_seal(vault: Path) -> None:
    disposal_id = propose_and_approve(vault, ADULT)
    sql(vault, "UPDATE disposals SET approved_by = 'auditor' WHERE id = ?", disposal_id)

    with Session.open("it", vault) as it, pytest.raises(IntegrityError) as caught:
        it.retention.execute_disposal(disposal_id)

    message = str(caught.value)
    assert message.startswith(f"The vault's disposals row {disposal_id} does not match its seal")
    assert "auditor" not in message and "\n" not in message
    assert still_there(vault, ADULT)
    assert seal_refusals(vault) == [{"table": "disposals", "row": disposal_id}]


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


def test_a_due_date_edited_without_the_log_does_not_make_a_record_due(vault: Path) -> None:
    disposal_id = propose_and_approve(vault, CHILD, today=date(2040, 1, 1))
    redate = "UPDATE disposals SET due = ? WHERE id = ?"
    sql_with_keys(vault, disposal_id, redate, "2020-03-31", disposal_id)

    # The row's due date must be the one proposed (the certificate prints it), and
    # whether the record is due is worked out from its own date of birth anyway.
    mismatch = f"{disposal_id} does not match its proposal in the log; it is not carried out."
    assert refused(vault, disposal_id) == mismatch
    with Administration.open(vault) as admin:
        assert admin.run_disposals() == ([], [mismatch])
    sql_with_keys(vault, disposal_id, redate, "2038-06-30", disposal_id)
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
    proposer = "UPDATE disposals SET proposed_by = ? WHERE id = ?"
    sql_with_keys(home, disposal_id, proposer, "it", disposal_id)
    with Session.open("lead", home) as lead:
        lead.retention.review_disposal(disposal_id, True, REASON)

    with Administration.open(home) as admin:
        done, refused = admin.run_disposals()
    assert done == []
    assert refused == [
        f"{disposal_id} does not match its proposal in the log; it is not carried out."
    ]
    # And with the row put back as the log has it, the same person is named.
    sql_with_keys(home, disposal_id, proposer, "lead", disposal_id)
    with Administration.open(home) as admin:
        done, refused = admin.run_disposals()
    assert done == []
    assert refused == [
        f"{disposal_id} was proposed and approved by the same person (lead); it is not carried out."
    ]
    assert still_there(home, ADULT)
    assert len(refusals(home)) == 2
