"""What has waited for a manager too long, for every lead's first screen.

A share without consent waiting for a manager's confirmation (section 10(f)), a
disposal waiting for approval, a telephone request referred to the lead: each can
wait forever unless someone is told. `oversight.toml` says how long is too long.
Counts and ages only, read from the rows, so it is not logged; opening the queue
itself is. A telephone request passed to the leads is counted at once, not only after
those hours (a caller never reached may be at risk now): its urgency alone is read
from its sealed row, to count it, and nothing of it is shown but the counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from secure_records.core.dates import moment
from secure_records.core.permissions import Permission
from secure_records.core.statuses import AWAITING_LEAD, DisposalStatus
from secure_records.core.telephone import FOR_THE_LEAD, Urgency
from secure_records.session.door import StaffDoor
from secure_records.session.scope import RecordScope


@dataclass(frozen=True)
class Overdue:
    """How many of each have waited longer than `hours`, and since when the oldest."""

    hours: int
    shares: int = 0
    disposals: int = 0
    requests: int = 0
    oldest: datetime | None = None

    @property
    def count(self) -> int:
        return self.shares + self.disposals + self.requests


@dataclass(frozen=True)
class Passed:
    """Telephone requests passed to the leads and waiting now; `urgent`: those where
    someone may be at risk now."""

    count: int = 0
    urgent: int = 0


class ManagerWaits:
    def __init__(self, door: StaffDoor, scope: RecordScope) -> None:
        self._door = door
        self._scope = scope

    def overdue(self, now: datetime | None = None) -> Overdue:
        """What waits for this person's role longer than the policy's hours; nothing
        for a role that decides none of it."""
        door = self._door
        door.check_usable()
        hours = door.policy.oversight.manager_wait_hours
        now = now or datetime.now(UTC)
        cutoff = now - timedelta(hours=hours)
        if not (door.may(Permission.APPROVE_SHARING) or door.may(Permission.APPROVE_DISPOSAL)):
            return Overdue(hours)
        store = door.vault.store
        hidden = self._scope.hidden_ids()
        stamps: dict[str, list[datetime]] = {"shares": [], "disposals": [], "requests": []}

        def waiting(kind: str, record_id: str | None, stamp: str) -> None:
            when = moment(stamp)
            if record_id not in hidden and when is not None and when < cutoff:
                stamps[kind].append(when)

        if door.may(Permission.APPROVE_SHARING):
            for decision in store.decisions(AWAITING_LEAD):
                waiting("shares", decision.record_id, decision.created_at)
            for request in store.phone_requests(FOR_THE_LEAD):
                waiting("requests", request.record_id, request.created_at)
        if door.may(Permission.APPROVE_DISPOSAL):
            for disposal in store.disposals([DisposalStatus.PROPOSED]):
                waiting("disposals", disposal.record_id, disposal.proposed_at)
        every = [when for found in stamps.values() for when in found]
        return Overdue(
            hours,
            len(stamps["shares"]),
            len(stamps["disposals"]),
            len(stamps["requests"]),
            min(every, default=None),
        )

    def passed(self) -> Passed:
        """Telephone requests passed to the leads (referred, or a caller not reached
        after every attempt) waiting now, however recent; nothing for any other role."""
        door = self._door
        door.check_usable()
        if not door.may(Permission.APPROVE_SHARING):
            return Passed()
        hidden = self._scope.hidden_ids()
        count = urgent = 0
        for row in door.vault.store.phone_requests(FOR_THE_LEAD):
            request = None if row.record_id in hidden else door.vault.phone_requests.read(row.id)
            if request is not None:
                count += 1
                urgent += request[1].urgency is Urgency.IMMEDIATE
        return Passed(count, urgent)
