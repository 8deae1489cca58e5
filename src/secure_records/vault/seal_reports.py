"""Rows refused for a broken seal, written to the log: at once when found by a read,
or once the write transaction that found one has rolled back (its own entry with it).
Best effort: the refusal stands whether or not the log can take the entry."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from secure_records.core.errors import SecureRecordsError
from secure_records.core.log_actions import LogAction
from secure_records.vault.row_seals import SealBroken
from secure_records.vault.store import Store

# Vault.recorded: (actor, role, action, record_id, details) -> the entry's transaction.
Recorded = Callable[..., AbstractContextManager[int]]


class SealReports:
    def __init__(self, store: Store, recorded: Recorded) -> None:
        self._store = store
        self._recorded = recorded
        # Whom an entry is logged against: the door, once it opens; its name before.
        self.reporter = ("-", "-")
        self._found: list[SealBroken] = []

    def found(self, exc: SealBroken) -> None:
        """A refusal on this vault's own connection: logged now, or after rollback."""
        self._found.append(exc)
        if not self._store.in_transaction:
            self.log()

    def queue(self, exc: SealBroken) -> None:
        """A refusal on another thread (the search reader): logged by the next entry."""
        self._found.append(exc)

    def log_pending(self) -> None:
        if self._found and not self._store.in_transaction:
            self.log()

    def log(self) -> None:
        found, self._found = self._found, []
        actor, role = self.reporter
        for table, row in dict.fromkeys((exc.table, exc.row) for exc in found):
            details: dict[str, Any] = {"table": table, "row": row}
            try:
                with (
                    self._store.reporting_seals(),
                    self._recorded(actor, role, LogAction.SEAL_BROKEN, None, details),
                ):
                    pass
            except SecureRecordsError:
                pass
