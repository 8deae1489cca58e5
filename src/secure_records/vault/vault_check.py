"""`vault verify`: the log, every sealed row, every record's history, the ledger and
the policy seal, each counted, with the first problem of each kind named.

It reads rows as stored and checks them itself, so that it reports rather than
stops at the first problem, and names tables and rows, never what they hold.
"""

from __future__ import annotations

import dataclasses
import hmac
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from secure_records.core.errors import SecureRecordsError
from secure_records.core.log_actions import LogAction
from secure_records.core.progress import Progress, counting, no_progress
from secure_records.core.text import plural
from secure_records.vault.log import LogEntry
from secure_records.vault.log_verify import Verdict
from secure_records.vault.row_seals import (
    MODULUS,
    TABLES,
    RowSeals,
    TableSpec,
    as_total,
    stored_order,
    total,
)
from secure_records.vault.store import Store

if TYPE_CHECKING:
    from secure_records.vault.vault import Vault

# Log actions that write a row standing alone (no record's history holds it), and the
# detail naming the row: the row must be there, sealed no earlier than that entry.
WRITERS: dict[str, tuple[str, str]] = {
    LogAction.STAFF_ADDED: ("staff", "staff"),
    LogAction.STAFF_DISABLED: ("staff", "staff"),
    LogAction.PIN_SET: ("staff", "staff"),
    LogAction.DISPOSAL_PROPOSED: ("disposals", "disposal"),
    LogAction.DISPOSAL_REVIEWED: ("disposals", "disposal"),
    LogAction.RECORD_DISPOSED: ("disposals", "disposal"),
    LogAction.PHONE_REQUEST_TAKEN: ("phone_requests", "request"),
    LogAction.CALLBACK_RECORDED: ("phone_requests", "request"),
    LogAction.PHONE_REQUEST_CLOSED: ("phone_requests", "request"),
    LogAction.PHONE_REQUEST_ESCALATED: ("phone_requests", "request"),
    LogAction.PHONE_REQUEST_FORWARDED: ("phone_requests", "request"),
}

# Entries that wrote many disposal rows at once, each named in `disposals`.
BATCHES = frozenset({LogAction.DISPOSALS_PROPOSED, LogAction.DISPOSALS_REVIEWED})
# The tables those rows are in.
WRITTEN = frozenset(table for table, _ in WRITERS.values())


@dataclass
class Kind:
    """One kind of check: how many passed, how many did not, the first that did not."""

    good: int = 0
    bad: int = 0
    first: str | None = None

    def failed(self, where: str) -> None:
        self.bad += 1
        if self.first is None:
            self.first = where


@dataclass
class VaultCheck:
    log: Verdict
    policy_refusal: str | None
    rows: Kind = field(default_factory=Kind)
    unsealed: Kind = field(default_factory=Kind)
    records: Kind = field(default_factory=Kind)
    ledger: Kind = field(default_factory=Kind)
    logged: Kind = field(default_factory=Kind)
    caseloads: Kind = field(default_factory=Kind)

    @property
    def intact(self) -> bool:
        kinds = (self.rows, self.unsealed, self.records, self.ledger, self.logged, self.caseloads)
        return self.log.intact and self.policy_refusal is None and not any(k.bad for k in kinds)

    def facts(self) -> dict[str, Any]:
        """What `vault verify --json` prints: the counts and first problems `lines`
        names, keyed by kind (a row's place, never what it holds)."""
        kinds = {
            "rows": self.rows,
            "unsealed_rows": self.unsealed,
            "records": self.records,
            "caseloads": self.caseloads,
            "ledger": self.ledger,
            "rows_the_log_wrote": self.logged,
        }
        return {
            "intact": self.intact,
            "log": self.log.facts(),
            "policy_sealed": self.policy_refusal is None,
            "policy_problem": self.policy_refusal,
            **{name: dataclasses.asdict(kind) for name, kind in kinds.items()},
        }

    def lines(self) -> list[str]:
        """One line per kind, counts with thousands separators; then each problem."""
        out = [
            f"log: {self.log.sentence() if self.log.intact else 'BROKEN'}",
            f"rows: {self.rows.good:,} sealed, {self.rows.bad:,} bad, "
            f"{self.unsealed.bad:,} without a seal",
            f"records: {self.records.good:,} complete, {self.records.bad:,} incomplete",
            f"caseloads: {self.caseloads.good:,} {plural(self.caseloads.good, 'adds', 'add')} up, "
            f"{self.caseloads.bad:,} {plural(self.caseloads.bad, 'does', 'do')} not",
            f"ledger: {self.ledger.good:,} {plural(self.ledger.good, 'table adds', 'tables add')} "
            f"up, {self.ledger.bad:,} {plural(self.ledger.bad, 'does', 'do')} not",
            f"rows the log wrote: {self.logged.good:,} as the log left them, "
            f"{self.logged.bad:,} missing or older",
            f"policy: {'sealed' if self.policy_refusal is None else 'NOT SEALED'}",
        ]
        if not self.log.intact:
            out.append(f"the log: {self.log.sentence()}")
        for label, kind in (
            ("first bad row", self.rows),
            ("first row without a seal", self.unsealed),
            ("first incomplete record", self.records),
            ("first caseload that does not add up", self.caseloads),
            ("ledger", self.ledger),
            ("first row not as the log left it", self.logged),
        ):
            if kind.first is not None:
                out.append(f"{label}: {kind.first}")
        if self.policy_refusal is not None:
            out.append(f"the policy: {self.policy_refusal}")
        return out


