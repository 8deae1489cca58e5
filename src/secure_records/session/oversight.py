"""Oversight (policy 10(b), 10(d), 8), a part of Session: restricted records with
time-limited grants, the auditor's reading of the log and the access review, and
subject access reports.
"""

from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from secure_records.core.decision_payload import DecisionPayload
from secure_records.core.errors import AccessRefused, BadInput, UnknownStaff
from secure_records.core.log_actions import LogAction
from secure_records.core.log_proof import restriction_unproven
from secure_records.core.oversight import Access, Flag, csv_rows, review
from secure_records.core.permissions import Permission
from secure_records.core.policy import Policy, Scope
from secure_records.core.records import NoteKind, Record
from secure_records.core.text import counted, printable
from secure_records.session.door import StaffDoor
from secure_records.session.limits import MAX_TYPED
from secure_records.session.scope import RecordScope
from secure_records.vault.log import LogEntry, LogError
from secure_records.vault.rows import DecisionRow
from secure_records.vault.vault import now_utc

MAX_GRANT_DAYS = 365


@dataclass(frozen=True)
class Restriction:
    set_by: str
    set_at: str
    grants: tuple[tuple[str, str], ...]  # (staff, until), unexpired and expired alike


@dataclass(frozen=True)
class LogLine:
    """One log entry as the auditor reads it."""

    seq: int
    time: str
    actor: str
    role: str
    action: str
    record_id: str
    details: str
    personal: str


class Oversight:
    def __init__(self, door: StaffDoor, scope: RecordScope) -> None:
        self._door = door
        self._scope = scope

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
        """A time-limited grant to open a restricted record; when it ends."""
        self._restricting(record_id, reason)
        self._proven_restriction(record_id)
        if self._door.vault.store.staff(staff) is None:
            raise UnknownStaff(f"There is no staff member called {staff!r}.")
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

    def lift_restriction(self, record_id: str, reason: str) -> None:
        self._restricting(record_id, reason)
        self._proven_restriction(record_id)
        with self._door.recorded(
            LogAction.RESTRICTION_LIFTED, record_id, personal={"reason": reason}
        ):
            self._door.vault.store.unrestrict(record_id)

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
        """For a lead who may restrict: who set it and who holds grants until when."""
        self._door.require(Permission.RESTRICT_RECORDS, refused="does not restrict records")
        store = self._door.vault.store
        if record_id not in store.restricted_ids():
            return None
        set_by, set_at = store.restriction(record_id)
        grants = tuple((staff, until) for staff, until, _ in store.grants(record_id))
        return Restriction(set_by, set_at, grants)

    def restricted_records(self) -> list[tuple[str, Restriction]]:
        """Every restricted record, for a role that restricts: so that one whose grants
        have all run out can still be granted again or lifted (logged)."""
        self._door.require(Permission.RESTRICT_RECORDS, refused="does not restrict records")
        found = []
        for record_id in sorted(self._door.vault.store.restricted_ids()):
            restriction = self.restriction(record_id)
            if restriction is not None:
                found.append((record_id, restriction))
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

    def audit_log(
        self,
        record_id: str = "",
        actor: str = "",
        action: str = "",
        since: date | None = None,
    ) -> list[LogLine]:
        """Entries matching every filter given, readable; reading them is logged."""
        self._door.require(Permission.READ_LOG, refused="does not read the log")
        entries = self._entries()
        self._door.log(
            LogAction.LOG_READ,
            record=record_id,
            actor=actor,
            filter_action=action,
            since=str(since),
        )
        lines = []
        for e in entries:
            if (record_id and e.record_id != record_id) or (actor and e.actor != actor):
                continue
            if (action and e.action != action) or (since and e.time[:10] < since.isoformat()):
                continue
            details = " ".join(f"{k}={v}" for k, v in e.details.items() if v not in (None, ""))
            lines.append(
                LogLine(
                    e.seq,
                    e.time[:19],
                    e.actor,
                    e.role,
                    e.action,
                    e.record_id or "",
                    details,
                    "" if e.personal is None else str(e.personal),
                )
            )
        return lines

    def access_review(self, since: date | None = None) -> tuple[list[Access], list[Flag]]:
        """Who opened and revealed what, with reasons, and the policy's flags."""
        self._door.require(Permission.READ_LOG, refused="does not read the log")
        entries = [e for e in self._entries() if not since or e.time[:10] >= since.isoformat()]
        store = self._door.vault.store
        all_scope = frozenset(
            r.name for r in self._door.policy.roles.values() if r.scope is Scope.ALL
        )
        done = review(
            entries,
            self._door.policy.oversight,
            lambda record, staff: staff in store.assigned_to(record),
            all_scope,
        )
        self._door.log(LogAction.ACCESS_REVIEW_VIEWED, since=str(since), accesses=len(done[0]))
        return done

    def export_access_review(self, since: date | None = None) -> Path:
        """The review as CSV, 0600 under exports/, for the review meeting."""
        accesses, flags = self.access_review(since)
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(csv_rows(accesses, flags))
        name = f"access-review-{date.today().isoformat()}-{secrets.token_hex(3)}.csv"
        with self._door.recorded(LogAction.ACCESS_REVIEW_EXPORTED, file=name, rows=len(accesses)):
            return self._door.vault.exports.write(
                name, printable(out.getvalue(), keep_newlines=True)
            )

    # subject access (10(b); the law's right of access)

    def subject_access_report(self, record_id: str, reason: str) -> Path:
        """Everything held about a person and every sharing decision, in Markdown,
        0600 under exports/; third parties and opinions marked for review first.
        `reason`: whose request this answers (it writes the whole record out)."""
        self._door.require(Permission.SUBJECT_ACCESS, refused="does not produce these reports")
        minimum = self._door.policy.sharing.reason_min_length
        if len(reason) > MAX_TYPED or len(reason.strip()) < minimum:
            raise BadInput(
                f"Say whose request this answers (at least {counted(minimum, 'character')})."
            )
        self._scope.check(record_id)
        fields = [f.name for f in self._door.policy.fields.values()]
        record = self._door.vault.read_record(record_id, fields)
        if record is None:
            raise AccessRefused(f"Record {record_id} is not one you can open.")
        text = _report(
            self._door.policy, record_id, record, self._door.vault.decisions_for(record_id)
        )
        name = f"subject-access-{record_id}-{secrets.token_hex(3)}.md"
        with self._door.recorded(
            LogAction.SUBJECT_ACCESS_REPORT, record_id, personal={"reason": reason}, file=name
        ):
            return self._door.vault.exports.write(name, printable(text, keep_newlines=True))


