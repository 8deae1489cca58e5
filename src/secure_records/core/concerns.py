"""Concerns about the security of personal information, and suspected data breaches
(policy section 11: staff raise concerns about security; UK GDPR Art. 33: a breach
that risks people's rights is reported to the ICO within 72 hours of becoming aware
of it). Pure: now is the caller's.

The clock runs from the moment a breach is raised in the app, when the organisation
is aware of it, and stops when a lead records the outcome.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from enum import StrEnum

ICO_HOURS = 72
HOUR = timedelta(hours=1)


class ConcernKind(StrEnum):
    CONCERN = "concern"  # about the security of personal information
    BREACH = "breach"  # a suspected personal data breach


class ConcernStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"  # its outcome recorded by a lead


class Outcome(StrEnum):
    """What a lead recorded: for a breach, reported to the ICO or not (and why); for a
    concern, the action taken."""

    REPORTED = "reported"
    NOT_REPORTED = "not_reported"
    ACTION_TAKEN = "action_taken"


KIND_WORDS = {ConcernKind.CONCERN: "Concern", ConcernKind.BREACH: "Suspected breach"}
OUTCOME_WORDS = {
    Outcome.REPORTED: "reported to the ICO",
    Outcome.NOT_REPORTED: "not reported to the ICO",
    Outcome.ACTION_TAKEN: "action taken",
}
# Which outcomes fit which kind.
OUTCOMES = {
    ConcernKind.BREACH: (Outcome.REPORTED, Outcome.NOT_REPORTED),
    ConcernKind.CONCERN: (Outcome.ACTION_TAKEN,),
}


def ico_deadline(raised: datetime) -> datetime:
    return raised + timedelta(hours=ICO_HOURS)


def hours_left(raised: datetime, now: datetime) -> int:
    """Whole hours left to report, or once past, minus the whole hours over (at least
    1): 31.5 h left is 31; 4.5 h over is -4; a minute over is -1."""
    left = ico_deadline(raised) - now
    if left > timedelta(0):
        return math.floor(left / HOUR)
    return -max(1, math.floor(-left / HOUR))


def clock_words(raised: datetime, now: datetime) -> str:
    """'reported within 72 hours: 31 h left', 'OVERDUE by 5 h'."""
    left = hours_left(raised, now)
    if left < 0:
        return f"OVERDUE by {-left} h"
    said = "less than 1 h" if left == 0 else f"{left} h"
    return f"reported within {ICO_HOURS} hours: {said} left"
