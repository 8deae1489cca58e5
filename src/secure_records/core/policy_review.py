"""The policy's own review: when it was adopted and when it is next due.

The policy's front page says "Review Cycle: 2" (years). `oversight.toml`'s
`[policy_review]` carries the date the policy in force was adopted (or last
reviewed) and the date its next review is due, at most two years on; every lead is
told on their first screen once that date has passed. A vault sealed before the
table existed has no dates, and nobody is told anything (there is nothing to go by).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from secure_records.core.validation import FileReader

REVIEW_CYCLE_YEARS = 2


def years_after(day: date, years: int) -> date:
    """The same day `years` on; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class PolicyReview:
    adopted: date
    next_review: date

    def overdue(self, today: date) -> bool:
        return today > self.next_review


def read_policy_review(reader: FileReader, raw: object) -> PolicyReview | None:
    """`[policy_review]`; None where it is left out (or wrong: then an error)."""
    if raw is None:
        return None
    table: Mapping[str, Any] | None = reader.table("policy_review", raw)
    if table is None:
        return None
    reader.keys("policy_review", table, {"adopted", "next_review"})
    adopted = reader.date("policy_review.adopted", table.get("adopted"))
    due = reader.date("policy_review.next_review", table.get("next_review"))
    if adopted is None or due is None:
        return None
    latest = years_after(adopted, REVIEW_CYCLE_YEARS)
    if not adopted < due <= latest:
        reader.error(
            "policy_review.next_review",
            f"must be after the date adopted and at most {REVIEW_CYCLE_YEARS} years on "
            f"(by {latest.isoformat()}): the policy's review cycle",
        )
        return None
    return PolicyReview(adopted, due)
