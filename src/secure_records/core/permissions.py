"""What a role may do: the action names `roles.toml` grants.

A typo in a policy file must not silently grant or withhold something, and a typo
in the code must not either: every check names a `Permission`, so mypy catches a
misspelt one, and `policy check` refuses a name that is not here.
"""

from __future__ import annotations

from enum import StrEnum


class Permission(StrEnum):
    ADD_NOTE = "add_note"
    RECORD_CONSENT = "record_consent"
    SHARE = "share"
    APPROVE_SHARING = "approve_sharing"
    VERIFY_CALLS = "verify_calls"
    PROPOSE_DISPOSAL = "propose_disposal"
    APPROVE_DISPOSAL = "approve_disposal"
    DISPOSE = "dispose"
    SET_LEGAL_HOLD = "set_legal_hold"
    READ_LOG = "read_log"
    MANAGE_STAFF = "manage_staff"
    MANAGE_KEYS = "manage_keys"
    RESTRICT_RECORDS = "restrict_records"
    SUBJECT_ACCESS = "subject_access"
    # Correct a field seen in full, with a reason; the old value is kept (rectification).
    AMEND = "amend"
    # Triage concerns and suspected breaches; record whether a breach went to the ICO.
    TRIAGE_CONCERNS = "triage_concerns"
