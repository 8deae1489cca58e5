"""Scale benchmark (issue 21): many sessions at once, on SQLite and on PostgreSQL.

Each session is its own process, a caseworker who opened the vault with a PIN. For a
fixed wall time it loops: open a random record on its caseload (timed: the open-record
latency), reveal one field with a reason, add a note. Every call that returns is one
operation. The same vault is built on both backends in the same run, PostgreSQL in a
throwaway cluster on a Unix socket (tests/support/postgres.py; as root its server runs
as the postgres account), and each is measured with one session and with many.

Targets: PostgreSQL's p95 open with 16 sessions at most 3x SQLite's; PostgreSQL's
throughput with 16 sessions at least 4x its own with one. The machine is shared and
noisy, so both are ratios against baselines measured in this run. A report, not a
test: the exit code is 0 whether targets are met or missed.

    .venv/bin/python bench/scale.py                                  # 100,000 records
    .venv/bin/python bench/scale.py --records 2000 --seconds 3       # a quick check
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import random
import sqlite3
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path

from secure_records.admin import Administration
from secure_records.core.records import NoteKind
from secure_records.demo import synthetic_records
from secure_records.session import Session
from secure_records.vault.kek import INSECURE_ENV
from secure_records.vault.memory_keyring import use_memory_keyring
from summary import emit
from vault import date_shift, import_row, percentile

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # tests.support.postgres: the throwaway cluster
from tests.support.postgres import NotInstalled, throwaway_cluster  # noqa: E402

OPEN_P95_TARGET = 3.0  # PostgreSQL's p95 open, as a multiple of SQLite's, both at 16
SCALING_TARGET = 4.0  # PostgreSQL's throughput at 16 sessions, over its own at one
CASEWORKERS = tuple(f"worker{n:02d}" for n in range(1, 17))
PIN = "246810"
REVEALABLE = ("address", "phone", "health")
REASON = "checking the details before a home visit"
READY_TIMEOUT = 900.0  # seconds for every session to open (16 at once on 100,000)

# What a session's process hands back: operations, seconds, open latencies (ns), errors.
Outcome = tuple[int, float, list[int], dict[str, int]]


@dataclass
class Run:
    """One round: some sessions at once on one backend."""

    backend: str
    sessions: int
    ops: int = 0
    seconds: float = 0.0
    opens_ns: list[int] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    busy: float | None = None  # the machine's CPUs busy during the round, 0 to 1

    @property
    def throughput(self) -> float:
        return self.ops / self.seconds if self.seconds else 0.0

    def open_ms(self, pct: int) -> float:
        return percentile(sorted(self.opens_ns), pct) / 1e6 if self.opens_ns else float("nan")


# --- the vault ------------------------------------------------------------------


def build(home: Path, work: Path, records: int, database: str | None) -> None:
    """The synthetic records, one caseworker each in turn, by bulk import; a PIN each."""
    shift = date_shift(date.today())
    source = work / "import.jsonl"
    with source.open("w", encoding="utf-8") as handle:
        for record in synthetic_records(records, 7, CASEWORKERS):
            handle.write(json.dumps(import_row(record, shift)) + "\n")
    with Administration.init(home, database=database) as admin:
        for name in CASEWORKERS:
            admin.add_staff(name, "caseworker")
            admin.set_pin(name, PIN)
        admin.import_file(source)
    source.unlink()


# --- one session's process ------------------------------------------------------


def work(
    home: Path, staff: str, seconds: float, seed: int, go: Barrier, out: Queue[Outcome]
) -> None:
    """One session's process: whatever happens, one outcome is put on `out`."""
    try:
        out.put(busy(home, staff, seconds, random.Random(seed), go))
    except Exception as exc:  # noqa: BLE001 - reported by the parent
        go.abort()  # the others stop waiting for a session that never came
        out.put((0, 0.0, [], {f"session: {type(exc).__name__}: {exc}": 1}))


