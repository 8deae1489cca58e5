"""Retention, legal hold and disposal through Session and the vault (sections 6, 11)."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import psycopg
import pytest

from secure_records.admin import Administration
from secure_records.admin.upgrade import upgrade
from secure_records.core.errors import AccessRefused, BadInput
from secure_records.core.sharing import HowChoices, Requester, SharingFlow
from secure_records.session import Session
from secure_records.vault.log import DISPOSED
from tests.conftest import canaries, canary_row, write_jsonl
from tests.support.bases import basis
from tests.support.cli import REPO, subprocess_env
from tests.support.raw_db import behind_the_back, on_postgres, stored

TODAY = date(2026, 11, 30)
REASON = "a reason long enough to record"


def adult(rid: str, closed: str = "2015-01-01", assigned: list[str] | None = None) -> dict:  # type: ignore[type-arg]
    """An adult's record whose case closed long enough ago to be due for disposal."""
    row = canary_row(rid, assigned if assigned is not None else ["alice"])
    row["category"] = "vulnerable_adult"
    row["case_closed"] = closed
    return row


def import_rows(home: Path, rows: list[dict]) -> None:  # type: ignore[type-arg]
    with Administration.open(home) as admin:
        admin.import_file(write_jsonl(home.parent / f"import-{len(rows)}.jsonl", rows))


def approved(home: Path, rid: str) -> str:
    with Session.open("it", home) as it:
        disposal_id = it.retention.propose_disposal(rid, REASON, today=TODAY)
    with Session.open("lead", home) as lead:
        assert lead.retention.review_disposal(disposal_id, True, REASON).status == "approved"
    return disposal_id


@pytest.fixture
def due(home: Path) -> Path:
    """R-0001: an adult due for disposal, on alice's caseload; R-0002: a child, not due."""
    import_rows(home, [adult("R-0001"), canary_row("R-0002", ["alice"])])
    return home


def test_it_sees_what_is_due_and_nothing_a_record_holds(due: Path) -> None:
    with Session.open("it", due) as it:
        [item] = it.retention.retention_queue(TODAY)
    assert (item.record_id, item.category, item.rule, item.action) == (
        "R-0001",
        "vulnerable_adult",
        "adults",
        "dispose",
    )
    # Six years after 2015-01-01, rounded up to the quarter's end.
    assert item.due == date(2021, 3, 31)
    shown = repr(item)
    for value in canaries(adult("R-0001")).values():
        assert value not in shown
    assert "2015-01-01" not in shown  # the date it was worked out from


def test_a_child_is_due_for_review_at_25_rounded_so_the_birthday_is_not_given_away(
    home: Path,
) -> None:
    row = canary_row("R-0009", [])
    row["date_of_birth"] = "2001-05-17"
    import_rows(home, [row])
    with Session.open("it", home) as it:
        [item] = it.retention.retention_queue(TODAY)
        assert it.retention.retention_queue(date(2026, 6, 29)) == []
    assert (item.action, item.due) == ("review", date(2026, 6, 30))


def test_the_full_cycle_erases_the_record_and_certifies_it_without_personal_data(
    due: Path,
) -> None:
    disposal_id = approved(due, "R-0001")
    with Session.open("it", due) as it:
        certificate = it.retention.execute_disposal(disposal_id)
        assert it.retention.retention_queue(TODAY) == []
    assert (certificate.reference, certificate.rule, certificate.due) == (
        "R-0001",
        "adults",
        "2021-03-31",
    )
    assert (certificate.proposed_by, certificate.approved_by, certificate.executed_by) == (
        "it",
        "lead",
        "it",
    )
    assert "cryptographic erase" in certificate.method and "truncated" in certificate.method
    text = certificate.text()
    for value in canaries(adult("R-0001")).values():
        assert value not in text
    with Session.open("lead", due) as lead:
        with pytest.raises(AccessRefused):
            lead.records.open_record("R-0001")
        assert "R-0001" not in lead.records.listing_ids()
    with Administration.open(due) as admin:
        assert admin.verify_log().intact
        entries = admin.read_log("R-0001", None, None)
        disposed = next(e for e in entries if e.action == "record_disposed")
        assert disposed.seq == certificate.log_seq
        # What was logged about the person went with the record's key.
        assert any(e.personal == DISPOSED for e in entries)
        assert [c.id for c in admin.certificates()] == [disposal_id]


