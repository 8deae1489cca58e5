"""The register of subject access requests, sealed where it names a person.

How the person's identity was checked and why the time was extended are sealed
under the record's data key, so disposal (which destroys the key and deletes the
record's rows) erases them too. The associated data binds every clear column: a
date, a status or a report moved by hand, or a row moved to another record, fails to
open. Every change seals the row again.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from secure_records.core.errors import IntegrityError, VaultError
from secure_records.vault.envelope import seal, unseal
from secure_records.vault.rows import AccessRequestRow, RecordKeyRow
from secure_records.vault.store import Store


@dataclass(frozen=True)
class AccessRequestDetails:
    """Sealed with a request: the words typed about it."""

    identity_check: str  # how the person's identity was checked
    extension_reason: str = ""


def request_ad(row: AccessRequestRow, key_version: int) -> bytes:
    parts = (
        row.id,
        row.record_id,
        row.status,
        row.received,
        row.due,
        str(row.extension_months),
        row.logged_by,
        row.logged_at,
        row.report_id or "-",
        row.answered_at or "-",
    )
    return ("access_request|" + "|".join(parts) + f"|v{key_version}").encode()


class SealedAccessRequests:
    def __init__(self, store: Store, data_key: Callable[[RecordKeyRow], AESGCM]) -> None:
        self._store = store
        self._data_key = data_key

    def _key(self, record_id: str) -> tuple[AESGCM, int]:
        key = self._store.record_key(record_id)
        if key is None:
            raise VaultError(f"There is no record {record_id}.")
        return self._data_key(key), key.key_version

    def _sealed(self, row: AccessRequestRow, details: AccessRequestDetails) -> bytes:
        aead, version = self._key(row.record_id)
        return seal(aead, json.dumps(asdict(details)).encode(), request_ad(row, version))

    def add(self, row: AccessRequestRow, details: AccessRequestDetails) -> None:
        """Enter a request in the register; call inside `recorded`."""
        self._store.add_access_request(row, self._sealed(row, details))

    def replace(self, row: AccessRequestRow, details: AccessRequestDetails) -> None:
        """The request as it now stands (extended, answered); call inside `recorded`."""
        self._store.replace_access_request(row, self._sealed(row, details))

    def read(self, request_id: str) -> tuple[AccessRequestRow, AccessRequestDetails] | None:
        found = self._store.access_request(request_id)
        if found is None:
            return None
        row, sealed = found
        aead, version = self._key(row.record_id)
        plain = unseal(aead, sealed, request_ad(row, version), f"access request {row.id}")
        try:
            return row, AccessRequestDetails(**json.loads(plain))
        except (TypeError, ValueError):
            raise IntegrityError(f"access request {row.id} cannot be read") from None

    def listing(self) -> list[AccessRequestRow]:
        """Every request, oldest received first: dates only, nothing opened."""
        return self._store.access_requests()
