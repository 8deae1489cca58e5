"""Projection through a role: what each role's view holds, and what it cannot."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from secure_records.core.access import (
    SearchMode,
    in_scope,
    project,
    readable_fields,
    search_modes,
    summarise,
)
from secure_records.core.masking import partial_form
from secure_records.core.policy import MaskForm, Policy, parse_policy
from secure_records.core.records import ConsentEntry, Note, NoteKind, Record

POLICIES = Path(__file__).resolve().parents[2] / "policies"


@pytest.fixture(scope="module")
def policy() -> Policy:
    return parse_policy({p.name: p.read_text() for p in POLICIES.glob("*.toml")})


RECORD = Record(
    id="R-1",
    values={
        "name": "Ada Quillfeather",
        "date_of_birth": "2013-04-02",
        "address": "12 Example Lane, Nowhere",
        "phone": "01632 960123",
        "nhs_number": "999 123 4567",
        "category": "child",
        "health": "Asthma",
    },
    consent=(ConsentEntry("Carer", "School", date(2024, 5, 1)),),
    notes=(Note(date(2024, 5, 2), "alice", NoteKind.FACT, "Seen at home", False),),
    assigned_to=frozenset({"alice"}),
)


def test_caseworker_view_masks_and_holds_no_full_value_it_may_not_see(policy: Policy) -> None:
    view = project(RECORD, policy.role("caseworker"), policy)
    shown = {f.name: f.text for f in view.fields}
    assert shown["name"] == "Ada Quillfeather"
    assert shown["nhs_number"] == "•••• 4567"
    assert shown["phone"] == "•••• 0123"
    assert "Asthma" not in repr(view)
    assert "Example Lane" not in repr(view)
    health = view.field("health")
    assert health is not None and health.revealable


def test_a_reveal_shows_only_a_reveal_field(policy: Policy) -> None:
    role = policy.role("caseworker")
    view = project(RECORD, role, policy, revealed={"health", "nhs_number"})
    health, nhs = view.field("health"), view.field("nhs_number")
    assert health is not None and health.text == "Asthma" and not health.revealable
    # nhs_number is masked, not reveal: asking to reveal it changes nothing.
    assert nhs is not None and nhs.text == "•••• 4567"


def test_roles_without_a_record_scope_get_an_empty_view(policy: Policy) -> None:
    for role_name in ("reception", "it", "auditor"):
        role = policy.role(role_name)
        view = project(RECORD, role, policy)
        assert view.fields == ()
        assert view.notes is None and view.consent is None
        assert readable_fields(role, policy) == frozenset()
        assert not in_scope(role, "alice", RECORD.assigned_to)


def test_scope_caseload_means_assigned(policy: Policy) -> None:
    caseworker = policy.role("caseworker")
    assert in_scope(caseworker, "alice", {"alice"})
    assert not in_scope(caseworker, "bilal", {"alice"})
    assert in_scope(policy.role("safeguarding_lead"), "lead", set())


def test_hidden_list_is_absent_and_masked_list_shows_only_a_count(policy: Policy) -> None:
    texts = {p.name: p.read_text() for p in POLICIES.glob("*.toml")}
    texts["roles.toml"] = texts["roles.toml"].replace(
        'consent = "visible"\nnotes = "visible"\n\n[roles.safeguarding_lead]',
        'consent = "hidden"\nnotes = { rule = "masked" }\n\n[roles.safeguarding_lead]',
    )
    changed = parse_policy(texts)
    view = project(RECORD, changed.role("caseworker"), changed)
    assert view.consent is None and "Consent" in view.restricted
    assert view.notes is not None and view.notes.entries == ()
    assert view.notes.summary == "1 note"


def test_list_summary_masks_by_rule(policy: Policy) -> None:
    line = summarise("R-1", "Ada Quillfeather", "2013-04-02", policy.role("reception"))
    assert line.name == "" and line.date_of_birth == ""


@pytest.mark.parametrize(
    ("value", "form", "shown"),
    [
        ("999 123 4567", MaskForm.LAST4, "•••• 4567"),
        ("123", MaskForm.LAST4, "••••"),
        ("ada mary quillfeather", MaskForm.INITIALS, "A. M. Q."),
        ("2013-04-02", MaskForm.YEAR_ONLY, "2013-••-••"),
        ("anything at all", MaskForm.REDACTED, "••••••••"),
    ],
)
def test_partial_forms(value: str, form: MaskForm, shown: str) -> None:
    assert partial_form(value, form) == shown


@pytest.mark.parametrize(
    ("name_rule", "mode"),
    [
        ('"visible"', SearchMode.PART),
        # Masked or hidden: not even an exact match, which would confirm a guess...
        ('{ rule = "masked", form = "initials" }', SearchMode.NEVER),
        ('{ rule = "reveal", form = "initials" }', SearchMode.NEVER),
        ('"hidden"', SearchMode.NEVER),
        # ...unless the policy names a search mode on purpose.
        ('{ rule = "masked", form = "initials", search = "exact" }', SearchMode.WHOLE),
        ('{ rule = "reveal", form = "initials", search = "exact" }', SearchMode.WHOLE),
        ('{ rule = "hidden", search = "exact" }', SearchMode.WHOLE),
        ('{ rule = "hidden", search = "never" }', SearchMode.NEVER),
    ],
)
def test_search_reads_nothing_through_a_mask_or_a_hidden_field(
    name_rule: str, mode: SearchMode
) -> None:
    texts = {p.name: p.read_text() for p in POLICIES.glob("*.toml")}
    texts["roles.toml"] = texts["roles.toml"].replace(
        '[roles.caseworker.fields]\nname = "visible"',
        f"[roles.caseworker.fields]\nname = {name_rule}",
    )
    assert search_modes(parse_policy(texts).role("caseworker"))[0] is mode
