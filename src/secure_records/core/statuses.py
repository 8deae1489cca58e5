"""Where a sharing decision or a disposal stands: the words stored and compared.

Telephone requests keep theirs beside the callback steps (`core.telephone.Status`).
Enums, so a misspelt status is a mypy error rather than a comparison that is never
true; `StrEnum`, so what is stored is the same text it always was.
"""

from __future__ import annotations

from enum import StrEnum


class SharingStatus(StrEnum):
    DECIDED = "decided"  # shared or not, nothing more to do
    AWAITING_MANAGER = "awaiting_manager"  # sharing without consent waits for a lead
    ACTED_URGENTLY = "acted_urgently"  # shared at once; a lead confirms after
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


# What a safeguarding lead still has to look at.
AWAITING_LEAD = (SharingStatus.AWAITING_MANAGER, SharingStatus.ACTED_URGENTLY)


class DisposalStatus(StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXECUTED = "executed"


# A disposal still in hand: a record with one is not proposed again.
OPEN_DISPOSAL = (DisposalStatus.PROPOSED, DisposalStatus.APPROVED)
