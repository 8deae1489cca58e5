"""Telephone requests past retention.toml's `[telephone]` days, disposed of like
records (issue 20): their sealed rows deleted in one transaction, with one log entry
of counts and references, nothing a request held, then the WAL truncated.

A request that matched a record is sealed under that record's key (which stays: the
record does); one that matched none under the vault-wide telephone key, shared by
every such request. Neither has a key of its own to destroy, so deleting the row,
with `secure_delete` on and the WAL truncated after, is the disposal.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from secure_records.core.log_actions import LogAction
from secure_records.core.telephone import Status
from secure_records.core.telephone_retention import Expired
from secure_records.vault.vault import Vault


def expire_phone_requests(vault: Vault, actor: str, role: str, today: date) -> dict[Expired, int]:
    """Dispose of every telephone request past its days; how many of each kind."""
    rules = vault.policy.retention.telephone
    store = vault.store
    due = {
        row.id: kind
        for row in store.phone_requests(list(Status))
        if (kind := rules.expired(row.status, row.record_id is not None, row.created_at, today))
    }
    counts = Counter(due.values())
    if not due:
        return {}
    # Counts, and the requests' references (which `vault verify` needs, to know their
    # rows went on purpose): nothing any of them held.
    details: dict[str, object] = {kind.value: counts.get(kind, 0) for kind in Expired}
    details["requests"] = sorted(due)
    with vault.recorded(actor, role, LogAction.PHONE_REQUESTS_DISPOSED, details=details):
        # Under the write lock: each is deleted only if it is still as it was read.
        current = {row.id: row for row in store.phone_requests(list(Status))}
        for request_id in due:
            row = current.get(request_id)
            if row is not None and rules.expired(
                row.status, row.record_id is not None, row.created_at, today
            ):
                store.delete_phone_request(request_id)
    store.checkpoint()  # the freed pages' old copies out of the write-ahead log
    return dict(counts)
