"""Retention, legal hold and disposal (policy sections 6 and 11), a part of Session.

IT works the retention queue without seeing what a record holds: a reference, the
category, the rule and a due date worked out here, never the date it came from.
Two people: IT proposes a disposal, a safeguarding lead approves or rejects it,
and IT (or the host's scheduled `disposal run`) carries it out. A lead who rejects
it keeps the record until a next review date they set (issue 19): until then the
record is out of IT's queue, so that a review ends somewhere.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from secure_records.core.dates import shown_date
from secure_records.core.errors import AccessRefused, BadInput, VaultError
from secure_records.core.log_actions import LogAction
from secure_records.core.permissions import Permission
from secure_records.core.retention import (
    Action,
    Certificate,
    next_review_refused,
)
from secure_records.core.statuses import OPEN_DISPOSAL, DisposalStatus
from secure_records.core.text import counted
from secure_records.session.door import StaffDoor
from secure_records.session.limits import MAX_TYPED
from secure_records.session.outputs import ReleaseLine, release_lines
from secure_records.session.scope import RecordScope
from secure_records.vault import disposal
from secure_records.vault.retention_scan import rule_dates
from secure_records.vault.shred import CAVEAT, shred_file
from secure_records.vault.store import DisposalRow, HoldRow
from secure_records.vault.vault import now_utc

# What overwriting a file cannot promise, for screens and the command line to say.
SHRED_CAVEAT = CAVEAT


@dataclass(frozen=True)
class RetentionItem:
    """One line of the retention queue: nothing a record holds."""

    record_id: str
    category: str
    rule: str
    action: Action
    due: date
    on_hold: bool
    disposal_id: str | None  # an open proposal or approval
    disposal_status: DisposalStatus | None


@dataclass(frozen=True)
class DisposalItem:
    """A disposal proposed or approved: nothing a record holds."""

    id: str
    record_id: str
    category: str
    rule: str
    due: str
    status: DisposalStatus
    proposed_by: str
    proposed_at: str
    reason: str = ""  # the proposer's, for the lead who reviews it (sealed in the log)

    @classmethod
    def of(cls, row: DisposalRow) -> DisposalItem:
        return cls(
            row.id,
            row.record_id,
            row.category,
            row.rule,
            row.due,
            row.status,
            row.proposed_by,
            row.proposed_at,
        )


@dataclass(frozen=True)
class HoldView:
    set_by: str
    set_at: str
    reason: str


def reason_refused(door: StaffDoor, reason: str, what: str) -> str | None:
    """Why `reason` will not do, in one sentence; None if it will."""
    minimum = door.policy.sharing.reason_min_length
    if len(reason) > MAX_TYPED:
        return f"A reason can be at most {MAX_TYPED} characters."
    if len(reason.strip()) < minimum:
        return f"Give the reason {what} (at least {counted(minimum, 'character')})."
    return None


class Retention:
    def __init__(self, door: StaffDoor, scope: RecordScope) -> None:
        self._door = door
        self._scope = scope
        self._listed: tuple[date, list[str]] | None = None

    def _reason(self, reason: str, what: str) -> None:
        refused = reason_refused(self._door, reason, what)
        if refused is not None:
            raise BadInput(refused)

    # the queue

    def due_items(
        self, today: date, record_ids: Sequence[str] | None = None
    ) -> list[RetentionItem]:
        """Every record (of `record_ids`, or in the vault) whose rule's date has come,
        worked out in memory; a record left out is not decrypted, and of the rest only
        the category and its rule's date."""
        retention = self._door.policy.retention
        store = self._door.vault.store
        held = store.held_ids()
        # Kept at review: out of the queue until the next review date the lead set.
        kept = {rid for rid, until in store.kept_until().items() if until > today.isoformat()}
        open_disposals = {d.record_id: d for d in store.disposals(OPEN_DISPOSAL)}
        # A restricted record is nobody's business but its named staff's: lift the
        # restriction (a lead, logged) before it can be reviewed or disposed of.
        skip = self._scope.hidden_ids() | kept

        rules = {
            c: rule for rule in reversed(list(retention.rules.values())) for c in rule.categories
        }
        starts = {category: rule.starts for category, rule in rules.items()}
        items = []
        vault = self._door.vault
        # Every record read once: through a reader with a small page cache, or the
        # session's own connection would keep the whole table (64 MB at 100k records).
        reader = vault.reader() if record_ids is None else None
        try:
            for rid, category, start in rule_dates(vault, skip, starts, record_ids, reader):
                rule = rules[category]
                due = retention.due(rule, date.fromisoformat(start))
                if due > today:
                    continue  # the clock has not run out (or not started: a case still open)
                pending = open_disposals.get(rid)
                items.append(
                    RetentionItem(
                        rid,
                        category,
                        rule.name,
                        rule.action,
                        due,
                        rid in held,
                        pending.id if pending else None,
                        pending.status if pending else None,
                    )
                )
        finally:
            if reader is not None:
                reader.close()
        return sorted(items, key=lambda item: (item.due, item.record_id))

    def retention_queue(self, today: date | None = None) -> list[RetentionItem]:
        """Records due for review or disposal: reference, category, rule, due date."""
        self._door.require(
            Permission.PROPOSE_DISPOSAL, Permission.DISPOSE, Permission.APPROVE_DISPOSAL
        )
        day = today or date.today()
        items = self.due_items(day)
        self._door.log(LogAction.RETENTION_QUEUE_VIEWED, count=len(items))
        self._listed = (day, [item.record_id for item in items])
        return items

    def listed(self, today: date) -> list[str] | None:
        """The records of the queue as this session last listed it today, if it did:
        what to look at again rather than scan every record (a batch's preview)."""
        if self._listed is None or self._listed[0] != today:
            return None
        return self._listed[1]

    # two people: IT proposes, a lead approves

    def propose_disposal(self, record_id: str, reason: str, today: date | None = None) -> str:
        self._door.require(Permission.PROPOSE_DISPOSAL)
        self._reason(reason, "for disposing of it")
        # That record alone, worked out again from its own dates: no rescan of them all.
        found = next(iter(self.due_items(today or date.today(), [record_id])), None)
        if found is None:
            kept = self._door.vault.store.kept_until().get(record_id)
            if kept is not None and kept > (today or date.today()).isoformat():
                raise BadInput(
                    f"Record {record_id} was kept at review; it is next reviewed on "
                    f"{shown_date(kept)}."
                )
            raise BadInput(f"Record {record_id} is not due for review or disposal.")
        if found.on_hold:
            raise AccessRefused(f"Record {record_id} is on legal hold; it cannot be disposed of.")
        if found.disposal_id is not None:
            raise BadInput(f"Record {record_id} already has disposal {found.disposal_id}.")
        disposal_id = f"X-{secrets.token_hex(4)}"
        row = DisposalRow(
            disposal_id,
            record_id,
            found.category,
            found.rule,
            found.due.isoformat(),
            DisposalStatus.PROPOSED,
            self._door.staff_name,
            now_utc(),
        )
        with self._door.recorded(
            LogAction.DISPOSAL_PROPOSED,
            record_id,
            personal={"reason": reason},
            disposal=disposal_id,
            rule=found.rule,
            due=row.due,
        ):
            # Under the write lock: nobody proposed it in the meantime.
            if any(
                d.record_id == record_id for d in self._door.vault.store.disposals(OPEN_DISPOSAL)
            ):
                raise BadInput(f"Record {record_id} has just been proposed by someone else.")
            self._door.vault.store.add_disposal(row)
        return disposal_id

    def disposals(self, statuses: Iterable[DisposalStatus] = OPEN_DISPOSAL) -> list[DisposalItem]:
        """Open disposals: what a lead must review, or IT carry out."""
        self._door.require(
            Permission.APPROVE_DISPOSAL, Permission.DISPOSE, Permission.PROPOSE_DISPOSAL
        )
        # A misspelt status is a ValueError here, not a list that is always empty.
        wanted = [DisposalStatus(status) for status in statuses]
        hidden = self._scope.hidden_ids()
        rows = self._door.vault.store.disposals(wanted)
        return [DisposalItem.of(row) for row in rows if row.record_id not in hidden]

    def proposals(self) -> list[DisposalItem]:
        """Proposed disposals for a lead to review, each with the proposer's reason,
        read from the log (where it is sealed under the record's key) back to the
        oldest proposal only."""
        self._door.require(Permission.APPROVE_DISPOSAL)
        items = self.disposals((DisposalStatus.PROPOSED,))
        if not items:
            return items
        since = min(item.proposed_at for item in items)
        entries, _ = self._door.vault.log.recent(since, personal=True)
        reasons: dict[object, object] = {}
        for entry in entries:
            if not isinstance(entry.personal, dict):
                continue
            if entry.action == LogAction.DISPOSAL_PROPOSED:
                reasons[entry.details.get("disposal")] = entry.personal.get("reason")
            elif entry.action == LogAction.DISPOSALS_PROPOSED:  # many at once, one reason
                for each in entry.details.get("disposals") or ():
                    reasons[each.get("disposal")] = entry.personal.get("reason")
        return [replace(item, reason=str(reasons.get(item.id) or "")) for item in items]

    def review_disposal(
        self,
        disposal_id: str,
        approve: bool,
        reason: str,
        next_review: date | None = None,
        today: date | None = None,
    ) -> DisposalItem:
        """A lead, not the proposer, approves or rejects, with a reason. Rejecting keeps
        the record, and needs `next_review`: a date after today, until which the record
        is out of IT's queue (a date given with an approval is not used)."""
        self._door.require(Permission.APPROVE_DISPOSAL)
        row = self._door.vault.store.disposal(disposal_id)
        if row is None or row.status != DisposalStatus.PROPOSED:
            raise BadInput(f"{disposal_id} is not a proposed disposal.")
        if row.record_id in self._scope.hidden_ids():
            raise BadInput(f"{disposal_id} is not a proposed disposal.")
        if row.proposed_by == self._door.staff_name:
            raise AccessRefused("Someone other than the proposer must approve a disposal.")
        self._reason(reason, "for this")
        kept = None if approve else self._next_review(next_review, today or date.today())
        if approve and self._door.vault.store.hold(row.record_id) is not None:
            raise AccessRefused(
                f"Record {row.record_id} is on legal hold; it cannot be disposed of."
            )
        status = DisposalStatus.APPROVED if approve else DisposalStatus.REJECTED
        with self._door.recorded(
            LogAction.DISPOSAL_REVIEWED,
            row.record_id,
            personal={"reason": reason},
            disposal=disposal_id,
            status=status,
            **({} if kept is None else {"next_review": kept}),
        ):
            if not self._door.vault.store.review_disposal(
                disposal_id, status, self._door.staff_name, now_utc(), kept
            ):
                raise BadInput(f"{disposal_id} was reviewed by someone else meanwhile.")
        done = self._door.vault.store.disposal(disposal_id)
        assert done is not None
        return DisposalItem.of(done)

    @staticmethod
    def _next_review(day: date | None, today: date) -> str:
        """A kept record's next review date, as stored (YYYY-MM-DD)."""
        if day is None:
            raise BadInput("Give the date the record is next reviewed: keeping it needs one.")
        refused = next_review_refused(day, today)
        if refused is not None:
            raise BadInput(refused)
        return day.isoformat()

    def execute_disposal(self, disposal_id: str) -> Certificate:
        """Carried out only if the log proves it, and the record is due and not held,
        at this moment (vault.disposal); a refusal is logged and erases nothing."""
        self._door.require(Permission.DISPOSE)
        return disposal.execute(
            self._door.vault, disposal_id, self._door.staff_name, self._door.role.name
        )

    def certificates(self) -> list[Certificate]:
        self._door.require(Permission.DISPOSE, Permission.APPROVE_DISPOSAL, Permission.READ_LOG)
        return [
            disposal.certificate(r)
            for r in self._door.vault.store.disposals((DisposalStatus.EXECUTED,))
        ]

    # legal hold

    def legal_hold(self, record_id: str) -> HoldView | None:
        """For whoever may open the record: is it on hold, since when, why."""
        self._scope.check(record_id)
        found = self._door.vault.holds.get(record_id)
        if found is None:
            return None
        row, reason = found
        return HoldView(row.set_by, row.set_at, reason)

    def set_legal_hold(self, record_id: str, reason: str, hold: bool = True) -> None:
        """A lead sets or clears a hold (an inquiry, litigation), with a reason."""
        self._door.require(Permission.SET_LEGAL_HOLD)
        self._scope.check(record_id)
        self._reason(reason, "for the hold" if hold else "for lifting the hold")
        held = self._door.vault.store.hold(record_id) is not None
        if held == hold:
            raise BadInput(f"Record {record_id} is {'already' if hold else 'not'} on legal hold.")
        action = LogAction.LEGAL_HOLD_SET if hold else LogAction.LEGAL_HOLD_CLEARED
        with self._door.recorded(action, record_id, personal={"reason": reason}):
            if hold:
                self._door.vault.holds.set(
                    HoldRow(record_id, self._door.staff_name, now_utc()), reason
                )
            else:
                self._door.vault.store.clear_hold(record_id)

    # released files past their days (issue 18: outputs leave the vault only so)

    def expired_packages(self, now: datetime | None = None) -> list[str]:
        """Released files older than the policy's days and not yet shredded, for IT:
        the release, where its file was written and when, never what it holds."""
        self._door.require(Permission.DISPOSE, refused="does not dispose of files")
        expired = [
            f"{line.release_id}  {self._named(line.path)}  released "
            f"{shown_date(line.released_at[:10])}"
            for line in self._due(now)
        ] + [f"{path.name}  in plain text, from an earlier version" for path in self._plain()]
        self._door.log(LogAction.EXPIRED_PACKAGES_LISTED, count=len(expired))
        return expired

    def packages_folder(self) -> str:
        """Where the app writes released files (the vault's exports/), said once
        beside the list rather than on every line: a host path fills a narrow screen."""
        self._door.require(Permission.DISPOSE, refused="does not dispose of files")
        return str(self._door.vault.paths.exports)

    def _named(self, path: str) -> str:
        """A released file by its name when it is in the exports folder; a file
        released elsewhere (at the host, to a path IT chose) by its whole path."""
        found = Path(path)
        return found.name if found.parent == self._door.vault.paths.exports else path

    def _plain(self) -> list[Path]:
        """Files an earlier version wrote readable under exports/ (before outputs were
        kept sealed): to shred now, whatever their age. Released zips are not."""
        exports = self._door.vault.paths.exports
        if not exports.is_dir():
            return []
        return sorted(p for p in exports.iterdir() if p.is_file() and p.suffix != ".zip")

    def _due(self, now: datetime | None = None) -> list[ReleaseLine]:
        return [line for line in release_lines(self._door, now) if line.due]

    def shred_expired_packages(self) -> list[str]:
        """Overwrite and remove every released file past the policy's days that is
        still where it was written, and mark each release shredded; what was done."""
        self._door.require(Permission.DISPOSE, refused="does not dispose of files")
        done = []
        for line in self._due():
            path = Path(line.path)
            with self._door.recorded(
                LogAction.PACKAGE_SHREDDED, release=line.release_id, package=line.output_id
            ):
                if path.is_file() or path.is_symlink():
                    try:
                        said = shred_file(path)
                    except OSError as exc:
                        raise VaultError(f"{line.path} could not be shredded ({exc}).") from None
                    done.append(said.replace(line.path, self._named(line.path), 1))
                else:
                    done.append(f"{line.path}: no longer there; shred any copy of it by hand.")
                self._door.vault.store.release_shredded(line.release_id, now_utc())
        for path in self._plain():
            with self._door.recorded(LogAction.PACKAGE_SHREDDED, package=path.name):
                try:
                    done.append(shred_file(path))
                except OSError as exc:
                    raise VaultError(f"{path.name} could not be shredded ({exc}).") from None
        return done
