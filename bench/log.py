"""Log benchmark: durable append latency and verify throughput, each beside a baseline.

Every measure is printed beside a baseline measured in the same run (the machine is
shared and noisy), as a ratio, with its target and whether it was met. A report, not a
test: the exit code is 0 either way.

    .venv/bin/python bench/log.py                    # 100,000 entries to verify
    .venv/bin/python bench/log.py --entries 5000     # a quick check
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from secure_records.admin import Administration
from secure_records.demo import DEMO_STAFF
from secure_records.vault.envelope import PadHmac
from secure_records.vault.home import resolve_home
from secure_records.vault.kek import INSECURE_ENV
from secure_records.vault.memory_keyring import use_memory_keyring
from secure_records.vault.vault import Vault
from summary import emit

APPEND_P50_TARGET_MS = 2.0
VERIFY_RATIO_TARGET = 0.5  # verify entries/s as a share of the raw crypto's
VERIFY_ABSOLUTE_TARGET = 100_000.0  # entries/s


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * pct / 100))]


def durable_appends(vault: Vault, count: int) -> list[float]:
    """Seconds per append through the real path: one transaction, the entry written
    and fsynced, the sealed head moved and committed (synchronous=FULL)."""
    samples = []
    for n in range(count):
        started = time.perf_counter()
        with vault.recorded("bench", "bench", "record_opened", "R-000001", {"n": n}):
            pass
        samples.append(time.perf_counter() - started)
    return samples


def raw_fsync_appends(directory: Path, line_size: int, count: int) -> list[float]:
    """Baseline: append one line of the same size to a file and fsync it."""
    path = directory / "raw-append"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    line = b"x" * (line_size - 1) + b"\n"
    samples = []
    try:
        for _ in range(count):
            started = time.perf_counter()
            os.write(fd, line)
            os.fsync(fd)
            samples.append(time.perf_counter() - started)
    finally:
        os.close(fd)
    return samples


def fill_log(vault: Vault, count: int) -> None:
    """Append `count` entries quickly: durability is not what is being measured here,
    so fsync is switched off while filling."""
    real_fsync = os.fsync
    os.fsync = lambda fd: None  # type: ignore[assignment]
    db = vault.store._db
    db.execute("PRAGMA synchronous = OFF")
    try:
        for n in range(count):
            with vault.recorded("bench", "bench", "record_opened", "R-000001", {"n": n}):
                pass
    finally:
        os.fsync = real_fsync
        db.execute("PRAGMA synchronous = FULL")


def raw_crypto_rate(lines: list[bytes]) -> float:
    """Baseline: AES-GCM decryption of each entry's sealed part plus HMAC-SHA256 over
    the whole body, on the same entries, with nothing else."""
    aead = AESGCM(AESGCM.generate_key(bit_length=256))
    chain = PadHmac(os.urandom(32))  # the fastest HMAC-SHA256 we have, as verify uses
    prepared = []
    for line in lines:
        body = line.rpartition(b"\t")[0]
        sealed_len = len(base64.b64decode(json.loads(body)["g"]))
        nonce = os.urandom(12)
        sealed = aead.encrypt(nonce, os.urandom(sealed_len - 28), b"ad")
        prepared.append((body, nonce, sealed))
    started = time.perf_counter()
    previous = b"\0" * 32
    for body, nonce, sealed in prepared:
        aead.decrypt(nonce, sealed, b"ad")
        previous = chain.digest(previous, body)
    return len(prepared) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000, help="log size to verify")
    parser.add_argument("--appends", type=int, default=2_000, help="durable appends to time")
    args = parser.parse_args()

    os.environ[INSECURE_ENV] = "1"
    use_memory_keyring()
    with tempfile.TemporaryDirectory(prefix="bench-log-") as tmp:
        home = Path(tmp) / "vault"
        admin = Administration.init(home)
        for name, role in DEMO_STAFF:
            admin.add_staff(name, role)
        admin.close()
        vault = Vault.open(resolve_home(home))

        # Durable appends and their baseline, alternating in blocks to share the noise.
        line_size = len((home / "audit.log").read_bytes().splitlines()[-1]) + 1
        ours: list[float] = []
        raw: list[float] = []
        block = 100
        for _ in range(max(1, args.appends // block)):
            ours += durable_appends(vault, block)
            raw += raw_fsync_appends(Path(tmp), line_size, block)

        # Verify throughput over a large log.
        fill_log(vault, max(0, args.entries - vault.log.head().seq))
        started = time.perf_counter()
        verdict = vault.log.verify()
        verify_rate = verdict.entries / (time.perf_counter() - started)
        lines = (home / "audit.log").read_bytes().splitlines()
        crypto_rate = raw_crypto_rate(lines)
        vault.close()

    p50, p95 = percentile(ours, 50) * 1e3, percentile(ours, 95) * 1e3
    raw50, raw95 = percentile(raw, 50) * 1e3, percentile(raw, 95) * 1e3
    rows = [
        (
            "durable append p50",
            f"{p50:.2f} ms",
            f"{raw50:.2f} ms (write+fsync)",
            f"{p50 / raw50:.1f}x",
            f"<= {APPEND_P50_TARGET_MS:g} ms",
            p50 <= APPEND_P50_TARGET_MS,
        ),
        (
            "durable append p95",
            f"{p95:.2f} ms",
            f"{raw95:.2f} ms (write+fsync)",
            f"{p95 / raw95:.1f}x",
            "(context)",
            None,
        ),
        (
            f"verify ({verdict.entries:,} entries)",
            f"{verify_rate:,.0f} /s",
            f"{crypto_rate:,.0f} /s (AES-GCM+HMAC)",
            f"{verify_rate / crypto_rate:.2f}",
            f">= {VERIFY_RATIO_TARGET:g} of raw, >= {VERIFY_ABSOLUTE_TARGET:,.0f}/s",
            verify_rate >= VERIFY_RATIO_TARGET * crypto_rate
            and verify_rate >= VERIFY_ABSOLUTE_TARGET,
        ),
    ]
    header = ("measure", "value", "baseline (same run)", "ratio", "target", "met")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(5)]
    print(f"bench/log.py on {sys.platform}, SQLite {sqlite3.sqlite_version}")
    print("  ".join(h.ljust(w) for h, w in zip(header, [*widths, 3], strict=True)))
    missed = []
    for row in rows:
        met = "-" if row[5] is None else ("yes" if row[5] else "NO")
        print("  ".join(str(c).ljust(w) for c, w in zip(row[:5], widths, strict=True)) + "  " + met)
        if row[5] is False:
            missed.append(row[0])
    print(f"verify: {verdict.sentence()}")
    print("verify checks every entry's MAC, the sequence and the sealed head; it decrypts")
    print("nothing, so the raw baseline (which also decrypts) is the harder of the two.")
    print("targets missed: " + (", ".join(missed) if missed else "none"))
    emit("log", 3, rows)


if __name__ == "__main__":
    main()
