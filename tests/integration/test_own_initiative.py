"""Sharing without being asked (issue 19; policy section 7: "no practitioner should
assume someone else will pass on information", "without delay"): a practitioner refers
on their own initiative, through Session, and the decision says so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from secure_records.admin import Administration
from secure_records.core.errors import BadInput
from secure_records.core.referral import Initiative, Recipient
from secure_records.core.sharing import HowChoices, Requester
from secure_records.session import Session
from secure_records.tui.sharing_review import decision_lines
from tests.integration.test_sharing_decisions import flow
from tests.integration.test_sharing_decisions import how as chosen

SOCIAL_CARE = Recipient("Anytown Council children's social care", "Duty team", "0300 000 0000")
PURPOSE = "Bruising seen at the session today; the duty team must know"
WITHOUT_CONSENT = (True, True, True, False, True)


def how(session: Session) -> HowChoices:
    return chosen(session, ("name",), ())


def decisions_logged(home: Path) -> list:  # type: ignore[type-arg]
    with Administration.open(home) as admin:
        return [e for e in admin.vault.log.entries() if e.action == "sharing_decision"]


def test_a_caseworker_records_a_share_nobody_asked_for(populated: Path) -> None:
    with Session.open("alice", populated) as alice:
        done = alice.sharing.decide_sharing(
            "R-0001", SOCIAL_CARE, PURPOSE, flow(alice, True, True, True, True), how(alice)
        )
        assert done.share and done.package is not None
        package = alice.outputs.read(done.package).text
        [shared] = alice.records.sharing_history("R-0001")
    assert shared.with_whom.startswith("on our own initiative, to Duty team")
    assert "Referral on our own initiative" in package
    to = "To: Duty team, Anytown Council children's social care (0300 000 0000)"
    assert to in package.splitlines()
    entry = decisions_logged(populated)[-1]
    assert entry.details["initiative"] == "own"
    with Administration.open(populated) as admin:
        found = admin.vault.decision(done.decision_id)
    assert found is not None and found[1].initiative is Initiative.OWN
    assert found[1].requester == SOCIAL_CARE.as_requester()
    assert found[1].requester.name == "Duty team"


def test_a_request_keeps_its_old_form_and_says_it_was_asked(populated: Path) -> None:
    asker = Requester("D. Example", "Nowhere Primary School", "Designated lead", "01632 960000")
    with Session.open("alice", populated) as alice:
        done = alice.sharing.decide_sharing(
            "R-0001", asker, PURPOSE, flow(alice, True, True, True, True), how(alice)
        )
        assert done.package is not None
        package = alice.outputs.read(done.package).text
    assert "own initiative" not in package
    assert decisions_logged(populated)[-1].details["initiative"] == "requested"
    with Administration.open(populated) as admin:
        found = admin.vault.decision(done.decision_id)
    assert found is not None and found[1].initiative is Initiative.REQUESTED
    assert "initiative" not in json.loads(found[1].to_json())


def test_where_a_child_may_be_at_risk_a_referral_need_not_wait(populated: Path) -> None:
    with Session.open("alice", populated) as alice:
        done = alice.sharing.decide_sharing(
            "R-0001",
            SOCIAL_CARE,
            PURPOSE,
            flow(alice, *WITHOUT_CONSENT),
            how(alice),
            urgent_manager="Spoke to the lead by phone at 14:05",
        )
    assert done.status == "acted_urgently" and done.package is not None
    with Session.open("lead", populated) as lead:
        (item,) = lead.sharing.sharing_queue()
    assert item.urgent and item.decision.initiative is Initiative.OWN
    lines = decision_lines(item)
    assert lines[:2] == [
        "Referral on our own initiative",
        "To: Duty team, Anytown Council children's social care (0300 000 0000)",
    ]
    assert not any(line.startswith("Requester") for line in lines)


def test_a_referral_names_whom_it_goes_to_and_why_not_when_it_does_not_go(
    populated: Path,
) -> None:
    with Session.open("alice", populated) as alice:
        consented = flow(alice, True, True, True, True)
        for blank, said in (
            (Recipient(" ", "Duty team", "0300"), "Name the organisation it goes to."),
            (Recipient("Police", "", "101"), "Name the person or team there."),
            (Recipient("Police", "Public protection unit", ""), "Say how you will reach them"),
        ):
            with pytest.raises(BadInput, match=said):
                alice.sharing.decide_sharing("R-0001", blank, PURPOSE, consented, how(alice))
        with pytest.raises(BadInput, match="answers no telephone request"):
            alice.sharing.decide_sharing(
                "R-0001", SOCIAL_CARE, PURPOSE, consented, how(alice), phone_request="P-1"
            )
        with pytest.raises(BadInput, match="Record why you decided not to share"):
            alice.sharing.decide_sharing("R-0001", SOCIAL_CARE, PURPOSE, flow(alice, False))
        done = alice.sharing.decide_sharing(
            "R-0001",
            SOCIAL_CARE,
            PURPOSE,
            flow(alice, False),
            discussed="Asked the lead: the school already referred this morning",
        )
    assert not done.share
    assert decisions_logged(populated)[-1].details["initiative"] == "own"