def busy(home: Path, staff: str, seconds: float, rng: random.Random, go: Barrier) -> Outcome:
    """Open a session, wait for the others, then loop until the time is up."""
    opens: list[int] = []
    errors: Counter[str] = Counter()
    ops = n = 0
    with Session.open(staff, home, pin=PIN) as session:
        mine = session.records.listing_ids()
        go.wait(READY_TIMEOUT)
        started = time.perf_counter()
        while time.perf_counter() < started + seconds:
            n += 1
            rid = rng.choice(mine)
            try:
                began = time.perf_counter_ns()
                session.records.open_record(rid)
                opens.append(time.perf_counter_ns() - began)
                ops += 1
                session.records.reveal(rid, rng.choice(REVEALABLE), REASON)
                ops += 1
                kind = rng.choice((NoteKind.FACT, NoteKind.OPINION))
                session.records.add_note(rid, kind, f"Scale note {n} by {staff}", date.today())
                ops += 1
                session.records.close_record(rid)
            except Exception as exc:  # noqa: BLE001 - counted; a person would have seen it
                errors[f"{type(exc).__name__}: {' '.join(str(exc).split())[:120]}"] += 1
        took = time.perf_counter() - started
    return ops, took, opens, dict(errors)


def measure(backend: str, home: Path, sessions: int, seconds: float, seed: int) -> Run:
    """`sessions` processes at once, forked so that they share the in-process keyring."""
    context = multiprocessing.get_context("fork")
    go = context.Barrier(sessions + 1)  # and this process, to time the machine's load
    out: Queue[Outcome] = context.Queue()
    procs = [
        context.Process(
            target=work, args=(home, CASEWORKERS[n], seconds, seed + n, go, out), daemon=True
        )
        for n in range(sessions)
    ]
    for proc in procs:
        proc.start()
    run = Run(backend, sessions)
    try:
        go.wait(READY_TIMEOUT)
        before = cpu_ticks()
        time.sleep(seconds)
        run.busy = busy_between(before, cpu_ticks())
    except threading.BrokenBarrierError:
        pass  # a session never opened: its outcome says why
    for _ in procs:
        ops, took, opens, errors = out.get(timeout=READY_TIMEOUT + seconds + 120)
        run.ops += ops
        run.seconds = max(run.seconds, took)  # every session ran at least this long
        run.opens_ns.extend(opens)
        run.errors.update(errors)
    for proc in procs:
        proc.join(timeout=60)
    return run


def cpu_ticks() -> tuple[int, int] | None:
    """(idle, total) CPU ticks of the whole machine since boot, where Linux says."""
    try:
        fields = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    return fields[3] + fields[4], sum(fields)  # idle and iowait: not working


def busy_between(before: tuple[int, int] | None, after: tuple[int, int] | None) -> float | None:
    if before is None or after is None or after[1] == before[1]:
        return None
    return 1 - (after[0] - before[0]) / (after[1] - before[1])


# --- the report -----------------------------------------------------------------


@contextmanager
def postgres_database() -> Iterator[str | None]:
    """A database in a throwaway cluster, or None (saying why) where PostgreSQL 15 is
    not installed: SQLite is still measured."""
    try:
        with throwaway_cluster() as cluster:
            yield cluster.conninfo(cluster.new_database())
    except NotInstalled as missing:
        print(f"{missing}: PostgreSQL is not measured.", flush=True)
        yield None


def ratio_row(
    measure: str, value: float, baseline: float, unit: str, against: str, target: str, met: bool
) -> tuple[str, str, str, str, str, bool]:
    return (
        measure,
        f"{value:,.1f} {unit}",
        f"{baseline:,.1f} {unit} {against}",
        f"{value / baseline:.2f}x" if baseline else "-",
        target,
        met,
    )


