"""The policy files: the shipped ones load, bad ones are refused line by line."""

from __future__ import annotations

from pathlib import Path

import pytest

from secure_records.core.errors import PolicyError
from secure_records.core.permissions import Permission
from secure_records.core.policy import MaskForm, Rule, Scope, parse_policy

POLICIES = Path(__file__).resolve().parents[2] / "policies"


def shipped() -> dict[str, str]:
    return {p.name: p.read_text() for p in POLICIES.glob("*.toml")}


def with_change(file: str, old: str, new: str) -> dict[str, str]:
    texts = shipped()
    assert old in texts[file], f"test setup: {old!r} not in {file}"
    texts[file] = texts[file].replace(old, new, 1)
    return texts


def problems_of(texts: dict[str, str]) -> list[str]:
    with pytest.raises(PolicyError) as caught:
        parse_policy(texts)
    return caught.value.problems


def test_shipped_policy_gives_each_default_role_its_scope() -> None:
    policy = parse_policy(shipped())
    scopes = {name: role.scope for name, role in policy.roles.items()}
    assert scopes == {
        "caseworker": Scope.CASELOAD,
        "safeguarding_lead": Scope.ALL,
        "reception": Scope.INDEX,
        "it": Scope.NONE,
        "auditor": Scope.NONE,
    }
    # Reception's exact lookup is its job, named on purpose: the only warnings say so.
    assert [w.split(": ", 2)[1] for w in policy.warnings] == [
        "roles.reception.fields.name.search",
        "roles.reception.fields.date_of_birth.search",
    ]
    assert all("oracle" in w for w in policy.warnings)


def test_caseworker_sees_identifiers_partly_and_special_category_only_with_reason() -> None:
    caseworker = parse_policy(shipped()).role("caseworker")
    assert caseworker.rule_for("nhs_number").rule is Rule.MASKED
    assert caseworker.rule_for("nhs_number").form is MaskForm.LAST4
    assert caseworker.rule_for("health").rule is Rule.REVEAL
    assert caseworker.may(Permission.SHARE) and not caseworker.may(Permission.READ_LOG)


def test_a_field_without_a_rule_is_hidden_and_warned_about() -> None:
    texts = with_change("roles.toml", 'health = { rule = "reveal", form = "redacted" }\n', "")
    policy = parse_policy(texts)
    assert policy.role("caseworker").rule_for("health").rule is Rule.HIDDEN
    assert any("roles.caseworker.fields.health" in w and "hidden" in w for w in policy.warnings)


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (
            "roles.toml",
            'scope = "caseload"',
            'scope = "caseload"\ncolour = "red"',
            "roles.toml: roles.caseworker.colour: unknown key",
        ),
        (
            "roles.toml",
            'nhs_number = { rule = "masked", form = "last4" }',
            'nhs_numbr = "visible"',
            "roles.toml: roles.caseworker.fields.nhs_numbr: unknown field",
        ),
        (
            "roles.toml",
            'actions = ["add_note", "amend", "record_consent", "share"]',
            'actions = ["add_note", "shar"]',
            "roles.toml: roles.caseworker.actions: unknown action 'shar'",
        ),
        (
            "roles.toml",
            'name = "visible"',
            'name = "sometimes"',
            "roles.toml: roles.caseworker.fields.name: 'sometimes' is not one of",
        ),
        (
            "roles.toml",
            'nhs_number = { rule = "masked", form = "last4" }',
            'nhs_number = "masked"',
            "roles.toml: roles.caseworker.fields.nhs_number: a masked rule needs a form",
        ),
        (
            "roles.toml",
            'nhs_number = { rule = "masked", form = "last4" }',
            'nhs_number = { rule = "masked", form = "year_only" }',
            "roles.toml: roles.caseworker.fields.nhs_number.form: year_only does not suit a text",
        ),
        (
            "roles.toml",
            'scope = "caseload"',
            'scope = "everything"',
            "roles.toml: roles.caseworker.scope: 'everything' is not one of",
        ),
        (
            "records.toml",
            'kind = "date"',
            'kind = "when"',
            "records.toml: fields.date_of_birth.kind: 'when' is not one of",
        ),
        (
            "records.toml",
            "identifying = true",
            'identifying = "yes"',
            "records.toml: fields.name.identifying: must be true or false",
        ),
        (
            "session.toml",
            "idle_lock_seconds = 300",
            "idle_lock_seconds = 0",
            "session.toml: session.idle_lock_seconds: must be between 15 and 3600",
        ),
        (
            "session.toml",
            "pin_min_length = 6",
            'pin_min_length = "six"',
            "session.toml: session.pin_min_length: must be a whole number",
        ),
        ("session.toml", "[session]", "[session", "session.toml: not valid TOML"),
        (
            "roles.toml",
            'name = { rule = "hidden", search = "exact" }',
            'name = { rule = "hidden", search = "fuzzy" }',
            "roles.toml: roles.reception.fields.name.search: 'fuzzy' is not one of exact, never",
        ),
        (
            "roles.toml",
            'name = { rule = "hidden", search = "exact" }',
            'name = { rule = "hidden", search = true }',
            "roles.toml: roles.reception.fields.name.search: must be one of exact, never",
        ),
        (
            "roles.toml",
            '[roles.caseworker.fields]\nname = "visible"',
            '[roles.caseworker.fields]\nname = { rule = "visible", search = "exact" }',
            "roles.toml: roles.caseworker.fields.name.search: a visible field is searched by any",
        ),
        (
            "roles.toml",
            'nhs_number = { rule = "masked", form = "last4" }',
            'nhs_number = { rule = "masked", form = "last4", search = "exact" }',
            "roles.toml: roles.caseworker.fields.nhs_number.search: only date_of_birth and name",
        ),
        (
            "session.toml",
            "lookups_per_day = 60",
            "lookups_per_day = 0",
            "session.toml: session.lookups_per_day: must be between 1 and 10000",
        ),
        (
            "session.toml",
            "lookups_per_day = 60",
            "lookups_per_day = 5",
            "session.toml: session.lookups_per_day: must be at least lookups_per_minute",
        ),
        (
            "session.toml",
            "searches_per_minute = 60",
            "searches_per_minutes = 60",
            "session.toml: session.searches_per_minutes: unknown key",
        ),
    ],
)
def test_a_bad_policy_is_refused_naming_file_and_key(
    file: str, old: str, new: str, expected: str
) -> None:
    assert any(expected in line for line in problems_of(with_change(file, old, new)))


