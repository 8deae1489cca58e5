"""The one door: a named staff member's session over the vault.

Every screen goes through here. `Session` itself is who is at the door and the
session's life (open, lock, unlock, close); the work is in its parts, each over the
same door and each checking the role: `records`, `sharing`, `telephone`,
`retention` and `oversight`.
"""

from __future__ import annotations

import os

from secure_records.core.errors import AccessRefused, UnknownStaff, VaultError
from secure_records.core.log_actions import LogAction
from secure_records.core.permissions import Permission
from secure_records.core.policy import Policy, RoleSpec
from secure_records.session.door import StaffDoor
from secure_records.session.oversight import Oversight
from secure_records.session.records import Records
from secure_records.session.retention import Retention
from secure_records.session.scope import RecordScope
from secure_records.session.sharing import Sharing
from secure_records.session.telephone import Telephone
from secure_records.vault.attribution import at_the_host
from secure_records.vault.door import Door, open_vault
from secure_records.vault.home import VaultPaths
from secure_records.vault.pins import verify_pin
from secure_records.vault.store import StaffRow
from secure_records.vault.vault import Vault

# After this many wrong PINs in a row the session ends (section 11, Clear desk).
PIN_ATTEMPTS = 3


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


class Session:
    def __init__(self, vault: Vault, staff_name: str, role: RoleSpec) -> None:
        self._door = StaffDoor(vault, staff_name, role)
        self._pin_failures = 0
        # What every part that touches a record checks and masks by.
        self._scope = RecordScope(self._door)
        self.records = Records(self._door, self._scope)
        self.telephone = Telephone(self._door, self._scope)
        self.sharing = Sharing(self._door, self._scope, self.telephone)
        self.retention = Retention(self._door, self._scope)
        self.oversight = Oversight(self._door, self._scope)

    @classmethod
    def open(
        cls, staff_name: str, home: str | os.PathLike[str] | VaultPaths | None = None
    ) -> Session:
        """Start a session as `staff_name`; the start (or the refusal) is logged."""
        vault = open_vault(home)
        try:
            # Fail closed: no session on a log that is missing or damaged at its end.
            vault.log.check_tail()
            host = at_the_host()
            # Until the door opens: a broken seal found on the way in is logged as theirs.
            vault.reporter = (staff_name, "-")
            staff = vault.store.staff(staff_name)
            sealed = vault.sealed_policy
            role: RoleSpec | None = None
            refusal: Exception | None = VaultError(sealed.refusal) if sealed.refusal else None
            if refusal is None:
                role, refusal = _admitted(sealed.policy, staff_name, staff)
            if refusal is not None or role is None:
                refused = Door(vault, staff_name, staff.role if staff else "-")
                refused.log(LogAction.SESSION_REFUSED, why=str(refusal), **host)
                raise refusal or AccessRefused("Refused.")
            session = cls(vault, staff_name, role)
            session._door.log(LogAction.SESSION_STARTED, policy_hash=sealed.hash, **host)
            return session
        except BaseException:
            vault.close()
            raise

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

    # the session's life

    @property
    def locked(self) -> bool:
        return self._door.locked

    @property
    def ended(self) -> bool:
        return self._door.ended

    @property
    def pin_failures(self) -> int:
        return self._pin_failures

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
        """True if the PIN is right. After PIN_ATTEMPTS wrong ones the session ends."""
        if self._door.ended:
            raise AccessRefused("This session has ended.")
        staff = self._door.vault.store.staff(self.staff_name)
        if staff is None or staff.disabled:
            # Disabled while locked: the account may no longer come back in.
            self.close(why="account disabled while locked")
            raise AccessRefused(f"The staff account {self.staff_name!r} is disabled.")
        if staff.pin_hash and verify_pin(pin, staff.pin_hash):
            self._pin_failures = 0
            self._door.log(LogAction.UNLOCKED)
            self._door.locked = False  # only once the unlock is on record
            return True
        self._pin_failures += 1
        self._door.log(LogAction.PIN_FAILED, attempt=self._pin_failures)
        if self._pin_failures >= PIN_ATTEMPTS:
            self.close(why=f"{PIN_ATTEMPTS} wrong PINs")
        return False
