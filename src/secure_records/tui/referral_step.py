"""The sharing screen's first step when nobody asked: the practitioner refers on their
own initiative (policy section 7: "no practitioner should assume someone else will
pass on information"). Whom it goes to and why, in place of who asked; and, said
plainly, that where a child may be at risk it need not wait ("without delay")."""

from __future__ import annotations

from textual.widget import Widget
from textual.widgets import Button, Static

from secure_records.core.referral import MISSING, Recipient, missing_part
from secure_records.core.text import counted
from secure_records.tui.literal import literal
from secure_records.tui.sharing_steps import labelled_input

# The boxes, by id, with their labels; `purpose` is the request step's own box.
RECIPIENT_FIELDS = (
    ("to-org", "Organisation it goes to (children's social care, the police...)"),
    ("to-who", "The person or team there"),
    ("to-contact", "How you will reach them (a number or secure address you know)"),
    ("purpose", "What is the information for?"),
)
# Which box holds each part of a recipient.
BOX = {"organisation": "to-org", "person_or_team": "to-who", "contact": "to-contact"}

# Said on the request step, where someone who was not asked would look first.
NOBODY_ASKED = "Nobody asked? Press Escape, then f on the record: refer on your own initiative."
WHY = "Nobody asked: you are sharing on your own initiative (a referral)."
WITHOUT_DELAY = (
    "If a child may be at risk of harm now, do not wait. Answer the questions; where a "
    "safeguarding lead must confirm, name the manager you consulted and it is shared "
    "at once, and the lead confirms after."
)

# The step after the questions, where the answers say do not share: what to record
# and the label of its box, by whether nobody asked (then there is no requester to
# discuss it with).
NOT_SHARING = {
    False: (
        "Record the reasons, and what you discussed with the requester.",
        "What was discussed with the requester",
    ),
    True: (
        "Record why you decided not to share, and any advice you sought.",
        "Why not, and any advice you sought",
    ),
}


def referral_step(record_id: str, typed: dict[str, str], minimum: int) -> list[Widget]:
    """Whom it goes to, how to reach them, and what it is for; a Next like a request's."""
    widgets: list[Widget] = [
        Static(literal(f"Refer information from {record_id}"), classes="title"),
        Static(literal(WHY), classes="hint"),
        Static(literal(WITHOUT_DELAY), id="without-delay", classes="hint"),
    ]
    for wid, label in RECIPIENT_FIELDS:
        if wid == "purpose":
            label = f"{label} (at least {counted(minimum, 'character')})"
        widgets += labelled_input(label, wid, typed.get(wid, ""))
    widgets.append(Button("Next", variant="primary", id="request-next"))
    return widgets


def recipient_of(values: dict[str, str]) -> Recipient:
    return Recipient(values["to-org"], values["to-who"], values["to-contact"])


def recipient_problem(values: dict[str, str]) -> tuple[str, str] | None:
    """The box left blank and what to say beside it, or None when all are filled."""
    part = missing_part(recipient_of(values))
    return None if part is None else (BOX[part], MISSING[part])
