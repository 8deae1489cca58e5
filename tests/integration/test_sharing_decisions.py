"""Sharing decisions recorded through Session: minimisation, packages, the log."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from secure_records.admin import Administration
from secure_records.core.access import RecordView
from secure_records.core.errors import AccessRefused, BadInput
from secure_records.core.records import ConsentCapacity
from secure_records.core.sharing import HowChoices, Requester, SharingFlow
from secure_records.session import Session
from tests.conftest import canaries, canary_row
from tests.support.bases import basis, condition

REASON = "recorded reason of some length"
ASKER = Requester("D. Example", "Nowhere Primary School", "Designated lead", "01632 960000")
PURPOSE = "Planning support for the child at school next term"


def flow(session: Session, *answers: bool) -> SharingFlow:
    walked = SharingFlow(session.policy.sharing)
    for yes in answers:
        walked = walked.answer(yes, REASON)
    return walked


def how(
    session: Session, fields: tuple[str, ...], notes: tuple[int, ...], condition: str = ""
) -> HowChoices:
    policy = session.policy.sharing
    return HowChoices(
        fields, notes, True, policy.methods[0], basis(policy), True, condition=condition
    )


def log_entries(home: Path) -> list:  # type: ignore[type-arg]
    with Administration.open(home) as admin:
        return list(admin.vault.log.entries())


def test_a_share_with_consent_writes_only_the_chosen_items(populated: Path) -> None:
    planted = canaries(canary_row("R-0001", ["alice"]))
    with Session.open("alice", populated) as session:
        chosen = how(session, ("name",), (1,))  # the 2024 fact note (notes run by date)
        done = session.sharing.decide_sharing(
            "R-0001", ASKER, PURPOSE, flow(session, True, True, True, True), chosen
        )
        assert done.package is not None
        text = session.outputs.read(done.package).text
    assert (done.outcome, done.share, done.status) == ("may_share", True, "decided")
    assert not list((populated / "exports").iterdir())  # kept sealed, not written out
    assert planted["name"] in text and planted["note.fact"] in text and "FACT" in text
    for other in ("address", "phone", "nhs_number", "health", "consent.given_by", "note.opinion"):
        assert planted[other] not in text, other
    entry = [e for e in log_entries(populated) if e.action == "sharing_decision"][-1]
    assert entry.details["decision"] == done.decision_id and entry.details["share"] is True
    assert [a["reason"] for a in entry.personal["answers"]] == [REASON] * 4


def test_only_what_the_sharer_sees_in_full_can_be_chosen(populated: Path) -> None:
    with Session.open("alice", populated) as session:
        consented = flow(session, True, True, True, True)
        with pytest.raises(BadInput, match="not nhs_number"):
            session.sharing.decide_sharing(
                "R-0001", ASKER, PURPOSE, consented, how(session, ("nhs_number",), ())
            )
        with pytest.raises(BadInput, match="not health"):
            session.sharing.decide_sharing(
                "R-0001", ASKER, PURPOSE, consented, how(session, ("health",), ())
            )
        session.records.reveal("R-0001", "health", "the school nurse needs this to plan")
        # Health is special-category: an Art. 9 condition goes with the basis (issue 19).
        art_9 = condition(session.policy.sharing)
        done = session.sharing.decide_sharing(
            "R-0001", ASKER, PURPOSE, consented, how(session, ("health",), (), art_9)
        )
        assert done.package is not None
        assert "CANARY-HEALTH-R-0001" in session.outputs.read(done.package).text


def test_nothing_is_chosen_by_default_and_the_how_must_be_complete(populated: Path) -> None:
    with Session.open("alice", populated) as session:
        consented = flow(session, True, True, True, True)
        with pytest.raises(BadInput, match="nothing is chosen"):
            session.sharing.decide_sharing(
                "R-0001", ASKER, PURPOSE, consented, how(session, (), ())
            )
        untold = HowChoices(
            ("name",),
            (),
            True,
            session.policy.sharing.methods[0],
            basis(session.policy.sharing),
            False,
            "risk",
        )
        with pytest.raises(BadInput, match="will not be told"):
            session.sharing.decide_sharing("R-0001", ASKER, PURPOSE, consented, untold)
    assert not any(e.action == "sharing_decision" for e in log_entries(populated))


@pytest.mark.parametrize(
    ("wrong", "refusal"),
    [
        ({"recipient_confirmed": False}, "right information for the right individual"),
        ({"method": "Ordinary email to the address they gave"}, "secure methods"),
        ({"lawful_basis": "UK GDPR art. 6(1)(b) contract"}, "lawful basis"),
    ],
)
def test_the_how_needs_the_right_individual_a_secure_method_and_a_lawful_basis(
    populated: Path, wrong: dict[str, Any], refusal: str
) -> None:
    """Section 7 How: each of the three is checked on its own; the same share with
    all three right goes through, so each refusal is that check's alone."""
    with Session.open("alice", populated) as session:
        consented = flow(session, True, True, True, True)
        with pytest.raises(BadInput, match=refusal):
            session.sharing.decide_sharing(
                "R-0001", ASKER, PURPOSE, consented, replace(how(session, ("name",), ()), **wrong)
            )
        assert not any(e.action == "sharing_decision" for e in log_entries(populated))
        done = session.sharing.decide_sharing(
            "R-0001", ASKER, PURPOSE, consented, how(session, ("name",), ())
        )
    assert done.package is not None


