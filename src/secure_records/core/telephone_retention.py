"""How long telephone requests are kept (policy section 6; left open until issue 20).

A telephone request holds who called, about whom and what they asked. Once it is
closed or answered, refused at callback, or matched no record, nothing needs it for
long: `retention.toml`'s `[telephone]` table says after how many days each kind goes.
A file sealed before the table existed keeps these defaults. Pure: a request's
status, whether it matched a record and when it was taken in; a kind, or None.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from secure_records.core.telephone import Status
from secure_records.core.validation import FileReader

DAYS_LIMIT = 3650  # ten years: a longer wait is a records rule, not a telephone one


class Expired(StrEnum):
    CLOSED = "closed"  # closed by a lead, or answered by a sharing decision
    UNVERIFIED = "unverified"  # the callback refused it: nothing was disclosed
    UNMATCHED = "unmatched"  # it matched no record, whatever became of it


CLOSED_STATUSES = frozenset({Status.CLOSED, Status.DECIDED})


@dataclass(frozen=True)
class TelephoneRetention:
    closed_after_days: int = 365
    unverified_after_days: int = 90
    unmatched_after_days: int = 90

    def expired(self, status: Status, matched: bool, taken_at: str, today: date) -> Expired | None:
        """Which rule (if any) says this request is past its days, counted from the
        day it was taken in (`taken_at`, ISO)."""
        age = (today - datetime.fromisoformat(taken_at).date()).days
        if status in CLOSED_STATUSES and age > self.closed_after_days:
            return Expired.CLOSED
        if status is Status.NOT_VERIFIED and age > self.unverified_after_days:
            return Expired.UNVERIFIED
        if not matched and age > self.unmatched_after_days:
            return Expired.UNMATCHED
        return None


DEFAULT_TELEPHONE = TelephoneRetention()
KEYS = ("closed_after_days", "unverified_after_days", "unmatched_after_days")


def read_telephone(reader: FileReader, raw: object) -> TelephoneRetention | None:
    """The `[telephone]` table (absent, the defaults); None if it is wrong (said)."""
    table: Mapping[str, Any] | None = reader.table("telephone", raw)
    if table is None:
        return None
    reader.keys("telephone", table, KEYS)
    days = {
        key: reader.whole_number(f"telephone.{key}", table[key], 1, DAYS_LIMIT, unit="days")
        for key in KEYS
        if key in table
    }
    if any(value is None for value in days.values()):
        return None
    return TelephoneRetention(**{k: v for k, v in days.items() if v is not None})
