"""The leads' first screen says when the policy's own review is overdue.

The policy is reviewed every two years (its front page); `oversight.toml` carries the
date the next review is due, and Session says whether it has passed for this person.
Said on a line of its own above what waits for a manager, so neither crowds the other.
"""

from __future__ import annotations

from datetime import date

from secure_records.core.dates import uk_date


def with_policy_review(line: str, due: date | None) -> str:
    """`line` with 'POLICY REVIEW OVERDUE: ...' above it, if the review is overdue."""
    if due is None:
        return line
    said = f"POLICY REVIEW OVERDUE: the policy was due for review on {uk_date(due)}"
    return f"{said}\n{line}" if line else said
