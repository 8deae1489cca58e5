"""The auditor's filters (record, staff member, action, since), one meaning for the
log and for the access review: what the auditor narrowed the log to, the review
narrows to as well. Pure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from secure_records.core.log_actions import LogAction


@dataclass(frozen=True)
class LogFilter:
    """Each filter left empty (or None) lets everything through."""

    record_id: str = ""
    actor: str = ""
    action: LogAction | None = None
    since: date | None = None

    def keeps(self, record_id: str | None, actor: str, actions: Iterable[str], day: str) -> bool:
        """Whether something about `record_id`, by `actor`, from one of `actions`, on
        `day` (an ISO date or stamp) passes every filter given."""
        if self.record_id and record_id != self.record_id:
            return False
        if self.actor and actor != self.actor:
            return False
        if self.action is not None and self.action not in tuple(actions):
            return False
        return not (self.since and day[:10] < self.since.isoformat())

    def logged(self) -> dict[str, Any]:
        """The filters as the log keeps them, beside a reading of the log."""
        return {
            "record": self.record_id,
            "actor": self.actor,
            "filter_action": self.action or "",
            "since": self.since.isoformat() if self.since else "",
        }
