"""How hard the hardening suites push: CI's size by default, far more under
`make soak` (SECURE_RECORDS_SOAK=N multiplies the runs, examples and seconds)."""

from __future__ import annotations

import os

FACTOR = max(1, int(os.environ.get("SECURE_RECORDS_SOAK", "1") or "1"))


def scaled(n: int) -> int:
    return n * FACTOR