def test_every_problem_is_reported_not_only_the_first() -> None:
    texts = with_change("roles.toml", 'scope = "caseload"', 'scope = "x"\nextra = 1')
    texts["session.toml"] = texts["session.toml"].replace(
        "pin_min_length = 6", "pin_min_length = 1"
    )
    problems = problems_of(texts)
    assert len(problems) == 3


def test_missing_and_unexpected_files_are_named() -> None:
    texts = shipped()
    del texts["roles.toml"]
    texts["rolls.toml"] = ""
    problems = problems_of(texts)
    assert "roles.toml: is missing" in problems
    assert any(p.startswith("rolls.toml: not a policy file") for p in problems)


def test_name_and_date_of_birth_must_be_declared() -> None:
    texts = shipped()
    texts["records.toml"] = texts["records.toml"].replace("[fields.date_of_birth]", "[fields.born]")
    problems = problems_of(texts)
    assert any("records.toml: fields.date_of_birth: is required" in p for p in problems)


def test_a_masked_field_searched_on_purpose_is_warned_about_as_an_oracle() -> None:
    old = 'date_of_birth = "visible"'
    masked = 'date_of_birth = { rule = "masked", form = "year_only" }'
    texts = with_change("roles.toml", old, masked)
    quiet = parse_policy(texts)
    assert not any("caseworker" in w for w in quiet.warnings)
    texts = with_change(
        "roles.toml",
        old,
        'date_of_birth = { rule = "masked", form = "year_only", search = "exact" }',
    )
    warned = [w for w in parse_policy(texts).warnings if "caseworker" in w]
    assert warned == [
        "roles.toml: roles.caseworker.fields.date_of_birth.search: searching a masked field is "
        "an oracle: each search confirms or denies a guess (a year of dates of birth is 365 "
        "searches); only the rate limits in session.toml bound it"
    ]


def test_rate_limits_missing_from_an_older_session_file_take_their_defaults() -> None:
    texts = shipped()
    texts["session.toml"] = texts["session.toml"].split("\n# Searches and exact lookups")[0]
    settings = parse_policy(texts).session
    assert (settings.lookups_per_minute, settings.lookups_per_day) == (6, 60)
    assert (settings.searches_per_minute, settings.searches_per_day) == (60, 2000)
