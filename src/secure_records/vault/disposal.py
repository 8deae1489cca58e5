"""Carrying out an approved disposal: cryptographic erase, and its certificate.

The record's data key is the only key to its fields, notes, consent, decisions,
telephone requests and its personal details in the log. Deleting the one row that
holds it (wrapped under the KEK) with `secure_delete` on, and then truncating the
WAL, leaves nothing on disk that can be decrypted: copies of the ciphertext that
survive elsewhere (a backup, a freed disk block) stay ciphertext, and the log's
entries about the record read "[disposed]" while its chain still verifies.

The row saying a disposal was approved is not enough: at the moment of erasing, the
log must hold its proposal and its approval by someone else (core.log_proof), and
the record must be due under the retention policy, worked out again from its own
dates. Any of that missing, nothing is erased and the refusal is logged.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from datetime import date

from secure_records.core.errors import AccessRefused, BadInput
from secure_records.core.log_actions import LogAction
from secure_records.core.log_proof import (
    Entry,
    disposal_steps,
    disposal_unproven,
    not_due,
)
from secure_records.core.retention import CATEGORY_FIELD, Certificate
from secure_records.core.statuses import DisposalStatus
from secure_records.core.text import counted
from secure_records.vault.rows import DisposalRow
from secure_records.vault.shred import shred_file
from secure_records.vault.vault import Vault, now_utc

ERASED = (
    "cryptographic erase (data key destroyed); freed database pages overwritten (secure_delete)"
)
# What the certificate says until the steps after the commit are done: a kill before
# then leaves a certificate that claims no more than what happened.
PENDING = ERASED + "; write-ahead log truncation and package shredding not yet confirmed"


def method(truncated: bool, shredded: int, failed: int = 0) -> str:
    wal = (
        "write-ahead log truncated"
        if truncated
        else "write-ahead log not yet truncated (another session was reading): its old "
        "pages hold only ciphertext under the destroyed key"
    )
    left = f", {failed} could not be (shred them by hand)" if failed else ""
    return f"{ERASED}; {wal}; {counted(shredded, 'exported file')} shredded{left}"


# Another session mid-read can hold the WAL for a moment: try a few times.
CHECKPOINT_TRIES = 20


def certificate(row: DisposalRow) -> Certificate:
    return Certificate(
        row.id,
        row.record_id,
        row.category,
        row.rule,
        row.due,
        row.proposed_by,
        row.approved_by or "",
        row.executed_by or "",
        row.executed_at or "",
        row.key_id or "",
        row.method or "",
        row.log_seq or 0,
    )


Steps = Mapping[str, Sequence[Entry]]


class Unproven(AccessRefused):
    """The log or the record does not bear the disposal out; nothing was erased."""


def proof_steps(vault: Vault) -> Steps:
    """Every disposal's proposal and reviews, from one reading of the log. Each entry
    is sealed (AES-GCM under the log's key, bound to its sequence number): nobody
    without the keyring can add one, whatever they can write."""
    return disposal_steps(vault.log.entries(personal=False))


def _unproven(vault: Vault, row: DisposalRow, steps: Steps, today: date) -> str | None:
    claim = certificate(row)
    refused = disposal_unproven(claim, steps.get(row.id, ()), vault.policy.roles)
    if refused is not None:
        return refused
    retention = vault.policy.retention
    starts = sorted({rule.starts for rule in retention.rules.values()})
    values = dict(vault.field_values([row.record_id], (CATEGORY_FIELD, *starts)))
    return not_due(claim, values.get(row.record_id, {}), retention, today)


def execute(
    vault: Vault,
    disposal_id: str,
    actor: str,
    role: str,
    steps: Steps | None = None,
    today: date | None = None,
) -> Certificate:
    """Erase the record of an approved disposal the log proves; all of it, or (on any
    failure, kill -9 included) none of it, in one transaction with its log entry.
    `steps`: `proof_steps(vault)` read once for many disposals; else read here."""
    store = vault.store
    row = store.disposal(disposal_id)
    if row is None or row.status != DisposalStatus.APPROVED:
        raise BadInput(f"{disposal_id} is not an approved disposal.")
    proof = proof_steps(vault) if steps is None else steps
    details = {"disposal": disposal_id, "rule": row.rule, "method": "cryptographic erase"}
    ledger_end: int | None = None
    try:
        with vault.recorded(actor, role, LogAction.RECORD_DISPOSED, row.record_id, details) as seq:
            # Checked again under the write lock: nothing changed since it was asked.
            current = store.disposal(disposal_id)
            if current is None or current.status != DisposalStatus.APPROVED:
                raise BadInput(f"{disposal_id} is not an approved disposal.")
            if current != row:  # what is proven below is what is erased
                raise BadInput(f"{disposal_id} was changed meanwhile; it is not carried out.")
            if store.hold(row.record_id) is not None:
                raise AccessRefused(
                    f"Record {row.record_id} is on legal hold; it cannot be disposed of."
                )
            key = store.record_key(row.record_id)
            if key is None:
                raise BadInput(f"Record {row.record_id} no longer exists.")
            refused = _unproven(vault, current, proof, today or date.today())
            if refused is not None:
                raise Unproven(refused)
            # Plaintext copies written by releases before outputs were kept sealed
            # (issue 18): a vault upgraded may still hold some under exports/. Its
            # sealed outputs go with its key and its rows below.
            exports = vault.paths.exports
            packages = [exports / f"{d}.txt" for d in store.decision_ids_for(row.record_id)]
            if exports.is_dir():
                packages += sorted(exports.glob(f"subject-access-{row.record_id}-*.md"))
            store.delete_record(row.record_id)
            store.disposal_executed(disposal_id, actor, now_utc(), key.key_id, PENDING, seq)
            # Also outside the database and its backups, before the commit, so that a
            # restore disposes of it again (vault/ledger.py); cut back if it rolls back.
            certified = store.disposal(disposal_id)
            assert certified is not None
            ledger_end = vault.disposal_ledger.append(certified)
    except Unproven as exc:
        # Its own entry, once the erase and its entry have rolled back: the refusal
        # is what a reviewer of the log must see.
        refusal = {"disposal": disposal_id, "refused": str(exc)}
        with vault.recorded(actor, role, LogAction.DISPOSAL_REFUSED, row.record_id, refusal):
            pass
        raise
    except BaseException:
        if ledger_end is not None:
            vault.disposal_ledger.cut_back(ledger_end)
        raise
    truncated = False
    for _ in range(CHECKPOINT_TRIES):
        if store.checkpoint():
            truncated = True
            break
        time.sleep(0.05)
    shredded, failed = 0, 0
    for path in packages:
        if not path.is_file():
            continue
        try:
            shred_file(path)
            shredded += 1
        except OSError:
            failed += 1  # said on the certificate; IT's queue shows what is left
    with store.transaction():
        store.set_disposal_method(disposal_id, method(truncated, shredded, failed))
    store.checkpoint()  # and that last small write leaves the WAL empty again
    done = store.disposal(disposal_id)
    assert done is not None
    return certificate(done)
