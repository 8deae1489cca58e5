"""The log as each reader may see it: personal details only as far as the reader's
field rules show the fields they describe."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from secure_records.core.log_reading import in_full, nothing, readable
from secure_records.core.policy import Policy, parse_policy
from secure_records.core.roles import FieldRule, RoleSpec, Rule
from secure_records.vault.policy_files import read_policy_texts

SHIPPED = Path(__file__).resolve().parents[2] / "src" / "secure_records" / "default_policies"
POLICY: Policy = parse_policy(read_policy_texts(SHIPPED), date(2026, 11, 30))
LOOKUP = {"query": {"name": "Jane Canary", "date_of_birth": "2013-04-02"}}
CALL = {
    "caller": {"name": "Dr Who", "number_given": "0161 496 0000"},
    "about": {"name": "Jane Canary", "date_of_birth": "2013-04-02"},
    "asked": "her address",
}


def role_seeing(**rules: Rule) -> RoleSpec:
    auditor = POLICY.roles["auditor"]
    fields = {name: FieldRule(rule) for name, rule in rules.items()}
    return RoleSpec("reader", "Reader", "", auditor.scope, fields, auditor.actions)


def shown_to(role: RoleSpec, details: dict[str, Any], personal: Any = None) -> Any:
    return readable(details, personal, in_full(role), POLICY.fields)


def test_the_auditor_sees_that_a_lookup_found_a_record_not_who_was_asked() -> None:
    shown = shown_to(POLICY.roles["auditor"], {"found": True}, LOOKUP)
    assert shown.details == {"found": True}
    assert shown.personal is None
    assert shown.withheld == ("the name asked", "the date of birth asked")


def test_a_lookup_that_found_nothing_keeps_its_words_in_the_details_and_they_are_withheld() -> None:
    shown = shown_to(POLICY.roles["auditor"], {**LOOKUP, "found": False})
    assert shown.details == {"found": False}
    assert "Jane Canary" not in repr(shown)


def test_each_field_asked_is_shown_only_if_the_role_sees_that_field_in_full() -> None:
    role = role_seeing(name=Rule.VISIBLE, date_of_birth=Rule.MASKED)
    shown = shown_to(role, {}, LOOKUP)
    assert shown.personal == {"query": {"name": "Jane Canary"}}
    assert shown.withheld == ("the date of birth asked",)


def test_a_searchs_words_need_both_name_and_date_of_birth_in_full() -> None:
    searched = {"query": "Canary"}
    assert shown_to(role_seeing(name=Rule.VISIBLE), searched).details == {}
    both = role_seeing(name=Rule.VISIBLE, date_of_birth=Rule.VISIBLE)
    assert shown_to(both, searched).details == searched
    assert shown_to(POLICY.roles["auditor"], searched).withheld == ("the words searched",)


def test_free_text_and_a_callers_details_need_every_field_in_full() -> None:
    lead = POLICY.roles["safeguarding_lead"]  # health is reveal-with-reason for a lead
    shown = shown_to(lead, {"request": "T-1", **CALL})
    assert shown.details == {
        "request": "T-1",
        "about": {"name": "Jane Canary", "date_of_birth": "2013-04-02"},
    }
    assert shown.withheld == ("the caller's details", "what was asked")
    assert shown_to(lead, {}, {"reason": "Visit"}).withheld == ("the reason",)
    everything = role_seeing(**dict.fromkeys(POLICY.fields, Rule.VISIBLE))
    assert shown_to(everything, {}, {"reason": "Visit"}).personal == {"reason": "Visit"}


def test_nothing_personal_reaches_a_reader_who_sees_no_field_and_the_rest_is_kept() -> None:
    decision = {"requester": {"name": "A Person"}, "purpose": "A court", "outcome": "share"}
    shown = readable({"decision": "D-1", "share": True}, decision, nothing, POLICY.fields)
    assert shown.details == {"decision": "D-1", "share": True}
    assert shown.personal is None
    assert shown.withheld == ("who asked", "the purpose", "the outcome")
    disposed = readable({}, "[disposed]", nothing, POLICY.fields)
    assert (disposed.personal, disposed.withheld) == ("[disposed]", ())
