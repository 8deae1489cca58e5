"""Access review: who opened what and revealed what, and the patterns to look at.

Policy 10(d): staff "must not look at information they have access to, but do not
need for work allocated to them". The organisation names in `oversight.toml` the
patterns its access review meeting looks at; this module finds them in the log's
entries. Pure: entries in, rows and flags out.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from secure_records.core.log_actions import LogAction
from secure_records.core.text import counted
from secure_records.core.validation import FileReader, parse_file

FILE = "oversight.toml"
# What counts as a person looking at a record, for the review.
LOOKS = (
    LogAction.RECORD_OPENED,
    LogAction.FIELD_REVEALED,
    LogAction.RESTRICTED_RECORD_REFUSED,
    LogAction.RECORD_REFUSED,
)
SEARCHES = (LogAction.SEARCHED, LogAction.INDEX_LOOKUP)


@dataclass(frozen=True)
class ReviewSettings:
    reveals_per_day: int  # more than this by one person in one day is flagged
    outside_caseload: bool  # opening a record not on one's own caseload
    restricted: bool  # opening, or trying to open, a restricted record
    search_without_open: bool  # a session that searched but opened nothing


# The review's settings that are true or false, in ReviewSettings' order.
FLAGS = ("outside_caseload", "restricted", "search_without_open")


def parse_oversight(text: str, file: str = FILE) -> ReviewSettings:
    return parse_file(text, file, _read_review)


def _read_review(reader: FileReader, doc: Mapping[str, Any]) -> ReviewSettings | None:
    reader.keys("", doc, {"review"})
    review = reader.table("review", doc.get("review"), required=True)
    if review is None:
        return None
    reader.keys("review", review, {"reveals_per_day", *FLAGS})
    per_day = reader.whole_number(
        "review.reveals_per_day", review.get("reveals_per_day"), 1, 10_000
    )
    flags = [reader.flag(f"review.{key}", review.get(key)) for key in FLAGS]
    if per_day is None or None in flags:
        return None
    return ReviewSettings(per_day, *(bool(flag) for flag in flags))


@dataclass(frozen=True)
class Access:
    """One look at a record, as the review shows it."""

    time: str
    staff: str
    role: str
    action: str
    record_id: str
    field: str
    reason: str  # a reveal's reason; "[disposed]" once the record is gone
    flags: tuple[str, ...]


@dataclass(frozen=True)
class Flag:
    staff: str
    day: str
    what: str


def review(
    entries: Iterable[Any],
    settings: ReviewSettings,
    assigned: Callable[[str, str], bool],
    all_scope_roles: frozenset[str],
) -> tuple[list[Access], list[Flag]]:
    """The accesses in `entries` (LogEntry-like: time, actor, role, action, record_id,
    details, personal), each with its flags, and the flags that are about a pattern
    rather than one access. `assigned(record, staff)`: is it on their caseload now."""
    accesses: list[Access] = []
    flags: list[Flag] = []
    reveals: Counter[tuple[str, str]] = Counter()
    # Per staff member's open session: [searches, records looked at].
    sessions: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for entry in entries:
        actor, action, day = entry.actor, entry.action, entry.time[:10]
        if action == LogAction.SESSION_STARTED:
            sessions[actor] = [0, 0]
        elif action in SEARCHES:
            sessions[actor][0] += 1
        elif action == LogAction.SESSION_ENDED:
            searches, opens = sessions.pop(actor, [0, 0])
            if settings.search_without_open and searches and not opens:
                flags.append(
                    Flag(actor, day, f"searched {counted(searches, 'time')}, opened nothing")
                )
        if action == LogAction.SEAL_BROKEN:
            # Always for the review: someone changed the vault's file outside the app.
            where = f"{entry.details.get('table')} row {entry.details.get('row')}"
            flags.append(Flag(actor, day, f"refused: the vault's {where} did not match its seal"))
        if action not in LOOKS or entry.record_id is None:
            continue
        sessions[actor][1] += 1
        details: Mapping[str, Any] = entry.details or {}
        personal = entry.personal if isinstance(entry.personal, dict) else {}
        reason = str(personal.get("reason", "")) if personal else str(entry.personal or "")
        own: list[str] = []
        if (
            settings.outside_caseload
            and entry.role in all_scope_roles
            and action == LogAction.RECORD_OPENED
            and not assigned(entry.record_id, actor)
        ):
            own.append("outside their caseload")
        if settings.restricted and (
            details.get("restricted") or action == LogAction.RESTRICTED_RECORD_REFUSED
        ):
            refused = action in (LogAction.RESTRICTED_RECORD_REFUSED, LogAction.RECORD_REFUSED)
            own.append("restricted record" + (" (refused)" if refused else ""))
        if action == LogAction.RECORD_REFUSED:
            own.append("refused: not theirs to open")
        if action == LogAction.FIELD_REVEALED:
            reveals[(actor, day)] += 1
        accesses.append(
            Access(
                entry.time,
                actor,
                entry.role,
                action,
                entry.record_id,
                str(details.get("field", "")),
                reason,
                tuple(own),
            )
        )
    for (actor, day), count in sorted(reveals.items()):
        if count > settings.reveals_per_day:
            flags.append(
                Flag(
                    actor,
                    day,
                    f"{counted(count, 'reveal')} in one day (over {settings.reveals_per_day})",
                )
            )
    return accesses, flags


CSV_HEADER = ("time", "staff", "role", "action", "record", "field", "reason", "flags")


def _cell(value: str) -> str:
    # A spreadsheet runs a cell that starts like a formula: a reason is only text.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def csv_rows(accesses: Iterable[Access], flags: Iterable[Flag]) -> list[tuple[str, ...]]:
    """Rows for the review meeting's spreadsheet: accesses, then pattern flags."""
    rows = [CSV_HEADER]
    rows += [
        (a.time, a.staff, a.role, a.action, a.record_id, a.field, a.reason, "; ".join(a.flags))
        for a in accesses
    ]
    rows += [(f.day, f.staff, "", "pattern", "", "", "", f.what) for f in flags]
    return [tuple(_cell(c) for c in row) for row in rows]
