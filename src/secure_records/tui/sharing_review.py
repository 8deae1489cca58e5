"""A sharing decision seen whole, as the lead reads it before confirming or rejecting
it (section 10(f)): who asked and why, every question in the policy's words with its
answer and reason, what goes, on what basis, whether the person is told, how urgent
it is and how long it has waited. Lines of plain text: the queue shows them under
its list and the typed confirmation above its box, each drawn literal."""

from __future__ import annotations

from secure_records.core.dates import shown_date
from secure_records.core.decision_payload import SharedItem
from secure_records.core.referral import Initiative, to_lines
from secure_records.core.statuses import SharingStatus
from secure_records.core.words import URGENCY_WORDS
from secure_records.session import QueueItem
from secure_records.tui.shown_time import when


def item_words(item: SharedItem) -> str:
    """'Name (fact as recorded)'; 'Chronology, note of 02 May 2024 by alice (OPINION,
    historical)': never "Name: FACT", which read as if FACT were the value."""
    kind = item.kind.value.upper()
    if not item.written:
        return f"{item.label} (fact as recorded)"
    historical = ", historical" if item.historical else ""
    return f"{item.label}, note of {shown_date(item.written)} by {item.author} ({kind}{historical})"


def urgency_words(item: QueueItem) -> str:
    said = []
    if item.status is SharingStatus.ACTED_URGENTLY:
        said.append("URGENT: shared at once because it could not wait; a lead confirms after")
    elif item.urgent:
        said.append("URGENT")
    if item.caller_urgency is not None:
        said.append(f"the caller said: {URGENCY_WORDS[item.caller_urgency]}")
    return "; ".join(said) if said else "Not marked urgent"


def decision_lines(item: QueueItem) -> list[str]:
    decision, how = item.decision, item.decision.how
    asker = decision.requester
    contact = f" ({asker.contact})" if asker.contact.strip() else ""
    waited = "Shared" if item.status is SharingStatus.ACTED_URGENTLY else "Waiting since"
    who = [f"Requester: {asker.name}, {asker.role}, {asker.organisation}{contact}"]
    if decision.initiative is Initiative.OWN:  # nobody asked: whom it goes to
        who = to_lines(decision.initiative, asker)
    lines = [
        *who,
        f"Purpose: {decision.purpose}",
        f"Urgency: {urgency_words(item)}",
        f"{waited} {when(item.created_at)}; decided by {item.decided_by}",
    ]
    if decision.urgent_manager.strip():
        lines.append(f"Manager consulted: {decision.urgent_manager}")
    if decision.consent_not_on_file:
        lines.append(
            "FLAGGED: consent was said to be held, but none is in force on the record. "
            f"Why it is not on file: {decision.consent_not_on_file}"
        )
    lines.append("The policy's questions (section 7):")
    for answer in decision.answers:
        lines.append(f"  {answer.question}")
        lines.append(f"    {'Yes' if answer.yes else 'No'}: {answer.reason}")
        if answer.advice:
            lines.append(f"    Advice sought: {answer.advice}")
    lines.append(f"Outcome: {decision.outcome}")
    if how is None:
        return lines
    lines.append("To go:")
    lines += [f"  {item_words(shared)}" for shared in item.items]
    # A decision taken before the notes' kinds were kept names its fields only.
    unnamed = len(how.notes) - sum(1 for shared in item.items if shared.written)
    if unnamed > 0:
        lines.append(f"  and {unnamed} of the chronology's notes (open the record to see which)")
    lines.append(f"Method: {how.method}")
    lines.append(f"Lawful basis: {how.lawful_basis}")
    if how.condition:
        lines.append(f"Art. 9 condition: {how.condition}")
    lines.append(
        "The individual will be told."
        if how.inform_individual
        else f"The individual will not be told: {how.not_informing_reason}"
    )
    return lines
