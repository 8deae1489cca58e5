"""Seal benchmark: what checking row seals costs, checks on beside checks off.

Issue 15: opening a record and the first screenful of the record list, each timed
with the store's seal checks on and with them off in the same run, alternating in
blocks so that the machine's noise falls on both sides; target: at most 10% slower
with the checks on. It runs inside bench/vault.py, on the vault that has just been built
(so `make bench` imports 100,000 records once), and emits its own rows.

The switch is `Store.checks_seals`, which exists only for this measure. With it off a
read still fetches every row and a write still checks and moves the ledger: only the
checks a read pays for are skipped (each row's seal, a record's whole history, a small
table's total against the ledger).
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from secure_records.core.access import readable_fields
from secure_records.session import Session
from secure_records.session.records import Records
from secure_records.vault.store import Store

SEAL_TARGET = 1.10  # checks on, as a multiple of checks off
OPEN_BLOCK = 50  # opens per side before switching the checks
OPENS = 1_000  # records opened, each with the checks on and off
SCREENFUL = 35  # list lines at bench/tui.py's 120x40 terminal, plus the one below
LEAD_SCREENS = 20  # first screenfuls per side for the lead, in blocks of 2
CASEWORKER_SCREENS = 3  # ... for a caseworker, one per block (a caseload is slower)
LEAD, CASEWORKER = "lead", "alice"

Call = Callable[[], object]


@dataclass(frozen=True)
class OnOff:
    """Nanoseconds per call, sorted, with the seal checks on and off."""

    on: list[int]
    off: list[int]


def on_off(store: Store, blocks: Sequence[Sequence[Call]]) -> OnOff:
    """Every block run once with the checks on and once off, the order swapped each
    block, so that neither side always runs on the other's warm cache."""
    on: list[int] = []
    off: list[int] = []
    gc.collect()
    try:
        for n, block in enumerate(blocks):
            sides = [(True, on), (False, off)]
            if n % 2:
                sides.reverse()
            for checking, times in sides:
                store.checks_seals = checking
                for call in block:
                    start = time.perf_counter_ns()
                    call()
                    times.append(time.perf_counter_ns() - start)
    finally:
        store.checks_seals = True
    return OnOff(sorted(on), sorted(off))


def store_of(session: Session) -> Store:
    # Session hands out no store (screens must not reach past it); the bench may.
    return session._door.vault.store


def first_screenful(records: Records) -> None:
    """What the list screen does before anything is drawn: every reference in scope
    (logged), then names and dates of birth of the first screenful."""
    ids = records.listing_ids()
    records.summaries(ids[:SCREENFUL])


@dataclass(frozen=True)
class SealsResult:
    open_session: OnOff  # Session.records.open_record: log entry, checks, decryption
    open_read: OnOff  # the vault's read of the record alone: no log entry, no scope check
    lead_screen: OnOff
    caseworker_screen: OnOff
    caseload: int  # records in the caseworker's caseload


def bench_seals(home: Path, ids: Sequence[str], warmup: Sequence[str]) -> SealsResult:
    session = Session.open(LEAD, home)
    try:
        records, store = session.records, store_of(session)
        vault = session._door.vault
        fields = readable_fields(session.role, session.policy)
        for rid in warmup:  # caches and code paths warm on both sides first
            for checking in (True, False):
                store.checks_seals = checking
                records.open_record(rid)
        store.checks_seals = True
        sample = ids[:OPENS]
        blocks = [sample[i : i + OPEN_BLOCK] for i in range(0, len(sample), OPEN_BLOCK)]
        opens = [[partial(records.open_record, r) for r in b] for b in blocks]
        open_session = on_off(store, opens)
        reads = [[partial(vault.read_record, r, fields) for r in b] for b in blocks]
        open_read = on_off(store, reads)
        first_screenful(records)
        lead_blocks = [[partial(first_screenful, records)] * 2] * (LEAD_SCREENS // 2)
        lead_screen = on_off(store, lead_blocks)
    finally:
        session.close()
    session = Session.open(CASEWORKER, home)
    try:
        store = store_of(session)
        caseload = len(session.records.listing_ids())
        screens = [[partial(first_screenful, session.records)]] * CASEWORKER_SCREENS
        caseworker_screen = on_off(store, screens)
    finally:
        session.close()
    return SealsResult(open_session, open_read, lead_screen, caseworker_screen, caseload)


# --- the report -----------------------------------------------------------------

Row = tuple[str, str, str, str, str, bool | None]


def row(measure: str, on: float, off: float, *, target: bool) -> Row:
    met = on <= SEAL_TARGET * off
    return (
        measure,
        f"{on / 1e6:.3f} ms",
        f"{off / 1e6:.3f} ms checks off",
        f"{on / off:.3f}x",
        f"<= {SEAL_TARGET:.2f}x checks off" if target else "(context)",
        met if target else None,
    )


def report_rows(
    done: SealsResult, records: int, percentile: Callable[[Sequence[int], int], int]
) -> list[Row]:
    def pct(side: OnOff, p: int) -> tuple[float, float]:
        return percentile(side.on, p), percentile(side.off, p)

    def median(side: OnOff) -> tuple[float, float]:
        return statistics.median(side.on), statistics.median(side.off)

    return [
        row("seals: open record p50 (Session, lead)", *pct(done.open_session, 50), target=True),
        row("seals: open record p95 (Session, lead)", *pct(done.open_session, 95), target=True),
        row("seals: open record p50, vault read alone", *pct(done.open_read, 50), target=False),
        row(
            f"seals: first screenful of {records:,}, median (lead)",
            *median(done.lead_screen),
            target=True,
        ),
        row(
            f"seals: first screenful of a caseload of {done.caseload:,}, median ({CASEWORKER})",
            *median(done.caseworker_screen),
            target=True,
        ),
    ]
