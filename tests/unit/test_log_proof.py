"""What the log proves (core.log_proof): pure, so every case is cheap to state."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from secure_records.core.log_actions import LogAction
from secure_records.core.log_proof import (
    Entry,
    disposal_steps,
    disposal_unproven,
    due_for,
    not_due,
    restriction_unproven,
)
from secure_records.core.permissions import Permission
from secure_records.core.policy import Policy, parse_policy
from secure_records.core.retention import Certificate
from secure_records.vault.policy_files import read_policy_texts

SHIPPED = Path(__file__).resolve().parents[2] / "src" / "secure_records" / "default_policies"
TODAY = date(2026, 11, 30)
CLAIM = Certificate(
    "X-1", "R-1", "vulnerable_adult", "adults", "2021-03-31", "it", "lead", "", "", "", "", 0
)
DONE = "it is not carried out."


@pytest.fixture(scope="module")
def policy() -> Policy:
    return parse_policy(read_policy_texts(SHIPPED))


@dataclass(frozen=True)
class Step:
    action: str
    actor: str
    role: str
    record_id: str | None = "R-1"
    details: Mapping[str, Any] = field(default_factory=dict)
    seq: int = 0


def proposed(actor: str = "it", role: str = "it", **details: Any) -> Step:
    said = {"disposal": "X-1", "rule": "adults", "due": "2021-03-31"} | details
    return Step(LogAction.DISPOSAL_PROPOSED, actor, role, details=said)


def reviewed(
    actor: str = "lead", role: str = "safeguarding_lead", status: str = "approved"
) -> Step:
    return Step(
        LogAction.DISPOSAL_REVIEWED, actor, role, details={"disposal": "X-1", "status": status}
    )


def unproven(policy: Policy, *steps: Entry, claim: Certificate = CLAIM) -> str | None:
    return disposal_unproven(claim, steps, policy.roles)


def test_a_proposal_and_an_approval_by_two_people_with_the_roles_prove_it(
    policy: Policy,
) -> None:
    assert unproven(policy, proposed(), reviewed()) is None


def test_nothing_in_the_log_proves_nothing(policy: Policy) -> None:
    assert unproven(policy) == f"X-1 has no proposal in the log; {DONE}"
    assert unproven(policy, reviewed()) == f"X-1 has no proposal in the log; {DONE}"


@pytest.mark.parametrize("status", ["rejected", None])
def test_a_proposal_without_an_approval_is_not_enough(policy: Policy, status: str | None) -> None:
    steps = [proposed()] + ([reviewed(status=status)] if status else [])
    assert unproven(policy, *steps) == f"X-1 has no approval in the log; {DONE}"


def test_the_last_review_counts(policy: Policy) -> None:
    steps = (proposed(), reviewed(), reviewed(status="rejected"))
    assert unproven(policy, *steps) == f"X-1 has no approval in the log; {DONE}"


def test_the_same_person_cannot_propose_and_approve(policy: Policy) -> None:
    claim = dataclasses.replace(CLAIM, proposed_by="lead")
    steps = (proposed("lead", "safeguarding_lead"), reviewed())
    # The lead's role does not propose under the shipped policy: that is said first.
    assert unproven(policy, *steps, claim=claim) == (
        f"X-1 was proposed by lead as safeguarding_lead, a role that may not propose "
        f"disposals; {DONE}"
    )
    roles = dict(policy.roles)
    lead = roles["safeguarding_lead"]
    proposes = lead.actions | {Permission.PROPOSE_DISPOSAL}
    roles["safeguarding_lead"] = dataclasses.replace(lead, actions=proposes)
    assert disposal_unproven(claim, steps, roles) == (
        f"X-1 was proposed and approved by the same person (lead); {DONE}"
    )


@pytest.mark.parametrize(
    ("step", "said"),
    [
        (proposed(role="caseworker"), "proposed by it as caseworker, a role that may not propose"),
        (proposed(role="host"), "proposed by it as host, a role that may not propose"),
        (proposed(role="no_such_role"), "proposed by it as no_such_role, a role that may not"),
    ],
)
def test_a_proposal_by_a_role_without_the_permission_is_refused(
    policy: Policy, step: Step, said: str
) -> None:
    result = unproven(policy, step, reviewed())
    assert result is not None and said in result and result.startswith("X-1 ")


@pytest.mark.parametrize("role", ["it", "caseworker", "auditor", "host"])
def test_an_approval_by_a_role_without_the_permission_is_refused(policy: Policy, role: str) -> None:
    claim = dataclasses.replace(CLAIM, approved_by="bob")
    result = unproven(policy, proposed(), reviewed("bob", role), claim=claim)
    assert (
        result
        == f"X-1 was approved by bob as {role}, a role that may not approve disposals; {DONE}"
    )


@pytest.mark.parametrize(
    "claim",
    [
        dataclasses.replace(CLAIM, reference="R-2"),
        dataclasses.replace(CLAIM, proposed_by="someone"),
        dataclasses.replace(CLAIM, rule="children"),
        dataclasses.replace(CLAIM, due="2020-03-31"),
    ],
)
def test_a_row_that_does_not_say_what_was_proposed_is_refused(
    policy: Policy, claim: Certificate
) -> None:
    assert unproven(policy, proposed(), reviewed(), claim=claim) == (
        f"X-1 does not match its proposal in the log; {DONE}"
    )


def test_a_row_that_does_not_say_who_approved_is_refused(policy: Policy) -> None:
    claim = dataclasses.replace(CLAIM, approved_by="auditor")
    assert unproven(policy, proposed(), reviewed(), claim=claim) == (
        f"X-1 does not match its approval in the log; {DONE}"
    )
    elsewhere = dataclasses.replace(reviewed(), record_id="R-2")
    assert unproven(policy, proposed(), elsewhere) == (
        f"X-1 does not match its approval in the log; {DONE}"
    )


def test_steps_are_read_once_and_found_by_disposal_id() -> None:
    other = Step(LogAction.DISPOSAL_PROPOSED, "it", "it", details={"disposal": "X-2"})
    noise = Step(LogAction.RECORD_OPENED, "lead", "safeguarding_lead", details={"disposal": "X-1"})
    found = disposal_steps([proposed(), other, noise, reviewed()])
    assert {k: [s.action for s in v] for k, v in found.items()} == {
        "X-1": ["disposal_proposed", "disposal_reviewed"],
        "X-2": ["disposal_proposed"],
    }


# due at the moment of erasing

ADULT = {"category": "vulnerable_adult", "case_closed": "2015-01-01", "date_of_birth": ""}


def test_a_record_is_due_from_its_own_dates(policy: Policy) -> None:
    found = due_for(policy.retention, ADULT)
    assert found is not None and (found[0].name, found[1]) == ("adults", date(2021, 3, 31))
    assert not_due(CLAIM, ADULT, policy.retention, TODAY) is None
    assert due_for(policy.retention, ADULT | {"case_closed": ""}) is None  # still open


def test_a_record_not_yet_due_is_refused(policy: Policy) -> None:
    assert not_due(CLAIM, ADULT, policy.retention, date(2021, 3, 30)) == (
        f"X-1 is for record R-1, which is not due until 2021-03-31; {DONE}"
    )
    assert not_due(CLAIM, ADULT | {"case_closed": ""}, policy.retention, TODAY) == (
        f"X-1 is for record R-1, which no retention rule makes due; {DONE}"
    )


def test_a_category_that_is_not_the_records_is_refused(policy: Policy) -> None:
    child = {"category": "child", "date_of_birth": "1990-01-01", "case_closed": ""}
    assert not_due(CLAIM, child, policy.retention, TODAY) == (
        f"X-1 does not match its record's category; {DONE}"
    )


# restrictions


def restricted(role: str = "safeguarding_lead", record: str = "R-1") -> Step:
    return Step(LogAction.RECORD_RESTRICTED, "lead", role, record)


def test_a_restriction_set_by_a_lead_is_proven(policy: Policy) -> None:
    assert restriction_unproven("R-1", [restricted()], policy.roles) is None
    lifted = Step(LogAction.RESTRICTION_LIFTED, "lead", "safeguarding_lead")
    again = [restricted(), lifted, restricted()]
    assert restriction_unproven("R-1", again, policy.roles) is None


@pytest.mark.parametrize(
    "steps",
    [
        [],
        [restricted(record="R-2")],
        [restricted(), Step(LogAction.RESTRICTION_LIFTED, "lead", "safeguarding_lead")],
    ],
)
def test_a_restriction_not_in_the_log_or_since_lifted_is_not_proven(
    policy: Policy, steps: list[Step]
) -> None:
    assert restriction_unproven("R-1", steps, policy.roles) == (
        "Record R-1's restriction is not in the log; nothing was done."
    )


def test_a_restriction_by_a_role_that_does_not_restrict_is_not_proven(policy: Policy) -> None:
    assert restriction_unproven("R-1", [restricted("caseworker")], policy.roles) == (
        "Record R-1 was restricted by lead as caseworker, a role that may not restrict "
        "records; nothing was done."
    )