def _until(days: int) -> str:
    if not 1 <= days <= MAX_GRANT_DAYS:
        raise BadInput(f"A grant lasts from 1 to {MAX_GRANT_DAYS} days.")
    return (datetime.now(UTC) + timedelta(days=days)).isoformat(timespec="seconds")


REVIEW = "**REVIEW BEFORE RELEASE**"


def _report(
    policy: Policy,
    record_id: str,
    record: Record,
    decisions: list[tuple[DecisionRow, DecisionPayload]],
) -> str:
    """Markdown; every value as written, with what needs review marked."""
    lines = [
        f"# Subject access report: {record_id}",
        "",
        f"Produced {date.today().isoformat()}. Items marked {REVIEW} may hold third-party",
        "details or opinions; the law expects them to be considered for redaction.",
        "",
        "## What we hold",
        "",
    ]
    for spec in policy.scalar_fields:
        value = record.values.get(spec.name, "")
        if value:
            lines.append(f"- {spec.label}: {value}")
    lines += ["", "## Consent", ""]
    for entry in record.consent:
        state = f"withdrawn {entry.withdrawn.isoformat()}" if entry.withdrawn else "in force"
        lines.append(
            f"- {entry.date.isoformat()}: given by {entry.given_by} ({REVIEW}: third party), "
            f"for {entry.scope}; {state}"
        )
    lines += ["", "## Chronology", ""]
    for note in sorted(record.notes, key=lambda n: n.date):
        label = "FACT" if note.kind is NoteKind.FACT else f"OPINION ({REVIEW})"
        historical = " HISTORICAL" if note.historical else ""
        lines.append(
            f"- {note.date.isoformat()} {label}{historical}, by {note.author}: {note.text}"
        )
    lines += ["", "## Sharing history", ""]
    for row, payload in decisions:
        requester, how = payload.requester, payload.how
        shared = (
            f"shared {', '.join(how.fields) or 'no fields'} and "
            f"{counted(len(how.notes), 'note')} by {how.method}"
            if how is not None
            else "decided not to share"
        )
        lines.append(
            f"- {row.created_at[:10]}: {shared}, with {requester.name} "
            f"({REVIEW}: third party), {requester.organisation}; why: "
            f"{payload.purpose}; status {row.status}"
        )
    return "\n".join(lines) + "\n"
