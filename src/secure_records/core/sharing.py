"""The "when and how to share" questions (policy section 7) as a state machine.

The questions, their order and their outcomes come from a policy file
(`policies/sharing.toml`), so a change of guidance is a policy change, not a code
change. Whatever the path, share or not, it ends in an outcome with every answer and
its reason, ready to be recorded (sections 6 Record, 8).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from secure_records.core.errors import BadInput
from secure_records.core.lawful_bases import LawfulBasis, read_bases
from secure_records.core.text import counted
from secure_records.core.validation import FileReader, parse_file

FILE = "sharing.toml"
MAX_REASON = 2000


class Check(StrEnum):
    """What a question's answer is checked against on the record (issue 19)."""

    IDENTIFIES = "identifies"  # "no": no identifying field can be chosen
    CONFIDENTIAL = "confidential"  # "no": no special-category field can be chosen
    CONSENT = "consent"  # shows the consent in force; "no" or never asked: no consent basis


@dataclass(frozen=True)
class Question:
    name: str
    text: str
    yes: str  # the next question, or an outcome
    no: str
    help: str = ""
    checks: Check | None = None


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
    lawful_bases: tuple[LawfulBasis, ...]  # Art. 6
    disclosure_keep_days: int
    conditions: tuple[LawfulBasis, ...] = ()  # Art. 9: needed too for special-category items

    def step(self, name: str) -> Question | Outcome:
        return self.questions[name] if name in self.questions else self.outcomes[name]


@dataclass(frozen=True)
class Answer:
    question: str
    text: str
    yes: bool
    reason: str
    # Section 7: "seek advice and ensure that the outcome of the discussion is
    # recorded": from whom, and what was said; "" when none was sought.
    advice: str = ""


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

    def answer(self, yes: bool, reason: str, advice: str = "") -> SharingFlow:
        """Answer the current question. The outcome follows from the answers alone:
        nobody can choose 'share' where the questions say do not."""
        at = self.at
        if isinstance(at, Outcome):
            raise BadInput("The questions are answered; the outcome is decided.")
        minimum = self.policy.reason_min_length
        if len(reason) > MAX_REASON:
            raise BadInput(f"A reason can be at most {MAX_REASON} characters.")
        if len(advice) > MAX_REASON:
            raise BadInput(f"The advice can be at most {MAX_REASON} characters.")
        if len(reason.strip()) < minimum:
            raise BadInput(
                f"Give a reason for this answer (at least {counted(minimum, 'character')})."
            )
        return SharingFlow(
            self.policy, (*self.answers, Answer(at.name, at.text, yes, reason, advice.strip()))
        )

    def back(self) -> SharingFlow:
        return SharingFlow(self.policy, self.answers[:-1])


OUTCOME_KEYS = frozenset({"text", "share", "needs_manager"})
QUESTION_KEYS = frozenset({"text", "yes", "no", "help", "checks"})
HOW_KEYS = frozenset(
    {
        "checklist",
        "methods",
        "lawful_bases",
        "conditions",
        "reason_min_length",
        "disclosure_keep_days",
    }
)


def _read_sharing(reader: FileReader, doc: Mapping[str, Any]) -> SharingPolicy | None:
    reader.keys("", doc, {"start", "questions", "outcomes", "how"})
    raw_outcomes = reader.entries("outcomes", doc.get("outcomes"), "outcomes")
    outcomes: dict[str, Outcome] = {}
    for name, raw in raw_outcomes.items():
        outcome = _outcome(reader, name, raw)
        if outcome is not None:
            outcomes[name] = outcome
    raw_questions = reader.entries("questions", doc.get("questions"), "questions")
    questions: dict[str, Question] = {}
    targets = raw_questions.keys() | raw_outcomes.keys()
    for name, raw in raw_questions.items():
        question = _question(reader, name, raw, targets, is_outcome=name in raw_outcomes)
        if question is not None:
            questions[name] = question
    start = doc.get("start")
    if not isinstance(start, str) or start not in raw_questions:
        reader.error("start", "must name the first question")
    how = reader.table("how", doc.get("how")) or {}
    reader.keys("how", how, HOW_KEYS)
    checklist, methods = (
        reader.texts(f"how.{key}", how.get(key)) for key in ("checklist", "methods")
    )
    found = read_bases(reader, how.get("lawful_bases"), how.get("conditions"))
    reason_min = reader.whole_number(
        "how.reason_min_length", how.get("reason_min_length"), 1, 500, unit="characters"
    )
    keep_days = reader.whole_number(
        "how.disclosure_keep_days", how.get("disclosure_keep_days"), 1, 3650, unit="days"
    )
    if (
        not reader.clean
        or not isinstance(start, str)
        or checklist is None
        or methods is None
        or found is None
        or reason_min is None
        or keep_days is None
    ):
        return None
    bases, conditions = found
    policy = SharingPolicy(
        start, questions, outcomes, reason_min, checklist, methods, bases, keep_days, conditions
    )
    checked = [q.checks for q in questions.values() if q.checks is not None]
    for check in sorted({c for c in checked if checked.count(c) > 1}):
        reader.error("questions", f"only one question may carry checks = {check.value!r}")
    for path, what in _walk_problems(policy):
        reader.error(path, what)
    return policy


