"""The parts of a subject access report that go beyond the record itself (UK GDPR
Art. 15; policy 10(b)): telephone requests about the person, each sharing decision
with its answers and reasons, and the record's corrections. Pure: lines of plain text.

What may be someone else's (a caller's name, a requester's, what staff wrote in a
reason) is marked for the lead's review; a sharing the person was not told of is held
out under WITHHELD, never dropped: releasing it could tip them off.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from secure_records.core.amendments import Amendment, amendment_words
from secure_records.core.dates import shown_date
from secure_records.core.decision_payload import DecisionPayload, SharedItem
from secure_records.core.fields import FieldKind, FieldSpec
from secure_records.core.phone_request_payload import PhoneRequestPayload
from secure_records.core.records import NoteKind
from secure_records.core.referral import Initiative
from secure_records.core.sharing import HowChoices
from secure_records.core.telephone import CALLBACK_WORDS
from secure_records.core.text import counted
from secure_records.core.words import CALL_WORDS, SHARING_WORDS, in_words, status_words

REVIEW = "REVIEW BEFORE RELEASE"
THIRD_PARTY = f"({REVIEW}: third party)"
# Staff's own words (a reason, a note of a call) may name someone else.
MAY_NAME = f"({REVIEW}: may name a third party)"
WITHHELD = "WITHHELD PENDING REVIEW"


@dataclass(frozen=True)
class Decided:
    """A sharing decision about the person, as the report reads it."""

    id: str
    made_at: str  # UTC, ISO
    decided_by: str
    status: str
    payload: DecisionPayload

    @property
    def untold(self) -> str | None:
        """Why the person was not told of this sharing; None when they were (or
        nothing was shared)."""
        how = self.payload.how
        if how is None or how.inform_individual:
            return None
        return how.not_informing_reason.strip() or "no reason recorded"


@dataclass(frozen=True)
class Call:
    """A telephone request about the person, as the report reads it."""

    id: str
    taken_at: str  # UTC, ISO
    taken_by: str
    status: str  # a core.telephone.Status, as stored
    payload: PhoneRequestPayload


def _marked(text: str) -> str:
    """`text` between « and », one line, so that a release can withhold exactly it."""
    flat = " / ".join(part.strip() for part in text.strip().splitlines() if part.strip())
    return "«" + flat.replace("«", "‹").replace("»", "›") + "»"


def other_person(name: str) -> str:
    """Someone else's name or details, marked for review and withheld on release."""
    return f"{_marked(name)} {THIRD_PARTY}"


def _staff_words(text: str) -> str:
    return f"{_marked(text)} {MAY_NAME}" if text.strip() else "(none given)"


def _item(item: SharedItem) -> str:
    if not item.written:  # a field: a fact as recorded
        return item.label
    kind = "fact" if item.kind is NoteKind.FACT else f"opinion ({REVIEW})"
    historical = ", historical" if item.historical else ""
    return f"{item.label} (note of {shown_date(item.written)} by {item.author}, {kind}{historical})"


def _items(payload: DecisionPayload, how: HowChoices, labels: Mapping[str, str]) -> str:
    if payload.items:
        return "; ".join(_item(i) for i in payload.items)
    # A decision from before issue 18 kept field names and note positions only.
    named = [labels.get(name, in_words(name)) for name in how.fields]
    if how.notes:
        named.append(counted(len(how.notes), "chronology note"))
    return "; ".join(named) or "nothing"


def _standing(status: str) -> str:
    """' (awaiting a lead)' and the like; nothing for a plain decision, which read
    "decided by alice (decided)"."""
    return "" if status == "decided" else f" ({status_words(status, SHARING_WORDS)})"


def decision_lines(decided: Decided, labels: Mapping[str, str]) -> list[str]:
    """One sharing decision: who asked and why, every question in the policy's words
    with its answer and reason, the outcome, and what went, to whom, how and on what
    basis. `labels`: field names to the policy's labels."""
    payload, how = decided.payload, decided.payload.how
    requester = payload.requester
    shared = "decided not to share" if how is None else "shared"
    own = payload.initiative is Initiative.OWN
    whom = "on our own initiative, to" if own else "asked by"
    lines = [
        f"- {shown_date(decided.made_at[:10])}: {shared}, {whom} {other_person(requester.name)}, "
        f"{', '.join(p for p in (requester.role, requester.organisation) if p)}; "
        "decided by "
        f"{decided.decided_by}{_standing(decided.status)}",
        f"  {'What it was for' if own else 'Why they asked'}: {payload.purpose}",
    ]
    if payload.phone_request is not None:
        lines.append(f"  In answer to telephone request {payload.phone_request.id}")
    for answer in payload.answers:
        lines.append(f"  Asked: {answer.question}")
        yes = "yes" if answer.yes else "no"
        lines.append(f"    Answer: {yes}. Reason: {_staff_words(answer.reason)}")
        if answer.advice:
            lines.append(f"    Advice sought: {_staff_words(answer.advice)}")
    lines.append(f"  Outcome: {payload.outcome}")
    if payload.urgent_manager.strip():
        lines.append(f"  Manager consulted: {_staff_words(payload.urgent_manager)}")
    if how is None:
        said = "Why not shared" if own else "Discussed with the requester"
        lines.append(f"  {said}: {_staff_words(payload.discussed)}")
        return lines
    lines += [
        f"  Items shared: {_items(payload, how, labels)}",
        f"  To: {other_person(requester.name)}, {requester.organisation}",
        f"  Method: {how.method}",
        f"  Lawful basis: {how.lawful_basis}",
        *([f"  Art. 9 condition: {how.condition}"] if how.condition else []),
        "  You were told of this sharing: "
        + ("yes" if how.inform_individual else f"no: {_staff_words(how.not_informing_reason)}"),
    ]
    return lines


