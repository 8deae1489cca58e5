"""Section 7: "If at any stage you are unsure about how or when to share information,
you should seek advice and ensure that the outcome of the discussion is recorded."
Advice sought at a question is kept with that answer, shown to the lead who confirms
the decision, and given in the subject access report, marked for review."""

from __future__ import annotations

from pathlib import Path

import pytest

from secure_records.core.errors import BadInput
from secure_records.core.sharing import SharingFlow
from secure_records.session import Session
from secure_records.tui.sharing_review import decision_lines
from tests.integration.test_sharing_decisions import ASKER, PURPOSE, REASON, how

ADVICE = "Asked Sam Patel (safeguarding lead) by phone: share the name only"


def decided_with_advice(home: Path) -> str:
    """Without consent, unsure at the last question, so advice was sought there."""
    with Session.open("alice", home) as alice:
        flow = SharingFlow(alice.policy.sharing)
        for yes in (True, True, True, False):
            flow = flow.answer(yes, REASON)
        flow = flow.answer(True, REASON, f"  {ADVICE}  ")
        done = alice.sharing.decide_sharing(
            "R-0001", ASKER, PURPOSE, flow, how(alice, ("name",), ())
        )
    return done.decision_id


def test_advice_sought_is_kept_with_its_answer_and_the_lead_sees_it(populated: Path) -> None:
    decision_id = decided_with_advice(populated)
    with Session.open("lead", populated) as lead:
        [item] = [i for i in lead.sharing.sharing_queue() if i.decision_id == decision_id]
        report = lead.oversight.subject_access_report("R-0001", "The person's own request")
        text = lead.outputs.read(report).text
    *before, last = item.decision.answers
    assert last.advice == ADVICE and all(a.advice == "" for a in before)
    assert f"    Advice sought: {ADVICE}" in decision_lines(item)  # the lead's queue view
    assert f"Advice sought: «{ADVICE}» (REVIEW BEFORE RELEASE: may name a third party)" in text


def test_advice_is_optional_and_a_long_one_is_refused(populated: Path) -> None:
    with Session.open("alice", populated) as alice:
        flow = SharingFlow(alice.policy.sharing).answer(True, REASON)
        assert flow.answers[0].advice == ""
        with pytest.raises(BadInput, match="The advice can be at most"):
            flow.answer(True, REASON, "x" * 5000)
