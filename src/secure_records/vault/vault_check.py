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
from typing import Any

from secure_records.core.errors import SecureRecordsError
from secure_records.core.log_actions import LogAction
from secure_records.core.text import plural
from secure_records.vault.log import LogEntry
from secure_records.vault.log_verify import Verdict
from secure_records.vault.row_seals import TABLES, RowSeals, SealBroken, as_total, total
from secure_records.vault.store import Store

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


def check_vault(
    store: Store,
    seals: RowSeals,
    log: Verdict,
    entries: Iterable[LogEntry],
    policy_refusal: str | None,
) -> VaultCheck:
    report = VaultCheck(log, policy_refusal)
    children: dict[str, list[tuple[str, bytes]]] = defaultdict(list)
    histories: dict[str, bytes] = {}
    assigned: dict[str, list[bytes]] = defaultdict(list)
    caseloads: dict[str, int] = {}
    totals: dict[str, int] = {}
    for spec in TABLES.values():
        stored_seals: list[bytes] = []
        for row in store.all_rows(spec.name):
            where = f"{spec.name} row {spec.label(row)}"
            seal = row["seal"]
            if seal is None:
                report.unsealed.failed(where)
                continue
            seal = bytes(seal)
            stored_seals.append(seal)
            try:
                seals.check(spec, row)
            except SealBroken:
                report.rows.failed(where)
            else:
                report.rows.good += 1
            if spec.parent is not None and row[spec.parent] is not None:
                children[str(row[spec.parent])].append((spec.name, seal))
            if spec.name == "records":
                histories[str(row["id"])] = bytes(row["history"] or b"")
            elif spec.caseload_of is not None:
                assigned[str(row[spec.caseload_of])].append(seal)
            elif spec.name == "staff":
                caseloads[str(row["name"])] = as_total(row["caseload"])
        totals[spec.name] = total(stored_seals)
    for record_id, history in histories.items():
        if hmac.compare_digest(history, seals.history(children.pop(record_id, []))):
            report.records.good += 1
        else:
            report.records.failed(
                f"record {record_id}: a row that belongs to it was removed, added or replayed"
            )
    for record_id, rows in sorted(children.items()):
        tables = ", ".join(sorted({table for table, _ in rows}))
        report.records.failed(f"record {record_id} is gone but still has rows in {tables}")
    for name, held in sorted(caseloads.items()):
        if held == total(assigned.pop(name, [])):
            report.caseloads.good += 1
        else:
            report.caseloads.failed(
                f"staff row {name}: an assignment was removed, added or replayed"
            )
    _check_ledger(store, seals, totals, report.ledger)
    _check_against_log(store, entries, report.logged)
    return report


def _check_against_log(store: Store, entries: Iterable[LogEntry], kind: Kind) -> None:
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
    sealed_at: dict[tuple[str, str], int | None] = {}
    for table in sorted({table for table, _ in WRITERS.values()}):
        key = TABLES[table].identity[0]
        for row in store.all_rows(table):
            if row["seal"] is not None:
                sealed_at[(table, str(row[key]))] = row["sealed_at"]
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
