"""The answers checked against the record (issue 19): what the practitioner said about
the information limits what can go and on what basis.

- "It does not identify anyone" (a question that `checks = "identifies"`, answered no):
  no field marked `identifying` in records.toml can be chosen.
- "It is not confidential" (`checks = "confidential"`, no): no `special_category` field.
- Consent not given (`checks = "consent"` answered no, or never asked): no lawful basis
  that `needs_consent`. "Yes" with no consent in force on the record as the sharer sees
  it needs a reason the consent is not on file, and a safeguarding lead then confirms.
- A special-category item needs an Art. 9 condition as well as the Art. 6 basis.

Each refusal names the answer that rules the choice out. Pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from secure_records.core.access import RecordView
from secure_records.core.errors import BadInput
from secure_records.core.fields import FieldSpec
from secure_records.core.lawful_bases import LawfulBasis
from secure_records.core.policy import Rule
from secure_records.core.records import ConsentEntry
from secure_records.core.sharing import Check, HowChoices, SharingFlow


@dataclass(frozen=True)
class AnswerLimits:
    """What the answers so far allow; each `*_ruled_out` is the question answered no."""

    identifying_ruled_out: str = ""
    special_ruled_out: str = ""
    consent_given: bool = False
    consent_question: str = ""  # the consent question, as asked (if it was)

    def ruling_question(self, spec: FieldSpec | None) -> str:
        """The question whose answer rules the field out; "" if none does."""
        if spec is not None and spec.identifying and self.identifying_ruled_out:
            return self.identifying_ruled_out
        if spec is not None and spec.special_category and self.special_ruled_out:
            return self.special_ruled_out
        return ""

    def ruled_out(self, spec: FieldSpec | None) -> str:
        """Why the field cannot be chosen, in words naming the answer; "" if it can."""
        question = self.ruling_question(spec)
        if spec is None or not question:
            return ""
        what = "identifies a person" if spec.identifying else "is special-category data"
        return f'{spec.label} {what}, and you answered No to "{question}"'

    def offered(self, bases: tuple[LawfulBasis, ...]) -> tuple[str, ...]:
        """The bases (or conditions) this path allows: none needing consent without it."""
        return tuple(b.text for b in bases if self.consent_given or not b.needs_consent)

    def consent_words(self) -> str:
        """Why a basis needing consent is not offered."""
        if self.consent_question:
            return f'you answered No to "{self.consent_question}"'
        return "no question on this path asked about consent"


def answer_limits(flow: SharingFlow) -> AnswerLimits:
    questions = flow.policy.questions
    said: dict[Check, tuple[str, bool]] = {}
    for answer in flow.answers:
        check = questions[answer.question].checks
        if check is not None:
            said[check] = (answer.text, answer.yes)
    identifies = said.get(Check.IDENTIFIES)
    confidential = said.get(Check.CONFIDENTIAL)
    consent = said.get(Check.CONSENT)
    return AnswerLimits(
        identifies[0] if identifies and not identifies[1] else "",
        confidential[0] if confidential and not confidential[1] else "",
        bool(consent and consent[1]),
        consent[0] if consent else "",
    )


def consent_in_force(view: RecordView) -> tuple[ConsentEntry, ...]:
    """The consent in force as the sharer's role sees it: none, if it may not see it."""
    consent = view.consent
    if consent is None or (consent.rule is not Rule.VISIBLE and not consent.revealed):
        return ()
    return tuple(e for e in consent.entries if e.in_force)


def is_special(how: HowChoices, fields: Mapping[str, FieldSpec], notes_field: str) -> bool:
    chosen = [fields.get(name) for name in how.fields]
    if how.notes:
        chosen.append(fields.get(notes_field))
    return any(spec is not None and spec.special_category for spec in chosen)


def check_answers(
    flow: SharingFlow, how: HowChoices, fields: Mapping[str, FieldSpec], notes_field: str
) -> None:
    """BadInput naming the first chosen item or basis the answers rule out."""
    limits = answer_limits(flow)
    chosen = [(name, fields.get(name)) for name in how.fields]
    if how.notes:
        chosen.append((notes_field, fields.get(notes_field)))
    for _, spec in chosen:
        why = limits.ruled_out(spec)
        if why:
            raise BadInput(f"{why}: it cannot be chosen.")
    policy = flow.policy
    if how.lawful_basis not in limits.offered(policy.lawful_bases):
        raise BadInput(
            f'"{how.lawful_basis}" needs consent, and {limits.consent_words()}: '
            "choose another lawful basis."
        )
    special = [spec.label for _, spec in chosen if spec is not None and spec.special_category]
    if special and not how.condition:
        raise BadInput(
            f"{special[0]} is special-category data: choose an Art. 9 condition as well as "
            "the lawful basis."
        )
    if how.condition and how.condition not in limits.offered(policy.conditions):
        if how.condition in {c.text for c in policy.conditions}:
            raise BadInput(
                f'"{how.condition}" needs consent, and {limits.consent_words()}: '
                "choose another condition."
            )
        raise BadInput("Choose the Art. 9 condition from the policy's list.")
