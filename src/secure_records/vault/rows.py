"""What the store hands back and takes: one typed row per table, fields named as its
columns, so that a row is read by name and never by position.

Statuses are the enums of `core.statuses` and `core.telephone` (stored as the same
words they always were); a backend turns what it reads back into them with
`stored_status`, so a word no version ever wrote is refused, not passed upwards.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple, TypeVar

from secure_records.core.access_requests import AccessRequestStatus
from secure_records.core.concerns import ConcernKind, ConcernStatus, Outcome
from secure_records.core.errors import IntegrityError
from secure_records.core.outputs import OutputKind
from secure_records.core.statuses import DisposalStatus, SharingStatus
from secure_records.core.telephone import Status

S = TypeVar("S", bound=StrEnum)


def stored_status(kind: type[S], value: object, what: str) -> S:
    """A status as read back from the store; IntegrityError naming `what` (never the
    word found) if it is not one of `kind`'s."""
    if isinstance(value, str):
        try:
            return kind(value)
        except ValueError:
            pass
    raise IntegrityError(
        f"{what} has a status this version never writes: the vault file was altered, or "
        "written by a newer version"
    )


@dataclass(frozen=True)
class StaffRow:
    name: str
    role: str
    disabled: bool
    pin_hash: str | None
    created_at: str
    # Wrong PINs since the last right one, and the end of a lockout (UTC, ISO) if any.
    pin_failures: int = 0
    locked_until: str | None = None
    # Their assignments' seals summed (sealed with the row): changes whenever their
    # caseload does, so it tells a session cheaply whether it has.
    caseload: bytes | None = None


@dataclass(frozen=True)
class LogHead:
    """The log's sealed head: entries committed, bytes committed, last MAC, and an
    HMAC over those three so the head itself cannot be edited."""

    seq: int
    size: int
    mac: bytes
    seal: bytes


@dataclass(frozen=True)
class DecisionRow:
    id: str
    record_id: str
    status: SharingStatus
    decided_by: str
    created_at: str


@dataclass(frozen=True)
class PhoneRequestRow:
    id: str
    record_id: str | None
    status: Status
    taken_by: str
    created_at: str


@dataclass(frozen=True)
class HoldRow:
    record_id: str
    set_by: str
    set_at: str


@dataclass(frozen=True)
class DisposalRow:
    id: str
    record_id: str
    category: str
    rule: str
    due: str
    status: DisposalStatus
    proposed_by: str
    proposed_at: str
    approved_by: str | None = None
    approved_at: str | None = None
    executed_by: str | None = None
    executed_at: str | None = None
    key_id: str | None = None
    method: str | None = None
    log_seq: int | None = None
    keep_until: str | None = None  # rejected: the record's next review (YYYY-MM-DD)


class Restriction(NamedTuple):
    set_by: str
    set_at: str


class Grant(NamedTuple):
    staff: str
    until: str
    granted_by: str


class RecordEntry(NamedTuple):
    """A note or consent entry, still sealed."""

    kind: str
    seq: int
    sealed: bytes


@dataclass(frozen=True)
class RecordKeyRow:
    record_id: str
    key_id: str
    key_version: int
    wrapped_key: bytes


@dataclass(frozen=True)
class RecordRows:
    """Everything stored for one record, still sealed."""

    key: RecordKeyRow
    sealed_fields: bytes  # packed: envelope.unpack_sealed
    entries: list[RecordEntry]
    assigned_to: frozenset[str]


@dataclass(frozen=True)
class NewRecordRows:
    key: RecordKeyRow
    match_index: bytes
    sealed_fields: bytes  # packed: envelope.pack_sealed
    entries: Sequence[tuple[str, int, bytes]]  # (kind, seq, sealed)
    assigned_to: Iterable[str]


@dataclass(frozen=True)
class OutputRow:
    """An output kept in the vault; its text is sealed beside it."""

    id: str
    kind: OutputKind
    record_id: str | None  # None: it concerns no one record (an access review)
    made_by: str
    made_at: str


@dataclass(frozen=True)
class ReleaseRow:
    """One release of an output; to whom and where are sealed beside it."""

    id: str
    output_id: str
    kind: OutputKind
    released_by: str
    released_at: str
    shredded_at: str | None = None


@dataclass(frozen=True)
class AccessRequestRow:
    """A subject access request in the register; how identity was checked, and why
    the time was extended, are sealed beside it under the record's data key."""

    id: str
    record_id: str
    status: AccessRequestStatus
    received: str  # ISO date
    due: str  # ISO date, after any extension
    extension_months: int
    logged_by: str
    logged_at: str
    report_id: str | None = None  # the subject access report that answered it
    answered_at: str | None = None


@dataclass(frozen=True)
class ConcernRow:
    """A concern or suspected breach; what was typed about it is sealed beside it
    under the vault's concerns key (it outlives any one record)."""

    id: str
    kind: ConcernKind
    status: ConcernStatus
    personal_data: bool  # whether personal data is involved, as the raiser said
    noticed: str  # ISO date
    raised_by: str
    raised_at: str  # ISO moment: the 72-hour clock runs from here
    outcome: Outcome | None = None
    decided_by: str | None = None
    decided_at: str | None = None


@dataclass(frozen=True)
class KekVersionRow:
    """One version of the key-encryption key: when it was made, when retired, and
    the key sealed under the recovery root (None: no recovery code yet, or retired)."""

    version: int
    created_at: str
    retired_at: str | None = None
    recovery: bytes | None = None


@dataclass(frozen=True)
class RecoveryLockRow:
    """The recovery root sealed under a key derived from the recovery code."""

    created_at: str
    kdf: str  # e.g. "scrypt:n=131072:r=8:p=1"
    salt: bytes
    wrapped_root: bytes


@dataclass(frozen=True)
class HostRow:
    """An app host that opened the vault: the key versions its keyring held then."""

    name: str
    versions: tuple[int, ...]
    first_seen: str
    last_seen: str
