"""Every due record proposed at once and approved as a batch (issue 20): still two
people, one transaction each, and a log that proves every erase and names every
record."""

from __future__ import annotations

from pathlib import Path

import pytest

from secure_records.admin import Administration
from secure_records.core.errors import AccessRefused, BadInput
from secure_records.session import Session
from tests.conftest import canary_row
from tests.integration.test_disposal import REASON, TODAY, adult, import_rows
from tests.integration.test_telephone import log_entries as entries
from tests.support.in_process import Cli


@pytest.fixture
def many(home: Path) -> Path:
    """Five adults due, one child due for review, one child not due; R-0005 on hold."""
    young = canary_row("R-0006", [])
    young["date_of_birth"] = "1990-05-17"
    rows = [adult(f"R-000{n}") for n in range(1, 6)] + [young, canary_row("R-0007", [])]
    import_rows(home, rows)
    with Session.open("lead", home) as lead:
        lead.retention.set_legal_hold("R-0005", "An inquiry has asked for it to be kept")
    return home


def preview_total(session: Session) -> int:
    return sum(line.count for line in session.disposal_batches.proposal_preview(TODAY))


def test_it_proposes_everything_due_at_once_and_a_lead_approves_them_as_a_batch(
    many: Path, cli: Cli
) -> None:
    with Session.open("it", many) as it:
        it.retention.retention_queue(TODAY)
        preview = it.disposal_batches.proposal_preview(TODAY)
        assert sorted((p.category, p.action, p.count) for p in preview) == [
            ("child", "review", 1),
            ("vulnerable_adult", "dispose", 4),
        ]
        ids = it.disposal_batches.propose_all(REASON, 5)
        assert len(ids) == 5
        queue = it.retention.retention_queue(TODAY)
        assert {i.record_id for i in queue if i.disposal_id in ids} == {
            "R-0001",
            "R-0002",
            "R-0003",
            "R-0004",
            "R-0006",
        }
        with pytest.raises(AccessRefused):  # IT never approves
            it.disposal_batches.approval_preview()
    [batch] = [e for e in entries(many) if e.action == "disposals_proposed"]
    assert batch.actor == "it" and batch.details["count"] == 5
    assert sorted(d["record"] for d in batch.details["disposals"]) == [
        "R-0001",
        "R-0002",
        "R-0003",
        "R-0004",
        "R-0006",
    ]
    with Session.open("lead", many) as lead:
        assert {p.reason for p in lead.retention.proposals()} == {REASON}
        counted = lead.disposal_batches.approval_preview()
        assert sum(c.count for c in counted) == 5
        with pytest.raises(BadInput, match="changed since the preview"):
            lead.disposal_batches.approve_all(REASON, 4)
        assert lead.disposal_batches.approve_all(REASON, 5) == 5
    [approval] = [e for e in entries(many) if e.action == "disposals_reviewed"]
    assert approval.actor == "lead" and approval.details["status"] == "approved"
    with Administration.open(many) as admin:
        done, refused = admin.run_disposals()
    assert refused == []
    assert sorted(c.reference for c in done) == ["R-0001", "R-0002", "R-0003", "R-0004", "R-0006"]
    assert {c.approved_by for c in done} == {"lead"} and {c.proposed_by for c in done} == {"it"}
    # Every row a batch wrote is checked against its entry, as one written alone is.
    assert cli("vault", "verify", home=many).code == 0


def test_a_preview_that_no_longer_holds_proposes_nothing(many: Path) -> None:
    with Session.open("it", many) as it:
        with pytest.raises(BadInput, match="preview first"):
            it.disposal_batches.propose_all(REASON, 5)
        assert preview_total(it) == 5
        with pytest.raises(BadInput, match="changed since the preview"):
            it.disposal_batches.propose_all(REASON, 6)
        with Session.open("lead", many) as lead:  # meanwhile, a hold
            lead.retention.set_legal_hold("R-0001", "An inquiry has asked for it too")
        with pytest.raises(BadInput, match="nothing was done"):
            it.disposal_batches.propose_all(REASON, 5)
        with pytest.raises(BadInput, match="reason"):
            it.disposal_batches.propose_all("short", 5)
    assert not [e for e in entries(many) if e.action == "disposals_proposed"]


def test_it_never_approves_and_a_lead_with_nothing_waiting_is_told(many: Path) -> None:
    with Session.open("it", many) as it:
        assert preview_total(it) == 5
        it.disposal_batches.propose_all(REASON, 5)
        with pytest.raises(AccessRefused):
            it.disposal_batches.approve_all(REASON, 5)
    with Session.open("lead", many) as lead:
        assert lead.disposal_batches.approve_all(REASON, 5) == 5
        with pytest.raises(BadInput, match="No disposal is waiting"):
            lead.disposal_batches.approve_all(REASON, 0)


def test_a_batch_approves_only_the_proposals_the_lead_read(many: Path) -> None:
    """Review of issue 20: the batch checked only the count. A lead read five; meanwhile
    one was approved alone and another proposed; typing 5 approved one nobody read."""
    with Session.open("it", many) as it:
        assert preview_total(it) == 5
        it.disposal_batches.propose_all(REASON, 5)
    with Session.open("lead", many) as reader:
        read = {item.id for item in reader.disposal_batches.approval_items()}
        assert len(read) == 5
        with Session.open("lead", many) as other:
            other.retention.review_disposal(sorted(read)[0], True, REASON)
            other.retention.set_legal_hold("R-0005", REASON, hold=False)
        with Session.open("it", many) as it:
            unread = it.retention.propose_disposal("R-0005", REASON, TODAY)
        with pytest.raises(BadInput, match="changed since you read them"):
            reader.disposal_batches.approve_all(REASON, 5)
    with Session.open("lead", many) as lead:
        waiting = {item.id for item in lead.retention.proposals()}
    assert unread in waiting and len(waiting) == 5  # nothing was approved
