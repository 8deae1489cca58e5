"""The sharing screen's first step when someone asked: who, their organisation, how
to reach them and what it is for, filled in and fixed when a verified call asked."""

from __future__ import annotations

from textual.widget import Widget
from textual.widgets import Button, Static

from secure_records.core.text import counted, printable
from secure_records.session.telephone import PhoneRequestDetail
from secure_records.tui.literal import literal
from secure_records.tui.referral_step import NOBODY_ASKED, recipient_problem
from secure_records.tui.sharing_steps import labelled_input

REQUEST_FIELDS = (
    ("req-name", "Requester's name"),
    ("req-org", "Their organisation"),
    ("req-role", "Their role"),
    ("req-contact", "How to reach them (a verified number or address)"),
    ("purpose", "What is the information for?"),
)
# What each must hold before the questions start (the purpose: the policy's length).
REQUIRED = {"req-name": "Name the requester.", "req-org": "Name their organisation."}


def request_step(
    record_id: str, call: PhoneRequestDetail | None, typed: dict[str, str], minimum: int
) -> list[Widget]:
    widgets: list[Widget] = [
        Static(literal(f"Share information from {record_id}"), classes="title"),
        Static(literal("Who is asking, and why?"), classes="hint"),
    ]
    known = {}
    if call is None:
        widgets.append(Static(literal(NOBODY_ASKED), id="nobody-asked", classes="hint"))
    else:
        widgets.append(
            Static(
                literal(f"Answering telephone request {call.id}: {call.how_verified}."),
                id="phone-request",
            )
        )
        requester = call.requester
        known = {
            "req-name": printable(requester.name),
            "req-org": printable(requester.organisation),
            "req-role": printable(requester.role),
            "req-contact": printable(requester.contact),
        }
    for wid, label in REQUEST_FIELDS:
        if wid == "purpose":
            label = f"{label} (at least {counted(minimum, 'character')})"
        # Typed in an Input, a value is text the person edits, never markup.
        value = known.get(wid, typed.get(wid, ""))
        widgets += labelled_input(label, wid, value, disabled=wid in known)
    widgets.append(Button("Next", variant="primary", id="request-next"))
    return widgets


def request_problem(
    values: dict[str, str], minimum: int, own_initiative: bool
) -> tuple[str, str] | None:
    """What stops the questions starting, and beside which box; None when ready."""
    missing = (
        recipient_problem(values)
        if own_initiative
        else next(((wid, said) for wid, said in REQUIRED.items() if not values[wid].strip()), None)
    )
    if missing is not None:
        return missing
    if len(values["purpose"].strip()) < minimum:
        return (
            "purpose",
            f"Say what the information is for (at least {counted(minimum, 'character')}).",
        )
    return None
