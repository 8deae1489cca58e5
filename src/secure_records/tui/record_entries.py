"""What a record holds besides its fields, as text to draw: consent, the chronology,
the sharing history. Entries wrap under themselves (a hanging indent), not back under
their date; every value is printable text, never markup."""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from textual.content import Content

from secure_records.core.access import EntriesView, RecordView
from secure_records.core.dates import shown_date, uk_date
from secure_records.core.statuses import SharingStatus
from secure_records.core.text import counted, printable
from secure_records.session import SharedBefore
from secure_records.tui.consent_withdrawal import consent_state
from secure_records.tui.literal import literal


def _plain(text: str, style: str = "") -> Text:
    return Text(printable(text, keep_newlines=True), style=style)


def _hanging(rows: list[tuple[str, Text]]) -> Table:
    """Entries whose text wraps under itself, not back under the date: a hanging indent."""
    grid = Table.grid(padding=(0, 2), pad_edge=False)
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    for when, text in rows:
        grid.add_row(when, text)
    return grid


def _heading(section: EntriesView[Any]) -> list[RenderableType]:
    """A section's heading, and what it says when it has no entries."""
    parts: list[RenderableType] = [_plain(section.label, "bold underline")]
    if not section.entries:
        parts.append(_plain(f"  {section.summary}"))
    return parts


def consent_text(view: RecordView) -> RenderableType:
    consent = view.consent
    if consent is None:
        return ""
    parts = _heading(consent)
    rows = []
    for entry in consent.entries:
        rows.append((uk_date(entry.date), _plain(consent_state(entry))))
    if rows:
        parts.append(Padding(_hanging(rows), (0, 0, 0, 2)))
    return Group(*parts)


def entries_text(heading: str, rows: list[tuple[str, str]]) -> RenderableType:
    """A section of dated lines under a heading, each wrapping under itself."""
    lines = [(when, _plain(text)) for when, text in rows]
    return Group(_plain(heading, "bold underline"), Padding(_hanging(lines), (0, 0, 0, 2)))


def chronology_text(view: RecordView) -> RenderableType:
    notes = view.notes
    if notes is None:
        return ""
    parts = _heading(notes)
    for note in notes.entries:
        # Section 6, Accurate: fact and opinion told apart; historical marked.
        kind = ("FACT", "bold") if note.kind.value == "fact" else ("OPINION", "bold italic")
        heading = Text.assemble(
            kind, ("  HISTORICAL" if note.historical else "", "bold"), f"  {printable(note.author)}"
        )
        parts.append(Padding(_hanging([(uk_date(note.date), heading)]), (0, 0, 0, 2)))
        parts.append(Padding(_plain(note.text), (0, 0, 0, 4)))
    return Group(*parts)


STATUS_WORDS = {
    SharingStatus.DECIDED: "",
    SharingStatus.AWAITING_MANAGER: " (waiting for a safeguarding lead)",
    SharingStatus.ACTED_URGENTLY: " (urgent; a lead confirms after)",
    SharingStatus.CONFIRMED: " (confirmed by a lead)",
    SharingStatus.REJECTED: " (rejected by a lead)",
}


def history_text(history: list[SharedBefore]) -> Content:
    lines = [Content.styled("Sharing history", "bold underline")]
    if not history:
        lines.append(literal("  none"))
    for item in history:
        what = ", ".join(item.field_labels or item.fields) or "no fields"
        verdict = (
            f"share {what} and {counted(item.notes, 'note')} by {item.method}"
            if item.shared
            else "not to share"
        )
        lines.append(
            literal(
                f"  {shown_date(item.on)}  {item.decision_id}  {item.decided_by} decided {verdict}"
                f"{STATUS_WORDS.get(item.status, '')}"
            )
        )
        lines.append(literal(f"    with {item.with_whom}: {item.purpose}"))
        if item.phone_request:
            lines.append(
                literal(f"    asked by telephone, verified by callback ({item.phone_request})")
            )
    return Content("\n").join(lines)
