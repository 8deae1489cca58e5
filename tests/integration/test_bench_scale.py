"""bench/scale.py still runs end to end (issue 21, Benchmark): a tiny vault on both
backends, two sessions for a second. Nothing here is about its timings."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.cli import REPO
from tests.support.postgres import BIN

SCRIPT = REPO / "bench" / "scale.py"
ERROR_LINE = re.compile(r"^\s+\d+ x ", re.MULTILINE)  # a failed call, counted by type


@pytest.mark.slow
@pytest.mark.not_on_postgres  # it starts its own cluster and makes both vaults
def test_the_scale_benchmark_runs_on_both_backends_without_errors(tmp_path: Path) -> None:
    rows_file = tmp_path / "rows.jsonl"
    # Its SQLite vault must be SQLite's: init would follow SECURE_RECORDS_DATABASE.
    env = {k: v for k, v in os.environ.items() if k != "SECURE_RECORDS_DATABASE"}
    env["BENCH_ROWS"] = str(rows_file)
    command = [sys.executable, str(SCRIPT), "--records", "200", "--seconds", "1", "--sessions", "2"]
    ran = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600, check=False)
    assert ran.returncode == 0, ran.stderr
    assert not ERROR_LINE.search(ran.stdout), ran.stdout
    rows = [json.loads(line) for line in rows_file.read_text().splitlines()]
    measures = [row["measure"] for row in rows]
    assert measures[0] == "scale: SQLite throughput, 2 sessions"
    if not (BIN / "initdb").is_file() and not os.environ.get("CI"):
        assert "PostgreSQL is not measured" in ran.stdout
        return
    assert measures[1:] == [
        "scale: PostgreSQL open p95, 2 sessions",
        "scale: PostgreSQL throughput, 2 sessions",
    ]
    # Each target is judged, met or not: a verdict, whatever this machine's figures.
    assert all(isinstance(row["met"], bool) for row in rows[1:])
    for backend in ("sqlite", "postgres"):
        for sessions in (1, 2):
            assert re.search(rf"^{backend} +{sessions} +[\d,]+ ", ran.stdout, re.MULTILINE)
