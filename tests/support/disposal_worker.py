"""Carries out approved disposals from a separate process, for the crash test.

    python -m tests.support.disposal_worker HOME

Prints "ready" once the vault is open, then each record erased, flushed, so the
parent can kill it at a random moment during the run.
"""

from __future__ import annotations

import sys

from secure_records.admin import Administration


def main() -> None:
    with Administration.open(sys.argv[1]) as admin:
        print("ready", flush=True)
        for certificate in admin.run_disposals()[0]:
            print(certificate.reference, flush=True)


if __name__ == "__main__":
    main()
