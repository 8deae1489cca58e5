"""Every log action in the words the auditor reads ("Vault restored from a backup",
not "restored"): in the log screen's entries and its action filter, and wherever a
log entry names another action (a log read filtered by one). Every action has words
here, written on purpose: tests/unit/test_action_words.py fails for one that has
none, so a new action cannot reach the auditor as its identifier. Pure.
"""

from __future__ import annotations

from collections.abc import Mapping

from secure_records.core.log_actions import LogAction
from secure_records.core.words import in_words

ACTION_WORDS: Mapping[str, str] = {
    LogAction.SESSION_STARTED: "Session started",
    LogAction.SESSION_REFUSED: "Session refused",
    LogAction.SESSION_ENDED: "Session ended",
    LogAction.LOCKED: "Locked",
    LogAction.UNLOCKED: "Unlocked",
    LogAction.PIN_FAILED: "PIN failed",
    LogAction.RECORD_LIST_SHOWN: "Record list shown",
    LogAction.SEARCHED: "Searched",
    LogAction.INDEX_LOOKUP: "Index lookup",
    LogAction.RECORD_OPENED: "Record opened",
    LogAction.RECORD_REFUSED: "Record refused",
    LogAction.RESTRICTED_RECORD_REFUSED: "Restricted record refused",
    LogAction.FIELD_REVEALED: "Field revealed",
    LogAction.NOTE_ADDED: "Note added",
    LogAction.CONSENT_RECORDED: "Consent recorded",
    LogAction.SHARING_DECISION: "Sharing decision",
    LogAction.SHARING_QUEUE_VIEWED: "Sharing queue viewed",
    LogAction.SHARING_REVIEWED: "Sharing reviewed",
    LogAction.EXPIRED_PACKAGES_LISTED: "Expired packages listed",
    LogAction.PACKAGE_SHREDDED: "Package shredded",
    LogAction.PHONE_REQUEST_TAKEN: "Phone request taken",
    LogAction.CALLBACK_RECORDED: "Callback recorded",
    LogAction.PHONE_QUEUE_VIEWED: "Phone queue viewed",
    LogAction.PHONE_REQUEST_OPENED: "Phone request opened",
    LogAction.PHONE_REQUEST_CLOSED: "Phone request closed",
    LogAction.PHONE_REQUEST_ESCALATED: "Phone request escalated",
    LogAction.PHONE_REQUEST_FORWARDED: "Phone request forwarded",
    LogAction.RETENTION_QUEUE_VIEWED: "Retention queue viewed",
    LogAction.DISPOSAL_PROPOSED: "Disposal proposed",
    LogAction.DISPOSAL_REVIEWED: "Disposal reviewed",
    LogAction.DISPOSALS_PROPOSED: "Disposals proposed as a batch",
    LogAction.DISPOSALS_REVIEWED: "Disposals reviewed as a batch",
    LogAction.PHONE_REQUESTS_DISPOSED: "Old phone requests disposed of",
    LogAction.RECORD_DISPOSED: "Record disposed",
    LogAction.LEGAL_HOLD_SET: "Legal hold set",
    LogAction.LEGAL_HOLD_CLEARED: "Legal hold cleared",
    LogAction.RECORD_RESTRICTED: "Record restricted",
    LogAction.ACCESS_GRANTED: "Access granted",
    LogAction.RESTRICTION_LIFTED: "Restriction lifted",
    LogAction.RESTRICTED_RECORDS_LISTED: "Restricted records listed",
    LogAction.LOG_READ: "Log read",
    LogAction.LOG_CHECKPOINT_TAKEN: "Log checkpoint taken",
    LogAction.ACCESS_REVIEW_VIEWED: "Access review viewed",
    LogAction.ACCESS_REVIEW_EXPORTED: "Access review exported",
    LogAction.SUBJECT_ACCESS_REPORT: "Subject access report",
    LogAction.OUTPUT_VIEWED: "Output viewed",
    LogAction.OUTPUT_RELEASED: "Output released",
    LogAction.RELEASES_LISTED: "Releases listed",
    LogAction.VAULT_CREATED: "Vault created",
    LogAction.STAFF_ADDED: "Staff added",
    LogAction.STAFF_DISABLED: "Staff disabled",
    LogAction.PIN_SET: "PIN set",
    LogAction.RECORDS_IMPORTED: "Records imported",
    LogAction.ASSIGNED: "Assigned",
    LogAction.UNASSIGNED: "Unassigned",
    LogAction.KEY_ROTATED: "Key rotated",
    LogAction.BACKUP_TAKEN: "Backup taken",
    LogAction.RESTORED: "Vault restored from a backup",
    LogAction.SSH_KEY_AUTHORIZED: "SSH key authorised",
    LogAction.SSH_KEY_REVOKED: "SSH key revoked",
    LogAction.DISPOSAL_REFUSED: "Disposal refused",
    LogAction.RESTRICTION_REFUSED: "Restriction refused",
    LogAction.COMMAND_REFUSED: "Command refused",
    LogAction.POLICY_APPLIED: "Policy applied",
    LogAction.VAULT_SEALED: "Vault sealed",
    LogAction.VAULT_UPGRADED: "Vault upgraded",
    LogAction.SEAL_BROKEN: "Seal broken",
    LogAction.ROWS_SEALED: "Rows sealed",
    LogAction.LOG_READ_WITH_PERSONAL_DETAILS: "Log read with personal details",
    LogAction.SEARCH_REFUSED: "Search refused",
    LogAction.EMERGENCY_ACCESS: "Emergency access",
    LogAction.PIN_LOCKED_OUT: "PIN locked out",
    LogAction.PIN_LOCKOUT_LIFTED: "PIN lockout lifted",
    LogAction.COMMAND_FAILED: "Command failed",
    LogAction.CONSENT_WITHDRAWN: "Consent withdrawn",
    LogAction.FIELD_AMENDED: "Field amended",
    LogAction.ACCESS_REQUEST_RECORDED: "Access request recorded",
    LogAction.ACCESS_REQUEST_EXTENDED: "Access request extended",
    LogAction.ACCESS_REQUESTS_LISTED: "Access requests listed",
    LogAction.CONCERN_RAISED: "Concern raised",
    LogAction.CONCERNS_LISTED: "Concerns listed",
    LogAction.CONCERN_DECIDED: "Concern decided",
    LogAction.CONCERN_TREATED_AS_BREACH: "Concern treated as a breach",
    LogAction.KEYS_RETIRED: "Old key versions retired",
    LogAction.RECOVERY_CODE_SET: "New recovery code made",
    LogAction.KEYS_RECOVERED: "Keys recovered with the code",
}


def action_words(action: str) -> str:
    """An action's words; one the log names that this release does not know (an
    older or newer vault's) as its identifier in words."""
    return ACTION_WORDS.get(action) or in_words(action)
