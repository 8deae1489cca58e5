"""How long records are kept, and the disposal certificate (policy sections 6 and 11).

Section 6: information is "not kept any longer than is necessary", with a review
process. `retention.toml` says, for each category of record, from which date the
clock runs, for how many years, and whether the end means a review or disposal.
Pure: dates in, dates out.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from secure_records.core.telephone_retention import (
    DEFAULT_TELEPHONE,
    TelephoneRetention,
    read_telephone,
)
from secure_records.core.text import counted
from secure_records.core.validation import FileReader, parse_file

FILE = "retention.toml"
CATEGORY_FIELD = "category"
# When a lead keeps a record at review, the next review date offered is this many
# months on: the default for a retention.toml sealed before the key existed.
NEXT_REVIEW_MONTHS = 12
NEXT_REVIEW_LIMIT = 120  # ten years: a longer wait is a rule, not a review


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
    next_review_months: int = NEXT_REVIEW_MONTHS
    telephone: TelephoneRetention = DEFAULT_TELEPHONE  # issue 20: its own days

    def next_review(self, today: date) -> date:
        """The next review date offered when a lead keeps a record today."""
        return add_months(today, self.next_review_months)

    def rule_for(self, category: str) -> RetentionRule | None:
        return next((r for r in self.rules.values() if category in r.categories), None)

    def due(self, rule: RetentionRule, start: date) -> date:
        return round_up(add_years(start, rule.years), self.round_up_to)


def rule_words(rule: RetentionRule, starts: str) -> str:
    """A rule as a person reads it: 'adults: disposed of 6 years after the case closed'.
    `starts`: the label of the date field the clock runs from ("Case closed"), read
    mid-sentence, so lower case (an acronym, "NHS", kept)."""
    then = "reviewed (keep, or dispose)" if rule.action is Action.REVIEW else "disposed of"
    if starts[:2].istitle():
        starts = starts[0].lower() + starts[1:]
    return f"{rule.name}: {then} {counted(rule.years, 'year')} after the {starts}"


def next_review_refused(day: date, today: date) -> str | None:
    """Why `day` cannot be a kept record's next review date, in one sentence (None if
    it can): a review today or earlier would put it straight back in IT's queue, and
    one further off than the policy's longest would be a rule, not a review."""
    if day <= today:
        return "The next review must be a date after today."
    if day > add_months(today, NEXT_REVIEW_LIMIT):
        # Reviewer's find: 01/01/2099 was taken, keeping a record for ever unseen.
        return f"The next review must be within {NEXT_REVIEW_LIMIT // 12} years of today."
    return None


def add_years(start: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 28 February."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


def add_months(start: date, months: int) -> date:
    """The same day `months` later; a day the month lacks becomes its last (31 Jan + 1
    is 28 or 29 Feb)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def round_up(day: date, to: RoundUp) -> date:
    """The last day of the month, quarter or year that `day` falls in."""
    month = {
        RoundUp.MONTH: day.month,
        RoundUp.QUARTER: ((day.month - 1) // 3 + 1) * 3,
        RoundUp.YEAR: 12,
    }[to]
    return date(day.year, month, calendar.monthrange(day.year, month)[1])


SETTINGS_KEYS = frozenset({"round_up_to", "next_review_months"})
RULE_KEYS = frozenset({"categories", "from", "years", "action", "basis"})


def parse_retention(
    text: str, date_fields: frozenset[str], categories: frozenset[str], file: str = FILE
) -> RetentionPolicy:
    """`date_fields`: the date fields records.toml declares; `categories`: the
    choices of its category field. Every category must have exactly one rule."""
    return parse_file(
        text, file, lambda reader, doc: _read_retention(reader, doc, date_fields, categories)
    )


def _read_retention(
    reader: FileReader,
    doc: Mapping[str, Any],
    date_fields: frozenset[str],
    categories: frozenset[str],
) -> RetentionPolicy | None:
    reader.keys("", doc, {"retention", "rules", "telephone"})
    telephone = read_telephone(reader, doc.get("telephone"))
    settings = reader.table("retention", doc.get("retention"))
    round_up_to: RoundUp | None = RoundUp.QUARTER
    next_review: int | None = NEXT_REVIEW_MONTHS
    if settings is not None:
        reader.keys("retention", settings, SETTINGS_KEYS)
        round_up_to = reader.choice(
            "retention.round_up_to", settings.get("round_up_to"), RoundUp, default=RoundUp.QUARTER
        )
        if "next_review_months" in settings:
            next_review = reader.whole_number(
                "retention.next_review_months",
                settings["next_review_months"],
                1,
                NEXT_REVIEW_LIMIT,
                unit="months",
            )
    rules: dict[str, RetentionRule] = {}
    covered: dict[str, str] = {}
    for name, raw in reader.entries("rules", doc.get("rules"), "rules").items():
        rule = _rule(reader, name, raw, date_fields, categories)
        if rule is None:
            continue
        for category in sorted(rule.categories):
            if category in covered:
                reader.error(
                    f"rules.{name}.categories",
                    f"{category!r} already has rule {covered[category]!r}; one rule each",
                )
            covered[category] = name
        rules[name] = rule
    # A rule that did not parse leaves its categories uncovered: say that only once.
    if reader.clean:
        for category in sorted(categories - set(covered)):
            reader.error("rules", f"category {category!r} has no retention rule")
    if round_up_to is None or next_review is None or telephone is None:
        return None
    return RetentionPolicy(rules, round_up_to, next_review, telephone)


def _rule(
    reader: FileReader,
    name: str,
    raw: object,
    date_fields: frozenset[str],
    categories: frozenset[str],
) -> RetentionRule | None:
    path = f"rules.{name}"
    spec = reader.table(path, raw)
    if spec is None:
        return None
    reader.keys(path, spec, RULE_KEYS)
    cats = reader.names(
        f"{path}.categories", spec.get("categories"), categories, "category", at_least_one=True
    )
    starts = spec.get("from")
    if not isinstance(starts, str) or starts not in date_fields:
        reader.error(f"{path}.from", "must name a date field of records.toml")
        starts = None
    years = reader.whole_number(f"{path}.years", spec.get("years"), 1, 150, unit="years")
    action = reader.choice(f"{path}.action", spec.get("action"), Action)
    basis = reader.text(
        f"{path}.basis", spec.get("basis"), hint="why this period: the law or guidance behind it"
    )
    if cats is None or starts is None or years is None or action is None or basis is None:
        return None
    return RetentionRule(name, frozenset(cats), starts, years, action, basis)


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
        # Here, not at the top: core.words reaches core.policy, which imports this module.
        from secure_records.core.words import in_words

        return "\n".join(
            [
                f"DISPOSAL CERTIFICATE {self.id}",
                f"Record reference: {self.reference}",
                f"Category: {in_words(self.category)}",
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
