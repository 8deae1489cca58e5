"""Consent given by whom (issue 19, section 4): each entry records the capacity in
which it was given, sealed with it; a withdrawal records its reason on the entry; a
subject access report says both."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from secure_records.core.errors import BadInput
from secure_records.core.records import ConsentCapacity
from secure_records.session import Session

GIVEN = date(2025, 1, 6)
ENDED = date(2026, 2, 4)


def test_the_capacity_is_stored_with_the_entry_and_read_back(populated: Path) -> None:
    with Session.open("alice", populated) as alice:
        alice.records.record_consent(
            "R-0001", "Jo (14)", "Share with the school nurse", GIVEN,
            capacity=ConsentCapacity.COMPETENT_CHILD,
        )  # fmt: skip
    with Session.open("alice", populated) as alice:
        consent = alice.records.open_record("R-0001").consent
    assert consent is not None
    imported, added = consent.entries  # the canary entry came from an import: none
    assert (imported.capacity, added.capacity) == (None, ConsentCapacity.COMPETENT_CHILD)


def test_consent_recorded_already_withdrawn_needs_why(populated: Path) -> None:
    with Session.open("alice", populated) as alice, pytest.raises(BadInput) as caught:
        alice.records.record_consent(
            "R-0001", "Parent", "School", GIVEN, ENDED, capacity=ConsentCapacity.PARENT
        )
    assert str(caught.value) == "Say why consent was withdrawn (the entry will say so)."


def test_a_withdrawal_says_why_on_the_entry_itself(populated: Path) -> None:
    with Session.open("alice", populated) as alice:
        with pytest.raises(BadInput, match="Say why consent was withdrawn"):
            alice.records.withdraw_consent("R-0001", 1, ENDED, "   ")
        alice.records.withdraw_consent("R-0001", 1, ENDED, " Moved out of the area ")
    with Session.open("alice", populated) as alice:
        consent = alice.records.open_record("R-0001").consent
    assert consent is not None
    entry = consent.entries[0]
    assert (entry.withdrawn, entry.withdrawn_reason) == (ENDED, "Moved out of the area")


def test_the_subject_access_report_says_in_what_capacity_and_why_withdrawn(
    populated: Path,
) -> None:
    with Session.open("alice", populated) as alice:
        alice.records.record_consent(
            "R-0001", "Mum", "Share with GP", GIVEN, capacity=ConsentCapacity.PARENT
        )
        alice.records.withdraw_consent("R-0001", 2, ENDED, "She asked us to stop")
    with Session.open("lead", populated) as lead:
        kept = lead.oversight.subject_access_report("R-0001", "Request by letter, ID seen")
        text = lead.outputs.read(kept).text
    assert "third party), a parent with parental responsibility, for Share with GP" in text
    assert "withdrawn on 04 Feb 2026 (She asked us to stop)" in text
    assert "third party), capacity not recorded, for CANARY-SCOPE-R-0001" in text
