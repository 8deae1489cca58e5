"""A batch of disposals as a person checks it before typing its count (issue 20):
how many under each rule, the category and the rule in words, and the reason once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from textual.screen import Screen

from secure_records.core.errors import SecureRecordsError
from secure_records.core.policy import Policy
from secure_records.core.retention import rule_words
from secure_records.core.words import in_words
from secure_records.session.disposal_batches import RuleCount
from secure_records.tui.typed_confirmation import TypedConfirmation


def total(counts: Sequence[RuleCount]) -> int:
    return sum(line.count for line in counts)


def batch_lines(policy: Policy, counts: Sequence[RuleCount], reason: str) -> list[str]:
    """One line per rule and category: how many, then the rule as a person reads it."""
    lines = []
    for line in counts:
        rule = policy.retention.rules.get(line.rule)
        if rule is None:  # the policy changed since: its name is all there is
            said = f"rule {line.rule}"
        else:
            starts = policy.fields[rule.starts].label if rule.starts in policy.fields else ""
            said = rule_words(rule, starts or rule.starts)
        lines.append(f"{line.count:,}  {in_words(line.category)}  ({said})")
    return [*lines, f"In all: {total(counts):,}", f"Your reason, for each of them: {reason}"]


def confirm_batch(
    screen: Screen[Any],
    heading: str,
    lines: list[str],
    many: int,
    verb: str,
    act: Callable[[], str],
    after: Callable[[str | None], None],
) -> None:
    """How many typed before `act` (through Session) is done; a refusal is said in the
    box. `after` gets what `act` said, or None if it was cancelled."""
    said: list[str] = []

    def check(_: str) -> str | None:
        try:
            said.append(act())
        except SecureRecordsError as exc:
            return str(exc)
        return None

    def done(typed: str | None) -> None:
        after(said[0] if typed is not None and said else None)

    screen.app.push_screen(TypedConfirmation(heading, lines, str(many), verb, check), done)