def test_a_share_says_what_it_is_for_and_keeps_it(populated: Path) -> None:
    """10(a): information is passed on only for a purpose, said in words and kept with
    the decision."""
    with Session.open("alice", populated) as session:
        consented = flow(session, True, True, True, True)
        with pytest.raises(BadInput, match="what the information is for"):
            session.sharing.decide_sharing(
                "R-0001", ASKER, "school", consented, how(session, ("name",), ())
            )
        session.sharing.decide_sharing(
            "R-0001", ASKER, PURPOSE, consented, how(session, ("name",), ())
        )
    [entry] = [e for e in log_entries(populated) if e.action == "sharing_decision"]
    assert PURPOSE in str(entry.personal)


def test_sharing_without_consent_waits_for_a_manager(populated: Path) -> None:
    with Session.open("alice", populated) as session:
        done = session.sharing.decide_sharing(
            "R-0001",
            ASKER,
            PURPOSE,
            flow(session, True, True, True, False, True),
            how(session, ("name",), ()),
        )
    assert (done.status, done.package) == ("awaiting_manager", None)
    assert not list((populated / "exports").iterdir())


def test_a_decision_not_to_share_is_recorded_with_the_discussion(populated: Path) -> None:
    with Session.open("alice", populated) as session:
        no_purpose = flow(session, False)
        with pytest.raises(BadInput, match="discussed with the requester"):
            session.sharing.decide_sharing("R-0001", ASKER, PURPOSE, no_purpose)
        done = session.sharing.decide_sharing(
            "R-0001",
            ASKER,
            PURPOSE,
            no_purpose,
            discussed="Explained to the school why nothing can be shared yet",
        )
    assert (done.share, done.package) == (False, None)
    entry = [e for e in log_entries(populated) if e.action == "sharing_decision"][-1]
    assert entry.details["share"] is False
    assert "Explained to the school" in entry.personal["discussed"]


def test_only_roles_that_share_and_only_in_scope(populated: Path) -> None:
    with Session.open("alice", populated) as session, pytest.raises(AccessRefused):
        session.sharing.decide_sharing(
            "R-0003", ASKER, PURPOSE, flow(session, False), discussed=REASON
        )
    with Session.open("reception", populated) as session, pytest.raises(AccessRefused):
        session.sharing.decide_sharing(
            "R-0001", ASKER, PURPOSE, flow(session, False), discussed=REASON
        )


def without_consent(session: Session) -> SharingFlow:
    return flow(session, True, True, True, False, True)


def test_a_lead_confirms_a_share_without_consent_and_its_package_is_released(
    populated: Path,
) -> None:
    with Session.open("alice", populated) as session:
        done = session.sharing.decide_sharing(
            "R-0001", ASKER, PURPOSE, without_consent(session), how(session, ("name",), ())
        )
    with Session.open("lead", populated) as lead:
        queue = lead.sharing.sharing_queue()
        assert [(q.decision_id, q.status, q.decided_by) for q in queue] == [
            (done.decision_id, "awaiting_manager", "alice")
        ]
        with pytest.raises(BadInput, match="reason"):
            lead.sharing.review_sharing(done.decision_id, True, "ok")
        reviewed = lead.sharing.review_sharing(
            done.decision_id, True, "Child at risk; school must know now"
        )
        assert lead.sharing.sharing_queue() == []
        assert reviewed.status == "confirmed" and reviewed.package is not None
        assert "Canaryname R-0001" in lead.outputs.read(reviewed.package).text
    entry = [e for e in log_entries(populated) if e.action == "sharing_reviewed"][-1]
    assert entry.actor == "lead" and entry.details["status"] == "confirmed"