def test_after_disposal_no_file_of_the_vault_holds_the_record_in_any_form(due: Path) -> None:
    # Give the record a decision and a disclosure package too.
    with Session.open("alice", due) as alice:
        flow = SharingFlow(alice.policy.sharing)
        for _ in range(4):
            flow = flow.answer(True, REASON)
        policy = alice.policy.sharing
        how = HowChoices(("name",), (0,), True, policy.methods[0], basis(policy), True)
        asker = Requester("D. Example", "Nowhere School", "Lead", "01632 960000")
        package = alice.sharing.decide_sharing(
            "R-0001", asker, "Planning support for the next school term", flow, how
        ).package
    assert package is not None
    with Session.open("lead", due) as lead:  # a subject access report is kept too
        lead.oversight.subject_access_report("R-0001", "Request from the person, by letter")
    with behind_the_back(due) as db:
        wrapped, fields = db.execute(
            "SELECT wrapped_key, sealed_fields FROM records WHERE id = 'R-0001'"
        ).fetchone()
        sealed = [bytes(wrapped), bytes(fields)]
        for table in ("record_entries", "sharing_decisions", "outputs"):
            found = db.execute(f"SELECT sealed FROM {table} WHERE record_id = 'R-0001'")  # noqa: S608
            sealed += [bytes(s) for (s,) in found]
        outputs = db.execute("SELECT count(*) FROM outputs WHERE record_id = 'R-0001'")
        # The package and the report, sealed under the record's key.
        assert outputs.fetchone()[0] == 2
    planted = [v.encode() for v in canaries(adult("R-0001")).values()]

    # Every file of the vault; on PostgreSQL, every value of every row too.
    before = stored(due)
    assert all(blob in before for blob in sealed), "the test finds them while they exist"
    assert [value for value in planted if value in before] == []  # outputs kept sealed

    disposal_id = approved(due, "R-0001")
    with Session.open("it", due) as it:
        it.retention.execute_disposal(disposal_id)

    after = stored(due)
    assert [blob[:8].hex() for blob in sealed if blob in after] == []
    assert [value for value in planted if value in after] == []
    assert (due / "vault.db-wal").stat().st_size == 0 if (due / "vault.db-wal").exists() else True
    # With the key-encryption key, there is nothing left to open.
    with Administration.open(due) as admin:
        vault = admin.vault
        assert vault.store.record_key("R-0001") is None
        assert vault.read_record("R-0001", ["name"]) is None
    if not on_postgres(due):
        with behind_the_back(due) as check:
            assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_record_on_legal_hold_cannot_be_proposed_approved_or_erased(due: Path) -> None:
    disposal_id = approved(due, "R-0001")
    with Session.open("lead", due) as lead:
        with pytest.raises(BadInput, match="at least"):
            lead.retention.set_legal_hold("R-0001", "no")
        lead.retention.set_legal_hold("R-0001", "Independent inquiry into the 2014 placement")
        hold = lead.retention.legal_hold("R-0001")
        assert hold is not None and hold.reason.startswith("Independent inquiry")
    with Session.open("it", due) as it:
        with pytest.raises(AccessRefused, match="legal hold"):
            it.retention.execute_disposal(disposal_id)
        [item] = it.retention.retention_queue(TODAY)
        assert item.on_hold
    with Session.open("lead", due) as lead:
        assert lead.records.open_record("R-0001").id == "R-0001"  # still all there
        lead.retention.set_legal_hold("R-0001", "The inquiry has reported; hold lifted", hold=False)
    with Session.open("it", due) as it:
        assert it.retention.execute_disposal(disposal_id).reference == "R-0001"


def test_a_held_records_row_cannot_be_deleted_even_around_the_app(due: Path) -> None:
    with Session.open("lead", due) as lead:
        lead.retention.set_legal_hold("R-0001", "Litigation: claim issued against the charity")
    with behind_the_back(due) as db:
        if not on_postgres(due):
            db.execute("PRAGMA foreign_keys = ON")  # PostgreSQL's are always on
        with pytest.raises((sqlite3.IntegrityError, psycopg.IntegrityError)):
            db.execute("DELETE FROM records WHERE id = 'R-0001'")