def call_lines(call: Call, kinds: Mapping[str, str]) -> list[str]:
    """One telephone request: who called and when, what was asked, and how it ended.
    `kinds`: the directory's request kinds in words."""
    p = call.payload
    caller = p.caller
    lines = [
        f"- {shown_date(call.taken_at[:10])}: {other_person(caller.name)}, {caller.role}, "
        f"{p.organisation}, rang; taken by {call.taken_by}",
        f"  Asked for: {kinds.get(p.kind, in_words(p.kind))}",
        f"  What they asked: {_staff_words(p.asked)}",
    ]
    if p.attempts:
        lines.append(f"  Callbacks that did not reach the caller: {len(p.attempts)}")
    if p.callback is not None:
        cb = p.callback
        lines.append(
            f"  Callback {shown_date(cb.at[:10])} by {cb.by}: "
            f"{CALLBACK_WORDS.get(cb.outcome, in_words(cb.outcome))}"
        )
        if cb.note.strip():
            lines.append(f"    Note: {_staff_words(cb.note)}")
    outcome = status_words(call.status, CALL_WORDS)
    if p.closed is not None:
        outcome = (
            f"closed {shown_date(p.closed.at[:10])} by {p.closed.by}: "
            f"{_staff_words(p.closed.reason)}"
        )
    elif p.decision is not None:
        outcome = f"answered by sharing decision {p.decision}"
    lines.append(f"  Outcome: {outcome}")
    return lines


def correction_lines(amendment: Amendment, spec: FieldSpec | None) -> list[str]:
    """One correction: what the field said and says now, who changed it, when, why.
    `spec`: the field as the policy has it now (None: a field since removed)."""
    label = spec.label if spec is not None else in_words(amendment.field)
    kind = spec.kind if spec is not None else FieldKind.TEXT
    return [
        f"- {shown_date(amendment.at[:10])}, by {amendment.by}: "
        f"{amendment_words(amendment, label, kind)}",
        f"  Why: {_staff_words(amendment.reason)}",
    ]


def withheld_lines(
    decided: Decided, calls: list[Call], labels: Mapping[str, str], kinds: Mapping[str, str]
) -> list[str]:
    """A sharing the person was not told of, held out whole with the calls it answered:
    one clear line for the lead, then everything under it, indented."""
    lines = [f"{WITHHELD}: the person was not told of this sharing ({decided.untold})"]
    for line in decision_lines(decided, labels):
        lines.append(f"  {line}")
    for call in calls:
        lines += [f"  {line}" for line in call_lines(call, kinds)]
    return lines


# What the person reads in place of what was marked for review (UK GDPR Art. 15(4):
# the rights of others); a decision they were not told of goes altogether.
WITHHELD_OTHER = "[withheld: another person's details]"
WITHHELD_WORDS = "[withheld: staff's own words, which may name another person]"
WITHHELD_LINE = "[withheld: a line marked for review]"
RELEASED_NOTE = (
    "Details about other people, and staff's own words that may name\n"
    "them, are withheld from this copy (UK GDPR Art. 15(4))."
)


@dataclass(frozen=True)
class Released:
    """A subject access report as it may leave the organisation."""

    text: str
    untold: int  # sharing decisions the person was not told of, left out whole
    withheld: int  # marked items withheld in place


def for_release(text: str) -> Released:
    """The report as it may leave the organisation: never what the person was not
    told of (its notice at the top and the section at the end), and every item marked
    for review withheld in place, whatever the lead released it with. Fails closed: a
    mark it cannot place withholds its whole line."""
    lines = text.replace(_HEADER, RELEASED_NOTE).split("\n")
    rule = "-" * len(WITHHELD)
    # The section's heading is the report's last; typed text above cannot move it.
    starts = [n for n, line in enumerate(lines[:-1]) if line == WITHHELD and lines[n + 1] == rule]
    untold = 0
    if starts:
        untold = sum(1 for line in lines[starts[-1] :] if line.startswith(f"{WITHHELD}:"))
        lines = lines[: starts[-1]]
        if len(lines) > 6 and lines[5].startswith(f"{WITHHELD}: "):  # the count under the title
            del lines[5:7]
    withheld = 0
    kept = []
    for line in lines:
        line, others = _OTHER.subn(WITHHELD_OTHER, line)
        line, words = _WORDS.subn(WITHHELD_WORDS, line)
        withheld += others + words
        line = line.replace(f" ({REVIEW})", "")
        if REVIEW in line:  # a mark it cannot place: the whole line goes
            line = line[: len(line) - len(line.lstrip())] + WITHHELD_LINE
            withheld += 1
        kept.append(line)
    released = "\n".join(kept).rstrip("\n") + "\n"
    return Released(released, untold, withheld)


_OTHER = re.compile(r"«[^«»\n]*» " + re.escape(THIRD_PARTY))
_WORDS = re.compile(r"«[^«»\n]*» " + re.escape(MAY_NAME))
_HEADER = (
    f"Items marked {REVIEW} may hold third-party\n"
    "details or opinions; the law expects them to be considered for redaction."
)
