"""Telephone requests, sealed: under the record's key once matched to one (so disposal
erases them with it), else under the vault's own telephone key."""

from __future__ import annotations

from collections.abc import Callable

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from secure_records.core.errors import BadInput
from secure_records.core.phone_request_payload import PhoneRequestPayload
from secure_records.core.telephone import Status
from secure_records.vault.envelope import phone_request_ad, seal, unseal
from secure_records.vault.rows import PhoneRequestRow
from secure_records.vault.store import Store

TELEPHONE_KEY = "telephone"


class SealedPhoneRequests:
    def __init__(
        self,
        store: Store,
        record_key: Callable[[str], tuple[AESGCM, int]],
        own_key: Callable[[str, bool], AESGCM],
    ) -> None:
        self._store = store
        self._record_key = record_key
        self._own_key = own_key

    def _key(self, record_id: str | None, create: bool = False) -> tuple[AESGCM, int]:
        if record_id is not None:
            return self._record_key(record_id)
        return self._own_key(TELEPHONE_KEY, create), 0

    def _sealed(self, row: PhoneRequestRow, payload: PhoneRequestPayload) -> bytes:
        aead, version = self._key(row.record_id, create=True)
        return seal(aead, payload.to_json(), phone_request_ad(row.record_id, row.id, version))

    def add(self, row: PhoneRequestRow, payload: PhoneRequestPayload) -> None:
        """Keep a telephone request, sealed; call inside `recorded`."""
        self._store.add_phone_request(row, self._sealed(row, payload))

    def update(self, row: PhoneRequestRow, payload: PhoneRequestPayload, was: Status) -> None:
        """Its new status and what was added to it, only from status `was`; call
        inside `recorded`, which rolls back (log entry and all) if it had changed."""
        if not self._store.update_phone_request(
            row.id, row.status, self._sealed(row, payload), was
        ):
            raise BadInput(f"{row.id} was changed by someone else meanwhile; look again.")

    def read(self, request_id: str) -> tuple[PhoneRequestRow, PhoneRequestPayload] | None:
        found = self._store.phone_request(request_id)
        if found is None:
            return None
        row, sealed = found
        aead, version = self._key(row.record_id)
        what = f"phone request {row.id}"
        plain = unseal(aead, sealed, phone_request_ad(row.record_id, row.id, version), what)
        return row, PhoneRequestPayload.from_json(plain, what)
