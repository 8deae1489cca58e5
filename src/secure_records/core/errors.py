"""Errors a person can cause, each one clear sentence and an exit code.

Messages never carry a confidential value: they name the file, line, key, record
id or staff member, never what a record holds.
"""

from __future__ import annotations

from secure_records.core.text import counted, printable

# Exit codes: 2 for bad input (a file, an argument, a name), 1 for a refusal or a
# vault that cannot be used as it is.
BAD_INPUT = 2
REFUSED = 1


class SecureRecordsError(Exception):
    """Base for every error that ends in one sentence for a person."""

    exit_code = REFUSED


class BadInput(SecureRecordsError):
    exit_code = BAD_INPUT


class PolicyError(BadInput):
    """A policy file is malformed; `problems` holds one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        # A key is quoted as written: a newline in it must not start a line that looks
        # like another problem, and an escape sequence must not reach the terminal.
        self.problems = [printable(problem) for problem in problems]
        super().__init__("\n".join(self.problems))


class ImportRejected(BadInput):
    """An import file has bad lines; nothing was imported."""

    def __init__(self, problems: list[str], total_bad: int) -> None:
        self.problems = problems
        self.total_bad = total_bad
        lines = list(problems)
        if total_bad > len(problems):
            lines.append(f"... and {counted(total_bad - len(problems), 'more bad line')}")
        lines.append(f"nothing was imported ({counted(total_bad, 'bad line')})")
        super().__init__("\n".join(lines))


class UnknownStaff(BadInput):
    pass


class AccessRefused(SecureRecordsError):
    """The role may not do this, or the record is outside its scope."""


class VaultError(SecureRecordsError):
    """The vault is missing, damaged, or its key cannot be had."""


class IntegrityError(VaultError):
    """A ciphertext does not belong where it was found, or was altered."""


class PayloadError(VaultError):
    """A sealed payload opened (its seal held) but is not one this version can read:
    malformed, or written in a format version it does not know."""
