"""Concerns and suspected breaches, a part of Session (policy section 11; UK GDPR
Art. 33). Anyone, in any role, raises one: what happened, when it was noticed,
whether personal data is involved, and a record reference if they have one. A lead
triages: for a suspected breach the 72 hours for reporting to the ICO run from the
moment it was raised; the outcome (reported or not and why, or the action taken for
a concern) is recorded and logged, what was typed in the entry's sealed part only.

Open breaches and their time left are read from the rows' clear columns alone, for
the lead's first screen, and not logged; opening the queue, which shows the sealed
words, is.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from secure_records.core.concerns import (
    OUTCOME_WORDS,
    OUTCOMES,
    ConcernKind,
    ConcernStatus,
    Outcome,
    hours_left,
)
from secure_records.core.errors import AccessRefused, BadInput
from secure_records.core.log_actions import LogAction
from secure_records.core.permissions import Permission
from secure_records.core.text import counted, printable
from secure_records.session.door import StaffDoor
from secure_records.session.limits import MAX_TYPED
from secure_records.vault.concerns import ConcernDetails
from secure_records.vault.rows import ConcernRow

MAX_REFERENCE = 40  # a record reference, as typed


@dataclass(frozen=True)
class Concern:
    """One concern as a lead reads it in the queue."""

    id: str
    kind: ConcernKind
    status: ConcernStatus
    personal_data: bool
    noticed: date
    raised_by: str
    raised_at: datetime
    what_happened: str
    record_reference: str
    outcome: Outcome | None
    outcome_reason: str
    decided_by: str | None


@dataclass(frozen=True)
class OpenBreaches:
    """Breaches not yet decided, and the fewest hours left to report any of them
    (negative: overdue by as many)."""

    count: int = 0
    least_left: int = 0
    concerns: int = 0  # open concerns that are not breaches: no clock, still waiting


def _view(row: ConcernRow, details: ConcernDetails) -> Concern:
    return Concern(
        row.id,
        row.kind,
        row.status,
        row.personal_data,
        date.fromisoformat(row.noticed),
        row.raised_by,
        datetime.fromisoformat(row.raised_at),
        details.what_happened,
        details.record_reference,
        row.outcome,
        details.outcome_reason,
        row.decided_by,
    )


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


class Concerns:
    def __init__(self, door: StaffDoor) -> None:
        self._door = door

    def _typed(self, text: str, what: str) -> str:
        minimum = self._door.policy.sharing.reason_min_length
        if len(text) > MAX_TYPED or len(text.strip()) < minimum:
            raise BadInput(f"Say {what} (at least {counted(minimum, 'character')}).")
        return printable(text.strip())

    def raise_concern(
        self,
        kind: ConcernKind,
        what_happened: str,
        noticed: date,
        personal_data: bool,
        record_reference: str = "",
        now: datetime | None = None,
    ) -> Concern:
        """Raise a concern or a suspected breach, in any role; its 72 hours (a breach's)
        run from now."""
        self._door.check_usable()
        now = _now(now)
        what_happened = self._typed(what_happened, "what happened")
        if noticed > now.date():
            raise BadInput("It cannot have been noticed in the future.")
        reference = printable(record_reference.strip())
        if len(reference) > MAX_REFERENCE:
            raise BadInput(f"A record reference is at most {MAX_REFERENCE} characters.")
        row = ConcernRow(
            f"B-{secrets.token_hex(4)}"
            if kind is ConcernKind.BREACH
            else f"C-{secrets.token_hex(4)}",
            kind,
            ConcernStatus.OPEN,
            personal_data,
            noticed.isoformat(),
            self._door.actor,
            now.isoformat(timespec="seconds"),
        )
        details = ConcernDetails(what_happened, reference)
        personal = {"what_happened": what_happened, "record_reference": reference}
        with self._door.recorded(
            LogAction.CONCERN_RAISED,
            personal=personal,
            concern=row.id,
            kind=kind,
            personal_data=personal_data,
        ):
            self._door.vault.concerns.add(row, details)
        return _view(row, details)

    def _require(self) -> None:
        self._door.require(Permission.TRIAGE_CONCERNS, refused="does not triage concerns")

    def _open(self, concern_id: str) -> tuple[ConcernRow, ConcernDetails]:
        found = self._door.vault.concerns.read(concern_id.strip())
        if found is None:
            raise AccessRefused(f"{concern_id} is not a concern you can open.")
        return found

    def queue(self) -> list[Concern]:
        """Every concern, open ones first (breaches before concerns, oldest first),
        then those decided, newest first."""
        self._require()
        with self._door.recorded(LogAction.CONCERNS_LISTED):
            found = [self._open(row.id) for row in self._door.vault.concerns.listing()]
        shown = [_view(row, details) for row, details in found]
        waiting = [c for c in shown if c.status is ConcernStatus.OPEN]
        waiting.sort(key=lambda c: (c.kind is not ConcernKind.BREACH, c.raised_at))
        decided = [c for c in reversed(shown) if c.status is not ConcernStatus.OPEN]
        return waiting + decided

    def decide(self, concern_id: str, outcome: Outcome, reason: str) -> Concern:
        """Record the outcome of an open concern: for a breach, reported to the ICO or
        not, and why; for a concern, the action taken."""
        self._require()
        reason = self._typed(reason, "why, or what was done")
        with self._door.recorded(
            LogAction.CONCERN_DECIDED,
            personal={"reason": reason},
            concern=concern_id.strip(),
            outcome=outcome,
        ):
            # Read under the write lock: a lead who decided it meanwhile counts.
            row, details = self._open(concern_id)
            if row.status is not ConcernStatus.OPEN:
                raise BadInput(
                    f"{row.id} was already decided ({OUTCOME_WORDS[row.outcome or outcome]})."
                )
            if outcome not in OUTCOMES[row.kind]:
                fits = " or ".join(OUTCOME_WORDS[o] for o in OUTCOMES[row.kind])
                raise BadInput(f"The outcome of a {row.kind} is {fits}.")
            row = replace(
                row,
                status=ConcernStatus.CLOSED,
                outcome=outcome,
                decided_by=self._door.actor,
                decided_at=datetime.now(UTC).isoformat(timespec="seconds"),
            )
            details = replace(details, outcome_reason=reason)
            self._door.vault.concerns.replace(row, details)
        return _view(row, details)

    def treat_as_breach(self, concern_id: str, reason: str) -> Concern:
        """An open concern found to be a suspected breach: from now on it is one, and
        its 72 hours run from when it was raised (when the organisation was told),
        never from this later moment."""
        self._require()
        reason = self._typed(reason, "why it is a suspected breach")
        with self._door.recorded(
            LogAction.CONCERN_TREATED_AS_BREACH,
            personal={"reason": reason},
            concern=concern_id.strip(),
        ):
            row, details = self._open(concern_id)
            if row.status is not ConcernStatus.OPEN or row.kind is not ConcernKind.CONCERN:
                raise BadInput(f"{row.id} is not an open concern.")
            row = replace(row, kind=ConcernKind.BREACH)
            self._door.vault.concerns.replace(row, details)
        return _view(row, details)

    def open_breaches(self, now: datetime | None = None) -> OpenBreaches:
        """Open breaches and the least time left, for a role that triages (and nothing
        for any other); from the clear columns alone, so not logged."""
        self._door.check_usable()
        if not self._door.may(Permission.TRIAGE_CONCERNS):
            return OpenBreaches()
        now = _now(now)
        waiting = [r for r in self._door.vault.concerns.listing() if r.status is ConcernStatus.OPEN]
        left = [
            hours_left(datetime.fromisoformat(row.raised_at), now)
            for row in waiting
            if row.kind is ConcernKind.BREACH
        ]
        concerns = len(waiting) - len(left)
        return OpenBreaches(len(left), min(left) if left else 0, concerns)
