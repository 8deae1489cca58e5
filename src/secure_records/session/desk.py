"""What the parts of Session (telephone, retention, oversight) need of Session.

Each part is a mixin over this class; Session itself, and the parts before this one
in its method order, define every method here, so these bodies never run. They are
here once, so that each part type-checks on its own.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from secure_records.core.access import RecordView
from secure_records.core.permissions import Permission
from secure_records.core.policy import Policy, RoleSpec
from secure_records.vault.vault import Vault


class Desk:
    _vault: Vault
    staff_name: str
    role: RoleSpec

    @property
    def policy(self) -> Policy:
        raise NotImplementedError

    def may(self, action: Permission) -> bool:
        raise NotImplementedError

    def _check_usable(self) -> None:
        raise NotImplementedError

    def _checked_in_scope(self, record_id: str) -> None:
        raise NotImplementedError

    def _view(self, record_id: str) -> RecordView:
        raise NotImplementedError

    def _exact_ids(self, name: str, date_of_birth: str) -> list[str]:
        raise NotImplementedError

    def _hidden_ids(self) -> set[str]:
        raise NotImplementedError

    def expired_packages(self, now: float | None = None) -> list[str]:
        raise NotImplementedError

    def _recorded(
        self,
        action: str,
        record_id: str | None = None,
        personal: dict[str, Any] | None = None,
        **details: Any,
    ) -> AbstractContextManager[int]:
        raise NotImplementedError

    def _log(
        self,
        action: str,
        record_id: str | None = None,
        personal: dict[str, Any] | None = None,
        **details: Any,
    ) -> None:
        raise NotImplementedError
