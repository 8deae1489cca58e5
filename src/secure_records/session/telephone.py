"""Telephone requests (policy section 11): a part of Session.

Reception takes the request and calls back on the directory's number; a verified
request goes to the record's assigned workers and the safeguarding lead, who take
the sharing decision. Reception never has a disclosure action, and learns of a
record only that it exists and its reference.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import astuple, replace
from datetime import date
from typing import Any

from secure_records.core.access import in_scope
from secure_records.core.decision_payload import AnsweredRequest
from secure_records.core.directory import normalise_number
from secure_records.core.errors import AccessRefused, BadInput
from secure_records.core.log_actions import LogAction
from secure_records.core.permissions import Permission
from secure_records.core.phone_request_payload import (
    OTHER_ORGANISATION,
    AboutPerson,
    CallbackRecord,
    Caller,
    Closure,
    DirectoryEntry,
    Forwarding,
    PhoneRequestPayload,
)
from secure_records.core.telephone import (
    FLAG_WORDS,
    OPEN_FOR_DECIDERS,
    Callback,
    RedFlag,
    Status,
    Urgency,
    after_callback,
    assess,
)
from secure_records.core.text import counted
from secure_records.session.door import StaffDoor
from secure_records.session.limits import MAX_TYPED
from secure_records.session.phone_views import (
    CallView,
    PhoneQueueItem,
    PhoneRequestDetail,
    detail,
    most_urgent_first,
)
from secure_records.session.scope import RecordScope
from secure_records.session.search_limits import SearchLimits
from secure_records.vault.store import PhoneRequestRow
from secure_records.vault.vault import now_utc

# Screens take the caller's details in these words; they live with the sealed request.
__all__ = [
    "OTHER_ORGANISATION",
    "CallView",
    "Caller",
    "PhoneQueueItem",
    "PhoneRequestDetail",
    "Telephone",
]

# How any role without VERIFY_CALLS is refused reception's work.
RECEPTION_ONLY = "does not take telephone requests"
NOT_FORWARDING = "does not forward telephone requests"


class Telephone:
    def __init__(self, door: StaffDoor, scope: RecordScope) -> None:
        self._door = door
        self._scope = scope
        self._limits = SearchLimits(door)  # a request's lookup is a lookup too

    def _logged(
        self,
        action: LogAction,
        record_id: str | None,
        personal: dict[str, Any] | None,
        **details: Any,
    ) -> AbstractContextManager[int]:
        """About a record, the personal details go under its key (disposal erases
        them); about nobody on record, in the entry itself, still encrypted."""
        if record_id is None and personal:
            return self._door.recorded(action, None, None, **details, **personal)
        return self._door.recorded(action, record_id, personal, **details)

    # reception

    def take_phone_request(
        self,
        caller: Caller,
        about_name: str,
        about_date_of_birth: str,
        kind: str,
        asked: str,
        urgency: Urgency,
        today: date | None = None,
    ) -> CallView:
        """Write the request down and say, from the directory alone, what happens next."""
        self._door.require(Permission.VERIFY_CALLS, refused=RECEPTION_ONLY)
        directory = self._door.policy.directory
        typed = [*astuple(caller), asked]
        if any(len(text) > MAX_TYPED for text in typed):
            raise BadInput(f"Keep each part under {MAX_TYPED} characters.")
        if not caller.name.strip() or not caller.role.strip():
            raise BadInput("Take the caller's name and role.")
        if caller.organisation_id not in directory.organisations and not (
            caller.organisation_id == OTHER_ORGANISATION and caller.organisation_named.strip()
        ):
            raise BadInput("Choose the caller's organisation, or say which it is.")
        if normalise_number(caller.number_given) is None:
            raise BadInput("Take the number the caller gave, as digits (for the record only).")
        if kind not in directory.request_kinds:
            raise BadInput("Choose what kind of request it is.")
        if not asked.strip():
            raise BadInput("Write down what the caller asked for.")
        self._limits.before_lookup()
        ids = self._scope.exact_ids(about_name, about_date_of_birth)
        record_id = ids[0] if ids else None
        assessment = assess(
            directory, caller.organisation_id, kind, caller.number_given, today or date.today()
        )
        status = Status.AWAITING_CALLBACK if assessment.entitled else Status.REFERRED
        org = directory.organisations.get(caller.organisation_id)
        request_id = f"T-{secrets.token_hex(4)}"
        payload = PhoneRequestPayload(
            caller,
            assessment.organisation_name or caller.organisation_named.strip(),
            None
            if org is None
            else DirectoryEntry(org.id, org.switchboard, org.source, org.checked.isoformat()),
            AboutPerson(about_name, about_date_of_birth.strip()),
            kind,
            asked,
            urgency,
            tuple(sorted(assessment.flags)),
            assessment.why,
        )
        row = PhoneRequestRow(request_id, record_id, status, self._door.staff_name, now_utc())
        with self._logged(
            LogAction.PHONE_REQUEST_TAKEN,
            record_id,
            personal=payload.logged(),
            request=request_id,
            found=record_id is not None,
            organisation=caller.organisation_id or "not in directory",
            directory_checked=None if payload.directory is None else payload.directory.checked,
            switchboard=assessment.callback_number,
            kind=kind,
            urgency=urgency.value,
            entitled=assessment.entitled,
            flags=sorted(assessment.flags),
            status=status.value,
        ):
            self._door.vault.phone_requests.add(row, payload)
        return self._call_view(row, payload)

    def _call_view(self, row: PhoneRequestRow, payload: PhoneRequestPayload) -> CallView:
        directory = self._door.policy.directory
        status = row.status
        say = ""
        if status is Status.REFERRED:
            say = directory.message("not_entitled", row.id)
        elif status is Status.NOT_VERIFIED:
            say = directory.message("neutral_reply", row.id)
        reference = row.record_id
        if reference is not None and reference in self._scope.hidden_ids():
            reference = None  # restricted since: reception no longer learns it exists
        return CallView(
            row.id,
            status,
            payload.caller.name,
            payload.organisation,
            reference,
            payload.switchboard,
            tuple(FLAG_WORDS[f] for f in payload.flags),
            payload.why,
            say,
            row.created_at,
            payload.urgency,
            len(payload.attempts),
            directory.callback_attempts,
        )

    def awaiting_callback(self) -> list[CallView]:
        """Requests reception has still to call back: someone at risk now first."""
        self._door.require(Permission.VERIFY_CALLS, refused=RECEPTION_ONLY)
        views = []
        for row in self._door.vault.store.phone_requests([Status.AWAITING_CALLBACK]):
            found = self._door.vault.phone_requests.read(row.id)
            if found is not None:
                views.append(self._call_view(*found))
        return sorted(views, key=lambda view: most_urgent_first(view.urgency, view.created_at))

    def record_callback(
        self, request_id: str, outcome: Callback, pressed_for_speed: bool = False, note: str = ""
    ) -> CallView:
        """The callback's outcome: only reaching the named caller through the
        directory's number verifies. A caller not reached is tried again later, and
        after the directory's number of attempts the lead decides; anything else
        refuses, in neutral words."""
        self._door.require(Permission.VERIFY_CALLS, refused=RECEPTION_ONLY)
        if len(note) > MAX_TYPED:
            raise BadInput(f"Keep the note under {MAX_TYPED} characters.")
        found = self._door.vault.phone_requests.read(request_id)
        if found is None or found[0].status != Status.AWAITING_CALLBACK:
            raise BadInput(f"{request_id} is not waiting for a callback.")
        row, payload = found
        outcome = Callback(outcome)
        attempt = CallbackRecord(
            outcome, self._door.staff_name, now_utc(), payload.switchboard, note
        )
        attempts = payload.attempts + ((attempt,) if outcome is Callback.NOT_REACHED else ())
        allowed = self._door.policy.directory.callback_attempts
        status, flags = after_callback(outcome, len(attempts), allowed)
        if pressed_for_speed:
            flags |= {RedFlag.PRESSED_FOR_SPEED}
        payload = replace(
            payload,
            flags=tuple(sorted(set(payload.flags) | flags)),
            attempts=attempts,
            callback=payload.callback if outcome is Callback.NOT_REACHED else attempt,
        )
        was = row.status
        row = PhoneRequestRow(row.id, row.record_id, status, row.taken_by, row.created_at)
        # The attempt that sends it to the lead is logged as that: they must see it.
        action = (
            LogAction.PHONE_REQUEST_ESCALATED
            if status is Status.ESCALATED
            else LogAction.CALLBACK_RECORDED
        )
        with self._logged(
            action,
            row.record_id,
            personal={"note": note} if note else None,
            request=row.id,
            outcome=outcome.value,
            number_called=payload.switchboard,
            attempts=len(attempts),
            flags=[flag.value for flag in payload.flags],
            status=status.value,
        ):
            self._door.vault.phone_requests.update(row, payload, was)
        return self._call_view(row, payload)

    def phone_messages(self, request_id: str) -> dict[str, str]:
        """Voicemail and text wording for this request: no personal details in either."""
        self._door.require(Permission.VERIFY_CALLS, refused=RECEPTION_ONLY)
        directory = self._door.policy.directory
        return {
            "voicemail": directory.message("voicemail", request_id),
            "text_message": directory.message("text_message", request_id),
        }

    # the people who decide

    def _sees_request(self, row: PhoneRequestRow, payload: PhoneRequestPayload) -> bool:
        """The safeguarding lead sees every open request; a worker who may share sees
        the verified ones about records assigned to them, and any a lead forwarded to
        them; nobody else sees any."""
        if row.record_id is not None and row.record_id in self._scope.hidden_ids():
            return False  # restricted, and no grant: not even that someone asked
        door = self._door
        if door.may(Permission.APPROVE_SHARING):
            return True
        if not door.may(Permission.SHARE):
            return False
        if payload.forwarded_to == door.staff_name:
            return True
        if row.record_id is None or row.status != Status.VERIFIED:
            return False
        return in_scope(door.role, door.staff_name, door.vault.store.assigned_to(row.record_id))

    def _open_requests(
        self, statuses: Iterable[Status]
    ) -> list[tuple[PhoneRequestRow, PhoneRequestPayload]]:
        self._door.require(
            Permission.SHARE,
            Permission.APPROVE_SHARING,
            refused="does not answer telephone requests",
        )
        found = []
        for row in self._door.vault.store.phone_requests(statuses):
            request = self._door.vault.phone_requests.read(row.id)
            if request is not None and self._sees_request(*request):
                found.append(request)
        return found

    def phone_queue(self) -> list[PhoneQueueItem]:
        """Verified requests waiting for a sharing decision, and referrals for the
        lead: someone at risk now first."""
        kinds = self._door.policy.directory.request_kinds
        items = [
            PhoneQueueItem(
                row.id,
                row.record_id,
                row.status,
                payload.organisation,
                kinds.get(payload.kind, payload.kind),
                payload.urgency,
                len(payload.flags),
                row.created_at,
                payload.forwarded_to,
            )
            for row, payload in self._open_requests(OPEN_FOR_DECIDERS)
        ]
        items.sort(key=lambda item: most_urgent_first(item.urgency, item.created_at))
        self._door.log(LogAction.PHONE_QUEUE_VIEWED, count=len(items))
        return items

    def _visible_request(self, request_id: str) -> tuple[PhoneRequestRow, PhoneRequestPayload]:
        for row, payload in self._open_requests(OPEN_FOR_DECIDERS):
            if row.id == request_id:
                return row, payload
        raise AccessRefused(f"{request_id} is not a request waiting for you.")

    def _decide_refused(self, row: PhoneRequestRow) -> str:
        """Why this person cannot take the sharing decision on it; "" if they can."""
        if not self._door.may(Permission.SHARE):
            return "Your role does not take sharing decisions: forward it to someone who does."
        if row.record_id is None:
            return (
                "No record matched the name and date of birth the caller gave, so there is "
                "nothing to share: forward it or close it, with a reason."
            )
        if not self._scope.current([row.record_id]):
            return f"Record {row.record_id} is not one you can open."
        return ""

    def _detail(self, row: PhoneRequestRow, payload: PhoneRequestPayload) -> PhoneRequestDetail:
        return detail(self._door.policy, row, payload, self._decide_refused(row))

    def phone_request(self, request_id: str) -> PhoneRequestDetail:
        row, payload = self._visible_request(request_id)
        self._door.log(LogAction.PHONE_REQUEST_OPENED, row.record_id, request=row.id)
        return self._detail(row, payload)

    def verified_request(self, request_id: str) -> PhoneRequestDetail:
        """As `phone_request`, not logged: for checks inside other logged actions."""
        return self._detail(*self._visible_request(request_id))

    def _lead_reason(self, reason: str, doing: str) -> None:
        minimum = self._door.policy.sharing.reason_min_length
        if len(reason.strip()) < minimum:
            raise BadInput(
                f"Give the reason for {doing} it (at least {counted(minimum, 'character')})."
            )
        if len(reason) > MAX_TYPED:
            raise BadInput(f"A reason can be at most {MAX_TYPED} characters.")

    def forward_choices(self) -> list[str]:
        """Whom a lead may forward a request to: every other staff member who may
        take a sharing decision."""
        self._door.require(
            Permission.APPROVE_SHARING, refused="does not forward telephone requests"
        )
        policy, me = self._door.policy, self._door.staff_name
        return [
            staff.name
            for staff in self._door.vault.store.all_staff()
            if not staff.disabled
            and staff.name != me
            and (role := policy.roles.get(staff.role)) is not None
            and (role.may(Permission.SHARE) or role.may(Permission.APPROVE_SHARING))
        ]

    def forward_phone_request(self, request_id: str, to: str, reason: str) -> None:
        """The lead passes a request to another lead or staff member, saying why: it
        waits in their queue."""
        self._door.require(
            Permission.APPROVE_SHARING, refused="does not forward telephone requests"
        )
        row, payload = self._visible_request(request_id)
        if to not in self.forward_choices():
            raise BadInput("Choose a staff member who takes sharing decisions.")
        self._lead_reason(reason, "forwarding")
        forwarding = Forwarding(self._door.staff_name, to, reason, now_utc())
        payload = replace(payload, forwarded=(*payload.forwarded, forwarding))
        with self._logged(
            LogAction.PHONE_REQUEST_FORWARDED,
            row.record_id,
            {"reason": reason},
            request=row.id,
            to=to,
        ):
            self._door.vault.phone_requests.update(row, payload, row.status)

    def close_phone_request(self, request_id: str, reason: str) -> None:
        """The lead closes a request with no sharing decision, saying why."""
        self._door.require(Permission.APPROVE_SHARING, refused="does not close telephone requests")
        row, payload = self._visible_request(request_id)
        self._lead_reason(reason, "closing")
        payload = replace(payload, closed=Closure(self._door.staff_name, reason, now_utc()))
        was = row.status
        row = PhoneRequestRow(row.id, row.record_id, Status.CLOSED, row.taken_by, row.created_at)
        with self._logged(
            LogAction.PHONE_REQUEST_CLOSED, row.record_id, {"reason": reason}, request=row.id
        ):
            self._door.vault.phone_requests.update(row, payload, was)

    def mark_decided(self, request_id: str, record_id: str, decision_id: str) -> AnsweredRequest:
        """Inside the sharing decision's transaction: mark the request decided (a
        verified one, or one the lead decides on unverified); what the decision keeps
        of it."""
        row, payload = self._visible_request(request_id)
        if row.record_id != record_id:
            raise BadInput(f"{request_id} is not a request about {record_id}.")
        done = PhoneRequestRow(row.id, row.record_id, Status.DECIDED, row.taken_by, row.created_at)
        self._door.vault.phone_requests.update(
            done, replace(payload, decision=decision_id), row.status
        )
        return AnsweredRequest.of(row.id, payload)