def test_a_lead_rejects_and_nothing_is_released(populated: Path) -> None:
    with Session.open("alice", populated) as session:
        done = session.sharing.decide_sharing(
            "R-0001", ASKER, PURPOSE, without_consent(session), how(session, ("name",), ())
        )
    with Session.open("lead", populated) as lead:
        reviewed = lead.sharing.review_sharing(
            done.decision_id, False, "Consent can be sought first here"
        )
        with pytest.raises(BadInput, match="not waiting"):
            lead.sharing.review_sharing(done.decision_id, True, "Changed my mind about this one")
    assert (reviewed.status, reviewed.package) == ("rejected", None)
    assert not list((populated / "exports").iterdir())


def test_the_urgent_path_shares_now_and_the_lead_confirms_after(populated: Path) -> None:
    with Session.open("alice", populated) as session:
        with pytest.raises(BadInput, match="which manager"):
            session.sharing.decide_sharing(
                "R-0001",
                ASKER,
                PURPOSE,
                without_consent(session),
                how(session, ("name",), ()),
                urgent_manager="lead",
            )
        done = session.sharing.decide_sharing(
            "R-0001",
            ASKER,
            PURPOSE,
            without_consent(session),
            how(session, ("name",), ()),
            urgent_manager="Spoke to the lead by phone at 14:05",
        )
    assert done.status == "acted_urgently" and done.package is not None
    with Session.open("lead", populated) as lead:
        assert [q.status for q in lead.sharing.sharing_queue()] == ["acted_urgently"]
        lead.sharing.review_sharing(done.decision_id, True, "Right call given the risk that day")


def test_nobody_confirms_their_own_decision_and_caseworkers_have_no_queue(
    populated: Path,
) -> None:
    with Session.open("lead", populated) as lead:
        done = lead.sharing.decide_sharing(
            "R-0003", ASKER, PURPOSE, without_consent(lead), how(lead, ("name",), ())
        )
        with pytest.raises(AccessRefused, match="other than"):
            lead.sharing.review_sharing(done.decision_id, True, "I am sure about this one myself")
    with Session.open("alice", populated) as session, pytest.raises(AccessRefused):
        session.sharing.sharing_queue()


def parent_consent(session: Session, given_by: str, scope: str, withdrawn: date) -> RecordView:
    """Consent given on 01 May 2025 by a parent, and withdrawn (moved away)."""
    return session.records.record_consent(
        "R-0002", given_by, scope, date(2025, 5, 1), withdrawn,
        capacity=ConsentCapacity.PARENT, withdrawn_reason="Moved away",
    )  # fmt: skip


def test_consent_is_captured_and_withdrawal_recorded(populated: Path) -> None:
    from datetime import date

    with Session.open("alice", populated) as session:
        with pytest.raises(BadInput, match="withdrawn before"):
            parent_consent(session, "Carer", "School", date(2025, 4, 1))
        view = parent_consent(session, "Carer (by phone)", "Share with GP", date(2025, 6, 1))
    assert view.consent is not None
    added = view.consent.entries[-1]
    assert (added.given_by, added.withdrawn) == ("Carer (by phone)", date(2025, 6, 1))
    assert not added.in_force
    assert log_entries(populated)[-2].action == "consent_recorded"
    with Session.open("reception", populated) as session, pytest.raises(AccessRefused):
        session.records.record_consent(
            "R-0002", "x", "y", date(2025, 5, 1), capacity=ConsentCapacity.THE_PERSON
        )


def test_the_record_shows_its_sharing_history(populated: Path) -> None:
    with Session.open("alice", populated) as session:
        session.sharing.decide_sharing(
            "R-0001",
            ASKER,
            PURPOSE,
            flow(session, True, True, True, True),
            how(session, ("name",), (0,)),
        )
        session.sharing.decide_sharing(
            "R-0001",
            ASKER,
            PURPOSE,
            flow(session, False),
            discussed="Explained to the school why nothing can be shared yet",
        )
        history = session.records.sharing_history("R-0001")
    assert [(h.shared, h.fields, h.notes) for h in history] == [
        (True, ("name",), 1),
        (False, (), 0),
    ]
    assert history[0].with_whom == "D. Example, Nowhere Primary School"
    with Session.open("bilal", populated) as session, pytest.raises(AccessRefused):
        session.records.sharing_history("R-0001")


def test_a_package_kept_in_the_vault_is_nothing_for_it_to_shred(populated: Path) -> None:
    with Session.open("alice", populated) as session:
        done = session.sharing.decide_sharing(
            "R-0001",
            ASKER,
            PURPOSE,
            flow(session, True, True, True, True),
            how(session, ("name",), ()),
        )
    assert done.package is not None
    with Session.open("it", populated) as it:
        # Only a released file is out there to shred (tests/integration/test_sealed_outputs.py).
        assert it.retention.expired_packages() == []
    with Session.open("alice", populated) as session, pytest.raises(AccessRefused):
        session.retention.expired_packages()
