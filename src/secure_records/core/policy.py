"""The organisation's rules, read from TOML text into frozen dataclasses.

Section 10(d) of the policy: users are "restricted to the information they need
to do their jobs", limiting "which records and which parts of an individual
record they can use". A role is granted a record scope, a rule per field and a set
of actions; whatever it is not granted, it does not have.

This module is pure: the caller reads the files and hands over their text.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from secure_records.core.directory import Directory, parse_directory
from secure_records.core.errors import PolicyError
from secure_records.core.oversight import ReviewSettings, parse_oversight
from secure_records.core.permissions import Permission
from secure_records.core.retention import CATEGORY_FIELD, RetentionPolicy, parse_retention
from secure_records.core.sharing import SharingPolicy, parse_sharing

E = TypeVar("E", bound=StrEnum)


class FieldKind(StrEnum):
    TEXT = "text"
    DATE = "date"
    CHOICE = "choice"
    CONSENT = "consent"
    NOTES = "notes"


LIST_KINDS = frozenset({FieldKind.CONSENT, FieldKind.NOTES})


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

# Fields the app relies on: the index match and the record list need them.
REQUIRED_FIELDS: Mapping[str, FieldKind] = {
    "name": FieldKind.TEXT,
    "date_of_birth": FieldKind.DATE,
}

NAME_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,39}\Z")

POLICY_FILES = (
    "records.toml",
    "roles.toml",
    "session.toml",
    "sharing.toml",
    "directory.toml",
    "retention.toml",
    "oversight.toml",
)
# Read by their own modules (core.sharing, .directory, .retention), not as plain TOML here.
SEPARATELY_PARSED = frozenset(
    {"sharing.toml", "directory.toml", "retention.toml", "oversight.toml"}
)


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: FieldKind
    identifying: bool
    special_category: bool
    choices: tuple[str, ...] = ()

    @property
    def is_list(self) -> bool:
        return self.kind in LIST_KINDS


@dataclass(frozen=True)
class FieldRule:
    rule: Rule
    form: MaskForm | None = None


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


@dataclass(frozen=True)
class SessionSettings:
    idle_lock_seconds: int
    pin_min_length: int
    reveal_reason_min_length: int


@dataclass(frozen=True)
class Policy:
    fields: Mapping[str, FieldSpec]
    roles: Mapping[str, RoleSpec]
    session: SessionSettings
    sharing: SharingPolicy
    directory: Directory
    retention: RetentionPolicy
    oversight: ReviewSettings
    warnings: tuple[str, ...] = ()

    def field(self, name: str) -> FieldSpec:
        return self.fields[name]

    def role(self, name: str) -> RoleSpec:
        return self.roles[name]

    @property
    def scalar_fields(self) -> tuple[FieldSpec, ...]:
        return tuple(f for f in self.fields.values() if not f.is_list)

    def list_field(self, kind: FieldKind) -> FieldSpec | None:
        return next((f for f in self.fields.values() if f.kind is kind), None)

    def summary(self) -> str:
        scopes = ", ".join(f"{r.name} ({r.scope})" for r in self.roles.values())
        return (
            f"{len(self.fields)} fields, {len(self.roles)} roles: {scopes}; "
            f"sharing: {len(self.sharing.questions)} questions, "
            f"{len(self.sharing.outcomes)} outcomes; "
            f"directory: {len(self.directory.organisations)} organisations; "
            f"retention: {len(self.retention.rules)} rules"
        )


class _Problems:
    """Collects `FILE: key.path: what is wrong` lines."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def error(self, file: str, path: str, what: str) -> None:
        self.errors.append(f"{file}: {path}: {what}" if path else f"{file}: {what}")

    def warn(self, file: str, path: str, what: str) -> None:
        self.warnings.append(f"{file}: {path}: {what}")


def _table(problems: _Problems, file: str, path: str, value: object) -> Mapping[str, Any] | None:
    if not isinstance(value, dict):
        problems.error(file, path, f"must be a table, not {_type_name(value)}")
        return None
    return value


