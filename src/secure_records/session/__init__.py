"""The one door: a named staff member's session over the vault, in parts.

`Session` (session.py) is who is at the door and the session's life; its parts
(records, amendments, sharing, telephone, retention, oversight) each live in their own module.
"""

from secure_records.session.amendments import AmendmentLine
from secure_records.session.pin_check import LockedOut, WrongPin
from secure_records.session.records import IndexMatch, SharedBefore
from secure_records.session.session import Session
from secure_records.session.sharing import QueueItem, SharingOutcome, disclosure_text

__all__ = [
    "AmendmentLine",
    "IndexMatch",
    "LockedOut",
    "QueueItem",
    "Session",
    "SharedBefore",
    "SharingOutcome",
    "WrongPin",
    "disclosure_text",
]
