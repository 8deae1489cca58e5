"""Every due record proposed at once, and approved as a batch (issue 20), a part of
Session.

A 100,000-record vault has thousands of records due: one at a time is no way to work
them. Still two people: IT proposes them all in one transaction with one reason,
after a preview of how many under each rule; a lead who is not the proposer
approves every proposal waiting as a batch, after the same counts, by typing how
many. Each is one log entry listing every disposal, record, rule and due date, so
that the log still proves each erase (core.log_proof reads it one by one) and says
which records; an entry per record would be thousands of synchronous log writes.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from secure_records.core.errors import AccessRefused, BadInput
from secure_records.core.log_actions import LogAction
from secure_records.core.permissions import Permission
from secure_records.core.retention import Action
from secure_records.core.statuses import OPEN_DISPOSAL, DisposalStatus
from secure_records.core.text import counted
from secure_records.session.door import StaffDoor
from secure_records.session.retention import (
    DisposalItem,
    Retention,
    RetentionItem,
    reason_refused,
)
from secure_records.session.scope import RecordScope
from secure_records.vault.store import DisposalRow
from secure_records.vault.vault import now_utc


@dataclass(frozen=True)
class RuleCount:
    """How many of a batch fall under one rule, for the preview: nothing a record holds."""

    category: str
    rule: str
    action: Action
    count: int


def counts_by_rule(items: Iterable[tuple[str, str, Action]]) -> list[RuleCount]:
    """(category, rule, action) of each item, counted; in rule then category order."""
    counted_ = Counter(items)
    return [RuleCount(c, r, a, n) for (c, r, a), n in sorted(counted_.items())]


def _changed(now: int, expected: int, what: str) -> BadInput:
    return BadInput(
        f"The {what} changed since the preview: {counted(now, 'record')} now, not "
        f"{expected:,}; nothing was done. Look at the preview again."
    )


class DisposalBatches:
    def __init__(self, door: StaffDoor, scope: RecordScope, retention: Retention) -> None:
        self._door = door
        self._scope = scope
        self._retention = retention
        self._previewed: list[RetentionItem] | None = None
        # The proposals the lead was shown (approval_items): a batch approves those.
        self._shown: frozenset[str] | None = None

    # IT: everything due, proposed at once

    def proposal_preview(self, today: date | None = None) -> list[RuleCount]:
        """What proposing everything due would propose, counted by rule (not on hold,
        not already proposed): the queue this session listed, each record worked out
        again from its own dates, or every record if it listed none today."""
        self._door.require(Permission.PROPOSE_DISPOSAL)
        day = today or date.today()
        due = self._retention.due_items(day, self._retention.listed(day))
        items = [i for i in due if not i.on_hold and i.disposal_id is None]
        self._previewed = items
        return counts_by_rule((i.category, i.rule, i.action) for i in items)

    def propose_all(self, reason: str, expected: int) -> list[str]:
        """Propose every record of the last preview, with one reason, in one
        transaction; refused if it was not `expected` records (what the preview
        said), or if any was proposed, held, kept or restricted since. Their ids."""
        self._door.require(Permission.PROPOSE_DISPOSAL)
        refused = reason_refused(self._door, reason, "for disposing of them")
        if refused is not None:
            raise BadInput(refused)
        items = self._previewed
        if items is None:
            raise BadInput("Look at the preview first: it says what would be proposed.")
        if len(items) != expected:
            raise _changed(len(items), expected, "queue")
        if not items:
            raise BadInput("Nothing is due to propose.")
        at, by = now_utc(), self._door.staff_name
        rows = [
            DisposalRow(
                f"X-{secrets.token_hex(4)}",
                i.record_id,
                i.category,
                i.rule,
                i.due.isoformat(),
                DisposalStatus.PROPOSED,
                by,
                at,
            )
            for i in items
        ]
        listed = [
            {"disposal": r.id, "record": r.record_id, "rule": r.rule, "due": r.due} for r in rows
        ]
        store = self._door.vault.store
        with self._door.recorded(
            LogAction.DISPOSALS_PROPOSED,
            personal={"reason": reason},
            count=len(rows),
            disposals=listed,
        ):
            # Under the write lock: nobody proposed or held any of them meanwhile.
            # Under the write lock: none was proposed, held, kept at review or
            # restricted since the preview.
            today = date.today().isoformat()
            taken = {d.record_id for d in store.disposals(OPEN_DISPOSAL)} | store.held_ids()
            taken |= {rid for rid, until in store.kept_until().items() if until > today}
            taken |= self._scope.hidden_ids()
            if any(r.record_id in taken for r in rows):
                raise BadInput(
                    "Some of these records were proposed, held, kept or restricted "
                    "meanwhile; nothing was done. Look at the preview again."
                )
            for row in rows:
                store.add_disposal(row)
        self._previewed = None
        return [r.id for r in rows]

    # a lead: every proposal waiting, approved at once

    def _approvable(self) -> list[DisposalRow]:
        """Proposals waiting that this lead may approve: not their own, not restricted,
        not on legal hold."""
        store = self._door.vault.store
        left_out = self._scope.hidden_ids() | store.held_ids()
        me = self._door.staff_name
        return [
            row
            for row in store.disposals((DisposalStatus.PROPOSED,))
            if row.proposed_by != me and row.record_id not in left_out
        ]

    def approval_preview(self) -> list[RuleCount]:
        """The proposals a batch approval would approve, counted by rule."""
        self._door.require(Permission.APPROVE_DISPOSAL)
        rules = self._door.policy.retention.rules
        return counts_by_rule(
            (r.category, r.rule, rules[r.rule].action if r.rule in rules else Action.DISPOSE)
            for r in self._approvable()
        )

    def approval_items(self) -> list[DisposalItem]:
        """The proposals a batch approval would approve, each with who proposed it,
        when and why: the whole decision, for the lead to read before typing."""
        self._door.require(Permission.APPROVE_DISPOSAL)
        ids = {row.id for row in self._approvable()}
        self._shown = frozenset(ids)
        return [item for item in self._retention.proposals() if item.id in ids]

    def approve_all(self, reason: str, expected: int) -> int:
        """Approve every proposal `approval_preview` counts, with one reason, in one
        transaction; refused if there are not `expected` of them. How many."""
        self._door.require(Permission.APPROVE_DISPOSAL)
        refused = reason_refused(self._door, reason, "for this")
        if refused is not None:
            raise BadInput(refused)
        rows = self._approvable()
        if len(rows) != expected:
            raise _changed(len(rows), expected, "proposals waiting")
        if self._shown is not None and {r.id for r in rows} != self._shown:
            # As many, but not the same ones: never approve a proposal nobody read.
            raise BadInput(
                "The proposals waiting changed since you read them (one reviewed, another "
                "proposed); nothing was done. Look at the preview again."
            )
        if not rows:
            if any(True for _ in self._door.vault.store.disposals((DisposalStatus.PROPOSED,))):
                raise AccessRefused("Someone other than the proposer must approve a disposal.")
            raise BadInput("No disposal is waiting to approve.")
        listed = [{"disposal": r.id, "record": r.record_id} for r in rows]
        store, at, me = self._door.vault.store, now_utc(), self._door.staff_name
        with self._door.recorded(
            LogAction.DISPOSALS_REVIEWED,
            personal={"reason": reason},
            status=DisposalStatus.APPROVED,
            count=len(rows),
            disposals=listed,
        ):
            left_out = store.held_ids() | self._scope.hidden_ids()
            for row in rows:
                # Under the write lock: still proposed, still not held nor restricted.
                if row.record_id in left_out or not store.review_disposal(
                    row.id, DisposalStatus.APPROVED, me, at
                ):
                    raise BadInput(
                        f"{row.id} was reviewed, put on legal hold or restricted meanwhile; "
                        "nothing was done. Look at the preview again."
                    )
        self._shown = None
        return len(rows)
