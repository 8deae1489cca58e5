"""The one door: a named staff member's session over the vault.

Every screen goes through here. `Session` itself is who is at the door and the
session's life (open, lock, unlock, close); the work is in its parts, each over the
same door and each checking the role: `records`, `sharing`, `telephone`,
`retention`, `oversight`, `access_requests`, `outputs` and `concerns`.
"""

from __future__ import annotations

import os
from datetime import date
from typing import Any

from secure_records.core.errors import AccessRefused, UnknownStaff, VaultError
from secure_records.core.log_actions import LogAction
from secure_records.core.permissions import Permission
from secure_records.core.policy import Policy, RoleSpec
from secure_records.session.access_requests import AccessRequests
from secure_records.session.amendments import Amendments
from secure_records.session.concerns import Concerns
from secure_records.session.disposal_batches import DisposalBatches
from secure_records.session.door import StaffDoor
from secure_records.session.manager_waits import ManagerWaits
from secure_records.session.outputs import Outputs
from secure_records.session.oversight import Oversight
from secure_records.session.pin_check import LockedOut, PinCheck, WrongPin
from secure_records.session.pin_check import refusal as pin_refusal
from secure_records.session.records import Records
from secure_records.session.retention import Retention
from secure_records.session.scope import RecordScope
from secure_records.session.sharing import Sharing
from secure_records.session.telephone import Telephone
from secure_records.vault.attribution import at_the_host
from secure_records.vault.door import Door, open_vault
from secure_records.vault.home import VaultPaths
from secure_records.vault.store import StaffRow
from secure_records.vault.vault import Vault


def _admitted(
    policy: Policy, staff_name: str, staff: StaffRow | None
) -> tuple[RoleSpec | None, Exception | None]:
    """The role this person opens a session in, or why they may not."""
    if staff is None:
        return None, UnknownStaff(f"There is no staff member called {staff_name!r} in this vault.")
    if staff.disabled:
        return None, AccessRefused(f"The staff account {staff_name!r} is disabled.")
    role = policy.roles.get(staff.role)
    if role is None:
        return None, AccessRefused(
            f"{staff_name!r} has role {staff.role!r}, which the policy no longer defines."
        )
    return role, None


def _checked_door(
    vault: Vault, staff_name: str, host: dict[str, Any], *, pin_asked: bool
) -> tuple[StaffRow, RoleSpec]:
    """Their row and role, once the vault may be used and they may try a PIN; the
    refusal logged and raised if not."""
    # Fail closed: no session on a log that is missing or damaged at its end.
    vault.log.check_tail()
    # Until the door opens: a broken seal found on the way in is logged as theirs.
    vault.seal_reports.reporter = (staff_name, "-")
    staff = vault.store.staff(staff_name)
    sealed = vault.sealed_policy
    role: RoleSpec | None = None
    refused: Exception | None = VaultError(sealed.refusal) if sealed.refusal else None
    if refused is None:
        role, refused = _admitted(sealed.policy, staff_name, staff)
    if refused is None and staff is not None:
        refused = pin_refusal(staff, pin_asked=pin_asked)
    if refused is not None or role is None or staff is None:
        door = Door(vault, staff_name, staff.role if staff else "-")
        door.log(LogAction.SESSION_REFUSED, why=str(refused), **host)
        raise refused or AccessRefused("Refused.")
    return staff, role


