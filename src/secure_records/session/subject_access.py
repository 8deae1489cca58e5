"""A subject access report's text (the law's right of access, 10(b)): everything held
about a person and every sharing decision, with what needs review marked.

Plain text, as people read it, not Markdown: the lead reviews in the app exactly the
words the person will get, and a person who asked for their records opens the
released file in whatever they have (often Notepad), where '#' and '**' are noise.
So dates the UK way, choices in words, headings underlined.
"""

from __future__ import annotations

from datetime import date

from secure_records.core.consent import capacity_words, consent_standing
from secure_records.core.dates import shown_date, uk_date
from secure_records.core.decision_payload import DecisionPayload
from secure_records.core.policy import Policy
from secure_records.core.records import NoteKind, Record
from secure_records.core.text import counted
from secure_records.core.words import SHARING_WORDS, shown_value, status_words
from secure_records.vault.rows import DecisionRow

REVIEW = "REVIEW BEFORE RELEASE"


def _heading(text: str) -> list[str]:
    return ["", text, "-" * len(text), ""]


def report_text(
    policy: Policy,
    record_id: str,
    record: Record,
    decisions: list[tuple[DecisionRow, DecisionPayload]],
    today: date,
) -> str:
    """Every value as written, with what needs review marked."""
    title = f"Subject access report: {record_id}"
    lines = [
        title,
        "=" * len(title),
        "",
        f"Produced {uk_date(today)}. Items marked {REVIEW} may hold third-party",
        "details or opinions; the law expects them to be considered for redaction.",
        *_heading("What we hold"),
    ]
    for spec in policy.scalar_fields:
        value = record.values.get(spec.name, "")
        if value:
            lines.append(f"- {spec.label}: {shown_value(spec.kind, value)}")
    lines += _heading("Consent")
    for entry in record.consent:
        # In what capacity (section 4), and a withdrawal's date and reason as the
        # entry itself records them.
        lines.append(
            f"- {uk_date(entry.date)}: given by {entry.given_by} ({REVIEW}: third party), "
            f"{capacity_words(entry.capacity)}, for {entry.scope}; {consent_standing(entry)}"
        )
    lines += _heading("Chronology")
    for note in sorted(record.notes, key=lambda n: n.date):
        label = "FACT" if note.kind is NoteKind.FACT else f"OPINION ({REVIEW})"
        historical = " HISTORICAL" if note.historical else ""
        lines.append(f"- {uk_date(note.date)} {label}{historical}, by {note.author}: {note.text}")
    lines += _heading("Sharing history")
    for row, payload in decisions:
        requester, how = payload.requester, payload.how
        shared = (
            f"shared {', '.join(how.fields) or 'no fields'} and "
            f"{counted(len(how.notes), 'note')} by {how.method}"
            if how is not None
            else "decided not to share"
        )
        lines.append(
            f"- {shown_date(row.created_at[:10])}: {shared}, with {requester.name} "
            f"({REVIEW}: third party), {requester.organisation}; why: "
            f"{payload.purpose}; {status_words(row.status, SHARING_WORDS)}"
        )
    return "\n".join(lines) + "\n"
