"""Consent recorded from the consent form, wherever it is opened (the record, or the
sharing questions when "yes, we have consent" finds none in force): one call, so a
change to what a consent entry holds is made once."""

from __future__ import annotations

from collections.abc import Callable

from secure_records.core.access import RecordView
from secure_records.core.errors import SecureRecordsError
from secure_records.session import Session
from secure_records.tui.dialog import Refusal
from secure_records.tui.note_forms import ConsentDraft


def consent_saver(
    session: Session, record_id: str, saved: Callable[[RecordView], None]
) -> Callable[[ConsentDraft], Refusal | None]:
    """The form's check: record the consent, hand the record as it now is to `saved`;
    a refusal is said on the form."""

    def save(draft: ConsentDraft) -> Refusal | None:
        try:
            view = session.records.record_consent(
                record_id,
                draft.given_by,
                draft.scope,
                draft.on,
                draft.withdrawn,
                capacity=draft.capacity,
                withdrawn_reason=draft.why_withdrawn,
            )
        except SecureRecordsError as exc:
            return str(exc)
        saved(view)
        return None

    return save
