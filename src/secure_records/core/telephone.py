"""A telephone request, from the call to the callback (policy section 11).

Reception takes the request, the directory says whether the organisation may ask
for this, and the callback goes only to the directory's number. The caller's own
number is written down but never offered: giving it is exactly how a blagger
would route the callback to themselves. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from secure_records.core.directory import DEFAULT_CALLBACK_ATTEMPTS, Directory, normalise_number


class Urgency(StrEnum):
    ROUTINE = "routine"
    TODAY = "today"
    IMMEDIATE = "immediate"  # a child or adult may be at risk now


class Status(StrEnum):
    AWAITING_CALLBACK = "awaiting_callback"
    REFERRED = "referred"  # not entitled, or not in the directory: the lead decides
    VERIFIED = "verified"  # called back and confirmed: the sharing decision is next
    NOT_VERIFIED = "not_verified"  # refused; nothing disclosed
    # Not reached through the switchboard after the directory's number of attempts:
    # the lead decides (nobody was refused: the caller was never spoken to).
    ESCALATED = "escalated"
    DECIDED = "decided"  # a sharing decision answered it
    CLOSED = "closed"  # the lead closed it with a reason


class Callback(StrEnum):
    CONFIRMED = "confirmed"
    NOT_REACHED = "not_reached"
    CALLER_UNKNOWN = "caller_unknown"
    REFUSED_CALLBACK = "refused_callback"


CALLBACK_WORDS = {
    Callback.CONFIRMED: "Reached the named caller through the switchboard; confirmed",
    Callback.NOT_REACHED: "Could not reach the caller through the switchboard: try again later",
    Callback.CALLER_UNKNOWN: "The organisation does not know the caller",
    Callback.REFUSED_CALLBACK: "The caller refused a callback",
}


class RedFlag(StrEnum):
    NUMBER_DIFFERS = "number_differs"
    REFUSED_CALLBACK = "refused_callback"
    PRESSED_FOR_SPEED = "pressed_for_speed"
    STALE_DIRECTORY_ENTRY = "stale_directory_entry"


FLAG_WORDS = {
    RedFlag.NUMBER_DIFFERS: "The number the caller gave is not the directory's",
    RedFlag.REFUSED_CALLBACK: "The caller refused a callback",
    RedFlag.PRESSED_FOR_SPEED: "The caller pressed for speed",
    RedFlag.STALE_DIRECTORY_ENTRY: "The directory entry is overdue for checking",
}

# Which statuses each kind of person acts on.
OPEN_FOR_RECEPTION = frozenset({Status.AWAITING_CALLBACK})
OPEN_FOR_DECIDERS = frozenset({Status.VERIFIED, Status.REFERRED, Status.ESCALATED})
# Requests nobody verified: only the lead (or whom the lead forwards them to) sees them.
FOR_THE_LEAD = frozenset({Status.REFERRED, Status.ESCALATED})
# Reception's callbacks, most urgent first: someone may be at risk now.
URGENCY_ORDER = (Urgency.IMMEDIATE, Urgency.TODAY, Urgency.ROUTINE)


@dataclass(frozen=True)
class Assessment:
    """What the directory says about a request, before anyone calls back."""

    entitled: bool
    why: str
    organisation_name: str
    callback_number: str  # the directory's, as written; "" when there is none
    flags: frozenset[RedFlag]


def assess(
    directory: Directory, organisation_id: str, kind: str, number_given: str, today: date
) -> Assessment:
    """Entitlement from the directory alone; the caller's words decide nothing."""
    flags: set[RedFlag] = set()
    org = directory.organisations.get(organisation_id)
    if org is None:
        return Assessment(
            False,
            "This organisation is not in the directory.",
            "",
            "",
            frozenset(flags),
        )
    # A number given that cannot be read as one is not the directory's either.
    if number_given.strip() and normalise_number(number_given) != org.number:
        flags.add(RedFlag.NUMBER_DIFFERS)
    if directory.is_stale(org, today):
        flags.add(RedFlag.STALE_DIRECTORY_ENTRY)
    if kind not in org.may_ask:
        label = directory.request_kinds.get(kind, kind)
        return Assessment(
            False,
            f"{org.name} is not entitled to ask for: {label}.",
            org.name,
            org.switchboard,
            frozenset(flags),
        )
    return Assessment(True, "", org.name, org.switchboard, frozenset(flags))


def after_callback(
    outcome: Callback, attempts: int = 1, allowed: int = DEFAULT_CALLBACK_ATTEMPTS
) -> tuple[Status, frozenset[RedFlag]]:
    """Only a confirmed callback verifies. A caller not reached was refused nothing:
    try again later, and after `allowed` attempts (`attempts` counts those not
    reaching the caller, this one included) the lead decides. Anything else is
    refused (fail closed)."""
    if outcome is Callback.CONFIRMED:
        return Status.VERIFIED, frozenset()
    if outcome is Callback.NOT_REACHED:
        waiting = attempts < allowed
        return (Status.AWAITING_CALLBACK if waiting else Status.ESCALATED), frozenset()
    if outcome is Callback.REFUSED_CALLBACK:
        return Status.NOT_VERIFIED, frozenset({RedFlag.REFUSED_CALLBACK})
    return Status.NOT_VERIFIED, frozenset()
