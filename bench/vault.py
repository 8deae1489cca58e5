"""Vault benchmark: import rate and open-record latency, each beside a baseline.

Then, on the same vault, what checking row seals costs (bench/seals.py, issue 15).

The machine this runs on is shared and noisy, so no number here stands alone: every
measure is printed beside a baseline taken in the same run, as a ratio, with its
target and whether the target was met. It is a report, not a test: the exit code
is 0 whether targets are met or missed.

    .venv/bin/python bench/vault.py                  # 100,000 records (make bench)
    .venv/bin/python bench/vault.py --records 2000   # a quick check
"""

from __future__ import annotations

import argparse
import base64
import gc
import json
import os
import platform
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import cryptography
import keyring
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from seals import SEAL_TARGET, bench_seals, report_rows
from secure_records.admin import Administration
from secure_records.core.errors import ImportRejected
from secure_records.core.records import Record
from secure_records.demo import DEMO_STAFF, synthetic_records
from secure_records.session import Session
from secure_records.vault.envelope import (
    NONCE_BYTES,
    entry_ad,
    field_ad,
    pack_sealed,
    unpack_sealed,
    wrap_ad,
)
from secure_records.vault.kek import INSECURE_ENV, SERVICE
from secure_records.vault.memory_keyring import use_memory_keyring
from secure_records.vault.sqlite.migrations import SCHEMA
from summary import emit

IMPORT_TARGET = 5_000.0  # records/s, absolute
OPEN_P95_TARGET = 10.0  # open p95 through Session, as a multiple of the raw p95
OPEN_BLOCK = 50  # opens per side before switching between Session and raw
LEAD = "lead"  # safeguarding_lead: scope "all", so every sampled record can be opened
GCM_OVERHEAD = NONCE_BYTES + 16  # nonce in front, 16-byte tag behind
SYNTHETIC_TODAY = date(2026, 1, 1)  # the "today" demo.synthetic_records dates back from


# --- small timing helpers -------------------------------------------------------


