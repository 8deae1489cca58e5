"""The organisation's rules, read from the policy files' text into frozen dataclasses.

Each file has its own module (`fields`, `roles`, `session_settings`, `sharing`,
`directory`, `retention`, `oversight`); this one reads them all into one Policy,
with every problem in every file listed at once. The names other code uses are
re-exported here, so that `core.policy` stays the one place to import them from.

This module is pure: the caller reads the files and hands over their text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from secure_records.core.directory import Directory, parse_directory
from secure_records.core.errors import PolicyError
from secure_records.core.fields import (
    LIST_KINDS,
    REQUIRED_FIELDS,
    FieldKind,
    FieldSpec,
    read_fields,
)
from secure_records.core.oversight import ReviewSettings, parse_oversight
from secure_records.core.retention import CATEGORY_FIELD, RetentionPolicy, parse_retention
from secure_records.core.roles import (
    FORMS_FOR_KIND,
    HIDDEN,
    KNOWN_ACTIONS,
    FieldRule,
    MaskForm,
    RoleSpec,
    Rule,
    Scope,
    read_roles,
)
from secure_records.core.session_settings import SessionSettings, read_session
from secure_records.core.sharing import SharingPolicy, parse_sharing
from secure_records.core.text import counted
from secure_records.core.validation import NAME_PATTERN, Problems

__all__ = [
    "FORMS_FOR_KIND",
    "HIDDEN",
    "KNOWN_ACTIONS",
    "LIST_KINDS",
    "NAME_PATTERN",
    "POLICY_FILES",
    "REQUIRED_FIELDS",
    "FieldKind",
    "FieldRule",
    "FieldSpec",
    "MaskForm",
    "Policy",
    "RoleSpec",
    "Rule",
    "Scope",
    "SessionSettings",
    "parse_policy",
]

POLICY_FILES = (
    "records.toml",
    "roles.toml",
    "session.toml",
    "sharing.toml",
    "directory.toml",
    "retention.toml",
    "oversight.toml",
)


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

    def summary(self) -> str:
        scopes = ", ".join(f"{r.name} ({r.scope})" for r in self.roles.values())
        return (
            f"{counted(len(self.fields), 'field')}, {counted(len(self.roles), 'role')}: {scopes}; "
            f"sharing: {counted(len(self.sharing.questions), 'question')}, "
            f"{counted(len(self.sharing.outcomes), 'outcome')}; "
            f"directory: {counted(len(self.directory.organisations), 'organisation')}; "
            f"retention: {counted(len(self.retention.rules), 'rule')}"
        )


def parse_policy(texts: Mapping[str, str], today: date | None = None) -> Policy:
    """Build a Policy from the text of each policy file, keyed by file name.

    `today` is the date the directory's "checked" dates must not be after.

    Raises PolicyError listing every problem found, one `FILE: key.path: what` each.
    """
    problems = Problems()
    for name in texts:
        if name not in POLICY_FILES:
            problems.error(name, "", f"not a policy file (expected: {', '.join(POLICY_FILES)})")
    # The three files read here; the others are read from their text by their own
    # modules' parse_* functions.
    readers = {
        name: problems.in_file(name) for name in ("records.toml", "roles.toml", "session.toml")
    }
    docs: dict[str, Mapping[str, Any]] = {}
    for name in POLICY_FILES:
        if name not in texts:
            problems.error(name, "", "is missing")
        elif name in readers and (doc := readers[name].toml(texts[name])) is not None:
            docs[name] = doc
    declared: set[str] = set()
    fields: dict[str, FieldSpec] = {}
    roles: dict[str, RoleSpec] = {}
    session: SessionSettings | None = None
    if "records.toml" in docs:
        fields = read_fields(readers["records.toml"], docs["records.toml"], declared)
    if "roles.toml" in docs:
        roles = read_roles(readers["roles.toml"], docs["roles.toml"], fields, declared)
    if "session.toml" in docs:
        session = read_session(readers["session.toml"], docs["session.toml"])
    sharing: SharingPolicy | None = None
    if "sharing.toml" in texts:
        sharing = problems.collect(lambda: parse_sharing(texts["sharing.toml"]))
    directory: Directory | None = None
    if "directory.toml" in texts:
        day = today or date.today()
        directory = problems.collect(lambda: parse_directory(texts["directory.toml"], day))
    retention: RetentionPolicy | None = None
    # Checked against records.toml's fields: only once those are known, so that one
    # mistake in records.toml is not reported again as many in retention.toml.
    records_ok = "records.toml" in docs and readers["records.toml"].clean
    if "retention.toml" in texts and records_ok:
        date_fields = frozenset(n for n, f in fields.items() if f.kind is FieldKind.DATE)
        category = fields.get(CATEGORY_FIELD)
        choices = frozenset(category.choices) if category is not None else frozenset()
        retention = problems.collect(
            lambda: parse_retention(texts["retention.toml"], date_fields, choices)
        )
    oversight: ReviewSettings | None = None
    if "oversight.toml" in texts:
        oversight = problems.collect(lambda: parse_oversight(texts["oversight.toml"]))
    problems.raise_if_any()
    if (
        session is None
        or sharing is None
        or directory is None
        or retention is None
        or oversight is None
    ):
        # Guard, not reached: each of these is None only where a problem was found.
        raise PolicyError(["session.toml: could not be read"])
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
