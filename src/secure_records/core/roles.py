"""Roles, read from `roles.toml`: what each may see of a record, and do.

Section 10(d) of the policy: users are "restricted to the information they need
to do their jobs", limiting "which records and which parts of an individual
record they can use". A role is granted a record scope, a rule per field and a set
of actions; whatever it is not granted, it does not have.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from secure_records.core.fields import REQUIRED_FIELDS, FieldKind, FieldSpec
from secure_records.core.permissions import Permission
from secure_records.core.validation import FileReader, key_path, type_name

FILE = "roles.toml"


class Scope(StrEnum):
    ALL = "all"
    CASELOAD = "caseload"  # records assigned to the staff member
    INDEX = "index"  # may learn that a record exists from an exact name + date of birth
    NONE = "none"


class Rule(StrEnum):
    VISIBLE = "visible"
    MASKED = "masked"  # only the partial form, ever
    REVEAL = "reveal"  # the partial form until revealed with a reason
    HIDDEN = "hidden"


class MaskForm(StrEnum):
    LAST4 = "last4"
    INITIALS = "initials"
    YEAR_ONLY = "year_only"
    REDACTED = "redacted"
    COUNT = "count"  # for consent and notes: how many entries, nothing of them


class SearchBy(StrEnum):
    """How a field the role does not see in full may be searched: never, unless the
    policy says so on purpose (each exact search confirms or denies a guess)."""

    EXACT = "exact"  # the whole value, as typed
    NEVER = "never"


# The fields a search or an exact lookup reads: the record list's name and date of birth.
SEARCHED_FIELDS = frozenset(REQUIRED_FIELDS)

# Which partial forms make sense for which kind of field.
FORMS_FOR_KIND: Mapping[FieldKind, frozenset[MaskForm]] = {
    FieldKind.TEXT: frozenset({MaskForm.LAST4, MaskForm.INITIALS, MaskForm.REDACTED}),
    FieldKind.DATE: frozenset({MaskForm.YEAR_ONLY, MaskForm.REDACTED}),
    FieldKind.CHOICE: frozenset({MaskForm.REDACTED}),
    FieldKind.CONSENT: frozenset({MaskForm.COUNT}),
    FieldKind.NOTES: frozenset({MaskForm.COUNT}),
}

# The names `roles.toml` may grant; anything else is an error, never ignored.
KNOWN_ACTIONS = frozenset(p.value for p in Permission)

ROLE_KEYS = frozenset({"label", "description", "scope", "fields", "actions"})


@dataclass(frozen=True)
class FieldRule:
    rule: Rule
    form: MaskForm | None = None
    # A visible field is searched by any part; any other only as this says.
    search: SearchBy = SearchBy.NEVER


HIDDEN = FieldRule(Rule.HIDDEN)


@dataclass(frozen=True)
class RoleSpec:
    name: str
    label: str
    description: str
    scope: Scope
    field_rules: Mapping[str, FieldRule]
    actions: frozenset[Permission]

    def rule_for(self, field: str) -> FieldRule:
        # Fail closed: a field with no rule is hidden.
        return self.field_rules.get(field, HIDDEN)

    def may(self, action: Permission) -> bool:
        return action in self.actions


def read_roles(
    reader: FileReader,
    doc: Mapping[str, Any],
    fields: Mapping[str, FieldSpec],
    declared: set[str],
) -> dict[str, RoleSpec]:
    """The roles; `declared` holds every field name records.toml wrote, so that a
    rule for a field whose spec was bad is not reported a second time."""
    reader.keys("", doc, {"roles"})
    table = reader.table("roles", doc.get("roles"))
    roles: dict[str, RoleSpec] = {}
    if table is None:
        return roles
    if not table:
        reader.error("roles", "no roles are defined")
    for name, raw in table.items():
        path = key_path("roles", name)
        if not reader.name(path, name, "role name"):
            continue
        role = _read_role(reader, path, name, raw, fields, declared)
        if role is not None:
            roles[name] = role
    return roles


def _read_role(
    reader: FileReader,
    path: str,
    name: str,
    raw: object,
    fields: Mapping[str, FieldSpec],
    declared: set[str],
) -> RoleSpec | None:
    spec = reader.table(path, raw)
    if spec is None:
        return None
    reader.keys(path, spec, ROLE_KEYS)
    default_label = name.replace("_", " ").capitalize()
    label = reader.text(f"{path}.label", spec.get("label"), default=default_label, allow_blank=True)
    description = reader.text(
        f"{path}.description", spec.get("description"), default="", allow_blank=True
    )
    scope = reader.choice(f"{path}.scope", spec.get("scope"), Scope)
    actions = reader.names(f"{path}.actions", spec.get("actions", []), KNOWN_ACTIONS, "action")
    rules: dict[str, FieldRule] = {}
    raw_rules = reader.table(f"{path}.fields", spec.get("fields"))
    for field_name, raw_rule in (raw_rules or {}).items():
        rule_path = f"{path}.fields.{field_name}"
        field = fields.get(field_name)
        if field is None:
            if field_name not in declared:
                reader.error(rule_path, "unknown field (not declared in records.toml)")
            continue
        parsed = _read_rule(reader, rule_path, raw_rule, field)
        if parsed is not None:
            rules[field_name] = parsed
    if scope is None or label is None or description is None:
        return None
    for field_name in fields:
        if field_name not in rules:
            reader.warn(f"{path}.fields.{field_name}", "no rule, so the field is hidden")
    granted = frozenset(Permission(a) for a in actions or ())
    return RoleSpec(name, label, description, scope, rules, granted)


def _read_rule(reader: FileReader, path: str, raw: object, field: FieldSpec) -> FieldRule | None:
    form: MaskForm | None = None
    search = SearchBy.NEVER
    if isinstance(raw, str):
        rule = reader.choice(path, raw, Rule)
    elif isinstance(raw, dict):
        reader.keys(path, raw, {"rule", "form", "search"})
        rule = reader.choice(f"{path}.rule", raw.get("rule"), Rule)
        if "form" in raw:
            form = reader.choice(f"{path}.form", raw["form"], MaskForm)
            if form is None:
                return None
        if "search" in raw:
            chosen = _read_search(reader, f"{path}.search", raw["search"], rule, field)
            if chosen is None:
                return None
            search = chosen
    else:
        reader.error(path, f"must be a rule name or a table, not {type_name(raw)}")
        return None
    if rule is None:
        return None
    if rule in (Rule.MASKED, Rule.REVEAL):
        allowed = FORMS_FOR_KIND[field.kind]
        if form is None:
            # Lists have one sensible partial form; scalars must say which.
            if field.is_list:
                form = MaskForm.COUNT
            else:
                reader.error(path, f"a {rule} rule needs a form ({', '.join(sorted(allowed))})")
                return None
        if form not in allowed:
            reader.error(
                f"{path}.form",
                f"{form} does not suit a {field.kind} field (use {', '.join(sorted(allowed))})",
            )
            return None
    elif form is not None:
        reader.error(f"{path}.form", f"a {rule} rule takes no form")
        return None
    return FieldRule(rule, form, search)


def _read_search(
    reader: FileReader, path: str, raw: object, rule: Rule | None, field: FieldSpec
) -> SearchBy | None:
    """A search mode named on purpose, for a field the role does not see in full."""
    search = reader.choice(path, raw, SearchBy)
    if search is None or rule is None:
        return None
    if field.name not in SEARCHED_FIELDS:
        searched = " and ".join(sorted(SEARCHED_FIELDS))
        reader.error(path, f"only {searched} are searched")
        return None
    if rule is Rule.VISIBLE:
        reader.error(path, "a visible field is searched by any part already")
        return None
    if search is SearchBy.EXACT:
        reader.warn(
            path,
            f"searching a {rule} field is an oracle: each search confirms or denies a guess "
            "(a year of dates of birth is 365 searches); only the rate limits in "
            "session.toml bound it",
        )
    return search
