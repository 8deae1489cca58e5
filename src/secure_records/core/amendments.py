"""Correcting a record (policy section 6, Accurate; UK GDPR Art. 16, rectification).

A role granted `amend` changes a field it sees in full, on a record it may open, with
a reason. The value it replaces is not lost: an `Amendment` keeps who, when, why and
the old value, sealed under the record's key, so that disposal erases it with the
record. Closing and reopening a case are amendments of its `case_closed` date. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from secure_records.core.dates import read_typed, refusal
from secure_records.core.errors import BadInput
from secure_records.core.fields import REQUIRED_FIELDS, FieldKind, FieldSpec
from secure_records.core.payloads import PayloadReader, dump
from secure_records.core.words import in_words, shown_value

# Scalar fields only: consent and the chronology have their own ways of changing.
AMENDABLE_KINDS = frozenset({FieldKind.TEXT, FieldKind.DATE, FieldKind.CHOICE})
# The field whose date starts an adult's retention clock; blank while the case is open.
CASE_CLOSED = "case_closed"
PAYLOAD_VERSION = 1


@dataclass(frozen=True)
class Amendment:
    """One correction of one field: the value before and after, as held (a date as
    YYYY-MM-DD, "" for none), who made it, when (UTC, ISO) and why."""

    field: str
    old_value: str
    new_value: str
    by: str
    at: str
    reason: str

    def to_json(self) -> bytes:
        return dump(
            PAYLOAD_VERSION,
            {
                "field": self.field,
                "old_value": self.old_value,
                "new_value": self.new_value,
                "by": self.by,
                "at": self.at,
                "reason": self.reason,
            },
        )

    @classmethod
    def from_json(cls, data: bytes, what: str) -> Amendment:
        _, read = PayloadReader.open(data, what, {PAYLOAD_VERSION})
        return cls(
            read.text("field"),
            read.text("old_value"),
            read.text("new_value"),
            read.text("by"),
            read.text("at"),
            read.text("reason"),
        )


def held_value(spec: FieldSpec, typed: str, today: date, max_length: int) -> str:
    """What was typed for `spec`, as the record holds it; BadInput in one sentence if
    it cannot be. A date is typed DD/MM/YYYY (or YYYY-MM-DD); a blank clears a field
    the app does not rely on (a case reopened has no closing date)."""
    text = typed.strip()
    if not text:
        if spec.name in REQUIRED_FIELDS:
            raise BadInput(f"{spec.label} cannot be left blank.")
        return ""
    if len(text) > max_length:
        raise BadInput(f"{spec.label} can be at most {max_length:,} characters.")
    if spec.kind is FieldKind.DATE:
        day = read_typed(text)
        if day is None:
            raise BadInput(refusal(spec.label))
        if day > today:
            raise BadInput(f"{spec.label} cannot be in the future.")
        return day.isoformat()
    if spec.kind is FieldKind.CHOICE:
        # Typed as the choice or as its words ("Vulnerable adult").
        for choice in spec.choices:
            if text.casefold() in (choice.casefold(), in_words(choice).casefold()):
                return choice
        words = ", ".join(in_words(c) for c in spec.choices)
        raise BadInput(f"{spec.label} must be one of: {words}.")
    return text


def amendment_words(amendment: Amendment, label: str, kind: FieldKind) -> str:
    """'Case closed: was (none), now 04 Feb 2026' as a record's history reads it."""

    def shown(value: str) -> str:
        return shown_value(kind, value) if value else "(none)"

    return f"{label}: was {shown(amendment.old_value)}, now {shown(amendment.new_value)}"
