"""The answers checked against the record (issue 19), through a real Session on a real
vault: what an answer rules out cannot be sent, a consent basis needs consent given,
"we have consent" needs consent on file or a reason the lead sees, and a
special-category item needs an Art. 9 condition as well as the Art. 6 basis."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from secure_records.core.errors import BadInput
from secure_records.core.sharing import HowChoices
from secure_records.core.statuses import SharingStatus
from secure_records.session import Session
from secure_records.tui.sharing_review import decision_lines
from tests.integration.test_sharing_decisions import ASKER, PURPOSE, flow
from tests.support.bases import basis, condition

NOT_ON_FILE = "Given on the phone to the duty worker; the form is in the post"
# purpose, identifies, confidential, consent
NOT_IDENTIFYING = (True, False)
NOT_CONFIDENTIAL = (True, True, False)
WITH_CONSENT = (True, True, True, True)
WITHOUT_CONSENT = (True, True, True, False, True)

WITHDRAWN_BECAUSE = "The person told us by letter they no longer agree"


def how(
    session: Session, *fields: str, art_6: str = "legitimate interests", art_9: str = ""
) -> HowChoices:
    policy = session.policy.sharing
    chosen = basis(policy, art_6)
    return HowChoices(fields, (), True, policy.methods[0], chosen, True, condition=art_9)


def share(session: Session, answers: tuple[bool, ...], choices: HowChoices, **more: str):  # type: ignore[no-untyped-def]
    return session.sharing.decide_sharing(
        "R-0001", ASKER, PURPOSE, flow(session, *answers), choices, **more
    )


def test_does_not_identify_then_name_and_date_of_birth_are_refused(populated: Path) -> None:
    with Session.open("alice", populated) as session:
        for field in ("name", "date_of_birth"):
            with pytest.raises(BadInput) as refused:
                share(session, NOT_IDENTIFYING, how(session, "category", field))
            said = str(refused.value)
            assert "identifies a person" in said
            assert '"Does the information enable an individual to be identified?"' in said
        # What does not identify anyone still goes.
        done = share(session, NOT_IDENTIFYING, how(session, "category"))
    assert done.status is SharingStatus.DECIDED


def test_not_confidential_then_health_is_refused(populated: Path) -> None:
    with Session.open("alice", populated) as session:
        session.records.reveal("R-0001", "health", "the school nurse needs this to plan")
        art_9 = condition(session.policy.sharing)
        with pytest.raises(
            BadInput, match=r'special-category.*"Is the information confidential'
        ) as r:
            share(session, NOT_CONFIDENTIAL, how(session, "health", art_9=art_9))
        assert "Health" in str(r.value)
        assert share(session, NOT_CONFIDENTIAL, how(session, "name")).share


def test_we_have_consent_on_a_record_with_none_asks_why_and_the_lead_is_told(
    populated: Path,
) -> None:
    with Session.open("alice", populated) as session:
        session.records.withdraw_consent("R-0001", 1, date.today(), WITHDRAWN_BECAUSE)
        with pytest.raises(BadInput, match="none is in force on this record"):
            share(session, WITH_CONSENT, how(session, "name"))
        done = share(session, WITH_CONSENT, how(session, "name"), consent_not_on_file=NOT_ON_FILE)
    # Not shared on trust: it waits for a safeguarding lead, who sees why.
    assert (done.status, done.package) == (SharingStatus.AWAITING_MANAGER, None)
    with Session.open("lead", populated) as lead:
        [item] = [i for i in lead.sharing.sharing_queue() if i.decision_id == done.decision_id]
    assert item.decision.consent_not_on_file == NOT_ON_FILE
    assert any("FLAGGED" in line and NOT_ON_FILE in line for line in decision_lines(item))


def test_consent_in_force_needs_no_reason_and_no_lead(populated: Path) -> None:
    with Session.open("alice", populated) as session:
        done = share(session, WITH_CONSENT, how(session, "name", art_6="consent"))
    assert done.status is SharingStatus.DECIDED and done.package is not None


def test_the_consent_basis_is_refused_where_consent_was_not_given(populated: Path) -> None:
    with Session.open("alice", populated) as session:
        with pytest.raises(BadInput, match=r'6\(1\)\(a\) consent" needs consent.*No to "Do you'):
            share(session, WITHOUT_CONSENT, how(session, "name", art_6="consent"))
        # Never asked about consent counts as not given.
        with pytest.raises(BadInput, match="no question on this path asked about consent"):
            share(session, NOT_IDENTIFYING, how(session, "category", art_6="consent"))
        done = share(session, WITHOUT_CONSENT, how(session, "name"))
    assert done.status is SharingStatus.AWAITING_MANAGER


def test_special_category_needs_an_art_9_condition_shown_to_the_lead(populated: Path) -> None:
    with Session.open("alice", populated) as session:
        session.records.reveal("R-0001", "health", "the school nurse needs this to plan")
        policy = session.policy.sharing
        with pytest.raises(BadInput, match=r"Health is special-category data: choose an Art\. 9"):
            share(session, WITHOUT_CONSENT, how(session, "health"))
        explicit = condition(policy, "explicit consent")
        with pytest.raises(BadInput, match="needs consent"):
            share(session, WITHOUT_CONSENT, how(session, "health", art_9=explicit))
        art_9 = condition(policy)
        done = share(session, WITHOUT_CONSENT, how(session, "health", art_9=art_9))
    with Session.open("lead", populated) as lead:
        [item] = [i for i in lead.sharing.sharing_queue() if i.decision_id == done.decision_id]
        lead.sharing.review_sharing(done.decision_id, True, "Confirmed: the nurse must plan")
        package = lead.outputs.read(done.decision_id).text
    assert f"Art. 9 condition: {art_9}" in decision_lines(item)
    assert f"Art. 9 condition: {art_9}" in package
