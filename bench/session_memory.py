"""Memory per session (issue 21): each role's peak resident memory on a large vault.

For each role, a child process opens a Session as one person of it the way the app
does (the PIN checked), does what that role's first screen does (the list, its first
screenful, the search prepared and run; the callbacks and an exact lookup; the role
page and its queue), opens and reveals one record and adds a note where the role may,
and reports its peak resident memory: VmHWM, the new program's own (`ru_maxrss`
survives an exec on Linux, so a child of a big parent would report the parent's).
Beside it, in the same run, a bare Python that imported the same modules (the app's,
Textual's, the session's; on PostgreSQL psycopg's too) and did nothing: the floor.
Each backend gets its own table. SQLite's vault (100,000 records by default) is built
once and kept in the temporary directory, keyed by its size; PostgreSQL's is built
again each run in a throwaway cluster (tests/support/postgres.py), the same records.

    .venv/bin/python bench/session_memory.py                      # both, 100,000 records
    .venv/bin/python bench/session_memory.py --records 5000       # a quick check
    .venv/bin/python bench/session_memory.py --backend postgres   # one backend
    .venv/bin/python bench/session_memory.py --trace              # top allocators per role

A report, not a test: the exit code is 0 whether targets are met or missed.

Issue 21, on this machine (2 cores shared by several jobs), 100,000 records, peak MB
(bare import floor in brackets); the PIN's scrypt alone takes 16 MB for a moment:
  before: caseworker 86, lead 116, receptionist 74, IT 128, auditor 75   (56)
  after:  caseworker 72, lead 75, receptionist 72, IT 72, auditor 72     (54)
PostgreSQL (psycopg's import alone is 10 MB more, so its floor with the PIN is 83):
  before: caseworker 83, lead 277, receptionist 83, IT 267, auditor 83  (64)
  after:  caseworker 83, lead 86, receptionist 83, IT 83, auditor 83    (64)
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # tests.support: the file keyring the benchmarks use

from tests.support.cli import subprocess_env  # noqa: E402

from summary import emit  # noqa: E402

TARGET_MB = 80.0
# role as the issue names it -> the demo staff member who holds it
PEOPLE = {
    "caseworker": "alice",
    "lead": "lead",
    "receptionist": "reception",
    "IT": "it",
    "auditor": "auditor",
}
# What the app has loaded by the time a person works in it: the app, its first
# screens, the record screen. The baseline imports exactly these and does nothing.
APP_MODULES = (
    "secure_records.session",
    "secure_records.tui.app",
    "secure_records.tui.home_screens",
    "secure_records.tui.list_screen",
    "secure_records.tui.record_screen",
    "secure_records.tui.reception_screen",
    "secure_records.tui.lookup_screen",
    "secure_records.tui.role_page",
)
# What a session on PostgreSQL loads besides: the driver and the store around it.
POSTGRES_MODULES = ("psycopg", "secure_records.vault.postgres.store")
BACKENDS = ("sqlite", "postgres")
SCREENFUL = 40  # list lines fetched for the first screen
QUERY = "Ada"  # a search a person types on the list (part of a name)


def peak_mb() -> float:
    """This process's peak resident memory. `ru_maxrss` survives an exec on Linux (a
    child started by a big parent reports the parent's peak), so VmHWM, which is the
    new program's own, where there is one; `ru_maxrss` otherwise."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# --- in the child ----------------------------------------------------------------


def _quietly(step: Callable[[], object]) -> None:
    """A banner's part a role may not read is refused, as on screen: said nowhere."""
    from secure_records.core.errors import SecureRecordsError

    with contextlib.suppress(SecureRecordsError):
        step()


def _list_screen(session: Any) -> str | None:
    """RecordListScreen: the banner, the list, its first screenful, then (a moment
    later, as the screen does) the search's preparation and one search."""
    records = session.records
    for step in (
        session.waiting.overdue,
        session.waiting.passed,
        session.access_requests.due,
        session.concerns.open_breaches,
    ):
        _quietly(step)
    ids = records.arrange(records.listing_ids())
    records.summaries(ids[:SCREENFUL])
    records.prepare_search()
    found = records.arrange(records.search(QUERY))
    records.summaries(found[:SCREENFUL])
    return ids[0] if ids else None


