"""How a session behaves, read from `session.toml`: the idle lock, PIN and reason
lengths, how many wrong PINs lock a staff member out and for how long, and how many
searches and lookups a staff member may make."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from secure_records.core.validation import FileReader

FILE = "session.toml"

# Each setting and the range it must fall in.
SESSION_LIMITS: Mapping[str, tuple[int, int]] = {
    "idle_lock_seconds": (15, 3600),
    "pin_min_length": (4, 64),
    "reveal_reason_min_length": (1, 500),
}
# Added later, so optional: a vault whose sealed policy predates them gets these (the
# shipped values) rather than refusing every session.
LATER_DEFAULTS: Mapping[str, int] = {"max_pin_failures": 3, "lockout_minutes": 15}
LATER_LIMITS: Mapping[str, tuple[int, int]] = {
    "max_pin_failures": (2, 10),
    "lockout_minutes": (1, 1440),
}

# Searches (the record list's) and exact lookups (reception's, and a phone request's)
# one staff member may make in any minute and in any 24 hours, counted in the log so
# that a new session starts where the last one stopped. Each answer to a search on a
# field the role does not see in full confirms or denies a guess: these bound it.
# Optional, so that a vault sealed before them keeps working, at these defaults.
RATE_LIMITS: Mapping[str, tuple[int, int, int]] = {  # (low, high, default)
    "searches_per_minute": (1, 600, 60),
    "searches_per_day": (1, 100_000, 2000),
    "lookups_per_minute": (1, 60, 6),
    "lookups_per_day": (1, 10_000, 60),
}


@dataclass(frozen=True)
class SessionSettings:
    idle_lock_seconds: int
    pin_min_length: int
    reveal_reason_min_length: int
    # RATE_LIMITS
    searches_per_minute: int
    searches_per_day: int
    lookups_per_minute: int
    lookups_per_day: int
    # Wrong PINs in a row, across sessions, before the staff member is locked out.
    max_pin_failures: int = LATER_DEFAULTS["max_pin_failures"]
    lockout_minutes: int = LATER_DEFAULTS["lockout_minutes"]


def read_session(reader: FileReader, doc: Mapping[str, Any]) -> SessionSettings | None:
    reader.keys("", doc, {"session"})
    table = reader.table("session", doc.get("session"))
    if table is None:
        return None
    reader.keys("session", table, {*SESSION_LIMITS, *LATER_LIMITS, *RATE_LIMITS})
    values: dict[str, int] = {}
    for key, (low, high) in SESSION_LIMITS.items():
        value = reader.whole_number(f"session.{key}", table.get(key), low, high)
        if value is not None:
            values[key] = value
    for key, (low, high) in LATER_LIMITS.items():
        if key not in table:
            values[key] = LATER_DEFAULTS[key]
        elif (value := reader.whole_number(f"session.{key}", table[key], low, high)) is not None:
            values[key] = value
    if len(values) != len(SESSION_LIMITS) + len(LATER_LIMITS):
        return None
    limits = _rate_limits(reader, table)
    if limits is None:
        return None
    return SessionSettings(**values, **limits)


def _rate_limits(reader: FileReader, table: Mapping[str, Any]) -> dict[str, int] | None:
    limits: dict[str, int] = {}
    for key, (low, high, default) in RATE_LIMITS.items():
        value = reader.whole_number(f"session.{key}", table.get(key, default), low, high)
        if value is not None:
            limits[key] = value
    if len(limits) != len(RATE_LIMITS):
        return None
    for what in ("searches", "lookups"):
        if limits[f"{what}_per_day"] < limits[f"{what}_per_minute"]:
            reader.error(f"session.{what}_per_day", f"must be at least {what}_per_minute")
            return None
    return limits
