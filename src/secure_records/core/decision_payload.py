"""A sharing decision as the vault keeps it sealed (policy sections 6 Record, 8):
who asked and why, every answer with its reason, the outcome, how it was shared,
and the disclosure package fixed when it was taken. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from secure_records.core.payloads import PayloadReader, dump
from secure_records.core.phone_request_payload import CallbackRecord, PhoneRequestPayload
from secure_records.core.records import NoteKind
from secure_records.core.referral import Initiative
from secure_records.core.sharing import HowChoices, Requester
from secure_records.core.telephone import RedFlag


@dataclass(frozen=True)
class RecordedAnswer:
    question: str  # the question's text, as it was asked
    yes: bool
    reason: str
    advice: str = ""  # advice sought at this question, and what was said (section 7)


@dataclass(frozen=True)
class SharedItem:
    """One item a share sends, as the sharer chose it: what it is, never its value, so
    a lead can see what goes before confirming (section 6, Accurate)."""

    label: str  # a field's label, or the chronology's for a note
    kind: NoteKind  # a field is a fact as recorded; a note is what its author called it
    written: str = ""  # a note's date (ISO)
    author: str = ""  # a note's author
    historical: bool = False


@dataclass(frozen=True)
class AnsweredRequest:
    """What a decision keeps of the verified telephone request it answers."""

    id: str
    organisation: str
    switchboard: str
    callback: CallbackRecord | None
    flags: tuple[RedFlag, ...]

    @classmethod
    def of(cls, request_id: str, request: PhoneRequestPayload) -> AnsweredRequest:
        return cls(
            request_id, request.organisation, request.switchboard, request.callback, request.flags
        )


@dataclass(frozen=True)
class DecisionPayload:
    VERSION: ClassVar[int] = 1
    VERSIONS: ClassVar[frozenset[int]] = frozenset({1})

    requester: Requester
    purpose: str
    answers: tuple[RecordedAnswer, ...]
    outcome: str  # the outcome's text
    how: HowChoices | None  # None: decided not to share
    discussed: str  # with the requester, about not sharing
    urgent_manager: str  # who was consulted when it could not wait
    phone_request: AnsweredRequest | None = None
    package: str | None = None  # the disclosure package's text, when it shares
    items: tuple[SharedItem, ...] = ()  # what the package holds; none kept before issue 18
    # Nobody asked (issue 19): `requester` is then whom it goes to.
    initiative: Initiative = Initiative.REQUESTED
    # "We have consent" with none in force on the record: why it is not on file. Flagged
    # to the safeguarding lead, who must confirm the decision (issue 19).
    consent_not_on_file: str = ""

    def logged(self) -> dict[str, Any]:
        """What the log keeps of the decision, under the record's key: all of it but
        the package and the request it answers (those the decision itself keeps), and
        who started it (a detail of the entry itself)."""
        r, how = self.requester, self.how
        logged: dict[str, Any] = {
            "requester": {
                "name": r.name,
                "organisation": r.organisation,
                "role": r.role,
                "contact": r.contact,
            },
            "purpose": self.purpose,
            "answers": [
                # The advice only when some was sought: older decisions keep their form.
                {"question": a.question, "yes": a.yes, "reason": a.reason}
                | ({"advice": a.advice} if a.advice else {})
                for a in self.answers
            ],
            "outcome": self.outcome,
            "how": None
            if how is None
            else {
                "fields": list(how.fields),
                "notes": list(how.notes),
                "recipient_confirmed": how.recipient_confirmed,
                "method": how.method,
                "lawful_basis": how.lawful_basis,
                "inform_individual": how.inform_individual,
                "not_informing_reason": how.not_informing_reason,
                # Written only when there is one: older decisions keep their form.
                **({"condition": how.condition} if how.condition else {}),
            },
            "discussed": self.discussed,
            "urgent_manager": self.urgent_manager,
        }
        if self.consent_not_on_file:
            logged["consent_not_on_file"] = self.consent_not_on_file
        return logged

    def to_json(self) -> bytes:
        fields = self.logged()
        link = self.phone_request
        # Written only when there is one, as it always was.
        if link is not None:
            fields["phone_request"] = {
                "id": link.id,
                "organisation": link.organisation,
                "switchboard": link.switchboard,
                "callback": None if link.callback is None else link.callback.to_dict(),
                "flags": [flag.value for flag in link.flags],
            }
        fields["package"] = self.package
        # Written only when nobody asked: a request keeps its old form.
        if self.initiative is not Initiative.REQUESTED:
            fields["initiative"] = self.initiative.value
        # Written only when there are some: a decision not to share keeps its old form.
        if self.items:
            fields["items"] = [
                {
                    "label": i.label,
                    "kind": i.kind.value,
                    "written": i.written,
                    "author": i.author,
                    "historical": i.historical,
                }
                for i in self.items
            ]
        return dump(self.VERSION, fields)

    @classmethod
    def from_json(cls, data: bytes, what: str = "a sharing decision") -> DecisionPayload:
        _, raw = PayloadReader.open(data, what, cls.VERSIONS)
        r = raw.table("requester")
        how = raw.optional_table("how")
        link = raw.optional_table("phone_request")
        items = tuple(
            SharedItem(
                i.text("label"),
                i.choice("kind", NoteKind),
                i.text("written"),
                i.text("author"),
                i.flag("historical"),
            )
            for i in raw.optional_tables("items")
        )
        return cls(
            Requester(r.text("name"), r.text("organisation"), r.text("role"), r.text("contact")),
            raw.text("purpose"),
            tuple(
                RecordedAnswer(
                    a.text("question"),
                    a.flag("yes"),
                    a.text("reason"),
                    a.optional_text("advice") or "",
                )
                for a in raw.tables("answers")
            ),
            raw.text("outcome"),
            None
            if how is None
            else HowChoices(
                how.texts("fields"),
                how.whole_numbers("notes"),
                how.flag("recipient_confirmed"),
                how.text("method"),
                how.text("lawful_basis"),
                how.flag("inform_individual"),
                how.text("not_informing_reason"),
                how.optional_text("condition") or "",
            ),
            raw.text("discussed"),
            raw.text("urgent_manager"),
            None
            if link is None
            else AnsweredRequest(
                link.text("id"),
                link.text("organisation"),
                link.text("switchboard"),
                CallbackRecord.read(link.optional_table("callback")),
                link.choices("flags", RedFlag),
            ),
            raw.optional_text("package"),
            items,
            Initiative.REQUESTED
            if raw.optional_text("initiative") is None
            else raw.choice("initiative", Initiative),
            raw.optional_text("consent_not_on_file") or "",
        )
