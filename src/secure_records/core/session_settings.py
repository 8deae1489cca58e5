"""How a session behaves, read from `session.toml`: the idle lock, PIN and reason lengths."""

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


@dataclass(frozen=True)
class SessionSettings:
    idle_lock_seconds: int
    pin_min_length: int
    reveal_reason_min_length: int


def read_session(reader: FileReader, doc: Mapping[str, Any]) -> SessionSettings | None:
    reader.keys("", doc, {"session"})
    table = reader.table("session", doc.get("session"))
    if table is None:
        return None
    reader.keys("session", table, SESSION_LIMITS)
    values: dict[str, int] = {}
    for key, (low, high) in SESSION_LIMITS.items():
        value = reader.whole_number(f"session.{key}", table.get(key), low, high)
        if value is not None:
            values[key] = value
    if len(values) != len(SESSION_LIMITS):
        return None
    return SessionSettings(**values)