def _outcome(reader: FileReader, name: str, raw: object) -> Outcome | None:
    path = f"outcomes.{name}"
    spec = reader.table(path, raw)
    if spec is None:
        return None
    reader.keys(path, spec, OUTCOME_KEYS)
    share, manager = spec.get("share"), spec.get("needs_manager")
    if manager is None and share is True:
        # Fail closed: deleting this line must not quietly drop a manager's check.
        reader.error(f"{path}.needs_manager", "is required where share = true (true or false)")
        manager = True
    text = reader.text(f"{path}.text", spec.get("text"))
    share = reader.flag(f"{path}.share", share)
    manager = reader.flag(f"{path}.needs_manager", manager, default=False)
    if manager is True and share is False:
        reader.error(f"{path}.needs_manager", "only an outcome that shares needs a manager")
    if text is None or share is None or manager is None:
        return None
    return Outcome(name, text, share, manager)


def _question(
    reader: FileReader, name: str, raw: object, targets: Collection[str], *, is_outcome: bool
) -> Question | None:
    path = f"questions.{name}"
    if is_outcome:
        reader.error(path, "is also the name of an outcome")
    spec = reader.table(path, raw)
    if spec is None:
        return None
    reader.keys(path, spec, QUESTION_KEYS)
    text, yes, no = (reader.text(f"{path}.{key}", spec.get(key)) for key in ("text", "yes", "no"))
    for key, target in (("yes", yes), ("no", no)):
        if target is not None and target not in targets:
            reader.error(
                f"{path}.{key}", f"leads to {target!r}, which is neither a question nor an outcome"
            )
    help_text = reader.text(f"{path}.help", spec.get("help"), default="", allow_blank=True)
    checks = None
    if "checks" in spec:
        checks = reader.choice(f"{path}.checks", spec.get("checks"), Check)
    if text is None or yes is None or no is None:
        return None
    return Question(name, text, yes, no, help_text or "", checks)


MAX_QUESTIONS = 200


def _walk_problems(policy: SharingPolicy) -> list[tuple[str, str]]:
    """Every question reachable, every path ending in an outcome, no loops.

    One depth-first pass with an explicit stack: each question is finished once, so a
    long or densely shared flow costs linear time and no recursion.
    """
    if len(policy.questions) > MAX_QUESTIONS:
        return [("questions", f"more than {MAX_QUESTIONS} questions")]
    problems: list[tuple[str, str]] = []
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
            problems.append((f"questions.{name}", "the questions loop back to it"))
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
            problems.append((f"questions.{name}", "no answer ever leads to it"))
    for name in policy.outcomes:
        if name not in finished:
            problems.append((f"outcomes.{name}", "no answer ever leads to it"))
    return problems


def parse_sharing(text: str, file: str = FILE) -> SharingPolicy:
    """A sharing policy from its TOML text; PolicyError with one line per problem."""
    return parse_file(text, file, _read_sharing)


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
    lawful_basis: str  # Art. 6
    inform_individual: bool
    not_informing_reason: str = ""
    condition: str = ""  # Art. 9, when a special-category item goes


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
    if how.lawful_basis not in {b.text for b in policy.lawful_bases}:
        raise BadInput("Choose the lawful basis for sharing from the policy's list.")
    if (
        not how.inform_individual
        and len(how.not_informing_reason.strip()) < policy.reason_min_length
    ):
        raise BadInput(
            "Say why the individual will not be told (it would create or increase a risk "
            f"of harm), at least {counted(policy.reason_min_length, 'character')}."
        )
