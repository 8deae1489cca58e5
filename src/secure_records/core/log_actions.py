"""What the log says was done: every action an entry can name.

Stored as the same words they always were (`StrEnum`), so old logs read the same;
an enum so that a misspelt action, written or looked for (the access review finds
looks by action), is a mypy error rather than an entry nobody ever matches.
"""

from __future__ import annotations

from enum import StrEnum


class LogAction(StrEnum):
    # sessions and the lock
    SESSION_STARTED = "session_started"
    SESSION_REFUSED = "session_refused"
    SESSION_ENDED = "session_ended"
    LOCKED = "locked"
    UNLOCKED = "unlocked"
    PIN_FAILED = "pin_failed"
    # records
    RECORD_LIST_SHOWN = "record_list_shown"
    SEARCHED = "searched"
    INDEX_LOOKUP = "index_lookup"
    RECORD_OPENED = "record_opened"
    RECORD_REFUSED = "record_refused"
    RESTRICTED_RECORD_REFUSED = "restricted_record_refused"
    FIELD_REVEALED = "field_revealed"
    NOTE_ADDED = "note_added"
    CONSENT_RECORDED = "consent_recorded"
    # sharing
    SHARING_DECISION = "sharing_decision"
    SHARING_QUEUE_VIEWED = "sharing_queue_viewed"
    SHARING_REVIEWED = "sharing_reviewed"
    EXPIRED_PACKAGES_LISTED = "expired_packages_listed"
    PACKAGE_SHREDDED = "package_shredded"
    # telephone requests
    PHONE_REQUEST_TAKEN = "phone_request_taken"
    CALLBACK_RECORDED = "callback_recorded"
    PHONE_QUEUE_VIEWED = "phone_queue_viewed"
    PHONE_REQUEST_OPENED = "phone_request_opened"
    PHONE_REQUEST_CLOSED = "phone_request_closed"
    PHONE_REQUEST_ESCALATED = "phone_request_escalated"  # not reached: to the lead
    PHONE_REQUEST_FORWARDED = "phone_request_forwarded"
    # retention and disposal
    RETENTION_QUEUE_VIEWED = "retention_queue_viewed"
    DISPOSAL_PROPOSED = "disposal_proposed"
    DISPOSAL_REVIEWED = "disposal_reviewed"
    # many at once (issue 20): one entry listing every disposal, record, rule and due date
    DISPOSALS_PROPOSED = "disposals_proposed"
    DISPOSALS_REVIEWED = "disposals_reviewed"
    # telephone requests past retention.toml's [telephone] days: counts, no content
    PHONE_REQUESTS_DISPOSED = "phone_requests_disposed"
    RECORD_DISPOSED = "record_disposed"
    LEGAL_HOLD_SET = "legal_hold_set"
    LEGAL_HOLD_CLEARED = "legal_hold_cleared"
    # oversight
    RECORD_RESTRICTED = "record_restricted"
    ACCESS_GRANTED = "access_granted"
    RESTRICTION_LIFTED = "restriction_lifted"
    RESTRICTED_RECORDS_LISTED = "restricted_records_listed"
    LOG_READ = "log_read"
    LOG_CHECKPOINT_TAKEN = "log_checkpoint_taken"
    ACCESS_REVIEW_VIEWED = "access_review_viewed"
    ACCESS_REVIEW_EXPORTED = "access_review_exported"
    SUBJECT_ACCESS_REPORT = "subject_access_report"
    # outputs kept in the vault (issue 18): read in the app, released on purpose
    OUTPUT_VIEWED = "output_viewed"
    OUTPUT_RELEASED = "output_released"
    RELEASES_LISTED = "releases_listed"
    # host-side administration
    VAULT_CREATED = "vault_created"
    STAFF_ADDED = "staff_added"
    STAFF_DISABLED = "staff_disabled"
    PIN_SET = "pin_set"
    RECORDS_IMPORTED = "records_imported"
    ASSIGNED = "assigned"
    UNASSIGNED = "unassigned"
    KEY_ROTATED = "key_rotated"
    # backups (issue 20): one taken, and a vault restored from one
    BACKUP_TAKEN = "backup_taken"
    RESTORED = "restored"
    SSH_KEY_AUTHORIZED = "ssh_key_authorized"
    SSH_KEY_REVOKED = "ssh_key_revoked"
    # irreversible steps the log did not prove
    DISPOSAL_REFUSED = "disposal_refused"
    RESTRICTION_REFUSED = "restriction_refused"
    # the policy seal
    COMMAND_REFUSED = "command_refused"
    POLICY_APPLIED = "policy_applied"
    VAULT_SEALED = "vault_sealed"
    # `secure-records upgrade` (issue 20): the migrations applied, and the backup taken
    VAULT_UPGRADED = "vault_upgraded"
    # row seals
    SEAL_BROKEN = "seal_broken"
    ROWS_SEALED = "rows_sealed"
    # the log's personal details, read at the host (`log show --personal`)
    LOG_READ_WITH_PERSONAL_DETAILS = "log_read_with_personal_details"
    # searches and lookups over the policy's rate limits
    SEARCH_REFUSED = "search_refused"
    # restricted records: a lead's emergency (break-glass) access
    EMERGENCY_ACCESS = "emergency_access"
    # wrong PINs counted in the vault (issue 16): a lockout, and IT lifting it
    PIN_LOCKED_OUT = "pin_locked_out"
    PIN_LOCKOUT_LIFTED = "pin_lockout_lifted"
    # a host command that stopped on an unexpected error (its reference and where)
    COMMAND_FAILED = "command_failed"
    # consent withdrawn in place on the entry it ends (issue 17): its number, no values
    CONSENT_WITHDRAWN = "consent_withdrawn"
    # a field corrected (issue 19): which field; the reason under the record's key
    FIELD_AMENDED = "field_amended"
    # the register of subject access requests (issue 19): due one calendar month on
    ACCESS_REQUEST_RECORDED = "access_request_recorded"
    ACCESS_REQUEST_EXTENDED = "access_request_extended"
    ACCESS_REQUESTS_LISTED = "access_requests_listed"
    # concerns and suspected breaches (policy section 11; Art. 33's 72 hours): kinds and
    # outcomes in the details, what was typed in the sealed personal part
    CONCERN_RAISED = "concern_raised"
    CONCERNS_LISTED = "concerns_listed"
    CONCERN_DECIDED = "concern_decided"
    # a concern found to be a suspected breach: its ICO clock runs from when it was raised
    CONCERN_TREATED_AS_BREACH = "concern_treated_as_breach"
    # recovery without the host's keyring (issue 20): never the code itself
    KEYS_RETIRED = "keys_retired"
    RECOVERY_CODE_SET = "recovery_code_set"
    KEYS_RECOVERED = "keys_recovered"
    # several app hosts, one key (issue 21): versions only, never a key or a passphrase
    KEYS_EXPORTED = "keys_exported"
    KEYS_IMPORTED = "keys_imported"
    KEY_STAGED = "key_staged"
    # a host taken out of the list a commit waits for (retired or renamed)
    HOST_FORGOTTEN = "host_forgotten"
