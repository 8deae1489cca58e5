"""A record as the policy sees it: scalar fields, consent entries, chronology notes."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import StrEnum

# \Z, not $: $ also matches before a trailing newline, letting "R-1\n" pass.
RECORD_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}\Z")
STAFF_NAME = re.compile(r"[a-z][a-z0-9_.-]{0,31}\Z")


class NoteKind(StrEnum):
    # Section 6, Accurate: "clearly distinguish between fact and opinion".
    FACT = "fact"
    OPINION = "opinion"


class ConsentCapacity(StrEnum):
    # Section 4: consent is given by the person, by a parent for a child, by a child
    # judged competent to give it (Gillick), or, for someone who lacks capacity, is a
    # best-interests decision under the Mental Capacity Act 2005. Words: core/consent.py.
    THE_PERSON = "the_person"
    PARENT = "parent"
    COMPETENT_CHILD = "competent_child"
    BEST_INTERESTS = "best_interests"


@dataclass(frozen=True)
class ConsentEntry:
    given_by: str
    scope: str
    date: dt.date
    withdrawn: dt.date | None = None
    # None on an entry recorded before the capacity was asked: "not recorded".
    capacity: ConsentCapacity | None = None
    # Why it was withdrawn, said on the entry itself; "" while in force (or on an
    # entry withdrawn before a reason was asked).
    withdrawn_reason: str = ""

    @property
    def in_force(self) -> bool:
        return self.withdrawn is None


@dataclass(frozen=True)
class Note:
    date: dt.date
    author: str
    kind: NoteKind
    text: str
    # Section 6, Accurate: "If the information is historical then this should be explained."
    historical: bool = False


@dataclass(frozen=True)
class Record:
    id: str
    values: dict[str, str] = field(default_factory=dict)
    consent: tuple[ConsentEntry, ...] = ()
    notes: tuple[Note, ...] = ()
    assigned_to: frozenset[str] = frozenset()


def normalise_name(name: str) -> str:
    """The form of a name used for exact matching: case and spacing do not count."""
    return " ".join(name.casefold().split())
