"""The register of subject access requests (UK GDPR Art. 12(3); policy 10(b)), a part
of Session: a lead enters each request as it is received, with how the person's
identity was checked; it is due one calendar month later (core/access_requests.py),
extended by up to two months with a reason, and answered when its subject access
report is made (Oversight.subject_access_report links the two).

Counts of those overdue or due soon are read from the rows' dates alone, for the
lead's first screen, and not logged; opening the register, which shows the sealed
words, is.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import date

from secure_records.core.access_requests import (
    MAX_EXTENSION_MONTHS,
    AccessRequestStatus,
    Standing,
    due_date,
    standing,
)
from secure_records.core.dates import uk_date
from secure_records.core.errors import AccessRefused, BadInput
from secure_records.core.log_actions import LogAction
from secure_records.core.permissions import Permission
from secure_records.core.text import counted
from secure_records.session.door import StaffDoor
from secure_records.session.limits import MAX_TYPED
from secure_records.session.scope import RecordScope
from secure_records.vault.access_requests import AccessRequestDetails
from secure_records.vault.rows import AccessRequestRow
from secure_records.vault.vault import now_utc


@dataclass(frozen=True)
class AccessRequest:
    """One request as a lead reads it in the register."""

    id: str
    record_id: str
    received: date
    due: date
    extension_months: int
    standing: Standing
    logged_by: str
    identity_check: str  # "" where the record is restricted and not granted to them
    extension_reason: str
    report_id: str | None
    restricted: bool = False
    answered_on: date | None = None  # the day (UTC) the report answered it


@dataclass(frozen=True)
class Due:
    """How many open requests are past their due date, and due within a week."""

    overdue: int = 0
    soon: int = 0

    @property
    def count(self) -> int:
        return self.overdue + self.soon


def _view(
    row: AccessRequestRow, details: AccessRequestDetails | None, today: date
) -> AccessRequest:
    due = date.fromisoformat(row.due)
    answered = row.status is AccessRequestStatus.ANSWERED
    return AccessRequest(
        row.id,
        row.record_id,
        date.fromisoformat(row.received),
        due,
        row.extension_months,
        standing(due, answered, today),
        row.logged_by,
        "" if details is None else details.identity_check,
        "" if details is None else details.extension_reason,
        row.report_id,
        details is None,
        date.fromisoformat(row.answered_at[:10]) if row.answered_at else None,
    )


class AccessRequests:
    def __init__(self, door: StaffDoor, scope: RecordScope) -> None:
        self._door = door
        self._scope = scope

    def _require(self) -> None:
        self._door.require(Permission.SUBJECT_ACCESS, refused="does not keep the register")

    def _typed(self, text: str, what: str) -> str:
        minimum = self._door.policy.sharing.reason_min_length
        if len(text) > MAX_TYPED or len(text.strip()) < minimum:
            raise BadInput(f"Say {what} (at least {counted(minimum, 'character')}).")
        return text.strip()

    def record(
        self, record_id: str, received: date, identity_check: str, today: date | None = None
    ) -> AccessRequest:
        """Enter a request received on `received` about `record_id`; due one calendar
        month later."""
        self._require()
        today = today or date.today()
        identity_check = self._typed(identity_check, "how the person's identity was checked")
        if received > today:
            raise BadInput("A request cannot be received in the future.")
        self._scope.check(record_id)
        row = AccessRequestRow(
            f"S-{secrets.token_hex(4)}",
            record_id,
            AccessRequestStatus.OPEN,
            received.isoformat(),
            due_date(received).isoformat(),
            0,
            self._door.actor,
            now_utc(),
        )
        details = AccessRequestDetails(identity_check)
        with self._door.recorded(
            LogAction.ACCESS_REQUEST_RECORDED,
            record_id,
            personal={"identity_check": identity_check},
            access_request=row.id,
            date=row.received,
            due=row.due,
        ):
            self._door.vault.access_requests.add(row, details)
        return _view(row, details, today)

    def extend(
        self, request_id: str, months: int, reason: str, today: date | None = None
    ) -> AccessRequest:
        """Extend an open request's time by `months`, up to two in all, with the reason
        the person is to be told; only within the first month, as the law has them told
        within it."""
        self._require()
        today = today or date.today()
        reason = self._typed(reason, "why the time is extended")
        record_id = self._open(request_id)[0].record_id
        with self._door.recorded(
            LogAction.ACCESS_REQUEST_EXTENDED,
            record_id,
            personal={"reason": reason},
            access_request=request_id.strip(),
            months=months,
        ):
            # Read again under the write lock: an extension made meanwhile counts.
            row, details = self._open(request_id)
            if row.status is AccessRequestStatus.ANSWERED:
                raise BadInput(f"{row.id} was answered; there is nothing to extend.")
            total = row.extension_months + months
            if months < 1 or total > MAX_EXTENSION_MONTHS:
                left = MAX_EXTENSION_MONTHS - row.extension_months
                raise BadInput(
                    f"{row.id} can be extended by {counted(left, 'more month')} at most."
                    if left
                    else f"{row.id} was already extended by {MAX_EXTENSION_MONTHS} months."
                )
            received = date.fromisoformat(row.received)
            first_month = due_date(received)
            if today > first_month:
                raise BadInput(
                    f"The time can be extended only within the first month, by "
                    f"{uk_date(first_month)}, when the person is told why."
                )
            row = replace(row, extension_months=total, due=due_date(received, total).isoformat())
            said = f"{details.extension_reason}; {reason}" if details.extension_reason else reason
            details = replace(details, extension_reason=said)
            self._door.vault.access_requests.replace(row, details)
        return _view(row, details, today)

    def _open(self, request_id: str) -> tuple[AccessRequestRow, AccessRequestDetails]:
        """The request, if its record is one this person may open."""
        found = self._door.vault.access_requests.read(request_id.strip())
        if found is None or found[0].record_id in self._scope.hidden_ids():
            raise AccessRefused(f"{request_id} is not a request you can open.")
        return found

    def register(self, today: date | None = None) -> list[AccessRequest]:
        """Every request, open ones first by due date, then those answered; the words
        typed about a restricted record left out for a lead without a grant."""
        self._require()
        today = today or date.today()
        hidden = self._scope.hidden_ids()
        shown = []
        with self._door.recorded(LogAction.ACCESS_REQUESTS_LISTED):
            for row in self._door.vault.access_requests.listing():
                found = None if row.record_id in hidden else self._open(row.id)
                shown.append(_view(row, None if found is None else found[1], today))
        answered = Standing.ANSWERED
        return sorted(shown, key=lambda r: (r.standing is answered, r.due, r.received))

    def due(self, today: date | None = None) -> Due:
        """Open requests overdue and due soon, for a role that keeps the register (and
        nothing for any other); from their dates alone, so not logged."""
        self._door.check_usable()
        if not self._door.may(Permission.SUBJECT_ACCESS):
            return Due()
        today = today or date.today()
        overdue = soon = 0
        for row in self._door.vault.access_requests.listing():
            if row.status is AccessRequestStatus.ANSWERED:
                continue
            found = standing(date.fromisoformat(row.due), False, today)
            overdue += found is Standing.OVERDUE
            soon += found is Standing.DUE_SOON
        return Due(overdue, soon)

    def answering(
        self, record_id: str, request_id: str | None
    ) -> tuple[AccessRequestRow, AccessRequestDetails] | None:
        """The open request a report on `record_id` answers: the one named, else the
        oldest open one on the record (None if it has none)."""
        if request_id is None:
            rows = self._door.vault.access_requests.listing()
            waiting = (r for r in rows if r.record_id == record_id)
            oldest = next((r for r in waiting if r.status is AccessRequestStatus.OPEN), None)
            return None if oldest is None else self._open(oldest.id)
        row, details = self._open(request_id)
        if row.record_id != record_id or row.status is not AccessRequestStatus.OPEN:
            raise BadInput(f"{row.id} is not an open request about {record_id}.")
        return row, details

    def answered(
        self, found: tuple[AccessRequestRow, AccessRequestDetails], report_id: str
    ) -> None:
        """The request answered by `report_id`; call inside the report's `recorded`."""
        row, details = found
        done = replace(
            row, status=AccessRequestStatus.ANSWERED, report_id=report_id, answered_at=now_utc()
        )
        self._door.vault.access_requests.replace(done, details)
