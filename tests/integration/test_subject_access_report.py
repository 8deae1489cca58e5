"""What a subject access report holds beyond the record (issue 19, "Subject access, on
time" and "Records can be corrected"): telephone requests about the person, every
sharing decision's answers and reasons, the record's corrections, third parties and
staff's words marked for review, and a sharing the person was not told of held out.

Real vault, real Session; each report read back as the lead reads it in the app.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyzipper  # type: ignore[import-untyped]

from secure_records.core.sharing import HowChoices, Requester, SharingFlow
from secure_records.core.telephone import Callback, Urgency
from secure_records.session import Session
from secure_records.session.telephone import Caller
from tests.integration.test_own_initiative import SOCIAL_CARE, how
from tests.support.bases import basis

SAR_REASON = "Request from the young person, received by letter on 2026-11-20"
POLICE = "northshire_police_ppu"
ABOUT = ("Canaryname R-0001", "2013-04-02")  # R-0001 is on alice's caseload
ASKER = Requester("D. Example", "Nowhere School", "Designated lead", "01632 960000")
MAY_NAME = "(REVIEW BEFORE RELEASE: may name a third party)"
THIRD_PARTY = "(REVIEW BEFORE RELEASE: third party)"
WITHHELD = "WITHHELD PENDING REVIEW: the person was not told of this sharing"


def report(home: Path, record_id: str = "R-0001") -> str:
    with Session.open("lead", home) as lead:
        kept = lead.oversight.subject_access_report(record_id, SAR_REASON)
        return lead.outputs.read(kept).text


def verified_call(home: Path, asked: str) -> str:
    with Session.open("reception", home) as reception:
        call = reception.telephone.take_phone_request(
            Caller("DC Jane Smith", "Detective constable", POLICE, "", "07700 900123"),
            *ABOUT,
            "safeguarding_concern",
            asked,
            Urgency.TODAY,
            today=date(2026, 11, 30),
        )
        reception.telephone.record_callback(call.id, Callback.CONFIRMED)
    return call.id


def answered(session: Session, *reasons: str) -> SharingFlow:
    """Yes to each question, with its own reason, down to "You can share"."""
    flow = SharingFlow(session.policy.sharing)
    for reason in reasons:
        flow = flow.answer(True, reason)
    return flow


REASONS = (
    "CANARY-PURPOSE-REASON: the school plans support",
    "CANARY-IDENTIFIES-REASON: the name is needed",
    "CANARY-CONFIDENTIAL-REASON: health is confidential",
    "CANARY-CONSENT-REASON: consent recorded in May",
)


def share(home: Path, purpose: str, told: bool, phone_request: str | None = None) -> str:
    with Session.open("alice", home) as alice:
        policy = alice.policy.sharing
        how = HowChoices(
            ("name", "date_of_birth"),
            (0,),
            True,
            policy.methods[0],
            basis(policy),
            told,
            "" if told else "CANARY-UNTOLD-REASON: telling them would put them at risk",
        )
        asker = ASKER
        if phone_request is not None:
            asker = alice.telephone.verified_request(phone_request).requester
        return alice.sharing.decide_sharing(
            "R-0001", asker, purpose, answered(alice, *REASONS), how, phone_request=phone_request
        ).decision_id


def section(text: str, heading: str) -> str:
    """The lines under `heading`, up to the next heading."""
    lines = text.split(f"\n{heading}\n{'-' * len(heading)}\n", 1)[1].splitlines()
    ends = [i for i in range(len(lines) - 1) if lines[i + 1] == "-" * len(lines[i]) != ""]
    return "\n".join(lines[: ends[0] if ends else None])


def test_telephone_requests_about_the_person_say_who_called_when_what_and_the_outcome(
    populated: Path,
) -> None:
    call_id = verified_call(populated, "CANARY-ASKED: any concerns recorded about the child")
    text = report(populated)
    calls = section(text, "Telephone requests about you")
    assert f"«DC Jane Smith» {THIRD_PARTY}, Detective constable" in calls
    assert "taken by reception" in calls
    assert f"«CANARY-ASKED: any concerns recorded about the child» {MAY_NAME}" in calls
    assert "Callback" in calls and "confirmed" in calls
    assert "Outcome: verified by callback" in calls
    assert call_id not in section(text, "Sharing history")
    assert "07700 900123" not in text  # the caller's own number is theirs, not the person's


def test_each_sharing_decision_gives_its_answers_reasons_items_recipient_method_and_basis(
    populated: Path,
) -> None:
    share(populated, "CANARY-PURPOSE: planning support next term", told=True)
    text = report(populated)
    history = section(text, "Sharing history")
    with Session.open("lead", populated) as lead:
        policy = lead.policy.sharing
        for name in ("purpose", "identifies", "confidential", "consent"):
            assert f"Asked: {policy.questions[name].text}" in history  # sharing.toml's words
        assert f"Method: {policy.methods[0]}" in history
        assert f"Lawful basis: {basis(policy)}" in history
        assert f"Outcome: {policy.outcomes['may_share'].text}" in history
    for reason in REASONS:
        assert f"Answer: yes. Reason: «{reason}» {MAY_NAME}" in history
    assert "Why they asked: CANARY-PURPOSE: planning support next term" in history
    assert (
        "Items shared: Name; Date of birth; Chronology (note of 03 Jan 2019 by alice, "
        "opinion (REVIEW BEFORE RELEASE), historical)"
    ) in history
    assert f"To: «D. Example» {THIRD_PARTY}, Nowhere School" in history
    assert "You were told of this sharing: yes" in history
    assert "WITHHELD" not in text


def test_the_records_corrections_are_in_the_report_with_who_when_and_why(
    populated: Path,
) -> None:
    with Session.open("alice", populated) as alice:
        alice.amendments.amend(
            "R-0001", "case_closed", "31/03/2019", "CANARY-CLOSED: closed at the last review"
        )
        alice.amendments.amend("R-0001", "name", "Corrected Name", "CANARY-NAME: misspelt")
    corrections = section(report(populated), "Corrections")
    assert "by alice: Case closed: was (none), now 31 Mar 2019" in corrections
    assert f"Why: «CANARY-CLOSED: closed at the last review» {MAY_NAME}" in corrections
    assert "Name: was Canaryname R-0001, now Corrected Name" in corrections
    assert f"Why: «CANARY-NAME: misspelt» {MAY_NAME}" in corrections


def test_opinions_and_what_may_name_a_third_party_are_marked_for_review(
    populated: Path,
) -> None:
    with Session.open("alice", populated) as alice:
        flow = SharingFlow(alice.policy.sharing).answer(False, "CANARY-NO: no clear purpose")
        alice.sharing.decide_sharing(
            "R-0001",
            ASKER,
            "Asked in passing at a meeting",
            flow,
            discussed="CANARY-DISCUSSED with D.",
        )
    share(populated, "Planning support next term", told=True)
    text = report(populated)
    assert f"Reason: «CANARY-NO: no clear purpose» {MAY_NAME}" in text
    assert f"Discussed with the requester: «CANARY-DISCUSSED with D.» {MAY_NAME}" in text
    assert "by alice, opinion (REVIEW BEFORE RELEASE), historical)" in text  # the note shared
    for line in text.splitlines():
        if "CANARY-" in line and "REASON" in line:
            assert line.endswith(MAY_NAME), line


def test_a_sharing_the_person_was_not_told_of_is_held_out_marked_never_dropped(
    populated: Path,
) -> None:
    call_id = verified_call(populated, "CANARY-POLICE-ASKED: address for an enquiry")
    decision = share(populated, "CANARY-SECRET-PURPOSE: a police enquiry", False, call_id)
    share(populated, "CANARY-TOLD-PURPOSE: school support", told=True)
    text = report(populated)
    # The lead is told at the top, and the decision is under its own line at the end.
    assert "WITHHELD PENDING REVIEW: 1 sharing decision the person was not told" in text
    held = text.split(
        f"{WITHHELD} (CANARY-UNTOLD-REASON: telling them would put them at risk)\n", 1
    )[1]
    assert decision in text and "CANARY-SECRET-PURPOSE: a police enquiry" in held
    assert "CANARY-POLICE-ASKED" in held  # the call it answered goes with it
    # Nowhere else: not in the sharing history, not among the calls.
    before = text.split(f"{WITHHELD} (", 1)[0]
    for secret in ("CANARY-SECRET-PURPOSE", "CANARY-POLICE-ASKED", "CANARY-UNTOLD-REASON"):
        assert secret not in before
    assert "CANARY-TOLD-PURPOSE" in section(text, "Sharing history")
    assert "CANARY-TOLD-PURPOSE" not in held


def test_a_released_report_leaves_out_what_the_person_was_not_told_of_and_others_details(
    populated: Path,
) -> None:
    """The lead releases the report as it stands: the file still never holds the
    decision the person was not told of, nor the notice that it exists."""
    call_id = verified_call(populated, "CANARY-POLICE-ASKED: address for an enquiry")
    share(populated, "CANARY-SECRET-PURPOSE: a police enquiry", False, call_id)
    share(populated, "CANARY-TOLD-PURPOSE: school support", told=True)
    with Session.open("lead", populated) as lead:
        kept = lead.oversight.subject_access_report("R-0001", SAR_REASON)
        released = lead.outputs.release(kept, "The young person, by hand at the office")
    with pyzipper.AESZipFile(released.path) as archive:
        archive.setpassword(released.passphrase.encode())
        [name] = archive.namelist()
        text = archive.read(name).decode()
    assert "CANARY-TOLD-PURPOSE" in section(text, "Sharing history")
    for secret in ("CANARY-SECRET-PURPOSE", "CANARY-POLICE-ASKED", "CANARY-UNTOLD-REASON"):
        assert secret not in text
    assert "WITHHELD" not in text and "not told" not in text
    # What was marked for review goes out withheld in place, the marks with it.
    assert "REVIEW BEFORE RELEASE" not in text and "«" not in text
    assert "D. Example" not in text and "CANARY-CONSENT-REASON" not in text
    assert "To: [withheld: another person's details], Nowhere School" in text
    assert "withheld from this copy (UK GDPR Art. 15(4))" in text


def test_a_referral_on_our_own_initiative_says_so_in_the_report(populated: Path) -> None:
    """Nobody asked: the report says it was our own referral and to whom, not who asked."""
    with Session.open("alice", populated) as alice:
        alice.sharing.decide_sharing(
            "R-0001",
            SOCIAL_CARE,
            "CANARY-REFERRAL-PURPOSE: a referral for support",
            answered(alice, *REASONS),
            how(alice),
        )
    history = section(report(populated), "Sharing history")
    assert (
        f"shared, on our own initiative, to «Duty team» {THIRD_PARTY}, Anytown Council" in history
    )
    assert "What it was for: CANARY-REFERRAL-PURPOSE" in history and "asked by" not in history


def test_a_part_with_nothing_in_it_says_none(populated: Path) -> None:
    """An empty heading read as a fault (reviewer: "Telephone requests about you"
    with nothing under it); and a plain decision is not "decided by alice (decided)"."""
    share(populated, "CANARY-PURPOSE: planning support next term", told=True)
    text = report(populated)
    assert section(text, "Telephone requests about you").strip() == "None."
    assert section(text, "Corrections").strip() == "None."
    assert "(decided)" not in text
