"""The "when and how to share" questions (policy section 7) as a state machine.

The questions, their order and their outcomes come from a policy file
(`policies/sharing.toml`), so a change of guidance is a policy change, not a code
change. Whatever the path, share or not, it ends in an outcome with every answer and
its reason, ready to be recorded (sections 6 Record, 8).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from secure_records.core.errors import BadInput, PolicyError

FILE = "sharing.toml"
MAX_REASON = 2000


@dataclass(frozen=True)
class Question:
    name: str
    text: str
    yes: str  # the next question, or an outcome
    no: str
    help: str = ""


@dataclass(frozen=True)
class Outcome:
    name: str
    text: str
    share: bool
    needs_manager: bool = False  # section 10(f): sharing without consent


@dataclass(frozen=True)
class SharingPolicy:
    start: str
    questions: Mapping[str, Question]
    outcomes: Mapping[str, Outcome]
    reason_min_length: int
    how_checklist: tuple[str, ...]
    methods: tuple[str, ...]
    lawful_bases: tuple[str, ...]
    disclosure_keep_days: int

    def step(self, name: str) -> Question | Outcome:
        return self.questions[name] if name in self.questions else self.outcomes[name]


@dataclass(frozen=True)
class Answer:
    question: str
    text: str
    yes: bool
    reason: str


@dataclass(frozen=True)
class SharingFlow:
    """Where a practitioner is in the questions; each answer gives a new flow."""

    policy: SharingPolicy
    answers: tuple[Answer, ...] = field(default=())

    @property
    def at(self) -> Question | Outcome:
        name = self.policy.start
        for answer in self.answers:
            question = self.policy.questions[name]
            name = question.yes if answer.yes else question.no
        return self.policy.step(name)

    @property
    def outcome(self) -> Outcome | None:
        at = self.at
        return at if isinstance(at, Outcome) else None

    def answer(self, yes: bool, reason: str) -> SharingFlow:
        """Answer the current question. The outcome follows from the answers alone:
        nobody can choose 'share' where the questions say do not."""
        at = self.at
        if isinstance(at, Outcome):
            raise BadInput("The questions are answered; the outcome is decided.")
        minimum = self.policy.reason_min_length
        if len(reason) > MAX_REASON:
            raise BadInput(f"A reason can be at most {MAX_REASON} characters.")
        if len(reason.strip()) < minimum:
            raise BadInput(f"Give a reason for this answer (at least {minimum} characters).")
        return SharingFlow(self.policy, (*self.answers, Answer(at.name, at.text, yes, reason)))

    def back(self) -> SharingFlow:
        return SharingFlow(self.policy, self.answers[:-1])


def _problems_in(doc: Mapping[str, Any], file: str) -> tuple[SharingPolicy | None, list[str]]:
    problems: list[str] = []

    def error(path: str, what: str) -> None:
        problems.append(f"{file}: {path}: {what}")

    allowed_top = {"start", "questions", "outcomes", "how"}
    for key in doc:
        if key not in allowed_top:
            error(key, f"unknown key (expected one of: {', '.join(sorted(allowed_top))})")
    questions: dict[str, Question] = {}
    outcomes: dict[str, Outcome] = {}
    raw_outcomes = doc.get("outcomes", {})
    if not isinstance(raw_outcomes, dict) or not raw_outcomes:
        error("outcomes", "must be a table of outcomes, at least one")
        raw_outcomes = {}
    for name, raw in raw_outcomes.items():
        path = f"outcomes.{name}"
        if not isinstance(raw, dict):
            error(path, "must be a table")
            continue
        for key in raw:
            if key not in {"text", "share", "needs_manager"}:
                error(f"{path}.{key}", "unknown key (expected text, share, needs_manager)")
        text, share, manager = raw.get("text"), raw.get("share"), raw.get("needs_manager")
        if manager is None and share is True:
            # Fail closed: deleting this line must not quietly drop a manager's check.
            error(f"{path}.needs_manager", "is required where share = true (true or false)")
            manager = True
        elif manager is None:
            manager = False
        if not isinstance(text, str) or not text.strip():
            error(f"{path}.text", "is required text")
        if not isinstance(share, bool):
            error(f"{path}.share", "must be true or false")
        if not isinstance(manager, bool):
            error(f"{path}.needs_manager", "must be true or false")
        if manager is True and share is False:
            error(f"{path}.needs_manager", "only an outcome that shares needs a manager")
        if isinstance(text, str) and isinstance(share, bool) and isinstance(manager, bool):
            outcomes[name] = Outcome(name, text, share, manager)
    raw_questions = doc.get("questions", {})
    if not isinstance(raw_questions, dict) or not raw_questions:
        error("questions", "must be a table of questions, at least one")
        raw_questions = {}
    for name, raw in raw_questions.items():
        path = f"questions.{name}"
        if name in raw_outcomes:
            error(path, "is also the name of an outcome")
        if not isinstance(raw, dict):
            error(path, "must be a table")
            continue
        for key in raw:
            if key not in {"text", "yes", "no", "help"}:
                error(f"{path}.{key}", "unknown key (expected text, yes, no, help)")
        values = {key: raw.get(key) for key in ("text", "yes", "no")}
        for key, value in values.items():
            if not isinstance(value, str) or not value.strip():
                error(f"{path}.{key}", "is required text")
        for key in ("yes", "no"):
            target = values[key]
            if (
                isinstance(target, str)
                and target not in raw_questions
                and target not in raw_outcomes
            ):
                error(
                    f"{path}.{key}",
                    f"leads to {target!r}, which is neither a question nor an outcome",
                )
        help_text = raw.get("help", "")
        if not isinstance(help_text, str):
            error(f"{path}.help", "must be text")
            help_text = ""
        if all(isinstance(v, str) for v in values.values()):
            questions[name] = Question(
                name, str(values["text"]), str(values["yes"]), str(values["no"]), help_text
            )
    start = doc.get("start")
    if not isinstance(start, str) or start not in raw_questions:
        error("start", "must name the first question")
    how = doc.get("how", {})
    if not isinstance(how, dict):
        error("how", "must be a table")
        how = {}
    for key in how:
        allowed_how = {
            "checklist",
            "methods",
            "lawful_bases",
            "reason_min_length",
            "disclosure_keep_days",
        }
        if key not in allowed_how:
            error(f"how.{key}", f"unknown key (expected one of: {', '.join(sorted(allowed_how))})")

    def texts(key: str) -> tuple[str, ...]:
        value = how.get(key)
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(v, str) and v.strip() for v in value)
        ):
            error(f"how.{key}", "must be a list of text, at least one")
            return ()
        return tuple(value)

    def number(key: str, low: int, high: int) -> int:
        value = how.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            error(f"how.{key}", f"must be a whole number from {low} to {high}")
            return low
        return value

    checklist, methods, bases = texts("checklist"), texts("methods"), texts("lawful_bases")
    reason_min, keep_days = (
        number("reason_min_length", 1, 500),
        number("disclosure_keep_days", 1, 3650),
    )
    if problems:
        return None, problems
    assert isinstance(start, str)
    policy = SharingPolicy(
        start, questions, outcomes, reason_min, checklist, methods, bases, keep_days
    )
    problems += _walk_problems(policy, file)
    return (None if problems else policy), problems


MAX_QUESTIONS = 200


def _walk_problems(policy: SharingPolicy, file: str) -> list[str]:
    """Every question reachable, every path ending in an outcome, no loops.

    One depth-first pass with an explicit stack: each question is finished once, so a
    long or densely shared flow costs linear time and no recursion.
    """
    if len(policy.questions) > MAX_QUESTIONS:
        return [f"{file}: questions: more than {MAX_QUESTIONS} questions"]
    problems: list[str] = []
    finished: set[str] = set()
    on_path: set[str] = set()
    stack: list[tuple[str, bool]] = [(policy.start, False)]
    while stack:
        name, leaving = stack.pop()
        if leaving:
            on_path.discard(name)
            finished.add(name)
            continue
        if name in on_path:
            problems.append(f"{file}: questions.{name}: the questions loop back to it")
            continue
        if name in finished:
            continue
        question = policy.questions.get(name)
        if question is None:
            finished.add(name)  # an outcome
            continue
        on_path.add(name)
        stack.append((name, True))
        stack.extend([(question.no, False), (question.yes, False)])
    for name in policy.questions:
        if name not in finished:
            problems.append(f"{file}: questions.{name}: no answer ever leads to it")
    for name in policy.outcomes:
        if name not in finished:
            problems.append(f"{file}: outcomes.{name}: no answer ever leads to it")
    return problems


def parse_sharing(text: str, file: str = FILE) -> SharingPolicy:
    """A sharing policy from its TOML text; PolicyError with one line per problem."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError([f"{file}: not valid TOML ({exc})"]) from None
    policy, problems = _problems_in(doc, file)
    if policy is None:
        raise PolicyError(problems)
    return policy