def report(runs: dict[tuple[str, int], Run], many: int) -> None:
    print()
    print(
        f"{'backend':10} {'sessions':>8} {'ops':>8} {'ops/s':>9} {'open p50':>10} {'p95':>10}"
        f" {'CPUs busy':>10}"
    )
    for run in runs.values():
        busy = "-" if run.busy is None else f"{run.busy:.0%}"
        print(
            f"{run.backend:10} {run.sessions:>8} {run.ops:>8,} {run.throughput:>9.1f} "
            f"{run.open_ms(50):>8.1f}ms {run.open_ms(95):>8.1f}ms {busy:>10}"
        )
        for problem, count in run.errors.most_common():
            print(f"    {count} x {problem}")
    rows: list[tuple[str, str, str, str, str, bool | None]] = []
    sqlite_one, sqlite_many = runs[("sqlite", 1)], runs[("sqlite", many)]
    rows.append(
        (
            f"scale: SQLite throughput, {many} sessions",
            f"{sqlite_many.throughput:,.1f} ops/s",
            f"{sqlite_one.throughput:,.1f} ops/s 1 session",
            f"{sqlite_many.throughput / sqlite_one.throughput:.2f}x",
            "-",
            None,
        )
    )
    if ("postgres", many) in runs:
        pg_one, pg_many = runs[("postgres", 1)], runs[("postgres", many)]
        p95, base = pg_many.open_ms(95), sqlite_many.open_ms(95)
        rows.append(
            ratio_row(
                f"scale: PostgreSQL open p95, {many} sessions",
                p95,
                base,
                "ms",
                "SQLite",
                f"<= {OPEN_P95_TARGET:g}x",
                p95 <= OPEN_P95_TARGET * base,
            )
        )
        scaled = pg_many.throughput / pg_one.throughput if pg_one.throughput else 0.0
        rows.append(
            ratio_row(
                f"scale: PostgreSQL throughput, {many} sessions",
                pg_many.throughput,
                pg_one.throughput,
                "ops/s",
                "1 session",
                f">= {SCALING_TARGET:g}x",
                scaled >= SCALING_TARGET,
            )
        )
    print()
    for measure, value, against, ratio, target, met in rows:
        verdict = "-" if met is None else "met" if met else "MISSED"
        print(f"{measure:42} {value:>14}  {against:>26}  {ratio:>7}  {target:>6}  {verdict}")
    missed = [row[0] for row in rows if row[5] is False]
    if ("postgres", many) not in runs:
        print("\nPostgreSQL's targets were not measured: PostgreSQL 15 is not installed.")
    elif missed:
        print("\nMISSED: " + "; ".join(missed) + " (figures above).")
    print(
        "An operation is one call that returned: an open, a reveal or a note. CPUs busy: "
        f"the whole machine's {os.cpu_count()} CPUs during the round, other work included."
    )
    emit("scale", 21, rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000, help="records in each vault")
    parser.add_argument("--seconds", type=float, default=10.0, help="wall time of each round")
    parser.add_argument("--sessions", type=int, default=16, help="sessions at once (at most 16)")
    parser.add_argument("--seed", type=int, default=2021)
    args = parser.parse_args(argv)
    many = max(1, min(args.sessions, len(CASEWORKERS)))
    os.environ[INSECURE_ENV] = "1"
    use_memory_keyring()  # forked sessions inherit it; nothing touches a real keyring
    print(
        f"secure-records scale benchmark: {args.records:,} synthetic records, "
        f"1 and {many} sessions, {args.seconds:g} s a round\n"
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"{os.cpu_count()} CPUs, {platform.platform()}",
        flush=True,
    )
    runs: dict[tuple[str, int], Run] = {}
    with (
        tempfile.TemporaryDirectory(prefix="secure-records-bench-") as tmp,
        postgres_database() as pg,
    ):
        work_dir = Path(tmp)
        homes: dict[str, tuple[Path, str | None]] = {"sqlite": (work_dir / "sqlite", None)}
        if pg is not None:
            homes["postgres"] = (work_dir / "postgres", pg)
        for backend, (home, database) in homes.items():
            started = time.perf_counter()
            build(home, work_dir, args.records, database)
            print(f"{backend} vault built in {time.perf_counter() - started:.1f} s.", flush=True)
        # One session on each, then many on each: drift in the machine's load falls on
        # both backends rather than on one.
        for sessions in (1, many):
            for backend, (home, _) in homes.items():
                run = measure(backend, home, sessions, args.seconds, args.seed)
                runs[(backend, sessions)] = run
                print(
                    f"{backend}, {sessions} session(s): {run.throughput:,.1f} ops/s, "
                    f"open p95 {run.open_ms(95):.1f} ms",
                    flush=True,
                )
    report(runs, many)
    return 0


if __name__ == "__main__":
    sys.exit(main())
