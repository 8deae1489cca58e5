"""The door every part of a session goes through: who is at it, and may they.

A staff member's door onto the vault (the host has its own, `Administration`).
It holds what every part needs and nothing of any one part: the person, their
role, whether the session is still usable, and the one permission check.
"""

from __future__ import annotations

from secure_records.core.errors import AccessRefused
from secure_records.core.permissions import Permission
from secure_records.core.policy import RoleSpec
from secure_records.vault.door import Door
from secure_records.vault.vault import Vault


class StaffDoor(Door):
    def __init__(self, vault: Vault, staff_name: str, role: RoleSpec) -> None:
        super().__init__(vault, staff_name, role.name)
        self.role = role
        self.locked = False
        self.ended = False

    @property
    def staff_name(self) -> str:
        return self.actor

    def may(self, permission: Permission) -> bool:
        return self.role.may(permission)

    def check_usable(self) -> None:
        """Fail closed: a locked or ended session hands out nothing."""
        if self.ended:
            raise AccessRefused("This session has ended.")
        if self.locked:
            raise AccessRefused("The session is locked; unlock it with your PIN.")

    def require(self, *permissions: Permission, refused: str = "does not do that") -> None:
        """A usable session whose role holds any one of `permissions`; else the
        refusal, as `The <role> role <refused>.`"""
        self.check_usable()
        if not any(self.may(p) for p in permissions):
            raise AccessRefused(f"The {self.role.label} role {refused}.")