@dataclass(frozen=True)
class Requester:
    name: str
    organisation: str
    role: str
    contact: str


@dataclass(frozen=True)
class HowChoices:
    """Section 7 "How": exactly what goes, to whom, how, and whether the person is told."""

    fields: tuple[str, ...]  # nothing is chosen by default
    notes: tuple[int, ...]  # positions in the chronology as the sharer sees it
    recipient_confirmed: bool
    method: str
    lawful_basis: str
    inform_individual: bool
    not_informing_reason: str = ""


def check_how(policy: SharingPolicy, how: HowChoices, shown_fields: set[str], notes: int) -> None:
    """BadInput naming the first thing missing from the 'how' of a share."""
    if not how.fields and not how.notes:
        raise BadInput("Choose what to share: nothing is chosen until you choose it.")
    unseen = sorted(set(how.fields) - shown_fields)
    if unseen:
        raise BadInput(f"You can share only what you can see in full; not {unseen[0]}.")
    if any(not 0 <= n < notes for n in how.notes) or len(set(how.notes)) != len(how.notes):
        raise BadInput("A chosen note is not one of this record's notes.")
    if not how.recipient_confirmed:
        raise BadInput("Confirm that this is the right information for the right individual.")
    if how.method not in policy.methods:
        raise BadInput("Choose one of the policy's secure methods of sending.")
    if how.lawful_basis not in policy.lawful_bases:
        raise BadInput("Choose the lawful basis for sharing from the policy's list.")
    if (
        not how.inform_individual
        and len(how.not_informing_reason.strip()) < policy.reason_min_length
    ):
        raise BadInput(
            "Say why the individual will not be told (it would create or increase a risk "
            f"of harm), at least {policy.reason_min_length} characters."
        )
