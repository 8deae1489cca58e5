"""The one door: a named staff member's session over the vault.

Every screen goes through here. Each method checks the role, and hands back view
models in which whatever the role may not see is already masked or absent, so a
screen cannot forget to mask: it never holds what it was not entitled to.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from secure_records.core.access import (
    RecordSummary,
    RecordView,
    in_scope,
    project,
    readable_fields,
    searchable_by_substring,
    summarise,
)
from secure_records.core.errors import AccessRefused, BadInput, UnknownStaff
from secure_records.core.policy import Policy, RoleSpec, Rule, Scope
from secure_records.core.records import normalise_name
from secure_records.vault.home import VaultPaths, resolve_home
from secure_records.vault.vault import Vault


@dataclass(frozen=True)
class IndexMatch:
    """What reception may learn: that a record exists, and its reference."""

    reference: str


class Session:
    def __init__(self, vault: Vault, staff_name: str, role: RoleSpec) -> None:
        self._vault = vault
        self.staff_name = staff_name
        self.role = role
        self._revealed: dict[str, set[str]] = {}
        self._listing: list[tuple[str, str, str]] | None = None

    @classmethod
    def open(
        cls, staff_name: str, home: str | os.PathLike[str] | VaultPaths | None = None
    ) -> Session:
        paths = home if isinstance(home, VaultPaths) else resolve_home(home)
        vault = Vault.open(paths)
        try:
            staff = vault.store.staff(staff_name)
            if staff is None:
                raise UnknownStaff(f"There is no staff member called {staff_name!r} in this vault.")
            if staff.disabled:
                raise AccessRefused(f"The staff account {staff_name!r} is disabled.")
            role = vault.policy.roles.get(staff.role)
            if role is None:
                raise AccessRefused(
                    f"{staff_name!r} has role {staff.role!r}, which the policy no longer defines."
                )
            return cls(vault, staff_name, role)
        except BaseException:
            vault.close()
            raise

    def close(self) -> None:
        self._revealed.clear()
        self._listing = None
        self._vault.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @property
    def policy(self) -> Policy:
        return self._vault.policy

    @property
    def insecure_keyring_warning(self) -> str | None:
        return self._vault.insecure_keyring_warning

    def may(self, action: str) -> bool:
        return self.role.may(action)

    # the record list

    def _ids_in_scope(self) -> list[str] | None:
        """Record ids this session may list; None means every record."""
        scope = self.role.scope
        if scope is Scope.ALL:
            return None
        if scope is Scope.CASELOAD:
            return self._vault.store.ids_assigned_to(self.staff_name)
        raise AccessRefused(f"The {self.role.label} role does not list records.")

    def records(self, query: str = "") -> list[RecordSummary]:
        """Records in scope whose name or date of birth matches `query`.

        A field the role sees in full matches by any part; a masked one only exactly,
        so a search cannot be used to read what a mask hides.
        """
        if self._listing is None:
            self._listing = self._vault.listing(self._ids_in_scope())
        needle = normalise_name(query)
        by_part = {f: searchable_by_substring(self.role, f) for f in ("name", "date_of_birth")}

        def matches(name: str, dob: str) -> bool:
            if not needle:
                return True
            name_n = normalise_name(name)
            if (needle in name_n) if by_part["name"] else needle == name_n:
                return True
            return dob.startswith(needle) if by_part["date_of_birth"] else needle == dob

        return [
            summarise(rid, name, dob, self.role)
            for rid, name, dob in self._listing
            if matches(name, dob)
        ]

    def find_exact(self, name: str, date_of_birth: str) -> IndexMatch | None:
        """For the index scope: does a record match this exact name and date of birth?"""
        if self.role.scope is Scope.NONE:
            raise AccessRefused(f"The {self.role.label} role cannot look records up.")
        if not name.strip() or not date_of_birth.strip():
            raise BadInput("An exact match needs both a name and a date of birth.")
        ids = self._vault.store.ids_matching(self._vault.match_index(name, date_of_birth.strip()))
        if self.role.scope is Scope.CASELOAD:
            mine = set(self._vault.store.ids_assigned_to(self.staff_name))
            ids = [i for i in ids if i in mine]
        return IndexMatch(ids[0]) if ids else None

    # one record

    def _checked_in_scope(self, record_id: str) -> None:
        assigned = self._vault.store.assigned_to(record_id)
        exists = self._vault.store.record_exists(record_id)
        # The same refusal whether the record is missing or out of scope: a refusal
        # must not confirm that a record exists.
        if not exists or not in_scope(self.role, self.staff_name, assigned):
            raise AccessRefused(f"Record {record_id} is not one you can open.")

    def open_record(self, record_id: str) -> RecordView:
        self._checked_in_scope(record_id)
        fields = readable_fields(self.role, self.policy)
        record = self._vault.read_record(record_id, fields)
        if record is None:
            raise AccessRefused(f"Record {record_id} is not one you can open.")
        return project(record, self.role, self.policy, self._revealed.get(record_id, ()))

    def reveal(self, record_id: str, field: str, reason: str) -> RecordView:
        """Show a `reveal` field in full, for a stated reason of the policy's length."""
        self._checked_in_scope(record_id)
        spec = self.policy.fields.get(field)
        if spec is None or self.role.rule_for(field).rule is not Rule.REVEAL:
            raise AccessRefused(f"{field!r} is not a field you can reveal.")
        minimum = self.policy.session.reveal_reason_min_length
        if len(reason.strip()) < minimum:
            raise BadInput(f"Say why you need to see {spec.label} (at least {minimum} characters).")
        self._revealed.setdefault(record_id, set()).add(field)
        return self.open_record(record_id)

    def close_record(self, record_id: str) -> None:
        """Reveals last until the record is closed."""
        self._revealed.pop(record_id, None)
