"""The command line: admin verbs, `session` and `demo`, one module per command group.

`entry` is the `secure-records` script; `main`, `cli` and `INTERNAL_ERROR` are what
the tests drive it through.
"""

from secure_records.cli.main import INTERNAL_ERROR, cli, entry, main

__all__ = ["INTERNAL_ERROR", "cli", "entry", "main"]