def _one_record(session: Any, record_id: str) -> None:
    from secure_records.core.permissions import Permission
    from secure_records.core.policy import Rule
    from secure_records.core.records import NoteKind

    records = session.records
    records.open_record(record_id)
    revealable = [
        name for name in session.policy.fields if session.role.rule_for(name).rule is Rule.REVEAL
    ]
    if revealable:
        records.reveal(record_id, revealable[0], "Checking before a home visit today.")
    if session.may(Permission.ADD_NOTE):
        records.add_note(record_id, NoteKind.FACT, "Visited; all well.", date.today())
    records.close_record(record_id)


def _reception(session: Any, records: int) -> None:
    """ReceptionScreen: the callbacks still to make; then an exact lookup."""
    from secure_records.demo import synthetic_records

    session.telephone.awaiting_callback()
    first = next(synthetic_records(records, 7))
    session.records.find_exact(first.values["name"], first.values["date_of_birth"])


def _role_page(session: Any) -> None:
    """RolePage, then the queue its role works from (IT: retention; auditor: the log)."""
    from secure_records.core.permissions import Permission

    if session.may(Permission.DISPOSE):
        session.retention.expired_packages()
    if session.may(Permission.PROPOSE_DISPOSAL):
        session.retention.retention_queue()
    if session.may(Permission.READ_LOG):
        session.oversight.log_state()
        session.oversight.audit_log()


def child(role: str, home: Path, records: int, baseline: bool, trace: bool, backend: str) -> None:
    for name in (*APP_MODULES, *(POSTGRES_MODULES if backend == "postgres" else ())):
        importlib.import_module(name)
    out: dict[str, Any] = {"imported_mb": peak_mb()}
    if not baseline:
        from secure_records.core.policy import Scope
        from secure_records.demo import DEMO_PIN
        from secure_records.session import Session

        if trace:
            tracemalloc.start(12)
        started = time.perf_counter()
        session = Session.open(PEOPLE[role], home, pin=DEMO_PIN)
        try:
            scope = session.role.scope
            if scope in (Scope.ALL, Scope.CASELOAD):
                first = _list_screen(session)
                if first is not None:
                    _one_record(session, first)
            elif scope is Scope.INDEX:
                _reception(session, records)
            else:
                _role_page(session)
            if trace:
                out["top"] = _top_allocators()
        finally:
            session.close()
        out["seconds"] = time.perf_counter() - started
    out["peak_mb"] = peak_mb()
    print(json.dumps(out))


def _top_allocators(limit: int = 12) -> list[str]:
    """Where the memory still held was allocated, by line (the caller's, not only the
    innermost frame), biggest first."""
    snapshot = tracemalloc.take_snapshot().filter_traces(
        (tracemalloc.Filter(False, tracemalloc.__file__),)
    )
    lines = []
    for stat in snapshot.statistics("traceback")[:limit]:
        frames = [f for f in stat.traceback if "secure_records" in f.filename][-3:]
        where = " <- ".join(
            f"{Path(f.filename).name}:{f.lineno}" for f in reversed(frames or stat.traceback[-1:])
        )
        lines.append(f"{stat.size / 1e6:7.1f} MB {stat.count:8,} blocks  {where}")
    _, peak = tracemalloc.get_traced_memory()
    lines.append(f"traced peak {peak / 1e6:.1f} MB")
    return lines


# --- the run ---------------------------------------------------------------------


def build(home: Path, records: int) -> None:
    """Staff of every role (PIN set) and `records` synthetic records, as bench/startup.py."""
    from startup import build as build_vault

    build_vault(home, records)


