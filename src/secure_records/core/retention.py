"""How long records are kept, and the disposal certificate (policy sections 6 and 11).

Section 6: information is "not kept any longer than is necessary", with a review
process. `retention.toml` says, for each category of record, from which date the
clock runs, for how many years, and whether the end means a review or disposal.
Pure: dates in, dates out.
"""

from __future__ import annotations

import calendar
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from secure_records.core.errors import PolicyError

FILE = "retention.toml"
CATEGORY_FIELD = "category"


class Action(StrEnum):
    REVIEW = "review"  # a person decides: keep, or dispose
    DISPOSE = "dispose"


class RoundUp(StrEnum):
    """Due dates are rounded up, so that a due date does not give away a birthday."""

    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


@dataclass(frozen=True)
class RetentionRule:
    name: str
    categories: frozenset[str]
    starts: str  # the date field the clock runs from
    years: int
    action: Action
    basis: str


@dataclass(frozen=True)
class RetentionPolicy:
    rules: Mapping[str, RetentionRule]
    round_up_to: RoundUp

    def rule_for(self, category: str) -> RetentionRule | None:
        return next((r for r in self.rules.values() if category in r.categories), None)

    def due(self, rule: RetentionRule, start: date) -> date:
        return round_up(add_years(start, rule.years), self.round_up_to)


def add_years(start: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 28 February."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


def round_up(day: date, to: RoundUp) -> date:
    """The last day of the month, quarter or year that `day` falls in."""
    month = {
        RoundUp.MONTH: day.month,
        RoundUp.QUARTER: ((day.month - 1) // 3 + 1) * 3,
        RoundUp.YEAR: 12,
    }[to]
    return date(day.year, month, calendar.monthrange(day.year, month)[1])


def parse_retention(
    text: str, date_fields: frozenset[str], categories: frozenset[str], file: str = FILE
) -> RetentionPolicy:
    """`date_fields`: the date fields records.toml declares; `categories`: the
    choices of its category field. Every category must have exactly one rule."""
    problems: list[str] = []

    def error(path: str, what: str) -> None:
        problems.append(f"{file}: {path}: {what}" if path else f"{file}: {what}")

    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError([f"{file}: not valid TOML ({exc})"]) from None
    for key in doc:
        if key not in ("retention", "rules"):
            error(key, "unknown key (expected one of: retention, rules)")
    settings = doc.get("retention", {})
    round_up_to = RoundUp.QUARTER
    if not isinstance(settings, dict):
        error("retention", "must be a table")
    else:
        for key in settings:
            if key != "round_up_to":
                error(f"retention.{key}", "unknown key (expected round_up_to)")
        try:
            round_up_to = RoundUp(settings.get("round_up_to", "quarter"))
        except ValueError:
            error("retention.round_up_to", "must be one of month, quarter, year")
    raw_rules = doc.get("rules")
    rules: dict[str, RetentionRule] = {}
    if not isinstance(raw_rules, dict) or not raw_rules:
        error("rules", "must be a table of rules, at least one")
        raw_rules = {}
    covered: dict[str, str] = {}
    for name, raw in raw_rules.items():
        rule = _rule(name, raw, date_fields, categories, error)
        if rule is None:
            continue
        for category in sorted(rule.categories):
            if category in covered:
                error(
                    f"rules.{name}.categories",
                    f"{category!r} already has rule {covered[category]!r}; one rule each",
                )
            covered[category] = name
        rules[name] = rule
    # A rule that did not parse leaves its categories uncovered: say that only once.
    if not problems:
        for category in sorted(categories - set(covered)):
            error("rules", f"category {category!r} has no retention rule")
    if problems:
        raise PolicyError(problems)
    return RetentionPolicy(rules, round_up_to)


def _rule(
    name: str,
    raw: Any,
    date_fields: frozenset[str],
    categories: frozenset[str],
    error: Any,
) -> RetentionRule | None:
    path = f"rules.{name}"
    if not isinstance(raw, dict):
        error(path, "must be a table")
        return None
    allowed = {"categories", "from", "years", "action", "basis"}
    for key in raw:
        if key not in allowed:
            error(f"{path}.{key}", f"unknown key (expected one of: {', '.join(sorted(allowed))})")
    ok = True
    cats = raw.get("categories")
    if not isinstance(cats, list) or not cats or not all(isinstance(c, str) for c in cats):
        error(f"{path}.categories", "must list at least one category")
        ok = False
    else:
        for category in cats:
            if category not in categories:
                error(
                    f"{path}.categories", f"{category!r} is not a choice of records.toml's category"
                )
                ok = False
    starts = raw.get("from")
    if not isinstance(starts, str) or starts not in date_fields:
        error(f"{path}.from", "must name a date field of records.toml")
        ok = False
    years = raw.get("years")
    if isinstance(years, bool) or not isinstance(years, int) or not 1 <= years <= 150:
        error(f"{path}.years", "must be a whole number of years from 1 to 150")
        ok = False
    action = raw.get("action")
    if action not in (Action.REVIEW, Action.DISPOSE):
        error(f"{path}.action", "must be review or dispose")
        ok = False
    basis = raw.get("basis")
    if not isinstance(basis, str) or not basis.strip():
        error(f"{path}.basis", "is required: why this period (the law or guidance behind it)")
        ok = False
    if not ok:
        return None
    return RetentionRule(
        name, frozenset(cats or ()), str(starts), int(years or 0), Action(str(action)), str(basis)
    )


@dataclass(frozen=True)
class Certificate:
    """What was disposed of, by whom and how: no personal data at all."""

    id: str
    reference: str
    category: str
    rule: str
    due: str
    proposed_by: str
    approved_by: str
    executed_by: str
    executed_at: str
    key_id: str
    method: str
    log_seq: int

    def text(self) -> str:
        return "\n".join(
            [
                f"DISPOSAL CERTIFICATE {self.id}",
                f"Record reference: {self.reference}",
                f"Category: {self.category}",
                f"Retention rule applied: {self.rule} (due {self.due})",
                f"Proposed by: {self.proposed_by}",
                f"Approved by: {self.approved_by}",
                f"Executed by: {self.executed_by}",
                f"Executed at: {self.executed_at}",
                f"Method: {self.method}",
                f"Data key destroyed: {self.key_id}",
                f"Log entry: {self.log_seq}",
                "",
            ]
        )
