"""A consent entry in words: who gave it, in what capacity, to what, and how it stands.

One sentence, said the same on the record, in the withdrawal dialog and in a subject
access report: "given 01 May 2024 by Carer (a parent with parental responsibility),
to sharing with the school; withdrawn on 04 Feb 2026 (moved out of the area)".
"""

from __future__ import annotations

from secure_records.core.dates import uk_date
from secure_records.core.records import ConsentCapacity, ConsentEntry

CAPACITY_WORDS = {
    ConsentCapacity.THE_PERSON: "the person themselves",
    ConsentCapacity.PARENT: "a parent with parental responsibility",
    ConsentCapacity.COMPETENT_CHILD: "a child judged competent (Gillick)",
    ConsentCapacity.BEST_INTERESTS: "a best-interests decision (Mental Capacity Act 2005)",
}
NOT_RECORDED = "capacity not recorded"


def capacity_words(capacity: ConsentCapacity | None) -> str:
    return NOT_RECORDED if capacity is None else CAPACITY_WORDS[capacity]


def consent_standing(entry: ConsentEntry) -> str:
    """'in force', or 'withdrawn on 04 Feb 2026 (why)'."""
    if entry.withdrawn is None:
        return "in force"
    why = f" ({entry.withdrawn_reason})" if entry.withdrawn_reason else ""
    return f"withdrawn on {uk_date(entry.withdrawn)}{why}"


def consent_given(entry: ConsentEntry) -> str:
    """'given 01 May 2024 by Carer (a parent with parental responsibility)'."""
    return f"given {uk_date(entry.date)} by {entry.given_by} ({capacity_words(entry.capacity)})"


def consent_sentence(entry: ConsentEntry) -> str:
    """The whole entry: given when, by whom, in what capacity, to what; how it stands."""
    return f"{consent_given(entry)}, to {entry.scope}; {consent_standing(entry)}"