def check_whole_vault(vault: Vault, progress: Progress = no_progress) -> VaultCheck:
    """`vault verify`, and the check a backup gets before it is restored: the log's
    chain, then every sealed row, then the rows the log wrote, against the entries.

    `progress` is told one count across the three: each entry walked, each row
    checked, each entry read back (the log is gone through twice: its MACs, then
    what the entries say, which only an intact chain is trusted for)."""
    head = vault.store.log_head()
    entries = 0 if head is None else head.seq
    rows = sum(vault.store.row_count(name) for name in TABLES)
    whole = 2 * entries + rows
    verdict = vault.log.verify(progress=_part(progress, 0, whole))
    # Rows are compared with the log only when the log itself holds.
    read = vault.log.entries(personal=False) if verdict.intact else iter(())
    counted_read = counting(read, whole, _part(progress, entries + rows, whole))
    return check_vault(
        vault.store,
        vault.row_seals,
        verdict,
        counted_read,
        vault.sealed_policy.refusal,
        _part(progress, entries, whole),
    )


def _part(progress: Progress, before: int, whole: int) -> Progress:
    """`progress` for one part of a longer piece of work, `before` done ahead of it."""

    def told(done: int, _total: int) -> None:
        progress(min(before + done, whole), whole)

    return told


def check_vault(
    store: Store,
    seals: RowSeals,
    log: Verdict,
    entries: Iterable[LogEntry],
    policy_refusal: str | None,
    progress: Progress = no_progress,
) -> VaultCheck:
    """Every sealed row against its seal, then what the rows add up to; `progress` is
    told the rows checked out of all of them."""
    # One snapshot: another host's commit mid-check must not look like tampering.
    with store.read_snapshot():
        return _checked(store, seals, log, entries, policy_refusal, progress)


def _checked(
    store: Store,
    seals: RowSeals,
    log: Verdict,
    entries: Iterable[LogEntry],
    policy_refusal: str | None,
    progress: Progress,
) -> VaultCheck:
    report = VaultCheck(log, policy_refusal)
    tally = _Tally()
    done, total_rows = 0, sum(store.row_count(name) for name in TABLES)
    progress(0, total_rows)
    for spec in TABLES.values():
        tally.totals[spec.name] = 0
        for batch in store.row_batches(spec.name, stored_order(spec)):
            _check_batch(spec, batch, seals, report, tally)
            done += len(batch)
            progress(done, max(done, total_rows))
    for record_id, history in tally.histories.items():
        if hmac.compare_digest(history, seals.history(tally.children.pop(record_id, []))):
            report.records.good += 1
        else:
            report.records.failed(
                f"record {record_id}: a row that belongs to it was removed, added or replayed"
            )
    for record_id, rows in sorted(tally.children.items()):
        tables = ", ".join(sorted({table for table, _ in rows}))
        report.records.failed(f"record {record_id} is gone but still has rows in {tables}")
    for name, held in sorted(tally.caseloads.items()):
        if held == total(tally.assigned.pop(name, [])):
            report.caseloads.good += 1
        else:
            report.caseloads.failed(
                f"staff row {name}: an assignment was removed, added or replayed"
            )
    _check_ledger(store, seals, tally.totals, report.ledger)
    _check_against_log(entries, tally.sealed_at, report.logged)
    return report


@dataclass
class _Tally:
    """What the rows add up to, gathered as they are read."""

    children: dict[str, list[tuple[str, bytes]]] = field(default_factory=lambda: defaultdict(list))
    histories: dict[str, bytes] = field(default_factory=dict)
    assigned: dict[str, list[bytes]] = field(default_factory=lambda: defaultdict(list))
    caseloads: dict[str, int] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    # (table, identity) of each sealed row standing alone: the entry it was sealed after
    sealed_at: dict[tuple[str, str], int | None] = field(default_factory=dict)