def test_two_people_it_proposes_and_only_a_lead_approves(due: Path) -> None:
    with Session.open("it", due) as it:
        with pytest.raises(BadInput, match="not due"):
            it.retention.propose_disposal("R-0002", REASON, today=TODAY)
        disposal_id = it.retention.propose_disposal("R-0001", REASON, today=TODAY)
        with pytest.raises(BadInput, match="already has disposal"):
            it.retention.propose_disposal("R-0001", REASON, today=TODAY)
        with pytest.raises(AccessRefused):
            it.retention.review_disposal(disposal_id, True, REASON)
        with pytest.raises(BadInput, match="not an approved disposal"):
            it.retention.execute_disposal(disposal_id)
    for name in ("alice", "reception", "auditor"):
        with Session.open(name, due) as session:
            with pytest.raises(AccessRefused):
                session.retention.propose_disposal("R-0001", REASON, today=TODAY)
            with pytest.raises(AccessRefused):
                session.retention.review_disposal(disposal_id, True, REASON)
            with pytest.raises(AccessRefused):
                session.retention.execute_disposal(disposal_id)
    with Session.open("lead", due) as lead:
        with pytest.raises(AccessRefused):
            lead.retention.execute_disposal(disposal_id)
        keep = "Keep: the family's complaint is open"
        assert (
            lead.retention.review_disposal(disposal_id, False, keep, date(2027, 5, 1), TODAY).status
            == "rejected"
        )
    with Session.open("it", due) as it:
        # Kept: out of the queue until its next review (tests/integration/test_kept_at_review.py).
        assert it.retention.retention_queue(TODAY) == []
        [item] = it.retention.retention_queue(date(2027, 5, 1))
        assert item.disposal_id is None  # rejected: back to be proposed again, or not
    with Session.open("alice", due) as alice:
        assert alice.records.open_record("R-0001").id == "R-0001"


def test_only_a_lead_sets_a_legal_hold(due: Path) -> None:
    for name in ("alice", "it", "reception"):
        with Session.open(name, due) as session, pytest.raises(AccessRefused):
            session.retention.set_legal_hold(
                "R-0001", "Litigation: claim issued against the charity"
            )


@pytest.mark.not_on_postgres  # a PostgreSQL vault starts at migration 8: none predates it
def test_a_vault_from_before_retention_is_upgraded(home: Path) -> None:
    with behind_the_back(home) as db:
        db.execute("DROP TABLE legal_holds")
        db.execute("DROP TABLE disposals")
        db.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    upgrade(home)  # refused until then (tests/integration/test_upgrade.py)
    import_rows(home, [adult("R-0001")])
    assert approved(home, "R-0001").startswith("X-")


@pytest.mark.slow
def test_a_disposal_killed_at_any_moment_leaves_each_record_whole_or_gone(
    file_keyring_home: Path, tmp_path: Path
) -> None:
    home = file_keyring_home
    with Administration.open(home) as admin:
        for name, role in (("it", "it"), ("lead", "safeguarding_lead")):
            admin.add_staff(name, role)
    rows = [adult(f"R-{n:04d}", assigned=[]) for n in range(12)]
    import_rows(home, rows)
    pending = {row["id"]: approved(home, str(row["id"])) for row in rows}
    env = subprocess_env(tmp_path)
    rng = random.Random(20261130)
    for _ in range(8):
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.support.disposal_worker", str(home)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=REPO,
        )
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, 0.25))
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        if not on_postgres(home):  # SQLite's file: PostgreSQL's is the server's to keep whole
            with behind_the_back(home) as db:
                assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        with Administration.open(home) as admin:
            verdict = admin.verify_log()
            assert verdict.intact or verdict.crash_tail, verdict.problem
            store = admin.vault.store
            for rid, disposal_id in pending.items():
                row = store.disposal(disposal_id)
                assert row is not None
                there = store.record_key(rid) is not None
                # Never half: a record still there is still approved; one gone is certified.
                assert (there, row.status) in ((True, "approved"), (False, "executed")), rid
                if not there:
                    assert admin.vault.read_record(rid, ["name"]) is None
    with Administration.open(home) as admin:
        assert admin.run_disposals()[1] == []
        assert len(admin.certificates()) == len(rows)
        assert admin.verify_log().intact