def run_child(
    role: str, home: Path, records: int, env: dict[str, str], backend: str, *flags: str
) -> Any:
    done = subprocess.run(
        [
            sys.executable,
            str(Path(__file__)),
            "--child",
            role,
            "--home",
            str(home),
            "--records",
            str(records),
            "--backend",
            backend,
            *flags,
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=900,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{role}: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


@contextlib.contextmanager
def postgres_database() -> Iterator[str | None]:
    """A database in a throwaway cluster, or None (saying why) where PostgreSQL 15 is
    not installed."""
    from tests.support.postgres import NotInstalled, throwaway_cluster

    with contextlib.ExitStack() as stack:
        try:
            cluster = stack.enter_context(throwaway_cluster())
        except NotInstalled as missing:
            print(f"{missing}: PostgreSQL is not measured.", flush=True)
            yield None
            return
        yield cluster.conninfo(cluster.new_database())


def measure(
    backend: str, home: Path, args: argparse.Namespace, env: dict[str, str]
) -> list[tuple[str, str, str, str, str, bool]]:
    """Each role's peak and its baseline on this backend's vault; its table printed."""
    rows = []
    for role in PEOPLE:
        base = run_child(role, home, args.records, env, backend, "--baseline")
        ours = run_child(role, home, args.records, env, backend)
        peak, floor = ours["peak_mb"], base["peak_mb"]
        rows.append(
            (
                f"{backend} {role}: peak RSS",
                f"{peak:.0f} MB",
                f"{floor:.0f} MB bare import",
                f"{peak / floor:.2f}x",
                f"<= {TARGET_MB:.0f} MB",
                peak <= TARGET_MB,
            )
        )
        if args.trace:
            top = run_child(role, home, args.records, env, backend, "--trace")
            print(f"\n{backend} {role}: what is held at the end of its work (tracemalloc)")
            print("\n".join("  " + line for line in top["top"]))
    print(f"\n{backend}: {'role':14} {'peak MB':>8} {'baseline MB':>12} {'target':>8}  met")
    pad = " " * (len(backend) + 2)
    for (_, value, against, _, _, met), role in zip(rows, PEOPLE, strict=True):
        print(
            f"{pad}{role:14} {value.split()[0]:>8} {against.split()[0]:>12} "
            f"{TARGET_MB:>5.0f} MB  {'met' if met else 'MISSED'}",
            flush=True,
        )
    return rows


def built(home: Path, records: int, database: str | None) -> None:
    """The vault at `home` (in `database` when given), unless already built."""
    if (home / "built").exists():
        return
    if home.exists():
        shutil.rmtree(home)  # a PostgreSQL home names a cluster gone with its last run
    started = time.perf_counter()
    if database is not None:
        os.environ["SECURE_RECORDS_DATABASE"] = database  # read by init, then named in vault.conf
    try:
        build(home, records)
    finally:
        os.environ.pop("SECURE_RECORDS_DATABASE", None)
    if database is None:
        (home / "built").write_text("")
    where = "PostgreSQL" if database is not None else "SQLite"
    print(
        f"{where} vault built in {time.perf_counter() - started:.0f} s (home {home}).", flush=True
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000, help="records in the vault")
    parser.add_argument("--vault", type=Path, help="where to keep the vault (default: cached)")
    parser.add_argument("--backend", choices=(*BACKENDS, "both"), default="both")
    parser.add_argument("--trace", action="store_true", help="print each role's top allocators")
    parser.add_argument("--child", choices=sorted(PEOPLE), help=argparse.SUPPRESS)
    parser.add_argument("--home", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--baseline", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.home, args.records, args.baseline, args.trace, args.backend)
        return 0
    where = args.vault or Path(tempfile.gettempdir()) / f"secure-records-memory-{args.records}"
    where.mkdir(parents=True, exist_ok=True)
    env = subprocess_env(where)  # its keyring is a file there, allowed as insecure
    env.pop("SECURE_RECORDS_DATABASE", None)  # each home's vault.conf names its own
    os.environ.update({k: v for k, v in env.items() if k.startswith(("PYTHON", "SECURE"))})
    print(
        f"secure-records session memory: {args.records:,} synthetic records\n"
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.platform()}",
        flush=True,
    )
    rows = []
    backends = BACKENDS if args.backend == "both" else (args.backend,)
    if "sqlite" in backends:
        built(where / "vault", args.records, None)
        rows += measure("sqlite", where / "vault", args, env)
    if "postgres" in backends:
        with postgres_database() as database:
            if database is not None:
                built(where / "vault-postgres", args.records, database)
                rows += measure("postgres", where / "vault-postgres", args, env)
    emit("session_memory", 21, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
