"""Sharing on one's own initiative (policy section 7: "no practitioner should assume
someone else will pass on information"; "if there are concerns that a child is
suffering or likely to suffer harm, then follow the relevant procedures without
delay"). Nobody asked: the practitioner refers, to children's social care or the
police, say. The same questions are answered and the same decision recorded; what
differs is that there is a recipient, not a requester. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from secure_records.core.errors import BadInput
from secure_records.core.sharing import Requester


class Initiative(StrEnum):
    """Who started a share: stored and logged as these words."""

    REQUESTED = "requested"  # someone asked (in person, in writing, or a verified call)
    OWN = "own"  # nobody asked: the practitioner shares on their own initiative


# What the lead's queue and the disclosure package say of a share nobody asked for.
OWN_INITIATIVE = "Referral on our own initiative"


@dataclass(frozen=True)
class Recipient:
    """Whom a share started on one's own initiative goes to: the right individual
    (section 7 How), and how the sharer will reach them."""

    organisation: str
    person_or_team: str
    contact: str

    def as_requester(self) -> Requester:
        """The other party, in the shape a decision keeps (there is no role to name)."""
        return Requester(self.person_or_team, self.organisation, "", self.contact)


# Each part a recipient must have, and what is said when it is missing.
MISSING = {
    "organisation": "Name the organisation it goes to.",
    "person_or_team": "Name the person or team there.",
    "contact": "Say how you will reach them (a number or a secure address you know).",
}


def missing_part(recipient: Recipient) -> str | None:
    """The first part of `recipient` left blank (a key of MISSING), or None."""
    return next((part for part in MISSING if not getattr(recipient, part).strip()), None)


def check_recipient(recipient: Recipient) -> None:
    part = missing_part(recipient)
    if part is not None:
        raise BadInput(MISSING[part])


def to_words(requester: Requester) -> str:
    """'Duty team, Anytown Council (0300 000 000)': the recipient, no blank parts."""
    named = ", ".join(p for p in (requester.name, requester.role, requester.organisation) if p)
    return f"{named} ({requester.contact})" if requester.contact.strip() else named


# Where the decision is not to share: what must be recorded, by who started it.
NOT_SHARING = {
    Initiative.REQUESTED: "Record what was discussed with the requester about not sharing",
    Initiative.OWN: "Record why you decided not to share, and any advice you sought",
}


def started_by(party: Requester | Recipient) -> tuple[Initiative, Requester]:
    """Who started the share, and the other party as a decision keeps it; BadInput
    naming what is missing."""
    if isinstance(party, Recipient):
        check_recipient(party)
        return Initiative.OWN, party.as_requester()
    if not all(part.strip() for part in (party.name, party.organisation)):
        raise BadInput("Name the requester and their organisation.")
    return Initiative.REQUESTED, party


def to_lines(initiative: Initiative, party: Requester) -> list[str]:
    """Whom a disclosure package goes to, and, when nobody asked, that it was not asked for."""
    if initiative is Initiative.OWN:
        return [OWN_INITIATIVE, f"To: {to_words(party)}"]
    return [f"To: {party.name}, {party.role}, {party.organisation} ({party.contact})"]
