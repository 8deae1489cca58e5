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


@dataclass(frozen=True)
class ConsentEntry:
    given_by: str
    scope: str
    date: dt.date
    withdrawn: dt.date | None = None

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
