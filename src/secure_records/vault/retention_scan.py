"""The retention queue's scan over every record, decrypting no more than it needs.

IT's queue needs two values of each record: its category, and the date its rule's
clock runs from. Decrypting every rule's date field of every record (as a listing
does) costs a 100,000-record vault seconds; here a record left out (restricted,
kept at review) is not even unwrapped, and only the category and then its own
rule's one date field are decrypted.
"""

from __future__ import annotations

import struct
from collections.abc import Container, Iterator, Mapping, Sequence

from secure_records.core.errors import IntegrityError
from secure_records.core.retention import CATEGORY_FIELD
from secure_records.vault.envelope import field_ad, unseal
from secure_records.vault.store import Store
from secure_records.vault.vault import Vault

HEADER = struct.Struct(">BI")  # a field's name length and sealed length (pack_sealed)


def _sealed(blob: bytes, wanted: Container[bytes], rid: str) -> dict[bytes, bytes]:
    """The sealed values of the `wanted` fields (names as bytes), the others stepped
    over unread: envelope.unpack_sealed, without copying every field."""
    found: dict[bytes, bytes] = {}
    offset, end = 0, len(blob)
    try:
        while offset < end:
            name_len, sealed_len = HEADER.unpack_from(blob, offset)
            start = offset + HEADER.size + name_len
            offset = start + sealed_len
            if offset > end:
                raise ValueError
            name = blob[start - name_len : start]
            if name in wanted:
                found[name] = blob[start:offset]
    except (struct.error, ValueError):
        raise IntegrityError(f"the fields of record {rid} are damaged and cannot be read") from None
    return found


def rule_dates(
    vault: Vault,
    skip: Container[str],
    starts_of: Mapping[str, str],
    record_ids: Sequence[str] | None = None,
    store: Store | None = None,
) -> Iterator[tuple[str, str, str]]:
    """(record, category, start date) of each record (of `record_ids`, or every one)
    not in `skip` whose category has a rule (`starts_of`: category -> the date field
    its rule runs from) and whose date is set. The store checks each row's seal as it is
    read, through `store` if given (a one-pass reader for a scan of every record)."""
    wanted = {CATEGORY_FIELD.encode(), *(f.encode() for f in starts_of.values())}
    for key, packed in (store or vault.store).listing_rows(record_ids):
        rid, version = key.record_id, key.key_version
        if rid in skip:
            continue
        sealed = _sealed(packed, wanted, rid)
        category_sealed = sealed.get(CATEGORY_FIELD.encode())
        if category_sealed is None:
            continue
        aead = vault.data_key(key)
        ad = field_ad(rid, CATEGORY_FIELD, version)
        category = unseal(aead, category_sealed, ad, f"category of {rid}").decode()
        starts = starts_of.get(category)
        start_sealed = None if starts is None else sealed.get(starts.encode())
        if starts is None or start_sealed is None:
            continue
        start = unseal(aead, start_sealed, field_ad(rid, starts, version), f"{starts} of {rid}")
        if start:
            yield rid, category, start.decode()
