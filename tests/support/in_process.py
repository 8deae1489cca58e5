"""Running `secure-records ARGS` in the test's own process (the `cli` fixture in
tests/conftest.py), so that it sees the test's in-memory keyring and vault."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

INSECURE_NOTICE = "Insecure keyring allowed"


@dataclass(frozen=True)
class Out:
    code: int
    out: str
    err: str

    @property
    def problems(self) -> list[str]:
        """stderr lines, less the insecure-keyring notice every test vault prints."""
        return [
            line for line in self.err.splitlines() if line and not line.startswith(INSECURE_NOTICE)
        ]


Cli = Callable[..., Out]


def no_traceback(result: Out) -> None:
    assert "Traceback" not in result.out + result.err, result
    assert "internal error" not in result.out + result.err, result
