"""What the log proves: an irreversible step happens only on authority the log holds.

A row in the store (a disposal approved, a record restricted) is plain SQLite that
anyone who can write the file can edit; the log's entries are sealed under a key the
file alone does not give. So erasing a record needs its proposal and an approval by
someone else in the log, each by a role the policy lets do it, for that record,
agreeing with the row (which the certificate is printed from); and acting on a
restriction needs the entry that set it. Pure: entries and policy in, a sentence out
(None when proven).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from secure_records.core.log_actions import LogAction
from secure_records.core.permissions import Permission
from secure_records.core.retention import (
    CATEGORY_FIELD,
    Certificate,
    RetentionPolicy,
    RetentionRule,
)
from secure_records.core.roles import RoleSpec
from secure_records.core.statuses import DisposalStatus

NOT_DONE = "it is not carried out."
DISPOSAL_STEPS = frozenset({LogAction.DISPOSAL_PROPOSED, LogAction.DISPOSAL_REVIEWED})
# An entry for many disposals at once, and the one-disposal step each item stands for.
DISPOSAL_BATCHES: dict[str, LogAction] = {
    LogAction.DISPOSALS_PROPOSED: LogAction.DISPOSAL_PROPOSED,
    LogAction.DISPOSALS_REVIEWED: LogAction.DISPOSAL_REVIEWED,
}
RESTRICTION_STEPS = frozenset({LogAction.RECORD_RESTRICTED, LogAction.RESTRICTION_LIFTED})


class Entry(Protocol):
    """A decrypted log entry, as far as a proof reads it (the vault's LogEntry)."""

    @property
    def seq(self) -> int: ...
    @property
    def actor(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def record_id(self) -> str | None: ...
    @property
    def details(self) -> Mapping[str, Any]: ...


def may(roles: Mapping[str, RoleSpec], role: str, permission: Permission) -> bool:
    """Whether `role`, as the log names it, holds `permission` under this policy
    (a role the policy no longer has, or the host, holds nothing)."""
    spec = roles.get(role)
    return spec is not None and spec.may(permission)


# disposal


def disposal_steps(entries: Iterable[Entry]) -> dict[str, list[Entry]]:
    """The proposals and reviews in the log, by disposal id, in log order: one pass
    over the log, however many disposals a run then checks."""
    found: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        for step in _one_by_one(entry):
            disposal = step.details.get("disposal")
            if isinstance(disposal, str):
                found[disposal].append(step)
    return dict(found)


@dataclass(frozen=True)
class BatchStep:
    """One disposal of an entry for many (proposed or approved at once), read as if
    it had its own entry: the same seq, person and role, its record and details."""

    seq: int
    actor: str
    role: str
    action: str
    record_id: str | None
    details: Mapping[str, Any]


def _one_by_one(entry: Entry) -> Iterator[Entry]:
    if entry.action in DISPOSAL_STEPS:
        yield entry
        return
    single = DISPOSAL_BATCHES.get(entry.action)
    items = entry.details.get("disposals")
    if single is None or not isinstance(items, list):
        return
    shared = {k: v for k, v in entry.details.items() if k not in ("disposals", "count")}
    for item in items:
        if isinstance(item, dict):
            record = item.get("record")
            details = {**shared, **{k: v for k, v in item.items() if k != "record"}}
            yield BatchStep(
                entry.seq,
                entry.actor,
                entry.role,
                single,
                record if isinstance(record, str) else None,
                details,
            )


def disposal_unproven(
    claim: Certificate, steps: Sequence[Entry], roles: Mapping[str, RoleSpec]
) -> str | None:
    """Why the log does not prove this disposal, in one sentence; None if it does.
    `claim`: the certificate its row would print, before it is carried out."""
    proposal = next((s for s in steps if s.action == LogAction.DISPOSAL_PROPOSED), None)
    if proposal is None:
        return f"{claim.id} has no proposal in the log; {NOT_DONE}"
    if (
        proposal.record_id != claim.reference
        or proposal.actor != claim.proposed_by
        or proposal.details.get("rule") != claim.rule
        or proposal.details.get("due") != claim.due
    ):
        return f"{claim.id} does not match its proposal in the log; {NOT_DONE}"
    if not may(roles, proposal.role, Permission.PROPOSE_DISPOSAL):
        return (
            f"{claim.id} was proposed by {proposal.actor} as {proposal.role}, a role that "
            f"may not propose disposals; {NOT_DONE}"
        )
    # The last review is the one that counts: a rejection is not undone by the row.
    reviews = [s for s in steps if s.action == LogAction.DISPOSAL_REVIEWED]
    approval = reviews[-1] if reviews else None
    if approval is None or approval.details.get("status") != DisposalStatus.APPROVED:
        return f"{claim.id} has no approval in the log; {NOT_DONE}"
    if approval.record_id != claim.reference or approval.actor != claim.approved_by:
        return f"{claim.id} does not match its approval in the log; {NOT_DONE}"
    if not may(roles, approval.role, Permission.APPROVE_DISPOSAL):
        return (
            f"{claim.id} was approved by {approval.actor} as {approval.role}, a role that "
            f"may not approve disposals; {NOT_DONE}"
        )
    if approval.actor == proposal.actor:
        return (
            f"{claim.id} was proposed and approved by the same person ({approval.actor}); "
            f"{NOT_DONE}"
        )
    return None


def due_for(
    retention: RetentionPolicy, values: Mapping[str, str]
) -> tuple[RetentionRule, date] | None:
    """A record's rule and due date from its category and dates; None when no rule
    covers it or its clock has not started (a case still open)."""
    rule = retention.rule_for(values.get(CATEGORY_FIELD, ""))
    if rule is None or not values.get(rule.starts):
        return None
    return rule, retention.due(rule, date.fromisoformat(values[rule.starts]))


def not_due(
    claim: Certificate, values: Mapping[str, str], retention: RetentionPolicy, today: date
) -> str | None:
    """Worked out again from the record's own category and dates (`values`) at the
    moment of erasing, never from the row's due date."""
    if values.get(CATEGORY_FIELD) != claim.category:
        return f"{claim.id} does not match its record's category; {NOT_DONE}"
    found = due_for(retention, values)
    if found is None:
        return (
            f"{claim.id} is for record {claim.reference}, which no retention rule makes "
            f"due; {NOT_DONE}"
        )
    due = found[1]
    if due > today:
        return (
            f"{claim.id} is for record {claim.reference}, which is not due until "
            f"{due.isoformat()}; {NOT_DONE}"
        )
    return None


# restriction


def restriction_unproven(
    record_id: str, entries: Iterable[Entry], roles: Mapping[str, RoleSpec]
) -> str | None:
    """Why the log does not prove that `record_id` is restricted now: the last
    restriction entry about it must set it, by a role that restricts records."""
    last: Entry | None = None
    for entry in entries:
        if entry.action in RESTRICTION_STEPS and entry.record_id == record_id:
            last = entry
    if last is None or last.action != LogAction.RECORD_RESTRICTED:
        return f"Record {record_id}'s restriction is not in the log; nothing was done."
    if not may(roles, last.role, Permission.RESTRICT_RECORDS):
        return (
            f"Record {record_id} was restricted by {last.actor} as {last.role}, a role that "
            "may not restrict records; nothing was done."
        )
    return None
