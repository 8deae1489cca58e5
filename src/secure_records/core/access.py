"""Projection of a record through a role: what the role may see, and nothing more.

Section 10(d): access is limited to "which records and which parts of an individual
record they can use". A view built here holds no hidden value at all, so a screen
that draws it cannot show what the role may not see.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from secure_records.core.masking import count_form, partial_form
from secure_records.core.policy import FieldKind, FieldRule, Policy, RoleSpec, Rule, Scope
from secure_records.core.records import ConsentEntry, Note, Record
from secure_records.core.roles import SearchBy

T = TypeVar("T")


@dataclass(frozen=True)
class FieldView:
    name: str
    label: str
    rule: Rule
    text: str  # the value itself when visible or revealed, else its partial form
    revealed: bool = False
    kind: FieldKind = FieldKind.TEXT  # how its text reads to a person (a date the UK way)

    @property
    def revealable(self) -> bool:
        return self.rule is Rule.REVEAL and not self.revealed


@dataclass(frozen=True)
class EntriesView(Generic[T]):
    """Consent entries or chronology notes, as far as the role may see them."""

    name: str
    label: str
    rule: Rule
    entries: tuple[T, ...]  # empty unless the rule lets them through
    summary: str
    revealed: bool = False

    @property
    def revealable(self) -> bool:
        return self.rule is Rule.REVEAL and not self.revealed


@dataclass(frozen=True)
class RecordView:
    id: str
    fields: tuple[FieldView, ...]  # hidden fields are absent, not blank
    restricted: tuple[str, ...]  # labels of fields the role may not see at all
    consent: EntriesView[ConsentEntry] | None
    notes: EntriesView[Note] | None

    def field(self, name: str) -> FieldView | None:
        return next((f for f in self.fields if f.name == name), None)


@dataclass(frozen=True)
class RecordSummary:
    """One line of a record list: reference, name, date of birth and category as the
    role sees them ("" for a field it may not see)."""

    id: str
    name: str
    date_of_birth: str
    category: str = ""


def in_scope(role: RoleSpec, staff_name: str, assigned_to: Iterable[str]) -> bool:
    """May this staff member open this record at all?"""
    if role.scope is Scope.ALL:
        return True
    if role.scope is Scope.CASELOAD:
        return staff_name in set(assigned_to)
    # index and none never open a record.
    return False


def readable_fields(role: RoleSpec, policy: Policy) -> frozenset[str]:
    """Fields whose plaintext the role's view needs: everything not hidden."""
    return frozenset(name for name in policy.fields if role.rule_for(name).rule is not Rule.HIDDEN)


def _shown_text(value: str, rule: FieldRule, revealed: bool) -> str:
    if rule.rule is Rule.VISIBLE or (rule.rule is Rule.REVEAL and revealed):
        return value
    assert rule.form is not None  # the policy parser guarantees a form for masked/reveal
    return partial_form(value, rule.form)


def _entries(
    name: str,
    label: str,
    rule: FieldRule,
    items: tuple[T, ...],
    nouns: tuple[str, str],
    revealed: bool,
) -> EntriesView[T]:
    summary = count_form(len(items), *nouns)
    show = rule.rule is Rule.VISIBLE or (rule.rule is Rule.REVEAL and revealed)
    return EntriesView(name, label, rule.rule, items if show else (), summary, revealed)


def project(
    record: Record, role: RoleSpec, policy: Policy, revealed: Iterable[str] = ()
) -> RecordView:
    """The record as `role` sees it; `revealed` names fields revealed with a reason."""
    revealed_set = frozenset(revealed)
    fields: list[FieldView] = []
    restricted: list[str] = []
    consent: EntriesView[ConsentEntry] | None = None
    notes: EntriesView[Note] | None = None
    for spec in policy.fields.values():
        rule = role.rule_for(spec.name)
        if rule.rule is Rule.HIDDEN:
            restricted.append(spec.label)
            continue
        # A reveal only counts for a field whose rule is reveal.
        was_revealed = rule.rule is Rule.REVEAL and spec.name in revealed_set
        if spec.kind is FieldKind.CONSENT:
            consent = _entries(
                spec.name, spec.label, rule, record.consent, ("entry", "entries"), was_revealed
            )
        elif spec.kind is FieldKind.NOTES:
            notes = _entries(
                spec.name, spec.label, rule, record.notes, ("note", "notes"), was_revealed
            )
        else:
            value = record.values.get(spec.name, "")
            fields.append(
                FieldView(
                    spec.name,
                    spec.label,
                    rule.rule,
                    _shown_text(value, rule, was_revealed),
                    was_revealed,
                    spec.kind,
                )
            )
    return RecordView(record.id, tuple(fields), tuple(restricted), consent, notes)


def choice_words(value: str) -> str:
    """A choice as a person reads it: "vulnerable_adult" is "Vulnerable adult"."""
    return value.replace("_", " ").strip().capitalize()


def list_form(role: RoleSpec, field: str, value: str) -> str:
    """A field as a list line shows it to `role`: masked by its rule (never revealed
    here), "" when hidden. Sorting by this form tells nothing the line does not."""
    rule = role.rule_for(field)
    if rule.rule is Rule.HIDDEN:
        return ""
    return _shown_text(value, rule, revealed=False)


def summarise(
    record_id: str, name: str, date_of_birth: str, role: RoleSpec, category: str = ""
) -> RecordSummary:
    """A list line, each part masked by the role's rule (never revealed here)."""
    shown_category = list_form(role, "category", category)
    if role.rule_for("category").rule is Rule.VISIBLE:
        shown_category = choice_words(category)
    return RecordSummary(
        record_id,
        list_form(role, "name", name),
        list_form(role, "date_of_birth", date_of_birth),
        shown_category,
    )


class SearchMode(StrEnum):
    PART = "part"  # any part of the value matches
    WHOLE = "whole"  # only the whole value
    NEVER = "never"


def search_modes(role: RoleSpec) -> tuple[SearchMode, SearchMode]:
    """How far the role may search by name, and by date of birth.

    A field the role sees in full matches by any part. Any other field (masked,
    reveal or hidden) never matches, not even as a whole: each exact search would
    confirm or deny a guess (a year of dates of birth is 365 searches). Only a
    search mode the policy names on purpose (`search = "exact"`) lets it match, as
    a whole; `policy check` warns that it is an oracle.
    """

    def mode(field: str) -> SearchMode:
        rule = role.rule_for(field)
        if rule.rule is Rule.VISIBLE:
            return SearchMode.PART
        return SearchMode.WHOLE if rule.search is SearchBy.EXACT else SearchMode.NEVER

    return mode("name"), mode("date_of_birth")
