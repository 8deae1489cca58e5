"""Access review: who opened what and revealed what, and the patterns to look at.

Policy 10(d): staff "must not look at information they have access to, but do not
need for work allocated to them". The organisation names in `oversight.toml` the
patterns its access review meeting looks at; this module finds them in the log's
entries. Pure: entries in, rows and flags out.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from secure_records.core.being_open import PrivacyInformation, read_privacy
from secure_records.core.log_actions import LogAction
from secure_records.core.log_filter import LogFilter
from secure_records.core.log_reading import WITHHELD
from secure_records.core.policy_review import PolicyReview, read_policy_review
from secure_records.core.text import counted
from secure_records.core.validation import FileReader, parse_file

FILE = "oversight.toml"
# What counts as a person looking at a record, for the review.
LOOKS = (
    LogAction.RECORD_OPENED,
    LogAction.EMERGENCY_ACCESS,
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
    # Each reveal's reason in the review and its CSV: a reason can name a person, so
    # only where the file says so; absent, withheld (fail closed).
    reasons: bool = False
    # `[log] personal_details`: the roles that read the log see every personal
    # detail in it, whatever their field rules; absent, they do not.
    log_personal_details: bool = False
    # How long a lead's emergency access to a restricted record lasts (10(d)).
    emergency_access_minutes: int = 60
    # A session that searched but opened nothing is flagged from this many searches
    # or lookups: one lookup (reception's work on a call) is not a pattern.
    searches_flagged_from: int = 3
    # `[waiting] manager_hours`: a share, disposal or referral waiting for a manager
    # longer than this is flagged to every lead.
    manager_wait_hours: int = 48
    # `[privacy]` (10(b), being open) and `[policy_review]`, the organisation's own
    # duties: in this file because they are its oversight of itself.
    privacy: PrivacyInformation = field(default_factory=PrivacyInformation)
    policy_review: PolicyReview | None = None


# The review's settings that are true or false, in ReviewSettings' order.
FLAGS = ("outside_caseload", "restricted", "search_without_open")
# Emergency access is for an emergency: an hour or so, never a working day.
EMERGENCY_MINUTES = (5, 240)
DEFAULT_EMERGENCY_MINUTES = 60
# A vault's sealed oversight.toml from before `searches_flagged_from` existed gets
# this: one search or lookup, or a second after a typing slip, is not a pattern.
DEFAULT_SEARCHES_FLAGGED_FROM = 3
# Up to a month: past that, a flag would be news to nobody.
MANAGER_HOURS = (1, 720)
DEFAULT_MANAGER_HOURS = 48


def parse_oversight(text: str, file: str = FILE) -> ReviewSettings:
    return parse_file(text, file, _read_review)


def _read_review(reader: FileReader, doc: Mapping[str, Any]) -> ReviewSettings | None:
    tables = {"review", "log", "restricted", "waiting", "privacy", "policy_review"}
    reader.keys("", doc, tables)
    hours = _manager_hours(reader, doc.get("waiting"))
    privacy = read_privacy(reader, doc.get("privacy"))
    policy_review = read_policy_review(reader, doc.get("policy_review"))
    # `[log]` may be left out (a file from before it existed): then nobody reading
    # the log sees personal details beyond their field rules.
    log = reader.table("log", doc.get("log")) or {}
    reader.keys("log", log, {"personal_details"})
    personal = reader.flag("log.personal_details", log.get("personal_details"), default=False)
    review = reader.table("review", doc.get("review"), required=True)
    # `[restricted]` may be left out (a file from before it existed): the default box.
    restricted = reader.table("restricted", doc.get("restricted")) or {}
    if review is None:
        return None
    reader.keys("restricted", restricted, {"emergency_access_minutes"})
    minutes = reader.whole_number(
        "restricted.emergency_access_minutes",
        restricted.get("emergency_access_minutes", DEFAULT_EMERGENCY_MINUTES),
        *EMERGENCY_MINUTES,
        unit="minutes",
    )
    reader.keys("review", review, {"reveals_per_day", *FLAGS, "reasons", "searches_flagged_from"})
    per_day = reader.whole_number(
        "review.reveals_per_day", review.get("reveals_per_day"), 1, 10_000
    )
    searches = reader.whole_number(
        "review.searches_flagged_from",
        review.get("searches_flagged_from", DEFAULT_SEARCHES_FLAGGED_FROM),
        1,
        10_000,
    )
    flags = [reader.flag(f"review.{key}", review.get(key)) for key in FLAGS]
    reasons = reader.flag("review.reasons", review.get("reasons"), default=False)
    if per_day is None or minutes is None or searches is None or hours is None:
        return None
    if privacy is None:
        return None
    if None in (*flags, reasons, personal):
        return None
    if not reader.clean:
        return None
    caseload, restricted_flag, search = (bool(flag) for flag in flags)
    return ReviewSettings(
        per_day,
        caseload,
        restricted_flag,
        search,
        bool(reasons),
        bool(personal),
        emergency_access_minutes=minutes,
        searches_flagged_from=searches,
        manager_wait_hours=hours,
        privacy=privacy,
        policy_review=policy_review,
    )


def _manager_hours(reader: FileReader, raw: object) -> int | None:
    # `[waiting]` may be left out (a file from before it existed): the shipped hours.
    waiting = reader.table("waiting", raw) or {}
    reader.keys("waiting", waiting, {"manager_hours"})
    return reader.whole_number(
        "waiting.manager_hours",
        waiting.get("manager_hours", DEFAULT_MANAGER_HOURS),
        *MANAGER_HOURS,
        unit="hours",
    )


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
    # What the flag is about, for the auditor's filters: its record, if one, and
    # the actions that raised it.
    record_id: str = field(default="", compare=False)
    actions: tuple[LogAction, ...] = field(default=(), compare=False)


def review(
    entries: Iterable[Any],
    settings: ReviewSettings,
    assigned: Callable[[str, str], bool],
    caseload_roles: frozenset[str],
) -> tuple[list[Access], list[Flag]]:
    """The accesses in `entries` (LogEntry-like: time, actor, role, action, record_id,
    details, personal), each with its flags, and the flags that are about a pattern
    rather than one access. `assigned(record, staff)`: is it on their caseload now.
    `caseload_roles`: the roles whose scope is their caseload, the only ones a record
    off it is flagged for (a grant lets them in); a role whose scope is all opens any
    record as its work."""
    accesses: list[Access] = []
    flags: list[Flag] = []
    reveals: Counter[tuple[str, str]] = Counter()
    over_limit: Counter[tuple[str, str]] = Counter()  # searches and lookups refused
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
            enough = searches >= settings.searches_flagged_from
            if settings.search_without_open and enough and not opens:
                what = f"searched {counted(searches, 'time')}, opened nothing"
                flags.append(Flag(actor, day, what, actions=SEARCHES))
        if action == LogAction.LOG_READ_WITH_PERSONAL_DETAILS:
            # Always for the review: the log's personal details read at the host.
            what = "read the log with its personal details, at the host"
            flags.append(Flag(actor, day, what, actions=(action,)))
        if action == LogAction.PIN_LOCKED_OUT:
            # Always for the review: someone guessed, or forgot, a PIN too often.
            flags.append(
                Flag(actor, day, "locked out after too many wrong PINs", actions=(action,))
            )
        if action == LogAction.SEAL_BROKEN:
            # Always for the review: someone changed the vault's file outside the app.
            where = f"{entry.details.get('table')} row {entry.details.get('row')}"
            what = f"refused: the vault's {where} did not match its seal"
            flags.append(Flag(actor, day, what, actions=(action,)))
        if action == LogAction.SEARCH_REFUSED:
            over_limit[(actor, day)] += 1
        elif action == LogAction.EMERGENCY_ACCESS:
            # Always, at once: a lead let themselves into a restricted record.
            until = str(entry.details.get("until", ""))[:16].replace("T", " ")
            what = f"emergency access to {entry.record_id} until {until}"
            flags.append(Flag(actor, day, what, entry.record_id or "", (action,)))
        elif action == LogAction.RESTRICTION_REFUSED:
            # A lead's own way in refused (a self-grant), or a restriction the log lacks.
            what = f"refused: {entry.details.get('refused', '')}"
            flags.append(Flag(actor, day, what, entry.record_id or "", (action,)))
        if action not in LOOKS or entry.record_id is None:
            continue
        sessions[actor][1] += 1
        details: Mapping[str, Any] = entry.details or {}
        if isinstance(entry.personal, dict):
            said = str(entry.personal.get("reason", ""))
            reason = said if settings.reasons or not said else WITHHELD
        else:
            reason = str(entry.personal or "")  # "[disposed]" once the record is gone
        own: list[str] = []
        if (
            settings.outside_caseload
            and entry.role in caseload_roles
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
        if action == LogAction.EMERGENCY_ACCESS:
            own.append("emergency access")
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
                    actions=(LogAction.FIELD_REVEALED,),
                )
            )
    for (actor, day), count in sorted(over_limit.items()):
        # Always for the review: a burst of guesses is what an oracle attack looks like.
        times = "once" if count == 1 else f"{count} times"
        what = f"searches or lookups refused over the limit {times}"
        flags.append(Flag(actor, day, what, actions=(LogAction.SEARCH_REFUSED,)))
    return accesses, flags


def narrowed(
    accesses: Iterable[Access], flags: Iterable[Flag], wanted: LogFilter
) -> tuple[list[Access], list[Flag]]:
    """The review as far as the auditor's filters reach: accesses to that record, by
    that person, of that action, since that day; and the flags about them."""
    return (
        [a for a in accesses if wanted.keeps(a.record_id, a.staff, (a.action,), a.time)],
        [f for f in flags if wanted.keeps(f.record_id, f.staff, f.actions, f.day)],
    )


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
