"""Restricted records as an attacker or a careless lead would try them (issue 16,
items 5 to 7): no self-grants, emergency access, and a restriction, grant, lift,
disabled account or changed caseload counting in sessions already open."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine

from secure_records.admin import Administration
from secure_records.core.errors import AccessRefused, BadInput
from secure_records.session import Session

REASON = "A member of staff's relative: kept to named staff"
URGENT = "Police at the door about tonight's placement"


@pytest.fixture
def two_leads(populated: Path) -> Path:
    """Two safeguarding leads; R-0001 (alice's) restricted by `lead` to keep `lead2` out."""
    with Administration.open(populated) as admin:
        admin.add_staff("lead2", "safeguarding_lead")
    with Session.open("lead", populated) as lead:
        lead.oversight.restrict_record("R-0001", REASON, 30)
    return populated


def flags_for(home: Path, staff: str) -> list[str]:
    with Session.open("auditor", home) as auditor:
        _, flags = auditor.oversight.access_review()
    return [f.what for f in flags if f.staff == staff]


# item 5: a lead can let themselves in


def test_a_lead_kept_out_cannot_grant_themselves_access_a_second_lead_must(
    two_leads: Path,
) -> None:
    with Session.open("lead2", two_leads) as lead2:
        listed = dict(lead2.oversight.restricted_records())
        assert "R-0001" in listed  # a lead may see that it is restricted...
        with pytest.raises(AccessRefused, match="cannot grant yourself access to R-0001"):
            lead2.oversight.grant_access("R-0001", "lead2", 365, "I need to see this one")
        with pytest.raises(AccessRefused, match="not one you can open"):
            lead2.records.open_record("R-0001")  # ...but not let themselves in
    assert any("cannot grant yourself" in what for what in flags_for(two_leads, "lead2"))
    with Session.open("lead", two_leads) as lead:
        with pytest.raises(AccessRefused, match="cannot grant yourself"):
            lead.oversight.grant_access("R-0001", "lead", 365, "Renewing my own access")
        lead.oversight.grant_access("R-0001", "lead2", 7, "Covering the case review")
    with Session.open("lead2", two_leads) as lead2:
        assert lead2.records.open_record("R-0001").id == "R-0001"


def test_a_lead_kept_out_cannot_lift_the_restriction_and_walk_in(two_leads: Path) -> None:
    # Two steps to the same place: lift it (everyone is in), or lift and restrict it
    # again (named first). The lift is refused, so neither works.
    with Session.open("lead2", two_leads) as lead2:
        with pytest.raises(AccessRefused, match="Only a lead who holds access to R-0001"):
            lead2.oversight.lift_restriction("R-0001", "No longer needs restricting")
        with pytest.raises(BadInput, match="already restricted"):
            lead2.oversight.restrict_record("R-0001", "Restricting it myself now", 30)
        with pytest.raises(AccessRefused):
            lead2.records.open_record("R-0001")
    # The lead it lets in may lift it.
    with Session.open("lead", two_leads) as lead:
        lead.oversight.lift_restriction("R-0001", "The relative has left the organisation")


def test_emergency_access_is_short_needs_a_reason_and_every_lead_and_the_review_see_it(
    two_leads: Path,
) -> None:
    with Session.open("alice", two_leads) as alice, pytest.raises(AccessRefused):
        alice.oversight.emergency_access("R-0001", URGENT)  # leads only
    with Session.open("lead2", two_leads) as lead2:
        with pytest.raises(BadInput, match="reason"):
            lead2.oversight.emergency_access("R-0001", "urgent")
        until = lead2.oversight.emergency_access("R-0001", URGENT)
        ends = datetime.fromisoformat(until) - datetime.now(UTC)
        assert timedelta(minutes=59) < ends <= timedelta(minutes=60)  # oversight.toml
        assert lead2.records.open_record("R-0001").id == "R-0001"
        # Emergency access is not a way to stay: no lift, no grant to oneself.
        with pytest.raises(AccessRefused):
            lead2.oversight.lift_restriction("R-0001", "No longer needs restricting")
        with pytest.raises(AccessRefused):
            lead2.oversight.grant_access("R-0001", "lead2", 365, "Making it last a while")
    # Every lead's list of restricted records shows it, first.
    with Session.open("lead", two_leads) as lead:
        (first, restriction), *_ = lead.oversight.restricted_records()
    assert first == "R-0001"
    assert [staff for staff, _, _ in restriction.emergencies] == ["lead2"]
    assert any(
        what.startswith("emergency access to R-0001") for what in flags_for(two_leads, "lead2")
    )
    with Session.open("auditor", two_leads) as auditor:
        accesses, _ = auditor.oversight.access_review()
    broke = next(a for a in accesses if a.action == "emergency_access")
    assert (broke.staff, broke.reason, broke.flags) == ("lead2", URGENT, ("emergency access",))
    # Time-boxed: an hour and a minute later it is over.
    with (
        time_machine.travel(datetime.now(UTC) + timedelta(minutes=61)),
        Session.open("lead2", two_leads) as lead2,
        pytest.raises(AccessRefused),
    ):
        lead2.records.open_record("R-0001")


# item 6: a restriction reaches a session already open


def test_a_restriction_grant_and_lift_reach_a_session_already_open(populated: Path) -> None:
    with Session.open("alice", populated) as alice, Session.open("lead", populated) as lead:
        assert "R-0001" in alice.records.listing_ids()
        assert alice.records.search("Canaryname R-0001") == ["R-0001"]  # index built
        lead.oversight.restrict_record("R-0001", REASON, 30)
        # Her next action: the list, search (by name and everything) and open.
        assert "R-0001" not in alice.records.listing_ids()
        assert alice.records.search("Canaryname R-0001") == []
        assert "R-0001" not in alice.records.search("")
        assert alice.records.summaries(["R-0001", "R-0002"])[0].id == "R-0002"
        with pytest.raises(AccessRefused):
            alice.records.open_record("R-0001")
        lead.oversight.grant_access("R-0001", "alice", 7, "She is the allocated worker")
        assert alice.records.search("Canaryname R-0001") == ["R-0001"]
        assert alice.records.open_record("R-0001").id == "R-0001"
        lead.oversight.lift_restriction("R-0001", "The relative has left the organisation")
        with Session.open("bilal", populated) as bilal:
            bilal.records.search("Canaryname")
            lead.oversight.restrict_record("R-0003", REASON, 30)
            assert bilal.records.search("Canaryname") == []
            lead.oversight.lift_restriction("R-0003", "Restricted by mistake, lifted")
            assert bilal.records.search("Canaryname") == ["R-0003"]  # the lift, at once


def test_a_changed_caseload_or_a_disabled_account_reaches_a_session_already_open(
    populated: Path,
) -> None:
    with Session.open("alice", populated) as alice:
        assert alice.records.search("Canaryname") == ["R-0001", "R-0002"]
        with Administration.open(populated) as admin:
            admin.unassign("R-0002", "alice")
            admin.assign("R-0003", "alice")
        assert alice.records.search("Canaryname") == ["R-0001", "R-0003"]
        assert "R-0002" not in alice.records.listing_ids()
        with pytest.raises(AccessRefused):
            alice.records.open_record("R-0002")
        assert alice.records.open_record("R-0003").id == "R-0003"
        with Administration.open(populated) as admin:
            admin.disable_staff("alice")
        for action in (
            lambda: alice.records.listing_ids(),
            lambda: alice.records.search("Canaryname"),
            lambda: alice.records.summaries(["R-0001"]),
            lambda: alice.records.open_record("R-0001"),
        ):
            with pytest.raises(AccessRefused, match="disabled"):
                action()


# item 7: a grant that does nothing


def test_a_grant_lets_a_caseworker_open_a_record_outside_their_caseload(
    populated: Path,
) -> None:
    with Session.open("lead", populated) as lead:
        lead.oversight.restrict_record("R-0003", REASON, 30)  # bilal's
        lead.oversight.grant_access("R-0003", "alice", 7, "Covering while bilal is away")
    with Session.open("alice", populated) as alice:
        assert alice.records.open_record("R-0003").id == "R-0003"
        assert "R-0003" in alice.records.listing_ids()
        assert [s.name for s in alice.records.summaries(["R-0003"])] == ["Canaryname R-0003"]
        assert alice.records.search("Canaryname R-0003") == ["R-0003"]
    with Session.open("bilal", populated) as bilal, pytest.raises(AccessRefused):
        bilal.records.open_record("R-0003")  # on his caseload, and no grant
    # Nor a grant that could never do anything: reception opens no record.
    with (
        Session.open("lead", populated) as lead,
        pytest.raises(BadInput, match="cannot open records"),
    ):
        lead.oversight.grant_access("R-0003", "reception", 7, "Only to check it exists")