def _type_name(value: object) -> str:
    return {
        str: "text",
        bool: "true/false",
        int: "a number",
        float: "a number",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def _unknown_keys(
    problems: _Problems, file: str, path: str, table: Mapping[str, Any], allowed: set[str]
) -> None:
    for key in table:
        if key not in allowed:
            where = f"{path}.{key}" if path else key
            problems.error(
                file, where, f"unknown key (expected one of: {', '.join(sorted(allowed))})"
            )


def _text(
    problems: _Problems,
    file: str,
    path: str,
    table: Mapping[str, Any],
    key: str,
    default: str | None,
) -> str | None:
    if key not in table:
        if default is None:
            problems.error(file, f"{path}.{key}", "is required")
        return default
    value = table[key]
    if not isinstance(value, str):
        problems.error(file, f"{path}.{key}", f"must be text, not {_type_name(value)}")
        return None
    return value


def _flag(problems: _Problems, file: str, path: str, table: Mapping[str, Any], key: str) -> bool:
    value = table.get(key, False)
    if not isinstance(value, bool):
        problems.error(file, f"{path}.{key}", f"must be true or false, not {_type_name(value)}")
        return False
    return value


def _enum(problems: _Problems, file: str, path: str, value: object, enum: type[E]) -> E | None:
    allowed = ", ".join(e.value for e in enum)
    if not isinstance(value, str):
        problems.error(file, path, f"must be one of {allowed}, not {_type_name(value)}")
        return None
    try:
        return enum(value)
    except ValueError:
        problems.error(file, path, f"{value!r} is not one of {allowed}")
        return None


def _parse_toml(problems: _Problems, file: str, text: str) -> Mapping[str, Any] | None:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        problems.error(file, "", f"not valid TOML ({exc})")
        return None


def _parse_fields(
    problems: _Problems, doc: Mapping[str, Any], declared: set[str]
) -> dict[str, FieldSpec]:
    """Parse the fields; `declared` receives every field name written, even one whose
    spec is bad, so that roles' rules for it are not reported a second time."""
    file = "records.toml"
    _unknown_keys(problems, file, "", doc, {"fields"})
    table = _table(problems, file, "fields", doc.get("fields", {}))
    fields: dict[str, FieldSpec] = {}
    if table is None:
        return fields
    for name, raw in table.items():
        path = f"fields.{name}"
        if not NAME_PATTERN.match(name):
            problems.error(file, path, "a field name must be lower-case letters, digits and _")
            continue
        declared.add(name)
        spec = _table(problems, file, path, raw)
        if spec is None:
            continue
        _unknown_keys(
            problems,
            file,
            path,
            spec,
            {"label", "kind", "identifying", "special_category", "choices"},
        )
        kind = _enum(problems, file, f"{path}.kind", spec.get("kind"), FieldKind)
        label = _text(problems, file, path, spec, "label", name.replace("_", " ").capitalize())
        choices: tuple[str, ...] = ()
        if kind is FieldKind.CHOICE:
            raw_choices = spec.get("choices")
            if (
                not isinstance(raw_choices, list)
                or not raw_choices
                or not all(isinstance(c, str) and c for c in raw_choices)
            ):
                problems.error(file, f"{path}.choices", "a choice field needs a list of choices")
            else:
                choices = tuple(raw_choices)
        elif "choices" in spec and kind is not None:
            problems.error(file, f"{path}.choices", "only a choice field has choices")
        identifying = _flag(problems, file, path, spec, "identifying")
        special = _flag(problems, file, path, spec, "special_category")
        if kind is None or label is None:
            continue
        fields[name] = FieldSpec(name, label, kind, identifying, special, choices)
    for name, kind in REQUIRED_FIELDS.items():
        if name not in fields:
            if f"fields.{name}" not in " ".join(problems.errors):
                problems.error(file, f"fields.{name}", f"is required (a {kind} field)")
        elif fields[name].kind is not kind:
            problems.error(file, f"fields.{name}.kind", f"must be {kind}")
    for kind in LIST_KINDS:
        if sum(1 for f in fields.values() if f.kind is kind) > 1:
            problems.error(file, "fields", f"only one field may be of kind {kind}")
    return fields


def _parse_rule(problems: _Problems, path: str, raw: object, field: FieldSpec) -> FieldRule | None:
    file = "roles.toml"
    form: MaskForm | None = None
    if isinstance(raw, str):
        rule = _enum(problems, file, path, raw, Rule)
    elif isinstance(raw, dict):
        _unknown_keys(problems, file, path, raw, {"rule", "form"})
        rule = _enum(problems, file, f"{path}.rule", raw.get("rule"), Rule)
        if "form" in raw:
            form = _enum(problems, file, f"{path}.form", raw["form"], MaskForm)
            if form is None:
                return None
    else:
        problems.error(file, path, f"must be a rule name or a table, not {_type_name(raw)}")
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
                problems.error(
                    file, path, f"a {rule} rule needs a form ({', '.join(sorted(allowed))})"
                )
                return None
        if form not in allowed:
            problems.error(
                file,
                f"{path}.form",
                f"{form} does not suit a {field.kind} field (use {', '.join(sorted(allowed))})",
            )
            return None
    elif form is not None:
        problems.error(file, f"{path}.form", f"a {rule} rule takes no form")
        return None
    return FieldRule(rule, form)


def _parse_roles(
    problems: _Problems,
    doc: Mapping[str, Any],
    fields: Mapping[str, FieldSpec],
    declared: set[str],
) -> dict[str, RoleSpec]:
    file = "roles.toml"
    _unknown_keys(problems, file, "", doc, {"roles"})
    table = _table(problems, file, "roles", doc.get("roles", {}))
    roles: dict[str, RoleSpec] = {}
    if table is None:
        return roles
    if not table:
        problems.error(file, "roles", "no roles are defined")
    for name, raw in table.items():
        path = f"roles.{name}"
        if not NAME_PATTERN.match(name):
            problems.error(file, path, "a role name must be lower-case letters, digits and _")
            continue
        spec = _table(problems, file, path, raw)
        if spec is None:
            continue
        _unknown_keys(
            problems, file, path, spec, {"label", "description", "scope", "fields", "actions"}
        )
        label = _text(problems, file, path, spec, "label", name.replace("_", " ").capitalize())
        description = _text(problems, file, path, spec, "description", "")
        scope = _enum(problems, file, f"{path}.scope", spec.get("scope"), Scope)
        actions: set[Permission] = set()
        raw_actions = spec.get("actions", [])
        if not isinstance(raw_actions, list) or not all(isinstance(a, str) for a in raw_actions):
            problems.error(file, f"{path}.actions", "must be a list of action names")
        else:
            for action in raw_actions:
                if action not in KNOWN_ACTIONS:
                    problems.error(
                        file,
                        f"{path}.actions",
                        f"unknown action {action!r} (known: {', '.join(sorted(KNOWN_ACTIONS))})",
                    )
                else:
                    actions.add(Permission(action))
        rules: dict[str, FieldRule] = {}
        raw_rules = _table(problems, file, f"{path}.fields", spec.get("fields", {}))
        if raw_rules is not None:
            for field_name, raw_rule in raw_rules.items():
                rule_path = f"{path}.fields.{field_name}"
                field = fields.get(field_name)
                if field is None:
                    if field_name not in declared:
                        problems.error(
                            file, rule_path, "unknown field (not declared in records.toml)"
                        )
                    continue
                parsed = _parse_rule(problems, rule_path, raw_rule, field)
                if parsed is not None:
                    rules[field_name] = parsed
        if scope is None or label is None or description is None:
            continue
        for field_name in fields:
            if field_name not in rules:
                problems.warn(
                    file, f"{path}.fields.{field_name}", "no rule, so the field is hidden"
                )
        roles[name] = RoleSpec(name, label, description, scope, rules, frozenset(actions))
    return roles


_SESSION_LIMITS = {
    "idle_lock_seconds": (15, 3600),
    "pin_min_length": (4, 64),
    "reveal_reason_min_length": (1, 500),
}


def _parse_session(problems: _Problems, doc: Mapping[str, Any]) -> SessionSettings | None:
    file = "session.toml"
    _unknown_keys(problems, file, "", doc, {"session"})
    table = _table(problems, file, "session", doc.get("session", {}))
    if table is None:
        return None
    _unknown_keys(problems, file, "session", table, set(_SESSION_LIMITS))
    values: dict[str, int] = {}
    for key, (low, high) in _SESSION_LIMITS.items():
        path = f"session.{key}"
        value = table.get(key)
        if value is None:
            problems.error(file, path, "is required")
        elif isinstance(value, bool) or not isinstance(value, int):
            problems.error(file, path, f"must be a whole number, not {_type_name(value)}")
        elif not low <= value <= high:
            problems.error(file, path, f"must be between {low} and {high}, not {value}")
        else:
            values[key] = value
    if len(values) != len(_SESSION_LIMITS):
        return None
    return SessionSettings(**values)


def parse_policy(texts: Mapping[str, str], today: date | None = None) -> Policy:
    """Build a Policy from the text of each policy file, keyed by file name.

    `today` is the date the directory's "checked" dates must not be after.

    Raises PolicyError listing every problem found, one `FILE: key.path: what` each.
    """
    problems = _Problems()
    for name in texts:
        if name not in POLICY_FILES:
            problems.error(name, "", f"not a policy file (expected: {', '.join(POLICY_FILES)})")
    docs: dict[str, Mapping[str, Any] | None] = {}
    for name in POLICY_FILES:
        if name not in texts:
            problems.error(name, "", "is missing")
            docs[name] = None
        elif name not in SEPARATELY_PARSED:
            docs[name] = _parse_toml(problems, name, texts[name])
    records_doc = docs["records.toml"]
    declared: set[str] = set()
    fields = _parse_fields(problems, records_doc, declared) if records_doc is not None else {}
    roles_doc = docs["roles.toml"]
    roles = _parse_roles(problems, roles_doc, fields, declared) if roles_doc is not None else {}
    session_doc = docs["session.toml"]
    session = _parse_session(problems, session_doc) if session_doc is not None else None
    sharing: SharingPolicy | None = None
    if "sharing.toml" in texts:
        try:
            sharing = parse_sharing(texts["sharing.toml"])
        except PolicyError as exc:
            problems.errors.extend(exc.problems)
    directory: Directory | None = None
    if "directory.toml" in texts:
        try:
            directory = parse_directory(texts["directory.toml"], today or date.today())
        except PolicyError as exc:
            problems.errors.extend(exc.problems)
    retention: RetentionPolicy | None = None
    # Checked against records.toml's fields: only once those are known, so that one
    # mistake in records.toml is not reported again as many in retention.toml.
    records_ok = not any(e.startswith("records.toml:") for e in problems.errors)
    if "retention.toml" in texts and records_doc is not None and records_ok:
        date_fields = frozenset(n for n, f in fields.items() if f.kind is FieldKind.DATE)
        category = fields.get(CATEGORY_FIELD)
        choices = frozenset(category.choices) if category is not None else frozenset()
        try:
            retention = parse_retention(texts["retention.toml"], date_fields, choices)
        except PolicyError as exc:
            problems.errors.extend(exc.problems)
    oversight: ReviewSettings | None = None
    if "oversight.toml" in texts:
        try:
            oversight = parse_oversight(texts["oversight.toml"])
        except PolicyError as exc:
            problems.errors.extend(exc.problems)
    if problems.errors or session is None or sharing is None or directory is None:
        raise PolicyError(problems.errors or ["session.toml: could not be read"])
    if retention is None or oversight is None:
        raise PolicyError(["retention.toml: could not be read"])  # guard: not reached
    return Policy(
        fields,
        roles,
        session,
        sharing,
        directory,
        retention,
        oversight,
        tuple(problems.warnings),
    )
