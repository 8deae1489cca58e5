"""A batch of disposals as a person checks it before typing its count (issue 20):
how many under each rule, the category and the rule in words, and the reason once;
for a lead, who proposed them, when and why, and every record with its rule and due
date."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import groupby
from typing import Any

from textual.screen import Screen

from secure_records.core.dates import shown_date
from secure_records.core.errors import SecureRecordsError
from secure_records.core.policy import Policy
from secure_records.core.retention import rule_words
from secure_records.core.text import counted, plural
from secure_records.core.words import in_words
from secure_records.session.disposal_batches import RuleCount
from secure_records.session.retention import DisposalItem
from secure_records.tui.modals import AskReason
from secure_records.tui.shown_time import when
from secure_records.tui.typed_confirmation import TypedCount


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


def with_reason(
    screen: Screen[Any],
    typed: str,
    minimum: int,
    asked: tuple[str, str, str],
    then: Callable[[str | None], None],
) -> None:
    """`then` with the reason typed on the screen if it is long enough; else with the
    one asked in a box (question, hint, button), on screen at 80x24 where a line under
    the list was below the fold, Enter going on; None if cancelled."""
    if len(typed.strip()) >= minimum:
        then(typed)
        return
    box = AskReason(*asked, minimum)
    box.hold({"reason": typed})
    screen.app.push_screen(box, then)


def batch_heading(verb: str, many: int, noun: str, rest: str) -> str:
    """ "Propose 7,960 records for ...?": the number as the lines below write it."""
    return f"{verb} {many:,} {plural(many, noun)} {rest}?"


def proposers(items: Sequence[DisposalItem]) -> list[str]:
    """Who proposed, when and why: one pair of lines per proposer and reason (a batch
    is one), the first and last time if more than one proposal."""
    lines = []
    ordered = sorted(items, key=lambda i: (i.proposed_by, i.reason, i.proposed_at))
    for (by, reason), group in groupby(ordered, key=lambda i: (i.proposed_by, i.reason)):
        stamps = [i.proposed_at for i in group]
        at = when(stamps[0])
        if stamps[-1] != stamps[0]:
            at = f"{at} to {when(stamps[-1])}"
        lines.append(f"Proposed by {by} {at} ({counted(len(stamps), 'record')})")
        lines.append(f"Their reason: {reason or '(none in the log)'}")
    return lines


def listing(items: Sequence[DisposalItem]) -> list[str]:
    """Each record, its rule and due date: one line each, in reference order."""
    return [
        f"{i.record_id}  {in_words(i.category)}  rule {i.rule}  due {shown_date(i.due)}  ({i.id})"
        for i in sorted(items, key=lambda i: i.record_id)
    ]


def confirm_batch(
    screen: Screen[Any],
    heading: str,
    lines: list[str],
    many: int,
    verb: str,
    act: Callable[[], str],
    after: Callable[[str | None], None],
    *,
    final: bool,
    listed: Sequence[str] = (),
) -> None:
    """How many typed before `act` (through Session) is done; a refusal is said in the
    box. `after` gets what `act` said, or None if it was cancelled. `final` if it
    cannot be undone; `listed`, the records one line each."""
    said: list[str] = []

    def check(_: str) -> str | None:
        try:
            said.append(act())
        except SecureRecordsError as exc:
            return str(exc)
        return None

    def done(typed: str | None) -> None:
        after(said[0] if typed is not None and said else None)

    box = TypedCount(heading, lines, many, verb, check, final=final, listing=listed)
    screen.app.push_screen(box, done)
