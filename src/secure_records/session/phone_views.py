"""What Session hands the screens of a telephone request: reception's view (never
anything a record holds), a line of the deciders' queue, and the whole request for
the person deciding. Built from the sealed request; nothing here reads the vault.
"""

from __future__ import annotations

from dataclasses import dataclass

from secure_records.core.phone_request_payload import Forwarding, PhoneRequestPayload
from secure_records.core.policy import Policy
from secure_records.core.sharing import Requester
from secure_records.core.telephone import (
    CALLBACK_WORDS,
    FLAG_WORDS,
    URGENCY_ORDER,
    Status,
    Urgency,
)
from secure_records.core.text import counted
from secure_records.vault.store import PhoneRequestRow


@dataclass(frozen=True)
class CallView:
    """What reception sees of a request: never anything a record holds."""

    id: str
    status: Status
    caller: str
    organisation: str
    reference: str | None  # the record's reference, when the exact match found one
    callback_number: str  # the directory's number; "" when there is none
    flags: tuple[str, ...]  # in words
    why: str  # why it is not entitled, when it is not
    say: str  # words for the caller, when the request stops here
    created_at: str
    urgency: Urgency = Urgency.ROUTINE
    attempts: int = 0  # callbacks that did not reach the caller
    attempts_allowed: int = 0  # the directory's number, before the lead decides

    @property
    def urgent(self) -> bool:
        """Someone may be at risk now."""
        return self.urgency is Urgency.IMMEDIATE


def most_urgent_first(urgency: Urgency, created_at: str) -> tuple[int, str]:
    """Sort key: the most urgent first, then the longest waiting."""
    return URGENCY_ORDER.index(urgency), created_at


@dataclass(frozen=True)
class PhoneQueueItem:
    id: str
    record_id: str | None
    status: Status
    organisation: str
    kind: str
    urgency: Urgency
    flags: int
    created_at: str
    forwarded_to: str | None = None  # the staff member a lead passed it to


@dataclass(frozen=True)
class PhoneRequestDetail:
    """What the person deciding sees: the request, the callback, the red flags, why
    it came to them, and whether they can take the sharing decision on it."""

    id: str
    record_id: str | None
    status: Status
    caller: str
    caller_role: str
    organisation: str
    switchboard: str
    directory_source: str
    directory_checked: str
    number_given: str
    about: str  # name and date of birth as the caller gave them
    kind: str
    asked: str
    urgency: Urgency
    callback: str  # the outcome in words; "" when none was recorded
    flags: tuple[str, ...]
    taken_by: str
    created_at: str
    why: str = ""  # why it was referred to the lead; "" for a verified request
    attempts: tuple[tuple[str, str], ...] = ()  # (by, at) of each callback not reaching them
    forwarded: tuple[Forwarding, ...] = ()
    decide_refused: str = ""  # why this person cannot take the decision; "" if they can

    @property
    def requester(self) -> Requester:
        """The caller, as the sharing flow's requester."""
        return Requester(self.caller, self.organisation, self.caller_role, self.switchboard)

    @property
    def how_verified(self) -> str:
        """How far the caller's identity was checked, for the sharing flow."""
        if self.status is Status.VERIFIED:
            return f"verified by calling back {self.switchboard}, the directory's number"
        return f"NOT verified, referred to the lead: {self.why.rstrip('.')}"


def referred_why(status: Status, payload: PhoneRequestPayload, allowed: int) -> str:
    """Why a request came to the lead rather than through a callback, in words."""
    if status is Status.ESCALATED:
        return (
            "Reception could not reach the caller through the switchboard "
            f"({counted(len(payload.attempts), 'attempt')}; the directory allows {allowed})."
        )
    if status is Status.REFERRED:
        return payload.why
    return ""


def detail(
    policy: Policy, row: PhoneRequestRow, payload: PhoneRequestPayload, decide_refused: str
) -> PhoneRequestDetail:
    directory, caller, about = payload.directory, payload.caller, payload.about
    return PhoneRequestDetail(
        row.id,
        row.record_id,
        row.status,
        caller.name,
        caller.role,
        payload.organisation,
        payload.switchboard,
        "" if directory is None else directory.source,
        "" if directory is None else directory.checked,
        caller.number_given,
        f"{about.name}, born {about.date_of_birth}",
        policy.directory.request_kinds.get(payload.kind, payload.kind),
        payload.asked,
        payload.urgency,
        "" if payload.callback is None else CALLBACK_WORDS[payload.callback.outcome],
        tuple(FLAG_WORDS[f] for f in payload.flags),
        row.taken_by,
        row.created_at,
        referred_why(row.status, payload, policy.directory.callback_attempts),
        tuple((attempt.by, attempt.at) for attempt in payload.attempts),
        payload.forwarded,
        decide_refused,
    )
