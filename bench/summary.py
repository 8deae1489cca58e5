"""One table for every benchmark (`make bench`, bench/all.py).

Each benchmark prints its own table and, when BENCH_ROWS names a file, also appends
its rows there as JSON lines; bench/all.py gathers them into one table.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence

ROWS_ENV = "BENCH_ROWS"


def emit(bench: str, issue: int, rows: Iterable[Sequence[object]]) -> None:
    """rows: (measure, value, baseline, ratio, target, met), met True/False/None
    (None for a row given only as context)."""
    path = os.environ.get(ROWS_ENV)
    if not path:
        return
    with open(path, "a", encoding="utf-8") as out:
        for measure, value, baseline, ratio, target, met in rows:
            out.write(
                json.dumps(
                    {
                        "bench": bench,
                        "issue": issue,
                        "measure": str(measure),
                        "value": str(value),
                        "baseline": str(baseline),
                        "ratio": str(ratio),
                        "target": str(target),
                        "met": met if isinstance(met, bool) else None,
                    }
                )
                + "\n"
            )
