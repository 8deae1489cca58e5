"""The log as each reader may see it (policy 10(d): "restricted to the information
they need to do their jobs"; 6: "necessary and proportionate").

An entry's personal part (a reveal's reason, a lookup's name and date of birth, a
caller's details, a sharing decision) and the few general details that describe a
person (a search's words; a call about nobody on record) are shown to a role only if
its field rules show it, in full, every field that detail describes:

- a name or date of birth asked (a lookup, a call's subject) describes that field;
- a search's words could be a name or a date of birth: both;
- free text (a reason, a note, what was asked) and a third party's details may say
  anything the record holds: every field.

"In full" means `visible`: a mask is for a record's own value, and a reveal needs a
reason given there and then. What is left out is named, in words, so that a reader
knows it exists. Pure.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from secure_records.core.fields import FieldSpec
from secure_records.core.roles import RoleSpec, Rule

# In place of what a reader may not see, where one word must stand for it.
WITHHELD = "[withheld]"

# General details (under the log's own key, not a record's) that describe a person: a
# search's words, and what a call about nobody on record keeps (session/telephone.py).
PERSONAL_DETAILS = frozenset({"query", "caller", "about", "asked", "note"})

# What a search matches (session/search_index.py): its words could be either.
SEARCHED_FIELDS = ("name", "date_of_birth")

# Parts that hold a record's own fields, one key per field: a lookup's name and date
# of birth, and who a call was about. Each field is shown or withheld on its own.
BY_FIELD = {"query": "the {} asked", "about": "the {} asked about"}

# The other parts, in words, for the line that says what was withheld.
WORDS = {
    "query": "the words searched",
    "reason": "the reason",
    "note": "the note",
    "caller": "the caller's details",
    "asked": "what was asked",
    "requester": "who asked",
    "purpose": "the purpose",
    "answers": "the answers and their reasons",
    "outcome": "the outcome",
    "how": "how it was shared",
    "discussed": "what was discussed",
    "urgent_manager": "the manager consulted",
}


@dataclass(frozen=True)
class Readable:
    """An entry's details and personal part as one reader may see them."""

    details: dict[str, Any]
    personal: dict[str, Any] | str | None  # a string is the log's "[disposed]"
    withheld: tuple[str, ...]  # what was left out, in words


def in_full(role: RoleSpec) -> Callable[[str], bool]:
    """Does `role` see this field in full."""
    return lambda field: role.rule_for(field).rule is Rule.VISIBLE


def nothing(field: str) -> bool:
    """A reader who sees no field in full (the host, unless asked for more)."""
    return False


def readable(
    details: Mapping[str, Any],
    personal: Mapping[str, Any] | str | None,
    sees: Callable[[str], bool],
    fields: Mapping[str, FieldSpec],
) -> Readable:
    """`details` and `personal` with every part `sees` does not allow left out."""
    withheld: list[str] = []

    def shown(key: str, value: Any) -> Any:
        """The part as far as it may be shown; None when none of it may."""
        if key in BY_FIELD and isinstance(value, dict):
            kept = {}
            for field, said in value.items():
                if field in fields and sees(field):
                    kept[field] = said
                elif said:
                    withheld.append(BY_FIELD[key].format(_label(fields, field)))
            return kept or None
        describes = SEARCHED_FIELDS if key == "query" else tuple(fields)
        if describes and all(sees(field) for field in describes):
            return value
        if value not in (None, "", [], {}):
            withheld.append(WORDS.get(key, key.replace("_", " ")))
        return None

    kept_details = {}
    for key, value in details.items():
        part = shown(key, value) if key in PERSONAL_DETAILS else value
        if part is not None:
            kept_details[key] = part
    kept_personal: dict[str, Any] | str | None = None
    if isinstance(personal, Mapping):
        parts = {key: shown(key, value) for key, value in personal.items()}
        kept_personal = {key: part for key, part in parts.items() if part is not None} or None
    else:
        kept_personal = personal
    return Readable(kept_details, kept_personal, tuple(withheld))


def _label(fields: Mapping[str, FieldSpec], name: str) -> str:
    """The field's label as it reads mid-sentence: "date of birth", "NHS number"."""
    label = fields[name].label if name in fields else name.replace("_", " ")
    return label if label[:2].isupper() else label[:1].lower() + label[1:]
