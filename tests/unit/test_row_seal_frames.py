"""`vault verify`'s fast row check is the seal check every read makes, byte for byte.

The framing takes exact database types first, the MAC hashes the key's pads and the
table once, and seals are compared a batch at a time: none of that may change which
rows pass. Each is held here to the plain definition it replaces.
"""

from __future__ import annotations

import hashlib
import hmac

from hypothesis import given
from hypothesis import strategies as st

from secure_records.vault.row_seals import TABLES, RowSeals, _frame, stored_order


def viewed(data: bytes) -> memoryview:
    return memoryview(data)


VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.text(max_size=40),
    st.binary(max_size=80),
    st.binary(max_size=20).map(bytearray),
    st.binary(max_size=20).map(viewed),
)


def defined(values: list[object]) -> bytes:
    """The framing as first written: a type letter, an 8-byte length, the bytes."""
    framed = b""
    for value in values:
        if value is None:
            framed += b"N" + bytes(8)
            continue
        if isinstance(value, str):
            letter, raw = b"S", value.encode()
        elif isinstance(value, bytes | bytearray | memoryview):
            letter, raw = b"B", bytes(value)
        else:
            letter, raw = b"I", str(int(value)).encode()  # type: ignore[call-overload]
        framed += letter + len(raw).to_bytes(8, "big") + raw
    return framed


@given(st.lists(VALUES, max_size=8))
def test_the_fast_framing_is_the_framing(values: list[object]) -> None:
    assert _frame(values) == defined(values)


KEY = bytes(range(32))
SEALS = RowSeals("vault-1", KEY)
ENTRIES = TABLES["record_entries"]


def entry(seq: int, sealed: bytes = b"ciphertext") -> dict[str, object]:
    return {"record_id": "R-0001", "kind": "note", "seq": seq, "sealed": sealed}


@given(st.integers(min_value=0, max_value=2**40), st.binary(max_size=300))
def test_a_row_seal_is_hmac_sha256_over_the_vault_the_table_and_the_row(
    seq: int, sealed: bytes
) -> None:
    row = entry(seq, sealed)
    message = _frame(("vault-1", "record_entries")) + defined([*row.values()])
    assert SEALS.mac(ENTRIES, row) == hmac.new(KEY, message, hashlib.sha256).digest()


def as_stored(row: dict[str, object], seal: object) -> tuple[object, ...]:
    return (*(row[column] for column in stored_order(ENTRIES)[:-1]), seal)


def test_seals_checked_a_batch_at_a_time_name_exactly_the_rows_that_do_not_match() -> None:
    rows = [entry(seq) for seq in range(8)]
    good = [SEALS.mac(ENTRIES, row) for row in rows]
    assert (
        SEALS.unmatched(ENTRIES, [as_stored(r, s) for r, s in zip(rows, good, strict=True)]) == []
    )
    seals: list[object] = list(good)
    seals[1] = good[1][:-1] + bytes([good[1][-1] ^ 1])  # one bit
    # Two seals cut at another place: together the same bytes as the good pair, so a
    # comparison of the batch joined up would pass them; each on its own does not.
    seals[3], seals[4] = good[3][:-1], good[3][-1:] + good[4]
    seals[5] = good[5].hex()  # text, not bytes
    seals[6] = 7
    batch = [as_stored(r, s) for r, s in zip(rows, seals, strict=True)]
    assert SEALS.unmatched(ENTRIES, batch) == [1, 3, 4, 5, 6]


CHILD = st.tuples(st.sampled_from(["record_entries", "assignments", "grants"]), st.binary())
# One more child, its seal of any type, or in a table no spec names: framed the
# general way, to the same bytes.
ODD = st.tuples(
    st.sampled_from(["legal_holds", "no_such_table"]),
    st.one_of(st.binary(), st.text(), st.none(), st.integers()),
)


@given(st.lists(CHILD, max_size=6), st.lists(ODD, max_size=1))
def test_a_history_is_the_digest_of_its_children_framed(
    children: list[tuple[str, bytes]], odd: list[tuple[str, object]]
) -> None:
    pairs: list[tuple[str, object]] = [*children, *odd]
    framed = defined([p for pair in sorted(pairs) for p in pair])
    expected = hashlib.sha256(framed).digest()
    assert RowSeals.history(pairs) == expected  # type: ignore[arg-type]
