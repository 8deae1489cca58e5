"""A record's consent entries as they stand, and consent withdrawn in place.

Withdrawal changes the entry it ends (policy 8, 10(e)): the same row, sealed again
under the record's data key with the same associated data, so the record keeps one
entry per consent given, and its history of seals still adds up.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from secure_records.core.errors import VaultError
from secure_records.core.records import ConsentEntry
from secure_records.vault.envelope import entry_ad, seal, unseal
from secure_records.vault.rows import RecordKeyRow
from secure_records.vault.sealing import CONSENT_KIND, consent_from, consent_json
from secure_records.vault.store import Store


class ConsentEntries:
    def __init__(self, store: Store, data_key: Callable[[RecordKeyRow], AESGCM]) -> None:
        self._store = store
        self._data_key = data_key

    def entry(self, record_id: str, number: int) -> tuple[int, ConsentEntry] | None:
        """The `number`th consent entry (from 1, in the order the record shows them)
        and its place in the store; None if the record has no such entry."""
        rows = self._store.record_rows(record_id, [CONSENT_KIND])
        if rows is None:
            raise VaultError(f"There is no record {record_id}.")
        # Entries come in the order they were written, the order a record shows them.
        if not 1 <= number <= len(rows.entries):
            return None
        found = rows.entries[number - 1]
        ad = entry_ad(record_id, CONSENT_KIND, found.seq, rows.key.key_version)
        what = f"{CONSENT_KIND} {found.seq} of {record_id}"
        plain = unseal(self._data_key(rows.key), found.sealed, ad, what)
        return found.seq, consent_from(json.loads(plain))

    def replace(self, record_id: str, seq: int, entry: ConsentEntry) -> None:
        """The entry at `seq` as it now stands; call inside `recorded`."""
        key = self._store.record_key(record_id)
        if key is None:
            raise VaultError(f"There is no record {record_id}.")
        ad = entry_ad(record_id, CONSENT_KIND, seq, key.key_version)
        sealed = seal(self._data_key(key), consent_json(entry), ad)
        self._store.replace_entry(record_id, CONSENT_KIND, seq, sealed)