def percentile(sorted_ns: Sequence[int], pct: int) -> int:
    """Nearest-rank percentile of already-sorted samples (integer ceiling: no float
    rounding decides which sample is the p95)."""
    rank = max(1, -(-len(sorted_ns) * pct // 100))
    return sorted_ns[rank - 1]


def timed_ns(fn: Callable[[str], object], arg: str) -> int:
    start = time.perf_counter_ns()
    fn(arg)
    return time.perf_counter_ns() - start


# --- the synthetic data ---------------------------------------------------------


def date_shift(today: date) -> timedelta:
    """How far to move the synthetic dates back so none is in the future on a machine
    whose clock is earlier than the generator's fixed "today" (import refuses those)."""
    return min(timedelta(0), today - SYNTHETIC_TODAY)


def import_row(record: Record, shift: timedelta) -> dict[str, Any]:
    """A record in the JSON Lines import schema (what `secure-records import` reads)."""

    def day(value: date) -> str:
        return (value + shift).isoformat()

    dob = date.fromisoformat(record.values["date_of_birth"])
    return {
        "id": record.id,
        **record.values,
        "date_of_birth": day(dob),
        "assigned_to": sorted(record.assigned_to),
        "consent": [
            {
                "given_by": c.given_by,
                "scope": c.scope,
                "date": day(c.date),
                "withdrawn": day(c.withdrawn) if c.withdrawn else None,
            }
            for c in record.consent
        ],
        "notes": [
            {
                "date": day(n.date),
                "author": n.author,
                "kind": n.kind.value,
                "text": n.text,
                "historical": n.historical,
            }
            for n in record.notes
        ],
    }


@dataclass
class RawRows:
    """The rows an import of these records writes, with plaintext padded to the size
    of the ciphertext, so the raw baseline moves the same number of bytes."""

    records: list[tuple[str, str, int, bytes, bytes, str, bytes]]
    entries: list[tuple[str, str, int, bytes]]
    assignments: list[tuple[str, str]]


def raw_rows(rows: Iterable[dict[str, Any]]) -> RawRows:
    pad = b"\0" * GCM_OVERHEAD
    out = RawRows([], [], [])
    for n, row in enumerate(rows):
        rid = row["id"]
        wrapped = os.urandom(32 + GCM_OVERHEAD)
        fields = pack_sealed(
            (name, value.encode() + pad)
            for name, value in row.items()
            if name not in ("id", "assigned_to", "consent", "notes")
        )
        out.records.append((rid, f"{n:016x}", 1, wrapped, os.urandom(16), "2026-01-01", fields))
        for kind in ("consent", "notes"):
            for seq, entry in enumerate(row[kind]):
                out.entries.append((rid, kind, seq, json.dumps(entry).encode() + pad))
        out.assignments.extend((rid, staff) for staff in row["assigned_to"])
    return out


# --- import ---------------------------------------------------------------------


def connect_like_store(path: Path) -> sqlite3.Connection:
    """A plain connection with the pragmas the vault's store uses, so the baseline pays
    the same durability cost (WAL, fsync on commit, secure_delete)."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA secure_delete = ON")
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA synchronous = FULL")
    return db


def raw_import_seconds(path: Path, source: Path, staff: Sequence[tuple[str, str]]) -> float:
    """Insert the same rows into an empty copy of the schema: no parsing, no checks,
    no encryption, one transaction. Only the inserts and the commit are timed.

    The rows are built here and dropped on return, so they are not alive (and making
    the garbage collector's passes longer) while the real import is timed."""
    with source.open(encoding="utf-8") as handle:
        rows = raw_rows(json.loads(line) for line in handle)
    db = connect_like_store(path)
    try:
        for statement in SCHEMA.split(";"):
            if statement.strip():
                db.execute(statement)
        db.executemany(
            "INSERT INTO staff (name, role, created_at) VALUES (?, ?, '2026-01-01')", staff
        )
        start = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")
        db.executemany(
            "INSERT INTO records (id, key_id, key_version, wrapped_key, match_index, "
            "created_at, sealed_fields) VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows.records,
        )
        db.executemany(
            "INSERT INTO record_entries (record_id, kind, seq, sealed) VALUES (?, ?, ?, ?)",
            rows.entries,
        )
        db.executemany("INSERT INTO assignments (record_id, staff) VALUES (?, ?)", rows.assignments)
        db.execute("COMMIT")
        return time.perf_counter() - start
    finally:
        db.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


@dataclass(frozen=True)
class ImportResult:
    vault_id: str
    seconds: float
    raw_seconds: list[float]


def bench_import(home: Path, work: Path, records: int, seed: int) -> ImportResult:
    shift = date_shift(date.today())
    rows = [import_row(r, shift) for r in synthetic_records(records, seed)]
    source = work / "import.jsonl"
    with source.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row) + "\n")
    del rows

    admin = Administration.init(home)
    try:
        for name, role in DEMO_STAFF:
            admin.add_staff(name, role)
        # Baseline before and after the real import, so drift in the machine's load
        # during the run shows up in both rather than only in one.
        raw = [raw_import_seconds(work / "raw-before.db", source, DEMO_STAFF)]
        gc.collect()
        start = time.perf_counter()
        try:
            imported = admin.import_file(source)
        except ImportRejected as rejected:
            sys.exit(f"The synthetic import was rejected, so nothing was measured:\n{rejected}")
        seconds = time.perf_counter() - start
        raw.append(raw_import_seconds(work / "raw-after.db", source, DEMO_STAFF))
        if imported != records:
            sys.exit(f"import stored {imported} records, expected {records}")
        return ImportResult(admin.vault_id, seconds, raw)
    finally:
        admin.close()


# --- opening a record -----------------------------------------------------------


class RawOpen:
    """What opening a record cannot avoid: primary-key lookups of the record's rows on a
    plain connection, unwrapping its data key and decrypting every field and entry."""

    def __init__(self, database: Path, vault_id: str) -> None:
        self._db = sqlite3.connect(database, isolation_level=None)
        self._vault_id = vault_id
        self._kek_version = int(
            self._db.execute("SELECT value FROM meta WHERE key = 'kek_version'").fetchone()[0]
        )
        encoded = keyring.get_password(SERVICE, f"{vault_id}:kek:v{self._kek_version}")
        if encoded is None:
            sys.exit("The vault's key-encryption key is not in the in-process keyring.")
        self._kek = AESGCM(base64.b64decode(encoded))

    def close(self) -> None:
        self._db.close()

    def __call__(self, rid: str) -> int:
        """Open `rid`; returns how many AES-GCM decryptions it took."""
        db = self._db
        key_id, version, wrapped, packed = db.execute(
            "SELECT key_id, key_version, wrapped_key, sealed_fields FROM records WHERE id = ?",
            (rid,),
        ).fetchone()
        ad = wrap_ad(self._vault_id, rid, key_id, self._kek_version)
        aead = AESGCM(self._kek.decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], ad))
        done = 1
        for name, sealed in unpack_sealed(packed, rid).items():
            aead.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], field_ad(rid, name, version))
            done += 1
        for kind, seq, sealed in db.execute(
            "SELECT kind, seq, sealed FROM record_entries WHERE record_id = ?", (rid,)
        ):
            ad = entry_ad(rid, kind, seq, version)
            aead.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], ad)
            done += 1
        return done


