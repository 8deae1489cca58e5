"""Appends log entries from a separate process, for the concurrency and crash tests.

    python -m tests.support.log_worker HOME COUNT LABEL

Each entry is a `log_read` by LABEL in the role "worker", which no real role has.

Prints each committed sequence number on its own line, flushed, so the parent
knows exactly what was committed before it killed this process.
"""

from __future__ import annotations

import sys

from secure_records.core.log_actions import LogAction
from secure_records.vault.home import resolve_home
from secure_records.vault.vault import Vault


def main() -> None:
    home, count, label = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    vault = Vault.open(resolve_home(home))
    try:
        for n in range(count):
            with vault.recorded(label, "worker", LogAction.LOG_READ, details={"n": n}) as seq:
                pass
            print(seq, flush=True)
    finally:
        vault.close()


if __name__ == "__main__":
    main()
