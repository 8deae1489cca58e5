"""A record's fields corrected in place, and the history of what they said before.

The new value is sealed as every field is (its own nonce, associated data naming
record, field and key version) into the record's packed fields; the amendment (old
value, new value, who, when, why) is an entry of the record, sealed under the same
data key, so disposal, which destroys that key and every row of the record, erases
the history with it, and the record's row seal counts it like a note.
"""

from __future__ import annotations

from collections.abc import Callable

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from secure_records.core.amendments import Amendment
from secure_records.core.errors import BadInput, VaultError
from secure_records.vault.envelope import (
    entry_ad,
    field_ad,
    pack_sealed,
    seal,
    unpack_sealed,
    unseal,
)
from secure_records.vault.rows import RecordKeyRow
from secure_records.vault.store import Store

AMENDMENT_KIND = "amendment"
# The fields the exact-match index is made from: changing one changes the index.
MATCHED = ("name", "date_of_birth")


class FieldAmendments:
    def __init__(
        self,
        store: Store,
        data_key: Callable[[RecordKeyRow], AESGCM],
        match_index: Callable[[str, str], bytes],
    ) -> None:
        self._store = store
        self._data_key = data_key
        self._match_index = match_index

    def amend(
        self, record_id: str, field: str, value: str, by: str, at: str, reason: str
    ) -> Amendment:
        """`field` of the record now holds `value` ("" for none); the old value is kept.
        Call inside `recorded`: read and written in its transaction, so a correction
        made by someone else meanwhile is the old value this one keeps."""
        rows = self._store.record_rows(record_id, [])
        if rows is None:
            raise VaultError(f"There is no record {record_id}.")
        key, version = rows.key, rows.key.key_version
        aead = self._data_key(key)
        sealed = unpack_sealed(rows.sealed_fields, f"the fields of record {record_id}")

        def opened(name: str) -> str:
            if name not in sealed:
                return ""
            ad = field_ad(record_id, name, version)
            return unseal(aead, sealed[name], ad, f"{name} of {record_id}").decode()

        old = opened(field)
        if old == value:
            raise BadInput("That is what the record says already; nothing was changed.")
        if value:
            sealed[field] = seal(aead, value.encode(), field_ad(record_id, field, version))
        else:
            sealed.pop(field, None)  # no value, as an import leaves a field it was not given
        index = None
        if field in MATCHED:
            now = {name: opened(name) for name in MATCHED} | {field: value}
            index = self._match_index(now["name"], now["date_of_birth"])
        self._store.replace_fields(record_id, pack_sealed(sealed.items()), index)
        amendment = Amendment(field, old, value, by, at, reason)
        seq = self._store.next_entry_seq(record_id, AMENDMENT_KIND)
        ad = entry_ad(record_id, AMENDMENT_KIND, seq, version)
        self._store.add_entry(record_id, AMENDMENT_KIND, seq, seal(aead, amendment.to_json(), ad))
        return amendment

    def history(self, record_id: str) -> list[Amendment]:
        """Every amendment of the record, oldest first, whatever field it was of (for a
        subject access report; a screen shows only the fields its role sees)."""
        rows = self._store.record_rows(record_id, [AMENDMENT_KIND])
        if rows is None:
            return []
        aead, version = self._data_key(rows.key), rows.key.key_version
        found = []
        for entry in rows.entries:  # in the order they were made (by seq)
            what = f"{AMENDMENT_KIND} {entry.seq} of {record_id}"
            ad = entry_ad(record_id, entry.kind, entry.seq, version)
            found.append(Amendment.from_json(unseal(aead, entry.sealed, ad, what), what))
        return found
