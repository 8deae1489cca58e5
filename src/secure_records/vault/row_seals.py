"""Row seals: a MAC on every row that says who may see or do what.

Each row's seal binds the vault, the table, the row's identity and every column that
matters, under a key derived (its own label) from the root the key-encryption key
wraps: someone who can write the vault's files but not reach the keyring cannot make
a seal that matches a row they wrote or changed, or move a row to another identity.

A record's own row also binds its history: a digest of the seals of everything that
hangs off it (notes and consent entries, assignments, sharing decisions, telephone
requests, its restriction and grants, a legal hold), so that a deleted, replayed or
added child row no longer adds up. The ledger binds each table's total (a sum of its
seals) to the log's head, so that a whole row replayed from an older copy of the vault
is caught unless the log is rolled back with it: a rollback of the whole vault is
caught only by an offline checkpoint of the log.

Nothing here touches a database: the store hands rows in as mappings of column name
to value, exactly as it reads them back.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol

from secure_records.core.errors import IntegrityError
from secure_records.core.text import printable

ROW_SEAL_LABEL = "secure-records row seal v1"
LEDGER_META = "row_ledger"
VERIFY_COMMAND = "secure-records vault verify"
SEAL_COMMAND = "secure-records vault seal"
SEAL_SIZE = 32
MODULUS = 1 << (8 * SEAL_SIZE)


class Columns(Protocol):
    """A row read by column name: a database row, or a mapping made to insert one."""

    def __getitem__(self, column: str, /) -> Any: ...


@dataclass(frozen=True)
class TableSpec:
    """One sealed table: the columns that name a row, the columns its seal covers,
    and the column naming the record it belongs to (None: it stands alone)."""

    name: str
    identity: tuple[str, ...]
    columns: tuple[str, ...]
    parent: str | None = None
    # The column naming the staff member whose caseload this row's seal is summed into.
    caseload_of: str | None = None
    # Columns a later migration added, each with the value every row then took: framed
    # after the others, and only once any of them differs from it, so that a row sealed
    # before they existed keeps its seal while a change to any of them breaks it.
    later: tuple[tuple[str, object], ...] = ()

    def later_parts(self, row: Columns) -> list[object]:
        """The later columns to frame: none while every one is still as first added."""
        values = [row[column] for column, _ in self.later]
        as_added = all(
            value is None if first is None else (type(value) is type(first) and value == first)
            for value, (_, first) in zip(values, self.later, strict=True)
        )
        return [] if as_added else values

    @property
    def framed(self) -> tuple[str, ...]:
        """Every column a seal covers, in the order it covers them."""
        return self.identity + self.columns

    @property
    def stands_alone(self) -> bool:
        """Rows that no record's history holds carry the log entry they were sealed
        after (`sealed_at`), for `vault verify` to compare with the log."""
        return "sealed_at" in self.columns

    def label(self, row: Columns) -> str:
        """The row as a person reads it in a message: its identity, never its contents."""
        # What the file holds may be anything: never a terminal control in a message.
        return printable(" ".join(str(row[column]) for column in self.identity))


# Every column of every table that decides anything. Left out on purpose: a record's
# wrapped key (`key rotate` re-wraps it; the key-encryption key's own AEAD binds it)
# and nothing else.
TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec(
            "staff",
            ("name",),
            ("role", "disabled", "pin_hash", "created_at", "caseload", "sealed_at"),
            # wrong PINs and a lockout (migration 3): a count reset by hand is refused
            later=(("pin_failures", 0), ("locked_until", None)),
        ),
        TableSpec(
            "records",
            ("id",),
            ("key_id", "key_version", "match_index", "created_at", "sealed_fields", "history"),
        ),
        TableSpec("record_entries", ("record_id", "kind", "seq"), ("sealed",), "record_id"),
        TableSpec("assignments", ("record_id", "staff"), (), "record_id", caseload_of="staff"),
        TableSpec(
            "sharing_decisions",
            ("id",),
            ("record_id", "status", "decided_by", "created_at", "sealed"),
            "record_id",
        ),
        TableSpec(
            "phone_requests",
            ("id",),
            ("record_id", "status", "taken_by", "created_at", "sealed", "sealed_at"),
            "record_id",
        ),
        TableSpec("legal_holds", ("record_id",), ("set_by", "set_at", "sealed"), "record_id"),
        TableSpec("restrictions", ("record_id",), ("set_by", "set_at"), "record_id"),
        TableSpec(
            "grants", ("record_id", "staff"), ("until", "granted_by", "granted_at"), "record_id"
        ),
        TableSpec(
            "disposals",
            ("id",),
            (
                "record_id",
                "category",
                "rule",
                "due",
                "status",
                "proposed_by",
                "proposed_at",
                "approved_by",
                "approved_at",
                "executed_by",
                "executed_at",
                "key_id",
                "method",
                "log_seq",
                "sealed_at",
            ),
            # the next review date of a record kept at review (migration 5)
            later=(("keep_until", None),),
        ),
    )
}
CHILD_TABLES: tuple[TableSpec, ...] = tuple(s for s in TABLES.values() if s.parent)


def stored_order(spec: TableSpec) -> tuple[str, ...]:
    """The columns `RowSeals.unmatched` reads a row in: those framed, those a later
    migration added, then the seal."""
    return (*spec.framed, *(column for column, _ in spec.later), "seal")


class SealBroken(IntegrityError):
    """A sealed row that does not match its seal, or a record whose history does not
    add up: `table` and `row` name it (never what it holds). `unsealed`: the row has
    no seal at all, which only a vault from before rows were sealed may have."""

    def __init__(self, table: str, row: str, message: str, *, unsealed: bool = False) -> None:
        self.table = table
        self.row = row
        self.unsealed = unsealed
        super().__init__(message)


AFTER = f"so nothing was done with it (run '{VERIFY_COMMAND}', then restore from a backup)."


def broken(table: str, row: str, what: str = "does not match its seal") -> SealBroken:
    return SealBroken(
        table,
        row,
        f"The vault's {table} row {row} {what}: it was changed outside secure-records, {AFTER}",
    )


def table_broken(table: str) -> SealBroken:
    return SealBroken(
        table,
        "(the table as a whole)",
        f"The vault's {table} table does not add up to its ledger: a row was removed, or "
        f"replayed from an older copy, outside secure-records, {AFTER}",
    )


def unsealed(table: str, row: str) -> SealBroken:
    return SealBroken(
        table,
        row,
        f"The vault's {table} row {row} has no seal (it was written before rows were "
        f"sealed), so nothing was done with it: check the vault with '{VERIFY_COMMAND}', "
        f"then run '{SEAL_COMMAND}' once.",
        unsealed=True,
    )


_HEAD = struct.Struct(">cQ").pack  # a value's type letter and its length
_NONE = b"N\0\0\0\0\0\0\0\0"


def _frame(parts: Iterable[object]) -> bytes:
    # Each value typed and length-prefixed: no two different rows frame alike
    # (1 and "1", None and "", a byte moved between columns). Parts joined once, never
    # copied piecemeal: a record's sealed fields run to kilobytes, and every read frames.
    # `vault verify` frames every row of the vault, so the exact types a database hands
    # back are tried first; anything else takes the general path, to the same bytes.
    out: list[bytes] = []
    append = out.append
    for value in parts:
        if type(value) is str:
            raw = value.encode()
            append(_HEAD(b"S", len(raw)))
        elif type(value) is bytes:
            raw = value
            append(_HEAD(b"B", len(raw)))
        elif value is None:
            append(_NONE)
            continue
        elif type(value) is int:
            raw = str(value).encode()
            append(_HEAD(b"I", len(raw)))
        else:
            append(_framed_other(value))
            continue
        append(raw)
    return b"".join(out)


def _framed_other(value: object) -> bytes:
    """A value of a subclass or another bytes-like type, framed as its base type."""
    if isinstance(value, str):
        raw, letter = value.encode(), b"S"
    elif isinstance(value, bytes | bytearray | memoryview):
        raw, letter = bytes(value), b"B"
    elif isinstance(value, bool | int):
        raw, letter = str(int(value)).encode(), b"I"
    else:
        raise TypeError(f"cannot seal a {type(value).__name__}")
    return _HEAD(letter, len(raw)) + raw


_NAMES = {name: _frame((name,)) for name in TABLES}  # framed as a record's history frames them


class _TableMac:
    """HMAC-SHA256 (RFC 2104) under the row seal key, with the key's pads and the
    vault and table hashed once: each row then costs two copies of a hash state and
    its own bytes (measured faster than `hmac.digest`, which keys OpenSSL per call)."""

    def __init__(self, key: bytes, prefix: bytes) -> None:
        if len(key) > 64:
            key = hashlib.sha256(key).digest()
        block = key.ljust(64, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
        self._inner.update(prefix)
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))

    def __call__(self, framed: bytes) -> bytes:
        inner = self._inner.copy()
        inner.update(framed)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()


@dataclass
class Ledger:
    """Each sealed table's total (its seals summed, modulo 2**256), bound to the log head
    it was written at; `rows_sealed` once every row is (from `init`, or `vault seal`):
    from then on a row without a seal was put in by hand."""

    totals: dict[str, int]
    head_seq: int
    head_mac: bytes
    rows_sealed: bool = False

    def copy(self) -> Ledger:
        return Ledger(dict(self.totals), self.head_seq, self.head_mac, self.rows_sealed)

    def add(self, table: str, old: bytes | None, new: bytes | None) -> None:
        total = self.totals.get(table, 0)
        if old is not None:
            total -= int.from_bytes(old, "big")
        if new is not None:
            total += int.from_bytes(new, "big")
        self.totals[table] = total % MODULUS


def total(seals: Iterable[bytes]) -> int:
    return sum(map(_as_int, seals)) % MODULUS


_as_int = partial(int.from_bytes, byteorder="big")


def as_total(stored: bytes | None) -> int:
    return 0 if stored is None else int.from_bytes(stored, "big")


def as_stored(value: int) -> bytes:
    return (value % MODULUS).to_bytes(SEAL_SIZE, "big")


class RowSeals:
    """Makes and checks row seals for one vault."""

    def __init__(self, vault_id: str, key: bytes) -> None:
        self._vault_id = vault_id
        self._key = key
        # Keyed once per table with the vault and table framed in: each row then costs
        # its own bytes (`vault verify` checks every row of the vault at once).
        self._per_table = {name: _TableMac(key, _frame((vault_id, name))) for name in TABLES}

    def mac(self, spec: TableSpec, row: Columns) -> bytes:
        return self._per_table[spec.name](
            _frame([*(row[c] for c in spec.framed), *spec.later_parts(row)])
        )

    def unmatched(self, spec: TableSpec, rows: Sequence[Sequence[Any]]) -> list[int]:
        """The places in `rows` of those that do not match their seal: each row holds
        the columns of `stored_order(spec)`, its seal last and not None. Every row's
        seal is compared with its own MAC, as `check` does, in one pass."""
        if spec.later:
            order = stored_order(spec)
            macs = [self.mac(spec, dict(zip(order, row, strict=True))) for row in rows]
        else:
            framed, table_mac = len(spec.framed), self._per_table[spec.name]
            macs = [table_mac(_frame(row[:framed])) for row in rows]
        stored = [row[-1] for row in rows]
        try:
            if all(map(hmac.compare_digest, stored, macs)):
                return []
        except TypeError:  # a seal that is not bytes: found one by one below
            pass
        return [
            place
            for place, (seal, mac) in enumerate(zip(stored, macs, strict=True))
            if not (isinstance(seal, bytes) and hmac.compare_digest(seal, mac))
        ]

    def check(self, spec: TableSpec, row: Columns) -> bytes:
        """The row's seal, once it matches; SealBroken naming the row if not."""
        stored = row["seal"]
        if stored is None:
            raise unsealed(spec.name, spec.label(row))
        if not isinstance(stored, bytes) or not hmac.compare_digest(stored, self.mac(spec, row)):
            raise broken(spec.name, spec.label(row))
        return stored

    @staticmethod
    def history(children: Iterable[tuple[str, bytes]]) -> bytes:
        """A record's history: every child row's table and seal, in a fixed order."""
        pairs = sorted(children)
        try:  # `vault verify` makes every record's: each table's name framed once
            framed = b"".join([_NAMES[t] + _HEAD(b"B", len(s)) + s for t, s in pairs])
        except (KeyError, TypeError):  # a seal that is not bytes: the general framing
            framed = _frame(p for pair in pairs for p in pair)
        return hashlib.sha256(framed).digest()

    # the ledger

    def _ledger_mac(self, ledger: Ledger) -> str:
        body = sorted(ledger.totals.items())
        parts: list[object] = [self._vault_id, "ledger", ledger.head_seq, ledger.head_mac]
        parts.append(ledger.rows_sealed)
        parts += [p for name, value in body for p in (name, value.to_bytes(SEAL_SIZE, "big"))]
        return hmac.new(self._key, _frame(parts), "sha256").hexdigest()

    def dump_ledger(self, ledger: Ledger) -> str:
        return json.dumps(
            {
                "totals": {name: f"{value:064x}" for name, value in sorted(ledger.totals.items())},
                "head_seq": ledger.head_seq,
                "head_mac": ledger.head_mac.hex(),
                "rows_sealed": ledger.rows_sealed,
                "mac": self._ledger_mac(ledger),
            }
        )

    def load_ledger(self, text: str) -> Ledger:
        """The ledger as stored, once its own seal matches; SealBroken if not."""
        try:
            raw = json.loads(text)
            ledger = Ledger(
                {str(k): int(v, 16) for k, v in raw["totals"].items()},
                int(raw["head_seq"]),
                bytes.fromhex(raw["head_mac"]),
                raw["rows_sealed"] is True,
            )
            good = hmac.compare_digest(str(raw["mac"]), self._ledger_mac(ledger))
        except (ValueError, KeyError, TypeError, AttributeError):
            good = False
        if not good:
            raise broken("meta", LEDGER_META)
        return ledger
