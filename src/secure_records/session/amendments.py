"""Correcting a record's fields, and what they said before (policy section 6,
Accurate; the right to rectification).

Only a role granted `amend`, only on a record it may open, only a field it sees in
full (visible, or revealed with a reason this time it has the record open), and
always with a reason. The log says which field was corrected and holds the reason
under the record's key; the old value is kept in the record's sealed history, shown
to whoever may see that field in full.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from secure_records.core.access import RecordView
from secure_records.core.amendments import (
    AMENDABLE_KINDS,
    CASE_CLOSED,
    Amendment,
    amendment_words,
    held_value,
)
from secure_records.core.errors import AccessRefused, BadInput
from secure_records.core.fields import FieldKind
from secure_records.core.importing import MAX_TEXT
from secure_records.core.log_actions import LogAction
from secure_records.core.permissions import Permission
from secure_records.core.policy import Rule
from secure_records.core.text import counted
from secure_records.session.door import StaffDoor
from secure_records.session.limits import MAX_TYPED
from secure_records.session.scope import RecordScope
from secure_records.vault.vault import now_utc

DATE_OF_BIRTH = "date_of_birth"  # a field every records.toml has (core/fields.py)


@dataclass(frozen=True)
class AmendmentLine:
    """One line of a record's history of corrections, as its viewer may read it."""

    field: str
    label: str
    at: str  # when, UTC (ISO): shown the UK way
    by: str
    reason: str
    words: str  # "Case closed: was (none), now 04 Feb 2026"


class Amendments:
    def __init__(
        self, door: StaffDoor, scope: RecordScope, changed: Callable[[], None] = lambda: None
    ) -> None:
        self._door = door
        self._scope = scope
        # Told after a correction: a search index holding the old name is stale.
        self._changed = changed

    def _sees_in_full(self, record_id: str, field: str) -> bool:
        rule = self._door.role.rule_for(field).rule
        revealed = field in self._scope.revealed.get(record_id, ())
        return rule is Rule.VISIBLE or (rule is Rule.REVEAL and revealed)

    def amendable(self, record_id: str) -> tuple[str, ...]:
        """The fields of this record this person may correct now, in the policy's order
        (none for a role without `amend`); not logged, nothing decrypted."""
        if not self._door.may(Permission.AMEND):
            return ()
        return tuple(
            spec.name
            for spec in self._door.policy.scalar_fields
            if spec.kind in AMENDABLE_KINDS and self._sees_in_full(record_id, spec.name)
        )

    def amend(
        self, record_id: str, field: str, typed: str, reason: str, today: date | None = None
    ) -> RecordView:
        """`field` corrected to what was typed (a date DD/MM/YYYY; blank clears a field
        the app does not rely on, as reopening a case does), for `reason`. Returns the
        record as it now stands."""
        door = self._door
        door.require(Permission.AMEND, refused="cannot correct records")
        self._scope.check(record_id)
        spec = door.policy.fields.get(field)
        if spec is None or field not in self.amendable(record_id):
            raise AccessRefused(f"{field!r} is not a field you can correct.")
        value = held_value(spec, typed, today or date.today(), MAX_TEXT)
        self._after_birth(record_id, spec.name, spec.label, value)
        minimum = door.policy.sharing.reason_min_length
        if len(reason) > MAX_TYPED:
            raise BadInput(f"A reason can be at most {MAX_TYPED} characters.")
        if len(reason.strip()) < minimum:
            raise BadInput(
                f"Say why {spec.label} is being corrected "
                f"(at least {counted(minimum, 'character')})."
            )
        details: dict[str, str] = {"field": field}
        if field == CASE_CLOSED:
            # Whether the retention clock starts or stops, without the date itself.
            details["case"] = "closed" if value else "reopened"
        with door.recorded(
            LogAction.FIELD_AMENDED, record_id, personal={"reason": reason}, **details
        ):
            door.vault.amendments.amend(record_id, field, value, door.staff_name, now_utc(), reason)
        self._changed()
        return self._scope.view(record_id)

    def _after_birth(self, record_id: str, field: str, label: str, value: str) -> None:
        """No date of a person's case before they were born, nor a birth after a date
        already on the record. Checked only against a date of birth this person sees in
        full: a refusal must not tell them what they may not see."""
        if not value or self._door.policy.fields[field].kind is not FieldKind.DATE:
            return
        if not self._sees_in_full(record_id, DATE_OF_BIRTH):
            return
        dates = [f.name for f in self._door.policy.scalar_fields if f.kind is FieldKind.DATE]
        record = self._door.vault.read_record(record_id, dates)
        held = {} if record is None else record.values
        if field != DATE_OF_BIRTH:
            born = held.get(DATE_OF_BIRTH, "")
            if born and value < born:
                raise BadInput(f"{label} cannot be before the date of birth.")
            return
        later = [
            f.label
            for f in self._door.policy.scalar_fields
            if f.name in held and f.name != DATE_OF_BIRTH and held[f.name] and held[f.name] < value
        ]
        if later:
            raise BadInput(f"The date of birth cannot be after {later[0]}.")

    def history(self, record_id: str) -> list[AmendmentLine]:
        """The record's corrections, oldest first, of the fields this person sees in
        full now (the rest are left out: an old value is as private as a new one)."""
        self._scope.check(record_id)
        fields = self._door.policy.fields
        lines = []
        for amendment in self._door.vault.amendments.history(record_id):
            spec = fields.get(amendment.field)
            if spec is None or not self._sees_in_full(record_id, amendment.field):
                continue
            lines.append(
                _line(amendment, spec.label, amendment_words(amendment, spec.label, spec.kind))
            )
        return lines


def _line(amendment: Amendment, label: str, words: str) -> AmendmentLine:
    return AmendmentLine(
        amendment.field, label, amendment.at, amendment.by, amendment.reason, words
    )
