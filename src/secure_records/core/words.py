"""Identifiers as the words a person reads: "Vulnerable adult", not vulnerable_adult.

The stores and the policy files keep identifiers (stable, compared, sealed); screens
show words. A category is the policy's own choice name, read as words; a status has
the sentence the policy's people use for it.
"""

from __future__ import annotations

import re

from secure_records.core.dates import shown_date
from secure_records.core.fields import FieldKind
from secure_records.core.retention import Action
from secure_records.core.statuses import DisposalStatus, SharingStatus
from secure_records.core.telephone import Status, Urgency

_IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*")


def in_words(identifier: str) -> str:
    """A policy identifier ('vulnerable_adult', 'young_person') as words, the way a
    field's default label is made from its name. Anything that is not an identifier
    (a mask, a blank, words already) is left as it is: "NHS" never becomes "Nhs"."""
    if not _IDENTIFIER.fullmatch(identifier):
        return identifier
    return identifier.replace("_", " ").strip().capitalize()


def shown_value(kind: FieldKind, text: str) -> str:
    """A record value as a person reads it, for the one place a field's text is drawn:
    a date "04 Feb 2018" (a year_only mask stays the year alone), a choice in words;
    anything else, and every other mask, as it is."""
    if kind is FieldKind.DATE:
        return shown_date(text)
    if kind is FieldKind.CHOICE:
        return in_words(text)
    return text


SHARING_WORDS: dict[str, str] = {
    SharingStatus.DECIDED: "decided",
    SharingStatus.AWAITING_MANAGER: "waiting for a safeguarding lead",
    SharingStatus.ACTED_URGENTLY: "shared urgently, to confirm",
    SharingStatus.CONFIRMED: "confirmed",
    SharingStatus.REJECTED: "rejected",
}

DISPOSAL_WORDS: dict[str, str] = {
    DisposalStatus.PROPOSED: "proposed",
    DisposalStatus.APPROVED: "approved",
    DisposalStatus.REJECTED: "rejected",
    DisposalStatus.EXECUTED: "carried out",
}

RETENTION_WORDS: dict[str, str] = {Action.REVIEW: "review", Action.DISPOSE: "dispose of"}

CALL_WORDS: dict[str, str] = {
    Status.AWAITING_CALLBACK: "waiting for the callback",
    Status.REFERRED: "referred to the lead",
    Status.VERIFIED: "verified by callback",
    Status.NOT_VERIFIED: "not verified",
    Status.ESCALATED: "not reached: to the lead",
    Status.DECIDED: "decided",
    Status.CLOSED: "closed",
}

URGENCY_WORDS: dict[str, str] = {
    Urgency.ROUTINE: "Routine",
    Urgency.TODAY: "Needed today",
    Urgency.IMMEDIATE: "Someone may be at risk now",
}


def status_words(status: str, table: dict[str, str]) -> str:
    """A status in words: from `table`, else its identifier read as words."""
    return table.get(status, in_words(status).lower())
