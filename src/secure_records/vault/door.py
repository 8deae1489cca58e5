"""A door onto an opened vault: who stands at it, the policy, and logged work.

A staff member's session and the host's administration are both doors; what they
share is here once: opening the vault, its policy, a transaction that holds an
action and its log entry together, and closing.
"""

from __future__ import annotations

import os
from contextlib import AbstractContextManager
from typing import Any, Self

from secure_records.core.log_actions import LogAction
from secure_records.core.policy import Policy
from secure_records.vault.home import VaultPaths, resolve_home
from secure_records.vault.hosts import register_host
from secure_records.vault.vault import Vault


def open_vault(home: str | os.PathLike[str] | VaultPaths | None = None) -> Vault:
    """The vault at `home` (a path, resolved paths, or the default home)."""
    vault = Vault.open(home if isinstance(home, VaultPaths) else resolve_home(home))
    register_host(vault)  # which key versions this host holds, for `key rotate --commit`
    return vault


class Door:
    """An opened vault, and the actor and role every entry written through it names."""

    def __init__(
        self, vault: Vault, actor: str, role: str, every_entry: dict[str, Any] | None = None
    ) -> None:
        self._vault = vault
        self.actor = actor
        self.role_name = role
        # Details every entry through this door carries (the host's: who is at it).
        self._every_entry = every_entry or {}
        vault.seal_reports.reporter = (actor, role)

    @property
    def vault(self) -> Vault:
        return self._vault

    @property
    def policy(self) -> Policy:
        return self._vault.policy

    @property
    def insecure_keyring_warning(self) -> str | None:
        return self._vault.insecure_keyring_warning

    def recorded(
        self,
        action: LogAction,
        record_id: str | None = None,
        personal: dict[str, Any] | None = None,
        **details: Any,
    ) -> AbstractContextManager[int]:
        """The body and its log entry, in one transaction: both happen, or neither."""
        details = {**details, **self._every_entry}
        return self._vault.recorded(
            self.actor, self.role_name, action, record_id, details, personal
        )

    def log(
        self,
        action: LogAction,
        record_id: str | None = None,
        personal: dict[str, Any] | None = None,
        **details: Any,
    ) -> None:
        """Write one entry now; raises (and so stops the action) if it cannot be written."""
        with self.recorded(action, record_id, personal, **details):
            pass

    def close(self) -> None:
        self._vault.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
