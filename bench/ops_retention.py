"""Retention at scale (issue 20), on a 100,000-record vault: IT proposing every due
record at once, beside listing the retention queue measured in the same run.

(The retention part of the issue's bench/ops.py, in its own file so that the backup
part can be written beside it without a clash.)

  list the queue     Session.retention.retention_queue(), what IT's screen loads:
                     the baseline, median of ROUNDS
  work out the queue the scan alone (Retention.due_items), median of ROUNDS, beside
                     decrypting the category and every rule's date field of every
                     record (how the scan read them before issue 20)
  propose them all   DisposalBatches.proposal_preview() then propose_all(), after
                     the queue is listed (as on IT's screen): the preview IT reads
                     (the listed records worked out again) and one transaction with
                     one log entry
  approve them all   the lead's batch approval, as context

A report, not a test: exit code 0 either way.

    .venv/bin/python bench/ops_retention.py                  # 100,000 records
    .venv/bin/python bench/ops_retention.py --records 5000   # a quick check
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypeVar

from secure_records.admin import Administration
from secure_records.core.retention import CATEGORY_FIELD
from secure_records.session import Session
from secure_records.vault.kek import INSECURE_ENV
from secure_records.vault.memory_keyring import use_memory_keyring
from summary import emit
from tui import build  # the same vault as the TUI benchmark: demo staff and records

ROUNDS = 3
TARGET_SECONDS = 2.0  # proposing every due record at once (issue 20)
REASON = "Past retention under the policy; reviewed by IT"
T = TypeVar("T")


def timed(work: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    done = work()
    return time.perf_counter() - start, done


def median_of(work: Callable[[], object]) -> float:
    return statistics.median(timed(work)[0] for _ in range(ROUNDS))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    args = parser.parse_args()
    os.environ[INSECURE_ENV] = "1"
    use_memory_keyring()
    today = date.today()
    with tempfile.TemporaryDirectory(prefix="bench-ops-retention-") as tmp:
        home = Path(tmp) / "vault"
        print(f"building a vault of {args.records:,} records ...", flush=True)
        build(home, args.records)
        with Session.open("it", home) as it:
            listed = median_of(it.retention.retention_queue)
            scanned = median_of(lambda: it.retention.due_items(today))
        with Administration.open(home) as admin:
            rules = admin.vault.policy.retention.rules.values()
            fields = (CATEGORY_FIELD, *sorted({rule.starts for rule in rules}))
            every_field = median_of(lambda: admin.vault.field_values(None, fields))
        with Session.open("it", home) as it:
            it.retention.retention_queue()  # as IT's screen has, before pressing a

            def propose() -> int:
                preview = it.disposal_batches.proposal_preview(today)
                expected = sum(line.count for line in preview)
                return len(it.disposal_batches.propose_all(REASON, expected))

            proposing, proposed = timed(propose)
        with Session.open("lead", home) as lead:

            def approve() -> int:
                expected = sum(line.count for line in lead.disposal_batches.approval_preview())
                return lead.disposal_batches.approve_all(REASON, expected)

            approving, approved = timed(approve)

    ratio = proposing / listed
    met = proposing < TARGET_SECONDS
    print(f"records: {args.records:,}; due and proposed at once: {proposed:,}")
    print(f"list the queue (baseline):   {listed * 1000:8.0f} ms")
    print(
        f"work out the queue (scan):   {scanned * 1000:8.0f} ms  (every rule's fields "
        f"decrypted, as before: {every_field * 1000:.0f} ms)"
    )
    print(
        f"propose them all at once:    {proposing * 1000:8.0f} ms  ({ratio:.2f}x the list; "
        f"target under {TARGET_SECONDS:.0f} s: {'met' if met else 'MISSED'})"
    )
    print(f"approve them all (context):  {approving * 1000:8.0f} ms  ({approved:,} approved)")
    emit(
        "ops_retention.py",
        20,
        [
            (
                f"propose all {proposed:,} due at once",
                f"{proposing:.2f} s",
                f"list the queue {listed:.2f} s",
                f"{ratio:.2f}x",
                f"< {TARGET_SECONDS:.0f} s",
                met,
            ),
            (
                "work out the queue (scan)",
                f"{scanned:.2f} s",
                f"every rule's fields decrypted {every_field:.2f} s",
                f"{scanned / every_field:.2f}x",
                "",
                None,
            ),
            (f"approve all {approved:,} (lead)", f"{approving:.2f} s", "", "", "", None),
        ],
    )


if __name__ == "__main__":
    main()