@dataclass(frozen=True)
class OpenResult:
    session_ns: list[int]
    raw_ns: list[int]
    floor_ns: list[int]
    decryptions: int


class RawOpenAndDurableAppend:
    """The raw open plus the least a durable log entry can cost: ~300 bytes appended
    to a file and fsynced, then a one-row SQLite commit (synchronous FULL). Every open
    through Session must write one before it shows anything (the log issue)."""

    def __init__(self, raw: RawOpen, work: Path) -> None:
        self._raw = raw
        self._fd = os.open(work / "floor.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        self._db = connect_like_store(work / "floor.db")
        self._db.execute("CREATE TABLE IF NOT EXISTS head (id INTEGER PRIMARY KEY, n INTEGER)")
        self._db.execute("INSERT OR REPLACE INTO head VALUES (1, 0)")

    def close(self) -> None:
        os.close(self._fd)
        self._db.close()

    def __call__(self, rid: str) -> int:
        self._db.execute("BEGIN IMMEDIATE")
        os.write(self._fd, b"x" * 299 + b"\n")
        os.fsync(self._fd)
        self._db.execute("UPDATE head SET n = n + 1 WHERE id = 1")
        self._db.execute("COMMIT")
        return self._raw(rid)


def bench_open(
    home: Path, work: Path, vault_id: str, ids: Sequence[str], warmup: Sequence[str]
) -> OpenResult:
    session = Session.open(LEAD, home)
    raw = RawOpen(home / "vault.db", vault_id)
    floor = RawOpenAndDurableAppend(raw, work)
    try:
        # Untimed pass over other records: both connections' caches and the code
        # paths warm up before anything counts.
        for rid in warmup:
            session.records.open_record(rid)
            raw(rid)
        session_ns: list[int] = []
        raw_ns: list[int] = []
        floor_ns: list[int] = []
        gc.collect()
        # Alternate in blocks rather than call by call: both sides still see the same
        # stretches of machine noise, but the raw connection is not made to re-read
        # its cache after every log entry the session commits (WAL invalidates it).
        for start in range(0, len(ids), OPEN_BLOCK):
            block = ids[start : start + OPEN_BLOCK]
            sides: list[tuple[list[int], Callable[[str], object]]] = [
                (session_ns, session.records.open_record),
                (raw_ns, raw),
                (floor_ns, floor),
            ]
            if (start // OPEN_BLOCK) % 2:
                sides.reverse()
            for times, open_one in sides:
                times.extend(timed_ns(open_one, rid) for rid in block)
        decryptions = sum(raw(rid) for rid in ids[:200])
        return OpenResult(sorted(session_ns), sorted(raw_ns), sorted(floor_ns), decryptions)
    finally:
        floor.close()
        raw.close()
        session.close()


# --- the report -----------------------------------------------------------------


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [" | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


def ms(ns: float) -> str:
    return f"{ns / 1e6:.3f} ms"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000, help="records to import")
    parser.add_argument("--samples", type=int, default=2_000, help="records to open")
    parser.add_argument("--seed", type=int, default=7, help="seed for data and sampling")
    args = parser.parse_args(argv)
    if args.records < 2:
        parser.error("--records must be at least 2")

    # The key-encryption key lives in this process only; nothing touches a real keyring.
    os.environ[INSECURE_ENV] = "1"
    use_memory_keyring()

    print(
        f"secure-records vault benchmark: {args.records:,} synthetic records, "
        f"{min(args.samples, args.records):,} opens\n"
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"cryptography {cryptography.__version__}, {os.cpu_count()} CPUs, "
        f"{platform.platform()}",
        flush=True,
    )
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="secure-records-bench-") as tmp:
        work = Path(tmp)
        home = work / "vault"
        imp = bench_import(home, work, args.records, args.seed)

        all_ids = [f"R-{n + 1:06d}" for n in range(args.records)]
        rng = random.Random(args.seed)
        ids = rng.sample(all_ids, min(args.samples, args.records))
        chosen = set(ids)
        rest = [rid for rid in all_ids if rid not in chosen] or all_ids
        warmup = rng.sample(rest, min(200, len(rest)))
        opened = bench_open(home, work, imp.vault_id, ids, warmup)
        sealed = bench_seals(home, ids, warmup)

    rate = args.records / imp.seconds
    raw_rate = args.records / (sum(imp.raw_seconds) / len(imp.raw_seconds))
    s50, s95 = percentile(opened.session_ns, 50), percentile(opened.session_ns, 95)
    r50, r95 = percentile(opened.raw_ns, 50), percentile(opened.raw_ns, 95)
    f95 = percentile(opened.floor_ns, 95)
    import_met = rate >= IMPORT_TARGET
    open_met = s95 <= OPEN_P95_TARGET * r95

    rows = [
        (
            "import (Administration.import_file)",
            f"{rate:,.0f} rec/s",
            f"{raw_rate:,.0f} rec/s raw SQLite inserts",
            f"{rate / raw_rate:.3f}x raw",
            f">= {IMPORT_TARGET:,.0f} rec/s",
            verdict(import_met),
        ),
        (
            "open record p50 (Session)",
            ms(s50),
            f"{ms(r50)} raw PK lookup + AES-GCM",
            f"{s50 / r50:.2f}x raw",
            "-",
            "-",
        ),
        (
            "open record p95 (Session)",
            ms(s95),
            f"{ms(r95)} raw PK lookup + AES-GCM",
            f"{s95 / r95:.2f}x raw",
            f"<= {OPEN_P95_TARGET:g}x raw p95",
            verdict(open_met),
        ),
        (
            "open record p95 (Session), context",
            ms(s95),
            f"{ms(f95)} raw + a durable log append",
            f"{s95 / f95:.2f}x",
            "-",
            "-",
        ),
    ]
    header = ("measure", "value", "baseline (same run)", "ratio", "target", "met?")
    print()
    print(table([header, *rows]))
    met = {"met": True, "MISSED": False}
    emit("vault", 2, [(*row[:5], met.get(row[5])) for row in rows])
    print()
    print(
        f"Import: {args.records:,} records in {imp.seconds:.2f} s; raw inserts took "
        + " and ".join(f"{s:.2f} s" for s in imp.raw_seconds)
        + " (before and after; rate from their mean)."
    )
    per_open = opened.decryptions / min(200, len(opened.raw_ns))
    print(
        f"Open: {len(opened.session_ns):,} records opened as {LEAD!r}, alternating in blocks "
        f"of {OPEN_BLOCK} with the raw path; raw does {per_open:.1f} AES-GCM decryptions "
        "per record (data key + fields + entries)."
    )
    print(
        f"Import target (>= {IMPORT_TARGET:,.0f} records/s): {verdict(import_met).upper()} "
        f"at {rate:,.0f} records/s."
    )
    print(
        f"Open-record target (p95 <= {OPEN_P95_TARGET:g}x raw): {verdict(open_met).upper()} "
        f"at {s95 / r95:.2f}x ({ms(s95)} vs {ms(r95)})."
    )
    seal_rows = report_rows(sealed, args.records, percentile)
    print()
    seal_cells = [(*r[:5], "-" if r[5] is None else verdict(r[5])) for r in seal_rows]
    print(table([header, *seal_cells]))
    emit("seals", 15, seal_rows)
    print(
        f"Seals (issue 15): the same calls with the store's seal checks on and off, "
        f"alternating in blocks; {len(sealed.open_session.on):,} opens a side, "
        f"{len(sealed.lead_screen.on)} and {len(sealed.caseworker_screen.on)} first "
        f"screenfuls a side. Target: checks on at most {SEAL_TARGET:.2f}x checks off."
    )
    print(f"Total benchmark time {time.perf_counter() - started:.1f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
