"""Legal holds: a record kept from disposal, why sealed under the record's own key, so
the reason goes with the record when the hold is lifted and the record disposed of."""

from __future__ import annotations

from collections.abc import Callable

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from secure_records.core.errors import VaultError
from secure_records.vault.envelope import hold_ad, seal, unseal
from secure_records.vault.rows import HoldRow, RecordKeyRow
from secure_records.vault.store import Store


class LegalHolds:
    def __init__(self, store: Store, data_key: Callable[[RecordKeyRow], AESGCM]) -> None:
        self._store = store
        self._data_key = data_key

    def set(self, row: HoldRow, reason: str) -> None:
        """Call inside `recorded`; the reason sealed under the record's key."""
        key = self._store.record_key(row.record_id)
        if key is None:
            raise VaultError(f"There is no record {row.record_id}.")
        sealed = seal(self._data_key(key), reason.encode(), hold_ad(row.record_id, key.key_version))
        self._store.set_hold(row, sealed)

    def get(self, record_id: str) -> tuple[HoldRow, str] | None:
        found = self._store.hold(record_id)
        key = self._store.record_key(record_id)
        if found is None or key is None:
            return None
        row, sealed = found
        ad = hold_ad(record_id, key.key_version)
        reason = unseal(self._data_key(key), sealed, ad, f"the legal hold on {record_id}")
        return row, reason.decode()
