"""Figures a suite reports, printed together in pytest's terminal summary.

A data protection officer or an auditor reads these, not the test names: each says
what was tried, how many times, and how many times it went wrong (which must be 0).
"""

from __future__ import annotations

# (suite, sentence), in the order they were reported.
REPORTED: list[tuple[str, str]] = []


def report(suite: str, sentence: str) -> None:
    REPORTED.append((suite, sentence))
