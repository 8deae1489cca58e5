"""A subject access report's text (the law's right of access, 10(b)): everything held
about a person, its corrections, the telephone requests about them and every sharing
decision with its answers and reasons, with what needs review marked.

Plain text, as people read it, not Markdown: the lead reviews in the app exactly the
words the person will get, and a person who asked for their records opens the
released file in whatever they have (often Notepad), where '#' and '**' are noise.
So dates the UK way, choices in words, headings underlined.
"""

from __future__ import annotations

from datetime import date

from secure_records.core.access_report import (
    REVIEW,
    WITHHELD,
    Call,
    Decided,
    call_lines,
    correction_lines,
    decision_lines,
    other_person,
    withheld_lines,
)
from secure_records.core.amendments import Amendment
from secure_records.core.consent import capacity_words, consent_standing
from secure_records.core.dates import uk_date
from secure_records.core.policy import Policy
from secure_records.core.records import NoteKind, Record
from secure_records.core.telephone import Status
from secure_records.core.text import counted
from secure_records.core.words import shown_value
from secure_records.session.door import StaffDoor


def _heading(text: str) -> list[str]:
    return ["", text, "-" * len(text), ""]


def _section(heading: str, lines: list[str]) -> list[str]:
    """A heading and its lines, or "None." under it: an empty heading reads as a fault."""
    return [*_heading(heading), *(lines or ["None."])]


def report_for(door: StaffDoor, record_id: str, record: Record, today: date) -> str:
    """The report on `record` as the vault holds it now: its decisions, the telephone
    requests linked to it and its corrections, read under the record's key."""
    vault = door.vault
    decisions = [
        Decided(row.id, row.created_at, row.decided_by, row.status, payload)
        for row, payload in vault.decisions_for(record_id)
    ]
    calls = []
    for row in vault.store.phone_requests(list(Status)):
        if row.record_id == record_id and (found := vault.phone_requests.read(row.id)) is not None:
            calls.append(Call(row.id, row.created_at, row.taken_by, row.status, found[1]))
    corrections = vault.amendments.history(record_id)
    return report_text(door.policy, record_id, record, decisions, calls, corrections, today)


def report_text(
    policy: Policy,
    record_id: str,
    record: Record,
    decisions: list[Decided],
    calls: list[Call],
    corrections: list[Amendment],
    today: date,
) -> str:
    """Every value as written, with what needs review marked, and what the person was
    not told of held out at the end under WITHHELD."""
    labels = {name: spec.label for name, spec in policy.fields.items()}
    kinds = policy.directory.request_kinds
    untold = [d for d in decisions if d.untold is not None]
    held_calls = {d.id: [c for c in calls if c.payload.decision == d.id] for d in untold}
    held = {c.id for found in held_calls.values() for c in found}
    title = f"Subject access report: {record_id}"
    lines = [
        title,
        "=" * len(title),
        "",
        f"Produced {uk_date(today)}. Items marked {REVIEW} may hold third-party",
        "details or opinions; the law expects them to be considered for redaction.",
    ]
    if untold:
        lines += [
            f"{WITHHELD}: {counted(len(untold), 'sharing decision')} the person was not told",
            "of, held out at the end for the lead; not to be released as it stands.",
        ]
    held_fields = [
        f"- {spec.label}: {shown_value(spec.kind, record.values[spec.name])}"
        for spec in policy.scalar_fields
        if record.values.get(spec.name, "")
    ]
    lines += _section("What we hold", held_fields)
    fixed = [
        line
        for amendment in corrections
        for line in correction_lines(amendment, policy.fields.get(amendment.field))
    ]
    lines += _section("Corrections", fixed)
    # In what capacity (section 4), and a withdrawal's date and reason as the entry
    # itself records them.
    consent = [
        f"- {uk_date(entry.date)}: given by {other_person(entry.given_by)}, "
        f"{capacity_words(entry.capacity)}, for {entry.scope}; {consent_standing(entry)}"
        for entry in record.consent
    ]
    lines += _section("Consent", consent)
    notes = []
    for note in sorted(record.notes, key=lambda n: n.date):
        label = "FACT" if note.kind is NoteKind.FACT else f"OPINION ({REVIEW})"
        historical = " HISTORICAL" if note.historical else ""
        notes.append(f"- {uk_date(note.date)} {label}{historical}, by {note.author}: {note.text}")
    lines += _section("Chronology", notes)
    told_calls = [line for call in calls if call.id not in held for line in call_lines(call, kinds)]
    lines += _section("Telephone requests about you", told_calls)
    shared = [
        line
        for decided in decisions
        if decided.untold is None
        for line in decision_lines(decided, labels)
    ]
    lines += _section("Sharing history", shared)
    if untold:
        lines += _heading(WITHHELD)
        for decided in untold:
            lines += withheld_lines(decided, held_calls[decided.id], labels, kinds)
    return "\n".join(lines) + "\n"