def _check_batch(
    spec: TableSpec,
    batch: list[tuple[Any, ...]],
    seals: RowSeals,
    report: VaultCheck,
    tally: _Tally,
) -> None:
    """One batch of a table's rows, each in `stored_order(spec)`: its seal checked
    (every row, none skipped), then what it adds to its record, caseload and table."""
    order = stored_order(spec)
    at = {column: order.index(column) for column in order}

    def where(row: tuple[Any, ...]) -> str:  # only for a row with a problem
        return f"{spec.name} row {spec.label(dict(zip(order, row, strict=True)))}"

    sealed = [row for row in batch if row[-1] is not None]
    if len(sealed) < len(batch):
        for row in batch:
            if row[-1] is None:
                report.unsealed.failed(where(row))
    bad = seals.unmatched(spec, sealed)
    for place in bad:
        report.rows.failed(where(sealed[place]))
    report.rows.good += len(sealed) - len(bad)
    stored: list[bytes] = [row[-1] for row in sealed]
    for place in bad:  # a seal that is not bytes at all adds nothing that could match
        if type(stored[place]) is not bytes:
            stored[place] = b""
    tally.totals[spec.name] = (tally.totals.get(spec.name, 0) + total(stored)) % MODULUS
    if spec.parent is not None:
        children, name = tally.children, spec.name
        for parent, seal in zip(map(itemgetter(at[spec.parent]), sealed), stored, strict=True):
            if parent is not None:
                children[str(parent)].append((name, seal))
    if spec.name == "records":
        key, history = at["id"], at["history"]
        tally.histories.update((str(row[key]), bytes(row[history] or b"")) for row in sealed)
    elif spec.caseload_of is not None:
        staff = at[spec.caseload_of]
        for row, seal in zip(sealed, stored, strict=True):
            tally.assigned[str(row[staff])].append(seal)
    elif spec.name == "staff":
        staff, caseload = at["name"], at["caseload"]
        tally.caseloads.update((str(row[staff]), as_total(row[caseload])) for row in sealed)
    if spec.name in WRITTEN:
        key, sealed_at = at[spec.identity[0]], at["sealed_at"]
        tally.sealed_at.update(((spec.name, str(row[key])), row[sealed_at]) for row in sealed)


def _check_against_log(
    entries: Iterable[LogEntry], sealed_at: dict[tuple[str, str], int | None], kind: Kind
) -> None:
    """Each row standing alone that the log wrote is there, and no older than the last
    entry that wrote it: one replayed from an older copy of the vault, with its own
    good seal, is named here."""
    last: dict[tuple[str, str], int] = {}
    for entry in entries:
        if entry.action == LogAction.PHONE_REQUESTS_DISPOSED:  # past their days: gone
            for gone in entry.details.get("requests") or ():
                last.pop(("phone_requests", str(gone)), None)
        for item in entry.details.get("disposals") or ():  # many at once (issue 20)
            if entry.action in BATCHES and isinstance(item, dict):
                last[("disposals", str(item.get("disposal")))] = entry.seq
        writes = WRITERS.get(entry.action)
        if writes is None or (writes[0] == "phone_requests" and entry.record_id is not None):
            continue  # a request about a record: its record's history holds it
        name = entry.details.get(writes[1])
        if isinstance(name, str):
            last[(writes[0], name)] = entry.seq
    for (table, name), seq in sorted(last.items()):
        if (table, name) not in sealed_at:
            kind.failed(f"{table} row {name} is missing: the log wrote it at entry {seq}")
            continue
        at = sealed_at[(table, name)]
        if at is None or at < seq:
            kind.failed(
                f"{table} row {name} is older than the log: the log last changed it at "
                f"entry {seq}, the row was sealed at entry {at}, so it was replayed from an "
                "older copy"
            )
        else:
            kind.good += 1


def _check_ledger(store: Store, seals: RowSeals, totals: dict[str, int], kind: Kind) -> None:
    text = store.stored_ledger()
    if text is None:
        if any(totals.values()):
            kind.failed("the ledger is missing, though rows are sealed")
        return
    try:
        ledger = seals.load_ledger(text)
    except SecureRecordsError:
        kind.failed("the ledger does not match its own seal")
        return
    head = store.log_head()
    if head is None or (ledger.head_seq, ledger.head_mac) != (head.seq, head.mac):
        kind.failed("the ledger was not written with the log's head as it stands")
    for name, value in totals.items():
        if ledger.totals.get(name, 0) == value:
            kind.good += 1
        else:
            kind.failed(
                f"{name} does not add up: a row was removed, or replayed from an older copy"
            )
