"""Oversight (policy 10(b), 10(d), 8), a part of Session: restricted records with
time-limited grants, the auditor's reading of the log and the access review, and
subject access reports.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial

from secure_records.core.errors import AccessRefused, BadInput, UnknownStaff
from secure_records.core.log_actions import LogAction
from secure_records.core.log_filter import LogFilter
from secure_records.core.log_proof import restriction_unproven
from secure_records.core.log_reading import in_full, readable
from secure_records.core.log_words import Said, said
from secure_records.core.outputs import OutputKind
from secure_records.core.oversight import Access, Flag, csv_rows, narrowed, review
from secure_records.core.permissions import Permission
from secure_records.core.policy import Scope
from secure_records.core.text import counted, printable
from secure_records.session.access_requests import AccessRequests
from secure_records.session.door import StaffDoor
from secure_records.session.limits import MAX_TYPED
from secure_records.session.outputs import keep_output
from secure_records.session.scope import RecordScope
from secure_records.session.subject_access import report_for
from secure_records.vault.log import LogEntry, LogError
from secure_records.vault.vault import now_utc

MAX_GRANT_DAYS = 365


@dataclass(frozen=True)
class Restriction:
    set_by: str
    set_at: str
    grants: tuple[tuple[str, str], ...]  # (staff, until), unexpired and expired alike
    # Emergency accesses since it was set, from the log: (staff, when, until).
    emergencies: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class LogLine:
    """One log entry as the auditor reads it: its details as labelled lines."""

    seq: int
    time: str
    actor: str
    role: str
    action: LogAction | str  # a str only for an action this version does not know
    record_id: str
    details: tuple[Said, ...]  # the general details, in words
    personal: tuple[Said, ...] = ()  # the personal part, as far as the reader may see
    withheld: tuple[str, ...] = ()  # personal details the reader's role may not see


class Oversight:
    def __init__(self, door: StaffDoor, scope: RecordScope, requests: AccessRequests) -> None:
        self._door = door
        self._scope = scope
        self._requests = requests

    # restricted records

    def _restricting(self, record_id: str, reason: str) -> None:
        self._door.require(Permission.RESTRICT_RECORDS, refused="does not restrict records")
        if not self._door.vault.store.record_exists(record_id):
            raise BadInput(f"There is no record {record_id}.")
        minimum = self._door.policy.sharing.reason_min_length
        if len(reason) > MAX_TYPED or len(reason.strip()) < minimum:
            raise BadInput(f"Give the reason (at least {counted(minimum, 'character')}).")

    def restrict_record(self, record_id: str, reason: str, days: int) -> None:
        """Only named staff may open it from now on; the lead who restricts it is the
        first named, for `days`."""
        self._restricting(record_id, reason)
        if record_id in self._door.vault.store.restricted_ids():
            raise BadInput(f"Record {record_id} is already restricted.")
        until = _until(days)
        with self._door.recorded(
            LogAction.RECORD_RESTRICTED, record_id, personal={"reason": reason}, until=until
        ):
            self._door.vault.store.restrict(record_id, self._door.staff_name, now_utc())
            self._door.vault.store.grant(
                record_id, self._door.staff_name, until, self._door.staff_name, now_utc()
            )

    def grant_access(self, record_id: str, staff: str, days: int, reason: str) -> str:
        """A time-limited grant to open a restricted record; when it ends. Never to
        oneself: a restriction may be there to keep this very lead out, so another
        lead must grant it (or, in an emergency, `emergency_access`)."""
        self._restricting(record_id, reason)
        self._proven_restriction(record_id)
        row = self._door.vault.store.staff(staff)
        if row is None:
            raise UnknownStaff(f"There is no staff member called {staff!r}.")
        if staff == self._door.staff_name:
            self._refuse_own_way_in(
                record_id,
                f"You cannot grant yourself access to {record_id}: another lead must, or "
                "use emergency access.",
            )
        role = self._door.policy.roles.get(row.role)
        if row.disabled or role is None or role.scope not in (Scope.ALL, Scope.CASELOAD):
            # A grant they could never use would read as done and do nothing.
            raise BadInput(f"{staff} cannot open records, so a grant would not let them in.")
        until = _until(days)
        with self._door.recorded(
            LogAction.ACCESS_GRANTED,
            record_id,
            personal={"reason": reason},
            staff=staff,
            until=until,
        ):
            self._door.vault.store.grant(record_id, staff, until, self._door.staff_name, now_utc())
        return until

    def emergency_access(self, record_id: str, reason: str) -> str:
        """Break glass: a lead opens a restricted record alone, for the policy's few
        minutes, with a reason; flagged at once in the access review and shown in
        every lead's list of restricted records. When it ends."""
        self._restricting(record_id, reason)
        self._proven_restriction(record_id)
        store, me = self._door.vault.store, self._door.staff_name
        if record_id in store.granted_ids(me, now_utc()):
            raise BadInput(f"You can already open {record_id}.")
        minutes = self._door.policy.oversight.emergency_access_minutes
        until = (datetime.now(UTC) + timedelta(minutes=minutes)).isoformat(timespec="seconds")
        with self._door.recorded(
            LogAction.EMERGENCY_ACCESS, record_id, personal={"reason": reason}, until=until
        ):
            store.grant(record_id, me, until, me, now_utc())
        return until

    def lift_restriction(self, record_id: str, reason: str) -> None:
        """Only by a lead the restriction lets in (on a grant, not emergency access):
        lifting lets everyone in, so a lead it keeps out would otherwise be a lift and
        a look away from the record, alone."""
        self._restricting(record_id, reason)
        self._proven_restriction(record_id)
        if not self._let_in(record_id):
            self._refuse_own_way_in(
                record_id,
                f"Only a lead who holds access to {record_id}, given by another lead, can "
                "lift its restriction.",
            )
        with self._door.recorded(
            LogAction.RESTRICTION_LIFTED, record_id, personal={"reason": reason}
        ):
            self._door.vault.store.unrestrict(record_id)

    def _let_in(self, record_id: str) -> bool:
        """Whether this lead holds an unexpired grant to `record_id` that someone else
        gave, or that they were given by restricting it; never their own emergency
        access (nor a grant they once gave themselves)."""
        store, me, now = self._door.vault.store, self._door.staff_name, now_utc()
        mine = [g for g in store.grants(record_id) if g.staff == me and g.until > now]
        if not mine:
            return False
        if mine[0].granted_by != me:
            return True
        if store.restriction(record_id)[0] != me:
            return False
        emergency = self._emergencies({record_id}).get(record_id, [])
        return mine[0].until not in {until for _, _, until in emergency}

    def _refuse_own_way_in(self, record_id: str, refused: str) -> None:
        """A lead's own way into a restricted record, refused and logged: the access
        review flags it."""
        self._door.log(LogAction.RESTRICTION_REFUSED, record_id, refused=refused)
        raise AccessRefused(refused)

    def _emergencies(self, record_ids: set[str]) -> dict[str, list[tuple[str, str, str]]]:
        """Emergency accesses to these records since each was last restricted, from the
        log (a row can be written by anyone who can write the file): (staff, when,
        until), by record."""
        found: dict[str, list[tuple[str, str, str]]] = {}
        for entry in self._door.vault.log.entries(personal=False):
            rid = entry.record_id
            if rid is None or rid not in record_ids:
                continue
            if entry.action == LogAction.RECORD_RESTRICTED:
                found[rid] = []
            elif entry.action == LogAction.EMERGENCY_ACCESS:
                until = str(entry.details.get("until", ""))
                found.setdefault(rid, []).append((entry.actor, entry.time, until))
        return found

    def _proven_restriction(self, record_id: str) -> None:
        """A restriction acted on (a grant, a lift) must be one the log holds: the
        row alone can be written by anyone who can write the file. Refused and
        logged otherwise."""
        if record_id not in self._door.vault.store.restricted_ids():
            raise BadInput(f"Record {record_id} is not restricted.")
        roles = self._door.policy.roles
        refused = restriction_unproven(
            record_id, self._door.vault.log.entries(personal=False), roles
        )
        if refused is not None:
            self._door.log(LogAction.RESTRICTION_REFUSED, record_id, refused=refused)
            raise AccessRefused(refused)

    def restriction(self, record_id: str) -> Restriction | None:
        """For a lead who may restrict: who set it, who holds grants until when, and
        every emergency access since."""
        self._door.require(Permission.RESTRICT_RECORDS, refused="does not restrict records")
        if record_id not in self._door.vault.store.restricted_ids():
            return None
        return self._restriction(record_id, self._emergencies({record_id}))

    def _restriction(
        self, record_id: str, emergencies: dict[str, list[tuple[str, str, str]]]
    ) -> Restriction:
        store = self._door.vault.store
        set_by, set_at = store.restriction(record_id)
        grants = tuple((staff, until) for staff, until, _ in store.grants(record_id))
        return Restriction(set_by, set_at, grants, tuple(emergencies.get(record_id, ())))

    def restricted_records(self) -> list[tuple[str, Restriction]]:
        """Every restricted record, for a role that restricts: so that one whose grants
        have all run out can still be granted again or lifted (logged). Those opened in
        an emergency come first: every lead is to see them."""
        self._door.require(Permission.RESTRICT_RECORDS, refused="does not restrict records")
        ids = self._door.vault.store.restricted_ids()
        emergencies = self._emergencies(ids) if ids else {}
        found = [(rid, self._restriction(rid, emergencies)) for rid in sorted(ids)]
        found.sort(key=lambda item: not item[1].emergencies)
        self._door.log(LogAction.RESTRICTED_RECORDS_LISTED, count=len(found))
        return found

    # the auditor

    def log_state(self) -> tuple[str, str]:
        """`log verify`'s sentence, and the last checkpoint taken (or "none")."""
        self._door.require(Permission.READ_LOG, refused="does not read the log")
        verdict = self._door.vault.log.verify()
        last = "none taken"
        for entry in self._door.vault.log.entries():
            if entry.action == LogAction.LOG_CHECKPOINT_TAKEN:
                last = f"entry {entry.seq - 1}, taken {entry.time[:16]} by {entry.actor}"
        return verdict.sentence(), last

    def _entries(self) -> list[LogEntry]:
        verdict = self._door.vault.log.verify()
        if not verdict.intact and not verdict.crash_tail:
            raise LogError(
                f"The log does not verify ({printable(str(verdict.problem))}); nothing is "
                "shown until it is looked into."
            )
        return list(self._door.vault.log.entries())

    def audit_log(self, wanted: LogFilter | None = None) -> list[LogLine]:
        """Entries matching every filter given, readable, oldest first; reading them
        is logged.

        Details that name or describe a person are shown only as the reader's field
        rules allow (core/log_reading.py), unless `oversight.toml` grants the log's
        readers personal details (`[log] personal_details`)."""
        self._door.require(Permission.READ_LOG, refused="does not read the log")
        entries = self._entries()
        policy = self._door.policy
        everything = policy.oversight.log_personal_details
        wanted = wanted or LogFilter()
        self._door.log(LogAction.LOG_READ, **wanted.logged(), personal_details=everything)
        sees = (lambda _: True) if everything else in_full(self._door.role)
        names = {
            "organisation": {o.id: o.name for o in policy.directory.organisations.values()},
            "staff_role": {r.name: r.label for r in policy.roles.values()},
        }
        lines = []
        for e in entries:
            if not wanted.keeps(e.record_id, e.actor, (e.action,), e.time):
                continue
            shown = readable(e.details, e.personal, sees, policy.fields)
            lines.append(
                LogLine(
                    e.seq,
                    e.time[:19],
                    e.actor,
                    e.role,
                    _action(e.action),
                    e.record_id or "",
                    said(shown.details, None, policy.fields, names),
                    said({}, shown.personal, policy.fields, names),
                    shown.withheld,
                )
            )
        return lines

    def access_review(self, wanted: LogFilter | None = None) -> tuple[list[Access], list[Flag]]:
        """Who opened and revealed what, with reasons, and the policy's flags; as far
        as the auditor's filters reach (the same filters as the log's)."""
        self._door.require(Permission.READ_LOG, refused="does not read the log")
        wanted = wanted or LogFilter()
        since = wanted.since
        # Every entry since the day, whoever and whatever: a pattern (a session's
        # searches, a day's reveals) is counted whole, then narrowed with the rest.
        entries = [e for e in self._entries() if not since or e.time[:10] >= since.isoformat()]
        store = self._door.vault.store
        caseload = frozenset(
            r.name for r in self._door.policy.roles.values() if r.scope is Scope.CASELOAD
        )
        done = narrowed(
            *review(
                entries,
                self._door.policy.oversight,
                lambda record, staff: staff in store.assigned_to(record),
                caseload,
            ),
            wanted,
        )
        self._door.log(LogAction.ACCESS_REVIEW_VIEWED, **wanted.logged(), accesses=len(done[0]))
        return done

    def export_access_review(self, wanted: LogFilter | None = None) -> str:
        """The review as CSV, kept sealed in the vault for the auditor to read in the
        app (or have released for the review meeting): its reference."""
        accesses, flags = self.access_review(wanted)
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(csv_rows(accesses, flags))
        return keep_output(
            self._door,
            OutputKind.ACCESS_REVIEW,
            None,
            printable(out.getvalue(), keep_newlines=True),
            LogAction.ACCESS_REVIEW_EXPORTED,
            None,
            rows=len(accesses),
        )

    # subject access (10(b); the law's right of access)

    def subject_access_report(
        self, record_id: str, reason: str, request_id: str | None = None
    ) -> str:
        """Everything held about a person, its corrections, the telephone requests
        about them and every sharing decision with its answers and reasons, in plain
        text (session/subject_access.py), kept sealed under the record's key; third
        parties and opinions marked for review first. `reason`: whose request this
        answers. It answers the register's request `request_id`, or when none is
        named the oldest open one about the record. Its reference."""
        self._door.require(Permission.SUBJECT_ACCESS, refused="does not produce these reports")
        minimum = self._door.policy.sharing.reason_min_length
        if len(reason) > MAX_TYPED or len(reason.strip()) < minimum:
            raise BadInput(
                f"Say whose request this answers (at least {counted(minimum, 'character')})."
            )
        self._scope.check(record_id)
        answering = self._requests.answering(record_id, request_id)
        fields = [f.name for f in self._door.policy.fields.values()]
        record = self._door.vault.read_record(record_id, fields)
        if record is None:
            raise AccessRefused(f"Record {record_id} is not one you can open.")
        text = report_for(self._door, record_id, record, date.today())
        return keep_output(
            self._door,
            OutputKind.SUBJECT_ACCESS_REPORT,
            record_id,
            printable(text, keep_newlines=True),
            LogAction.SUBJECT_ACCESS_REPORT,
            {"reason": reason},
            None if answering is None else partial(self._requests.answered, answering),
            access_request=None if answering is None else answering[0].id,
        )


def _action(stored: str) -> LogAction | str:
    """The action as the app names it; one this version does not know, as stored."""
    try:
        return LogAction(stored)
    except ValueError:
        return stored


def _until(days: int) -> str:
    if not 1 <= days <= MAX_GRANT_DAYS:
        raise BadInput(f"A grant lasts from 1 to {MAX_GRANT_DAYS} days.")
    return (datetime.now(UTC) + timedelta(days=days)).isoformat(timespec="seconds")
