"""Every benchmark on a 100,000-record vault, then one table of them all.

Each measure sits beside a baseline measured in the same run (these machines are
noisy), with its ratio, the target from the issue that set it, and whether it was
met. Targets missed are listed plainly at the end. A report, not a test: the exit
code is 0 either way, unless a benchmark itself fails.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from summary import ROWS_ENV

HERE = Path(__file__).resolve().parent
BENCHES = {
    "vault.py": "--records",
    "log.py": "--entries",
    "tui.py": "--records",
    "startup.py": "--records",
    "scale.py": "--records",
    "session_memory.py": "--records",
}


def main() -> int:
    # `bench/all.py 5000` for a quick look; the targets are for 100,000.
    size = sys.argv[1:2]
    with tempfile.TemporaryDirectory(prefix="secure-records-bench-") as tmp:
        rows_file = Path(tmp) / "rows.jsonl"
        env = {**os.environ, ROWS_ENV: str(rows_file)}
        for bench, option in BENCHES.items():
            print(f"\n=== bench/{bench}", flush=True)
            args = [option, size[0]] if size else []
            done = subprocess.run([sys.executable, str(HERE / bench), *args], env=env, check=False)
            if done.returncode != 0:
                print(f"bench/{bench} failed with exit code {done.returncode}.")
                return done.returncode
        rows = [json.loads(line) for line in rows_file.read_text().splitlines()]
    header = ["issue", "measure", "value", "baseline (same run)", "ratio", "target", "met"]
    cells = [
        [
            str(r["issue"]),
            r["measure"],
            r["value"],
            r["baseline"],
            r["ratio"],
            r["target"],
            "-" if r["met"] is None else ("yes" if r["met"] else "NO"),
        ]
        for r in rows
    ]
    widths = [max(len(row[i]) for row in [header, *cells]) for i in range(len(header))]
    print("\n=== all benchmarks, one table")
    for row in [header, ["-" * w for w in widths], *cells]:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    missed = [
        f"{r['measure']} (issue {r['issue']}, target {r['target']})"
        for r in rows
        if r["met"] is False
    ]
    print("\ntargets missed: " + ("; ".join(missed) if missed else "none"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
