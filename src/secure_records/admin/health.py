"""`status`: is this vault being looked after? One sentence for each problem, for a
monitor or for IT in the morning: the log or the seals broken, no backup in the last
day, disposals overdue, the keyring unreachable. Counts and dates only, never what a
record holds, and nothing written: a monitor may ask every minute.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from pathlib import Path

from secure_records.admin.administration import Administration
from secure_records.admin.row_sealing import verify_vault
from secure_records.core.errors import SecureRecordsError
from secure_records.core.log_proof import due_for
from secure_records.core.retention import CATEGORY_FIELD
from secure_records.core.statuses import DisposalStatus
from secure_records.core.text import counted, plural
from secure_records.vault.kek import KeyringUnreachable
from secure_records.vault.vault_check import Kind, VaultCheck

# The units in deploy/systemd take a backup and run disposals nightly: a day, and an
# hour more for the timers' random delay and the work itself.
NIGHTLY = timedelta(hours=25)
# A record due this many days ago and still not proposed, reviewed or carried out.
OVERDUE_DAYS = 30
VERIFY = "run 'secure-records vault verify'"


class Check(StrEnum):
    KEYRING = "keyring"
    VAULT = "vault"
    LOG = "log"
    SEALS = "seals"
    BACKUPS = "backups"
    DISPOSALS = "disposals"
    RECOVERY = "recovery"


@dataclass(frozen=True)
class Finding:
    check: Check
    healthy: bool
    sentence: str


@dataclass(frozen=True)
class Health:
    findings: tuple[Finding, ...]
    keyring_warning: str | None = None  # the insecure switch, said as every command does

    @property
    def healthy(self) -> bool:
        return all(f.healthy for f in self.findings)

    def problems(self) -> list[Finding]:
        return [f for f in self.findings if not f.healthy]


def check_health(
    home: str | None,
    backups: Path | None,
    *,
    now: datetime | None = None,
    overdue_days: int = OVERDUE_DAYS,
) -> Health:
    now = now or datetime.now(UTC)
    try:
        admin = Administration.open(home, any_policy=True)
    except KeyringUnreachable as exc:
        said = (
            f"the keyring is unreachable, so the log, seals and disposals were not checked: {exc}"
        )
        return Health((Finding(Check.KEYRING, False, said), backup_finding(backups, now)))
    except SecureRecordsError as exc:
        said = f"the vault cannot be opened, so nothing in it was checked: {exc}"
        return Health((Finding(Check.VAULT, False, said), backup_finding(backups, now)))
    with admin:
        report = verify_vault(admin)
        found = [
            Finding(Check.KEYRING, True, "keyring: reachable, and it holds the vault's key"),
            *_seal_findings(report),
            _recovery_finding(admin),
        ]
        # A broken seal refuses (and logs) the rows read next: not read then.
        if report.intact:
            found += _disposal_findings(admin, now, overdue_days)
        warning = admin.insecure_keyring_warning
    return Health((*found, backup_finding(backups, now)), warning)


def _recovery_finding(admin: Administration) -> Finding:
    if admin.vault.recovery().has_code():
        return Finding(Check.RECOVERY, True, "recovery code: set")
    said = (
        "no recovery code: the vault's keys cannot be put back into an emptied keyring; "
        "make one with 'secure-records key recovery-code --new' and keep it offline"
    )
    return Finding(Check.RECOVERY, False, said)


def _seal_findings(report: VaultCheck) -> list[Finding]:
    log = report.log
    if log.intact:
        found = [Finding(Check.LOG, True, f"log: {log.sentence()}")]
    else:
        found = [Finding(Check.LOG, False, f"the log does not verify: {log.sentence()}")]
    kinds: tuple[tuple[str, Kind], ...] = (
        ("rows that do not match their seal", report.rows),
        ("rows without a seal", report.unsealed),
        ("records whose history does not add up", report.records),
        ("caseloads that do not add up", report.caseloads),
        ("ledger problems", report.ledger),
        ("rows not as the log left them", report.logged),
    )
    for what, kind in kinds:
        if kind.bad:
            said = f"seals: {kind.bad:,} {what}, the first: {kind.first}; {VERIFY}"
            found.append(Finding(Check.SEALS, False, said))
    if report.policy_refusal is not None:
        found.append(Finding(Check.SEALS, False, f"the policy: {report.policy_refusal}"))
    if len(found) == 1:
        found.append(Finding(Check.SEALS, True, f"seals: {report.rows.good:,} rows as sealed"))
    return found


def _disposal_findings(admin: Administration, now: datetime, overdue_days: int) -> list[Finding]:
    today = now.astimezone().date()
    try:
        approved = admin.vault.store.disposals((DisposalStatus.APPROVED,))
        waiting = sorted(
            row.approved_at
            for row in approved
            if row.approved_at and now - datetime.fromisoformat(row.approved_at) > NIGHTLY
        )
        overdue = _overdue(admin, {row.record_id for row in approved}, today, overdue_days)
    except SecureRecordsError as exc:
        return [Finding(Check.DISPOSALS, False, f"disposals could not be checked: {exc}")]
    found = []
    if waiting:
        found.append(
            Finding(
                Check.DISPOSALS,
                False,
                f"{counted(len(waiting), 'disposal')} approved more than a day ago "
                f"{plural(len(waiting), 'has', 'have')} not been carried out (the first "
                f"approved at {waiting[0]}); is the nightly 'secure-records disposal run' "
                "running?",
            )
        )
    if overdue:
        found.append(
            Finding(
                Check.DISPOSALS,
                False,
                f"{counted(len(overdue), 'record')} {plural(len(overdue), 'was', 'were')} due "
                f"for review or disposal more than {overdue_days} days ago (the first on "
                f"{min(overdue).isoformat()}) and {plural(len(overdue), 'is', 'are')} still "
                "waiting; IT proposes them from the retention queue, a lead reviews them",
            )
        )
    return found or [Finding(Check.DISPOSALS, True, "disposals: none overdue")]


def _overdue(
    admin: Administration, approved: set[str], today: date, overdue_days: int
) -> list[date]:
    """The due date of every record more than `overdue_days` past it and not on hold
    nor approved for disposal (those are counted apart). A record a lead kept at review
    is due again on its next review date."""
    store = admin.vault.store
    retention = admin.policy.retention
    skip = store.held_ids() | approved
    kept = store.kept_until()
    late = today - timedelta(days=overdue_days)
    starts = sorted({rule.starts for rule in retention.rules.values()})
    dues = []
    for record_id, values in admin.vault.field_values(None, (CATEGORY_FIELD, *starts)):
        found = due_for(retention, values)
        if found is None or record_id in skip:
            continue
        due = max(found[1], date.fromisoformat(kept.get(record_id, date.min.isoformat())))
        if due < late:
            dues.append(due)
    return dues


def backup_finding(directory: Path | None, now: datetime) -> Finding:
    """The newest file in the backup directory (by when it was written) is less than a
    day old. Hidden and partly written files (".tmp", ".part") are not backups."""
    if directory is None:
        return Finding(
            Check.BACKUPS,
            False,
            "no backups found: no backup directory is known (give --backups DIR or set "
            "SECURE_RECORDS_BACKUPS)",
        )
    try:
        entries = [
            entry
            for entry in os.scandir(directory)
            if entry.is_file()
            and not entry.name.startswith(".")
            and not entry.name.endswith((".tmp", ".part"))
        ]
    except OSError as exc:
        return Finding(Check.BACKUPS, False, f"no backups found in {directory} ({exc.strerror})")
    if not entries:
        return Finding(Check.BACKUPS, False, f"no backups found in {directory}")
    newest = max(entries, key=lambda entry: entry.stat().st_mtime)
    taken = datetime.fromtimestamp(newest.stat().st_mtime, UTC)
    when = taken.isoformat(timespec="seconds")
    if now - taken > NIGHTLY:
        return Finding(
            Check.BACKUPS,
            False,
            f"the newest backup in {directory}, {newest.name}, was taken at {when}, more "
            "than a day ago; is the nightly backup running?",
        )
    return Finding(Check.BACKUPS, True, f"backups: the newest, {newest.name}, taken at {when}")
