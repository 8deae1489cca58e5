"""Which records a session may reach, and what of them it sees.

Record scope (all, assigned caseload, none), restricted records, and the fields
revealed for a reason: shared by every part that touches a record, so that each
refuses, logs and masks the same way.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from secure_records.core.access import RecordView, in_scope, project, readable_fields
from secure_records.core.errors import AccessRefused, BadInput
from secure_records.core.importing import ISO_DATE
from secure_records.core.log_actions import LogAction
from secure_records.core.policy import Scope
from secure_records.session.door import StaffDoor
from secure_records.session.limits import MAX_TYPED
from secure_records.vault.store import Store
from secure_records.vault.vault import now_utc

# Up to this many records, each one's assignment is read; beyond, the caseload once.
FEW = 64


class RecordScope:
    def __init__(self, door: StaffDoor) -> None:
        self._door = door
        # record id -> fields revealed, until the record is closed or the session locks
        self.revealed: dict[str, set[str]] = {}
        # The last reach worked out, and what it was worked out from (see `reach`).
        self._reach: tuple[tuple[bytes | None, frozenset[str]], list[str]] | None = None

    def forget(self) -> None:
        self.revealed.clear()

    def refuse_unlisted(self) -> None:
        """A role that lists no records is refused here, before anything is read."""
        role = self._door.role
        if role.scope not in (Scope.ALL, Scope.CASELOAD):
            raise AccessRefused(f"The {role.label} role does not list records.")

    def present(self) -> None:
        """The person as the vault holds them at this moment, not as they were when
        the session began: a disabled account, or a role changed since, reaches
        nothing more, whatever is already on the screen."""
        door = self._door
        door.check_usable()
        row = door.vault.store.staff(door.staff_name)
        if row is None or row.disabled:
            raise AccessRefused(f"The staff account {door.staff_name!r} is disabled.")
        if row.role != door.role.name:
            raise AccessRefused(
                "Your role has changed since this session started: start a new session."
            )

    def _granted(self, store: Store) -> set[str]:
        """Restricted records this person holds an unexpired grant for (a lift takes
        a record's grants with it)."""
        if self._door.role.scope not in (Scope.ALL, Scope.CASELOAD):
            return set()  # a role that opens no record is let into none by a grant
        return store.granted_ids(self._door.staff_name, now_utc())

    def hidden_ids(self) -> set[str]:
        """Restricted records this staff member holds no unexpired grant for: for
        them these do not exist, not even in search."""
        store = self._door.vault.store
        restricted = store.restricted_ids()
        if not restricted:
            return restricted
        return restricted - self._granted(store)

    def reach(self, store: Store) -> list[str] | None:
        """Record ids this person's scope covers, read through `store`; None means
        every record. A caseload, and the records granted to them: a grant lets its
        holder in even off their caseload, which is what it is for. Restrictions are
        not applied here: see `current`."""
        if self._door.role.scope is Scope.ALL:
            return None
        # Read again only when their caseload (its sum, in their sealed staff row) or
        # their grants have changed: a search is one keystroke, a caseload 30,000 rows.
        row = store.staff(self._door.staff_name)
        granted = frozenset(self._granted(store))
        key = (None if row is None else row.caseload, granted)
        cached = self._reach
        if cached is not None and cached[0] == key:
            return list(cached[1])
        caseload = store.ids_assigned_to(self._door.staff_name)
        reach = caseload + sorted(granted.difference(caseload))
        self._reach = (key, reach)
        return list(reach)

    def beyond(self, indexed: Collection[str]) -> bool:
        """Whether this person's scope now reaches a record `indexed` lacks: one
        granted or assigned to them since a search index was built over it. (Every
        record is in an index of a role that reaches all.)"""
        reach = self.reach(self._door.vault.store)
        return reach is not None and not set(indexed).issuperset(reach)

    def ids_in_scope(self) -> list[str] | None:
        """Record ids this session may list; None means every record."""
        self.present()
        self.refuse_unlisted()
        return self.reach(self._door.vault.store)

    def current(self, record_ids: Sequence[str]) -> list[str]:
        """Those of `record_ids` (a list or a search's results, made a moment or an
        hour ago) this session may reach now, in their order: a restriction, a lift, a
        grant, a changed caseload or a disabled account counts at the next action."""
        self.present()
        self.refuse_unlisted()
        door, store = self._door, self._door.vault.store
        hidden = self.hidden_ids()
        wanted = [rid for rid in record_ids if rid not in hidden]
        if door.role.scope is Scope.ALL:
            return wanted
        if len(wanted) <= FEW:
            granted = self._granted(store)
            return [
                rid for rid in wanted if rid in granted or door.staff_name in store.assigned_to(rid)
            ]
        reach = set(self.reach(store) or ())
        return [rid for rid in wanted if rid in reach]

    def check(self, record_id: str) -> None:
        """Refused, and logged for the access review, unless this record is one this
        session may open."""
        door = self._door
        self.present()
        store = door.vault.store
        assigned = store.assigned_to(record_id)
        exists = store.record_exists(record_id)
        restricted = record_id in store.restricted_ids()
        granted = restricted and record_id in self._granted(store)
        # The same refusal whether the record is missing or out of scope: a refusal
        # must not confirm that a record exists.
        if not exists or not (granted or in_scope(door.role, door.staff_name, assigned)):
            # Tried, and not theirs to open: for the access review (10(d)).
            if exists:
                door.log(LogAction.RECORD_REFUSED, record_id)
            else:
                door.log(LogAction.RECORD_REFUSED, asked_for=record_id[:MAX_TYPED])
            raise AccessRefused(f"Record {record_id} is not one you can open.")
        if restricted and not granted:
            # Restricted, and no grant for this person: the attempt is for the review.
            door.log(LogAction.RESTRICTED_RECORD_REFUSED, record_id)
            raise AccessRefused(f"Record {record_id} is not one you can open.")

    def view(self, record_id: str) -> RecordView:
        """The record as this role sees it, with what was revealed; not logged."""
        door = self._door
        fields = readable_fields(door.role, door.policy)
        record = door.vault.read_record(record_id, fields)
        if record is None:
            raise AccessRefused(f"Record {record_id} is not one you can open.")
        return project(record, door.role, door.policy, self.revealed.get(record_id, ()))

    def exact_ids(self, name: str, date_of_birth: str) -> list[str]:
        """Records in scope matching this exact name and date of birth; not logged."""
        door = self._door
        self.present()
        if door.role.scope is Scope.NONE:
            raise AccessRefused(f"The {door.role.label} role cannot look records up.")
        if not name.strip() or not date_of_birth.strip():
            raise BadInput("An exact match needs both a name and a date of birth.")
        if len(name) > MAX_TYPED:
            raise BadInput(f"A name can be at most {MAX_TYPED} characters.")
        if not ISO_DATE.fullmatch(date_of_birth.strip()):
            raise BadInput("Give the date of birth as YYYY-MM-DD.")
        vault = door.vault
        ids = vault.store.ids_matching(vault.match_index(name, date_of_birth.strip()))
        if door.role.scope is Scope.CASELOAD:
            # Each match's own assignment or grant, checked: there are few matches.
            return self.current(ids)
        hidden = self.hidden_ids()
        return [i for i in ids if i not in hidden]
