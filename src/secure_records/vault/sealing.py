"""Sealing a whole record for storage, and the stored form of its entries.

Kept apart from the opened Vault so that an import can seal records in a second
process (`vault.bulk`) with the same code and keys.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import date
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from secure_records.core.policy import FieldKind
from secure_records.core.records import (
    ConsentCapacity,
    ConsentEntry,
    Note,
    NoteKind,
    Record,
    normalise_name,
)
from secure_records.vault.envelope import (
    KEY_BYTES,
    NONCE_BYTES,
    PadHmac,
    entry_ad,
    field_ad,
    match_index,
    pack_sealed,
    wrap_ad,
)
from secure_records.vault.rows import NewRecordRows, RecordKeyRow

DATA_KEY_VERSION = 1
CONSENT_KIND, NOTES_KIND = FieldKind.CONSENT.value, FieldKind.NOTES.value

# Compact and reused: an import serialises hundreds of thousands of entries.
_to_json = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def note_json(note: Note) -> bytes:
    return _to_json(
        {
            "date": note.date.isoformat(),
            "author": note.author,
            "kind": note.kind.value,
            "text": note.text,
            "historical": note.historical,
        }
    ).encode()


def consent_json(entry: ConsentEntry) -> bytes:
    return _to_json(
        {
            "given_by": entry.given_by,
            "scope": entry.scope,
            "date": entry.date.isoformat(),
            "withdrawn": entry.withdrawn.isoformat() if entry.withdrawn else None,
            "capacity": entry.capacity.value if entry.capacity else None,
            "withdrawn_reason": entry.withdrawn_reason,
        }
    ).encode()


def note_from(raw: Mapping[str, Any]) -> Note:
    return Note(
        date.fromisoformat(raw["date"]),
        raw["author"],
        NoteKind(raw["kind"]),
        raw["text"],
        bool(raw["historical"]),
    )


def consent_from(raw: Mapping[str, Any]) -> ConsentEntry:
    # An entry sealed before capacity and a withdrawal's reason were asked has
    # neither: read as not recorded.
    withdrawn, capacity = raw.get("withdrawn"), raw.get("capacity")
    return ConsentEntry(
        raw["given_by"],
        raw["scope"],
        date.fromisoformat(raw["date"]),
        date.fromisoformat(withdrawn) if withdrawn else None,
        ConsentCapacity(capacity) if capacity else None,
        str(raw.get("withdrawn_reason") or ""),
    )


class RecordSealer:
    """Seals new records: a fresh data key each, wrapped by the KEK."""

    def __init__(self, vault_id: str, kek: bytes, kek_version: int, index_key: bytes) -> None:
        self.vault_id = vault_id
        self.kek_version = kek_version
        self._kek = AESGCM(kek)
        self._index = PadHmac(index_key)

    def match_index(self, name: str, date_of_birth: str) -> bytes:
        return match_index(self._index, normalise_name(name), date_of_birth)

    def seal(self, record: Record) -> NewRecordRows:
        """Every value of a record sealed under a fresh data key.

        This is the import's inner loop, so it is written flat: one draw from the OS
        for the key, its id and every nonce; each value still gets its own random
        96-bit nonce and associated data naming record, field or entry, and version.
        """
        rid, version = record.id, DATA_KEY_VERSION
        values, consent, notes = record.values, record.consent, record.notes
        count = 1 + len(values) + len(consent) + len(notes)
        randomness = os.urandom(KEY_BYTES + 8 + NONCE_BYTES * count)
        data_key, key_id = randomness[:KEY_BYTES], randomness[KEY_BYTES : KEY_BYTES + 8].hex()
        nonces = memoryview(randomness)[KEY_BYTES + 8 :]
        wrap_nonce = bytes(nonces[:NONCE_BYTES])
        wrapped = wrap_nonce + self._kek.encrypt(
            wrap_nonce, data_key, wrap_ad(self.vault_id, rid, key_id, self.kek_version)
        )
        encrypt = AESGCM(data_key).encrypt
        at = NONCE_BYTES
        sealed_fields = []
        for name, value in values.items():
            nonce = bytes(nonces[at : at + NONCE_BYTES])
            at += NONCE_BYTES
            sealed = encrypt(nonce, value.encode(), field_ad(rid, name, version))
            sealed_fields.append((name, nonce + sealed))
        plain_entries = [(CONSENT_KIND, s, consent_json(c)) for s, c in enumerate(consent)]
        plain_entries += [(NOTES_KIND, s, note_json(n)) for s, n in enumerate(notes)]
        entries: list[tuple[str, int, bytes]] = []
        for kind, seq, plain in plain_entries:
            nonce = bytes(nonces[at : at + NONCE_BYTES])
            at += NONCE_BYTES
            sealed = encrypt(nonce, plain, entry_ad(rid, kind, seq, version))
            entries.append((kind, seq, nonce + sealed))
        return NewRecordRows(
            RecordKeyRow(rid, key_id, version, wrapped),
            self.match_index(values["name"], values["date_of_birth"]),
            pack_sealed(sealed_fields),
            entries,
            sorted(record.assigned_to),
        )
