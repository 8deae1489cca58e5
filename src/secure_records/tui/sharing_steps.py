"""What the sharing screen shows at each step: every box with a label above it (a
placeholder is only a hint, and gone once something is typed), a place beside each
for what is wrong with it, how many questions there can be, and the consent the
record holds where the policy asks about consent."""

from __future__ import annotations

from functools import cache

from textual.widget import Widget
from textual.widgets import Input, Label, Static

from secure_records.core.access import RecordView
from secure_records.core.consent import consent_given
from secure_records.core.policy import Rule
from secure_records.core.sharing import HowChoices, Outcome, Question, SharingPolicy
from secure_records.core.sharing_answers import AnswerLimits
from secure_records.core.text import counted
from secure_records.tui.literal import literal
from secure_records.tui.toggles import Checkbox

# The policy's question about consent (named so in sharing.toml and its examples):
# where it is asked, the consent on the record is shown beside it.
CONSENT_QUESTION = "consent"
NOTHING_CHOSEN = "Choose exactly what goes (nothing is chosen yet):"


class Problem(Static):
    """What is wrong with the box above it, said beside it; nothing while all is well."""

    DEFAULT_CSS = """
    Problem { color: $error; text-style: bold; padding: 0 1; display: none; }
    """

    def say(self, text: str) -> None:
        self.update(literal(text))
        self.display = bool(text)


class BoxLabel(Label):
    """The words above a box: what goes in it."""

    DEFAULT_CSS = """
    BoxLabel { padding: 0 1; text-style: bold; width: 100%; }
    """


# Section 7: "if at any stage you are unsure ... seek advice and ensure that the
# outcome of the discussion is recorded": beside every answer, never required.
ADVICE_LABEL = "Unsure? If you sought advice: from whom, and what they said (optional)"


def labelled_input(
    label: str, wid: str, value: str = "", *, disabled: bool = False
) -> list[Widget]:
    """A box with its label above it and its problem below it."""
    return [
        BoxLabel(literal(label)),
        Input(value, id=wid, disabled=disabled),
        Problem(id=f"{wid}-problem"),
    ]


def longest_from(policy: SharingPolicy, name: str) -> int:
    """The most questions still to answer from `name` (its own included); the policy's
    questions never loop (checked when it is loaded)."""

    @cache
    def longest(step: str) -> int:
        question = policy.questions.get(step)
        if question is None:
            return 0
        return 1 + max(longest(question.yes), longest(question.no))

    return longest(name)


def question_title(policy: SharingPolicy, answered: int, at: Question) -> str:
    """'Question 2 of 5': of as many as the longest way on from here can still ask."""
    return f"Question {answered + 1} of {answered + longest_from(policy, at.name)}"


def consent_lines(view: RecordView) -> list[str]:
    """The consent the record holds, as far as the role sees it: each entry in force
    (who gave it, to what, when), or that there is none."""
    consent = view.consent
    if consent is None:
        return ["Your role does not see this record's consent."]
    if consent.rule is not Rule.VISIBLE and not consent.revealed:
        return [f"Consent on this record: {consent.summary} (not shown to your role)."]
    standing = [entry for entry in consent.entries if entry.in_force]
    if not consent.entries:
        return ["No consent is recorded on this record."]
    if not standing:
        ended = counted(len(consent.entries), "entry", "entries")
        return [f"No consent is in force on this record ({ended} withdrawn)."]
    return ["Consent in force on this record:"] + [
        f"- {consent_given(e)}, to {e.scope}" for e in standing
    ]


def chosen_words(boxes: list[Checkbox]) -> str:
    """The line above the items to share, as it stands with what is ticked."""
    ticked = [box for box in boxes if box.value]
    if not ticked:
        return NOTHING_CHOSEN
    fields = [str(box.label) for box in ticked if box.id and box.id.startswith("field-")]
    notes = len(ticked) - len(fields)
    parts = [*fields, *([counted(notes, "note")] if notes else [])]
    return f"Choose exactly what goes ({len(ticked)} chosen: {', '.join(parts)}):"


def how_fault(
    policy: SharingPolicy,
    outcome: Outcome,
    how: HowChoices | None,
    typed: dict[str, str],
    limits: AnswerLimits,
    *,
    special: bool = False,  # a special-category item is chosen: a condition is needed
) -> str:
    """Which box a refusal of the decision is about, for it to be said beside it: the
    first one that is not yet as the policy needs it ('record' if none is)."""
    minimum = policy.reason_min_length
    if how is None:
        return "discussed" if len(typed["discussed"].strip()) < minimum else "record"
    places = (
        ("choose", not how.fields and not how.notes),
        ("confirmed", not how.recipient_confirmed),
        ("method", how.method not in policy.methods),
        ("basis", how.lawful_basis not in limits.offered(policy.lawful_bases)),
        ("condition", not how.condition and special),
        (
            "not-informing",
            not how.inform_individual and len(how.not_informing_reason.strip()) < minimum,
        ),
        ("urgent", outcome.needs_manager and 0 < len(typed["urgent"].strip()) < minimum),
    )
    return next((place for place, wrong in places if wrong), "record")
