"""Concerns and suspected breaches, sealed under the vault's own concerns key.

They are the organisation's record of its own duty (policy section 11; UK GDPR Art.
33), not part of any one person's record: a concern outlives the record it names,
and disposal does not erase it. What was typed (what happened, the record reference
given, the outcome's reason) is sealed; the associated data binds every clear column,
so a kind, status, moment or outcome changed by hand fails to open. Every change
seals the row again. The log's personal parts about a concern, which belong to no
record, are sealed under the same key (vault/log.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from secure_records.core.errors import IntegrityError
from secure_records.vault.envelope import seal, unseal
from secure_records.vault.rows import ConcernRow
from secure_records.vault.store import Store

CONCERNS_KEY = "concerns"


@dataclass(frozen=True)
class ConcernDetails:
    """Sealed with a concern: the words typed about it."""

    what_happened: str
    record_reference: str = ""  # as typed, if any: never checked, so never an oracle
    outcome_reason: str = ""  # why (not) reported, or the action taken


def concern_ad(row: ConcernRow) -> bytes:
    parts = (
        row.id,
        row.kind,
        row.status,
        str(int(row.personal_data)),
        row.noticed,
        row.raised_by,
        row.raised_at,
        row.outcome or "-",
        row.decided_by or "-",
        row.decided_at or "-",
    )
    return ("concern|" + "|".join(parts)).encode()


class SealedConcerns:
    def __init__(self, store: Store, vault_key: Callable[[str, bool], AESGCM]) -> None:
        self._store = store
        self._vault_key = vault_key

    def _sealed(self, row: ConcernRow, details: ConcernDetails) -> bytes:
        aead = self._vault_key(CONCERNS_KEY, True)
        return seal(aead, json.dumps(asdict(details)).encode(), concern_ad(row))

    def add(self, row: ConcernRow, details: ConcernDetails) -> None:
        """Keep a concern as raised; call inside `recorded`."""
        self._store.add_concern(row, self._sealed(row, details))

    def replace(self, row: ConcernRow, details: ConcernDetails) -> None:
        """The concern as it now stands (its outcome recorded); call inside `recorded`."""
        self._store.replace_concern(row, self._sealed(row, details))

    def read(self, concern_id: str) -> tuple[ConcernRow, ConcernDetails] | None:
        found = self._store.concern(concern_id)
        if found is None:
            return None
        row, sealed = found
        aead = self._vault_key(CONCERNS_KEY, False)
        plain = unseal(aead, sealed, concern_ad(row), f"concern {row.id}")
        try:
            return row, ConcernDetails(**json.loads(plain))
        except (TypeError, ValueError):
            raise IntegrityError(f"concern {row.id} cannot be read") from None

    def listing(self) -> list[ConcernRow]:
        """Every concern, oldest raised first: kinds and moments only, nothing opened."""
        return self._store.concerns()
