"""A telephone request as the vault keeps it sealed (policy section 11): who rang,
about whom, what they asked, the directory's entry as it stood, and, as the request
moves on, the callback, its closing or the decision that answered it. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from secure_records.core.payloads import PayloadReader, dump
from secure_records.core.telephone import Callback, RedFlag, Urgency

OTHER_ORGANISATION = ""  # the organisation id given when the caller's is not in the directory


@dataclass(frozen=True)
class Caller:
    """Who rang: as they said, written down, believed only after the callback."""

    name: str
    role: str
    organisation_id: str  # a directory id, or OTHER_ORGANISATION
    organisation_named: str  # what they said, when it is not in the directory
    number_given: str  # recorded; never offered for the callback

    def to_dict(self) -> dict[str, str]:
        return {
            "name": self.name,
            "role": self.role,
            "organisation_id": self.organisation_id,
            "organisation_named": self.organisation_named,
            "number_given": self.number_given,
        }

    @classmethod
    def read(cls, raw: PayloadReader) -> Caller:
        return cls(
            raw.text("name"),
            raw.text("role"),
            raw.text("organisation_id"),
            raw.text("organisation_named"),
            raw.text("number_given"),
        )


@dataclass(frozen=True)
class DirectoryEntry:
    """The directory's entry for the caller's organisation when the call was taken."""

    id: str
    switchboard: str
    source: str
    checked: str  # an ISO date

    @classmethod
    def read(cls, raw: PayloadReader) -> DirectoryEntry:
        return cls(raw.text("id"), raw.text("switchboard"), raw.text("source"), raw.text("checked"))


@dataclass(frozen=True)
class AboutPerson:
    """Whom the caller asked about, as they gave it."""

    name: str
    date_of_birth: str

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "date_of_birth": self.date_of_birth}


@dataclass(frozen=True)
class CallbackRecord:
    outcome: Callback
    by: str
    at: str
    number_called: str
    note: str

    def to_dict(self) -> dict[str, str]:
        return {
            "outcome": self.outcome.value,
            "by": self.by,
            "at": self.at,
            "number_called": self.number_called,
            "note": self.note,
        }

    @classmethod
    def read(cls, raw: PayloadReader | None) -> CallbackRecord | None:
        return None if raw is None else cls.of(raw)

    @classmethod
    def of(cls, raw: PayloadReader) -> CallbackRecord:
        return cls(
            raw.choice("outcome", Callback),
            raw.text("by"),
            raw.text("at"),
            raw.text("number_called"),
            raw.text("note"),
        )


@dataclass(frozen=True)
class Closure:
    """A lead closed the request with no sharing decision, saying why."""

    by: str
    reason: str
    at: str


@dataclass(frozen=True)
class Forwarding:
    """A lead passed the request to another lead or staff member, saying why."""

    by: str
    to: str
    reason: str
    at: str

    def to_dict(self) -> dict[str, str]:
        return {"by": self.by, "to": self.to, "reason": self.reason, "at": self.at}

    @classmethod
    def read(cls, raw: PayloadReader) -> Forwarding:
        return cls(raw.text("by"), raw.text("to"), raw.text("reason"), raw.text("at"))


@dataclass(frozen=True)
class PhoneRequestPayload:
    VERSION: ClassVar[int] = 1
    VERSIONS: ClassVar[frozenset[int]] = frozenset({1})

    caller: Caller
    organisation: str  # the directory's name for it, or what the caller said
    directory: DirectoryEntry | None  # None: not in the directory
    about: AboutPerson
    kind: str
    asked: str
    urgency: Urgency
    flags: tuple[RedFlag, ...]  # sorted
    why: str  # why it is not entitled, when it is not
    callback: CallbackRecord | None = None
    closed: Closure | None = None
    decision: str | None = None  # the sharing decision that answered it
    # Callbacks that did not reach the caller, oldest first: counted against the
    # directory's `callback_attempts` before the request goes to the lead.
    attempts: tuple[CallbackRecord, ...] = ()
    forwarded: tuple[Forwarding, ...] = ()  # oldest first; the last says who has it

    @property
    def forwarded_to(self) -> str | None:
        return self.forwarded[-1].to if self.forwarded else None

    @property
    def switchboard(self) -> str:
        """The directory's number to call back on; "" when there is none."""
        return "" if self.directory is None else self.directory.switchboard

    def logged(self) -> dict[str, Any]:
        """What the log keeps of the call as taken, under the record's key."""
        return {"caller": self.caller.to_dict(), "about": self.about.to_dict(), "asked": self.asked}

    def to_json(self) -> bytes:
        d = self.directory
        fields: dict[str, object] = {
            "caller": self.caller.to_dict(),
            "organisation": self.organisation,
            "directory": None
            if d is None
            else {
                "id": d.id,
                "switchboard": d.switchboard,
                "source": d.source,
                "checked": d.checked,
            },
            "about": self.about.to_dict(),
            "kind": self.kind,
            "asked": self.asked,
            "urgency": self.urgency.value,
            "flags": [flag.value for flag in self.flags],
            "why": self.why,
            "callback": None if self.callback is None else self.callback.to_dict(),
        }
        # Written only once they happen, as they always were.
        if self.closed is not None:
            c = self.closed
            fields["closed"] = {"by": c.by, "reason": c.reason, "at": c.at}
        if self.decision is not None:
            fields["decision"] = self.decision
        if self.attempts:
            fields["attempts"] = [attempt.to_dict() for attempt in self.attempts]
        if self.forwarded:
            fields["forwarded"] = [forwarding.to_dict() for forwarding in self.forwarded]
        return dump(self.VERSION, fields)

    @classmethod
    def from_json(cls, data: bytes, what: str = "a telephone request") -> PhoneRequestPayload:
        _, raw = PayloadReader.open(data, what, cls.VERSIONS)
        directory = raw.optional_table("directory")
        about = raw.table("about")
        closed = raw.optional_table("closed")
        return cls(
            Caller.read(raw.table("caller")),
            raw.text("organisation"),
            None if directory is None else DirectoryEntry.read(directory),
            AboutPerson(about.text("name"), about.text("date_of_birth")),
            raw.text("kind"),
            raw.text("asked"),
            raw.choice("urgency", Urgency),
            raw.choices("flags", RedFlag),
            raw.text("why"),
            CallbackRecord.read(raw.optional_table("callback")),
            None
            if closed is None
            else Closure(closed.text("by"), closed.text("reason"), closed.text("at")),
            raw.optional_text("decision"),
            tuple(CallbackRecord.of(attempt) for attempt in raw.optional_tables("attempts")),
            tuple(Forwarding.read(forwarding) for forwarding in raw.optional_tables("forwarded")),
        )
