"""What a change of policy widens and narrows, in the words `policy apply` prints."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from secure_records.core.permissions import Permission
from secure_records.core.policy import FieldRule, MaskForm, Policy, Rule, Scope, parse_policy
from secure_records.core.policy_change import policy_changes
from secure_records.core.roles import SearchBy

POLICIES = Path(__file__).resolve().parents[2] / "policies"
SHIPPED = parse_policy({p.name: p.read_text() for p in POLICIES.glob("*.toml")})


def with_role(policy: Policy, name: str, **changes: object) -> Policy:
    roles = dict(policy.roles)
    roles[name] = replace(roles[name], **changes)  # type: ignore[arg-type]
    return replace(policy, roles=roles)


def with_rule(policy: Policy, role: str, field: str, rule: FieldRule) -> Policy:
    rules = dict(policy.roles[role].field_rules)
    rules[field] = rule
    return with_role(policy, role, field_rules=rules)


def test_the_same_policy_changes_nothing() -> None:
    changes = policy_changes(SHIPPED, SHIPPED)
    assert changes.none
    assert changes.lines() == []


def test_the_attack_in_the_issue_is_named_as_widening() -> None:
    attacked = with_rule(
        with_role(SHIPPED, "caseworker", scope=Scope.ALL),
        "caseworker",
        "nhs_number",
        FieldRule(Rule.VISIBLE),
    )
    changes = policy_changes(SHIPPED, attacked)
    assert changes.widens == (
        "caseworker: scope widens from their caseload to all records",
        "caseworker: NHS number widens from masked to visible",
    )
    assert changes.narrows == ()
    # And undone, the very same changes narrow.
    back = policy_changes(attacked, SHIPPED)
    assert back.narrows == (
        "caseworker: scope narrows from all records to their caseload",
        "caseworker: NHS number narrows from visible to masked",
    )
    assert back.widens == ()


def test_another_partial_form_counts_as_widening() -> None:
    changed = with_rule(
        SHIPPED, "caseworker", "nhs_number", FieldRule(Rule.MASKED, MaskForm.INITIALS)
    )
    (line,) = policy_changes(SHIPPED, changed).widens
    assert line == (
        "caseworker: NHS number is still masked, its partial form changes from last4 to initials"
    )


def test_a_field_with_no_rule_is_hidden_so_removing_a_rule_narrows() -> None:
    rules = dict(SHIPPED.roles["caseworker"].field_rules)
    del rules["health"]
    changed = with_role(SHIPPED, "caseworker", field_rules=rules)
    assert policy_changes(SHIPPED, changed).narrows == (
        "caseworker: Health narrows from revealed with a reason to hidden",
    )


def test_actions_granted_and_withdrawn() -> None:
    actions = SHIPPED.roles["caseworker"].actions - {Permission.SHARE}
    changed = with_role(SHIPPED, "caseworker", actions=actions | {Permission.APPROVE_DISPOSAL})
    changes = policy_changes(SHIPPED, changed)
    assert changes.widens == ("caseworker: may now approve disposal",)
    assert changes.narrows == ("caseworker: may no longer share",)


def test_roles_added_and_removed() -> None:
    roles = dict(SHIPPED.roles)
    roles["volunteer"] = replace(roles.pop("auditor"), name="volunteer", scope=Scope.ALL)
    changes = policy_changes(SHIPPED, replace(SHIPPED, roles=roles))
    assert changes.widens == ("role volunteer added, with scope all records",)
    assert changes.narrows == ("role auditor removed (its staff can no longer open a session)",)


def test_sharing_questions_added_and_removed_are_listed() -> None:
    questions = dict(SHIPPED.sharing.questions)
    consent = questions.pop("consent")
    questions["capacity"] = replace(consent, name="capacity", text="Can they consent?")
    changed = replace(SHIPPED, sharing=replace(SHIPPED.sharing, questions=questions))
    other = policy_changes(SHIPPED, changed).other
    assert "sharing: question 'capacity' added: Can they consent?" in other
    assert "sharing: question 'consent' removed: Do you have consent?" in other


def test_an_outcome_that_now_shares_widens_and_other_settings_are_named() -> None:
    outcomes = dict(SHIPPED.sharing.outcomes)
    outcomes["do_not_share"] = replace(outcomes["do_not_share"], share=True)
    sharing = replace(SHIPPED.sharing, outcomes=outcomes)
    session = replace(SHIPPED.session, idle_lock_seconds=SHIPPED.session.idle_lock_seconds + 60)
    changes = policy_changes(SHIPPED, replace(SHIPPED, sharing=sharing, session=session))
    assert changes.widens == ("sharing: outcome 'do_not_share' now shares",)
    assert changes.other == ("session settings changed",)
    assert changes.lines() == [
        "widens: sharing: outcome 'do_not_share' now shares",
        "changes: session settings changed",
    ]


def test_a_search_mode_named_on_a_masked_field_is_named_as_widening() -> None:
    masked = FieldRule(Rule.MASKED, MaskForm.LAST4)
    before = with_rule(SHIPPED, "caseworker", "name", masked)
    after = with_rule(SHIPPED, "caseworker", "name", replace(masked, search=SearchBy.EXACT))
    assert policy_changes(before, after).lines() == [
        "widens: caseworker: Name is now searched exactly"
    ]
    assert policy_changes(after, before).lines() == [
        "narrows: caseworker: Name is no longer searched exactly"
    ]