class Session:
    def __init__(self, vault: Vault, staff_name: str, role: RoleSpec) -> None:
        self._door = StaffDoor(vault, staff_name, role)
        self._tries_left: int | None = None
        # What every part that touches a record checks and masks by.
        self._scope = RecordScope(self._door)
        self.records = Records(self._door, self._scope)
        self.telephone = Telephone(self._door, self._scope)
        self.sharing = Sharing(self._door, self._scope, self.telephone)
        self.retention = Retention(self._door, self._scope)
        # Everything due proposed at once, approved as a batch (issue 20).
        self.disposal_batches = DisposalBatches(self._door, self._scope, self.retention)
        self.access_requests = AccessRequests(self._door, self._scope)
        self.oversight = Oversight(self._door, self._scope, self.access_requests)
        self.waiting = ManagerWaits(self._door, self._scope)
        self.outputs = Outputs(self._door, self._scope)
        self.concerns = Concerns(self._door)  # anyone raises one; a lead triages
        # A correction drops the search index: it may hold the old name.
        self.amendments = Amendments(self._door, self._scope, self.records.forget)

    @classmethod
    def open(
        cls,
        staff_name: str,
        home: str | os.PathLike[str] | VaultPaths | None = None,
        *,
        pin: str | None = None,
    ) -> Session:
        """Start a session as `staff_name`; the start (or the refusal) is logged.

        With `pin` (the terminal session: `secure-records session`, the app), the PIN is
        checked before anything else is read, and a wrong one is counted in the vault
        (WrongPin, LockedOut). Without it no PIN is asked: only for code running in
        this process as the service account (tests, benchmarks), which holds the vault's
        key anyway; the log says which (`pin_checked`). A lockout refuses either way."""
        vault = open_vault(home)
        try:
            vault.store.for_one_person()  # a small page cache: one host, many sessions
            # Who is at the host, as far as it can tell (vault/attribution.py).
            host = at_the_host()
            staff, role = _checked_door(vault, staff_name, host, pin_asked=pin is not None)
            session = cls(vault, staff_name, role)
            started: dict[str, Any] = {"policy_hash": vault.sealed_policy.hash, **host}
            if pin is None:
                session._door.log(LogAction.SESSION_STARTED, pin_checked=False, **started)
            else:
                PinCheck(session._door, staff.name).check(
                    pin, LogAction.SESSION_STARTED, pin_checked=True, **started
                )
            return session
        except BaseException:
            vault.close()
            raise

    @classmethod
    def may_start(
        cls, staff_name: str, home: str | os.PathLike[str] | VaultPaths | None = None
    ) -> str | None:
        """Everything but the PIN, before the terminal is taken over, so that a refusal
        (logged) is a plain sentence: the vault's log and policy, the account, a PIN set,
        no lockout. Nothing of a record is read. Returns the insecure keyring warning."""
        with Door(open_vault(home), staff_name, "-") as door:
            _checked_door(door.vault, staff_name, at_the_host(), pin_asked=True)
            return door.insecure_keyring_warning

    # who is at the door

    @property
    def staff_name(self) -> str:
        return self._door.staff_name

    @property
    def role(self) -> RoleSpec:
        return self._door.role

    @property
    def policy(self) -> Policy:
        return self._door.policy

    @property
    def insecure_keyring_warning(self) -> str | None:
        return self._door.insecure_keyring_warning

    def may(self, permission: Permission) -> bool:
        return self._door.may(permission)

    def policy_review_overdue(self, today: date | None = None) -> date | None:
        """The date the policy's own review was due, if that has passed and this person
        is a lead (who decides sharing or disposal); None otherwise, and where the
        policy files carry no review dates."""
        review = self._door.policy.oversight.policy_review
        lead = self.may(Permission.APPROVE_SHARING) or self.may(Permission.APPROVE_DISPOSAL)
        if review is None or not lead or not review.overdue(today or date.today()):
            return None
        return review.next_review

    # the session's life

    @property
    def locked(self) -> bool:
        return self._door.locked

    @property
    def ended(self) -> bool:
        return self._door.ended

    @property
    def tries_left(self) -> int | None:
        """Wrong PINs still allowed before a lockout, after a wrong one at the lock."""
        return self._tries_left

    def forget(self) -> None:
        """Nothing of a record stays in memory: the search index and what was revealed.
        (The other parts keep nothing between calls.)"""
        self.records.forget()
        self._scope.forget()

    def close(self, why: str = "closed") -> None:
        """End the session: reveals forgotten, the end logged where it still can be."""
        self.forget()
        if not self._door.ended:
            self._door.ended = True
            try:
                self._door.log(LogAction.SESSION_ENDED, why=why)
            finally:
                self._door.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # the lock (section 11, Clear desk)

    def lock(self, why: str = "asked") -> None:
        if self._door.ended:
            raise AccessRefused("This session has ended.")
        # Nothing of a record stays in memory behind the lock.
        self.forget()
        self._door.locked = True
        self._door.log(LogAction.LOCKED, why=why)

    def unlock(self, pin: str) -> bool:
        """True if the PIN is right. Wrong ones count in the vault, as at the start:
        at the policy's `max_pin_failures` the session ends and LockedOut is raised."""
        if self._door.ended:
            raise AccessRefused("This session has ended.")
        staff = self._door.vault.store.staff(self.staff_name)
        if staff is None or staff.disabled:
            # Disabled while locked: the account may no longer come back in.
            self.close(why="account disabled while locked")
            raise AccessRefused(f"The staff account {self.staff_name!r} is disabled.")
        try:
            PinCheck(self._door, self.staff_name).check(pin, LogAction.UNLOCKED)
        except WrongPin as wrong:
            self._tries_left = wrong.left
            return False
        except LockedOut:
            self.close(why="locked out after wrong PINs")
            raise
        self._tries_left = None
        self._door.locked = False  # only once the unlock is on record
        return True
