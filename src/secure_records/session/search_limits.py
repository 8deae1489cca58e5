"""How many searches and exact lookups a staff member may make: no oracles.

A search or lookup answers whether a guess is right. On a field the role does not see
in full, that is an oracle (a year of dates of birth is 365 lookups), so such a field
is searched only where the policy names a search mode for it on purpose, and every
search and lookup is bounded per staff member, per minute and per 24 hours
(`session.toml`). The count is read from the log, where each search and lookup is
already an entry with who and when: a new session, or a second one at once, starts
from the same count. A refusal is logged too, for the access review.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import StrEnum

from secure_records.core.access import SearchMode, search_modes
from secure_records.core.errors import AccessRefused
from secure_records.core.log_actions import LogAction
from secure_records.session.door import StaffDoor

DAY = timedelta(days=1)
MINUTE = timedelta(minutes=1)


class Asked(StrEnum):
    SEARCHES = "searches"  # the record list's search
    LOOKUPS = "lookups"  # an exact name and date of birth: a lookup, a phone request


ONE = {Asked.SEARCHES: "search", Asked.LOOKUPS: "lookup"}

# The log entries that count as each: one entry is written for each answer given.
COUNTED: dict[str, Asked] = {
    LogAction.SEARCHED: Asked.SEARCHES,
    LogAction.INDEX_LOOKUP: Asked.LOOKUPS,
    LogAction.PHONE_REQUEST_TAKEN: Asked.LOOKUPS,
}


def now() -> datetime:
    """The clock the windows are measured by (the log's: UTC)."""
    return datetime.now(UTC)


class SearchLimits:
    def __init__(self, door: StaffDoor) -> None:
        self._door = door
        # This person's counted entries in the last 24 hours, and how far the log was read.
        self._times: dict[Asked, list[str]] = {asked: [] for asked in Asked}
        self._offset: int | None = None

    def before_search(self) -> None:
        """Refused, in one sentence, once this person's searches reach a limit."""
        self._check(Asked.SEARCHES)

    def before_lookup(self) -> None:
        """Refused unless the role may search both name and date of birth (seen in
        full, or a search mode named on purpose), and within the limits."""
        role = self._door.role
        if SearchMode.NEVER in search_modes(role):
            raise AccessRefused(f"The {role.label} role cannot look records up.")
        self._check(Asked.LOOKUPS)

    def _check(self, asked: Asked) -> None:
        door = self._door
        settings = door.policy.session
        at = now()
        day = self._counted(at)[asked]
        minute_ago = (at - MINUTE).isoformat(timespec="microseconds")
        in_minute = sum(1 for time in day if time >= minute_ago)
        per_minute = getattr(settings, f"{asked}_per_minute")
        per_day = getattr(settings, f"{asked}_per_day")
        if in_minute >= per_minute:
            door.log(LogAction.SEARCH_REFUSED, kind=asked.value, over="minute", limit=per_minute)
            raise AccessRefused(
                f"You have made {_count(in_minute, asked)} in the last minute, the most the "
                "policy allows: wait a minute and try again."
            )
        if len(day) >= per_day:
            door.log(LogAction.SEARCH_REFUSED, kind=asked.value, over="day", limit=per_day)
            raise AccessRefused(
                f"You have made {_count(len(day), asked)} in the last 24 hours, the most the "
                "policy allows: try again tomorrow."
            )

    def _counted(self, at: datetime) -> dict[Asked, list[str]]:
        """This person's searches and lookups (their times) in the 24 hours before `at`,
        read from the log: the whole window once, then only what was written since."""
        since = (at - DAY).isoformat(timespec="microseconds")
        entries, self._offset = self._door.vault.log.recent(since, self._offset)
        times = {asked: [t for t in kept if t >= since] for asked, kept in self._times.items()}
        actor = self._door.staff_name
        for entry in entries:
            asked = COUNTED.get(entry.action)
            if asked is not None and entry.actor == actor:
                times[asked].append(entry.time)
        self._times = times
        return times


def _count(n: int, asked: Asked) -> str:
    return f"{n} {ONE[asked] if n == 1 else asked.value}"
