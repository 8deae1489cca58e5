"""A log entry's details as labelled lines of words, for the auditor's screen.

The log keeps what was done as keys and values (`found=True`, `field=address`,
`personal={'reason': ...}`); an auditor reads "Record found: yes", "Field: Address",
"Reason: ...". Only values the app itself chose (an outcome, a status, a field's name,
a yes or no) are put into words; everything else is shown exactly as it was written,
because a person may have typed it ("smith_j" stays "smith_j"). The log itself, and
`log show` at the host, keep the entries as stored. Pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from secure_records.core.action_words import ACTION_WORDS
from secure_records.core.dates import shown_date
from secure_records.core.fields import FieldSpec
from secure_records.core.log_reading import PERSONAL_DETAILS
from secure_records.core.words import URGENCY_WORDS, in_words


@dataclass(frozen=True)
class Said:
    """One labelled line: "Label: value", indented `depth` steps under its parent."""

    label: str
    value: str
    depth: int = 0
    # Written by a person (a reason, a note, the words searched): shown exactly as
    # it is, not even its dates turned into the UK form.
    typed: bool = False


# Keys whose values are the app's own identifiers: read as words.
IDENTIFIERS = frozenset(
    {
        "outcome",
        "status",
        "was",
        "kind",
        "flags",
        "urgency",
        "filter_action",
        "staff_role",
        "rule",
        "over",
        "method",
        "lawful_basis",
    }
)
# Keys whose values name fields of a record: shown as the fields' labels.
FIELD_NAMES = frozenset({"field", "fields"})
# Keys whose values are a date a person gave (stored as ISO): the UK form of it.
DATES = frozenset({"date_of_birth", "date", "before"})
# General details that are the auditor's own typing (their filters): as typed.
TYPED = PERSONAL_DETAILS | {"record", "actor", "asked_for", "number_called"}

# Labels for keys whose words alone would read oddly.
LABELS = {
    "found": "Record found",
    "share": "Shares",
    "yes": "Answer",
    "query": "Looked for",
    "asked": "What was asked",
    "about": "About",
    "actor": "Staff member",
    "staff": "Staff member",
    "staff_role": "Role",
    "filter_action": "Action",
    "personal_details": "With personal details",
    "how": "How shared",
    "inform_individual": "Individual to be told",
    "not_informing_reason": "Why they will not be told",
    "urgent_manager": "Manager consulted",
    "discussed": "What was discussed",
    "request": "Telephone request",
    "access_request": "Subject access request",
    "entry": "Consent entry (its number on the record)",
    "months": "Months added",
    "due": "Due",
    "phone_request": "Telephone request",
    "was": "Was",
    "pin_checked": "PIN checked",
    "os_user": "OS user",
    "os_uid": "OS user id",
    "tty": "Terminal",
    # backups, restores, upgrades and the key's versions (issue 20)
    "taken_at": "Backup taken at",
    "log_seq": "Log up to entry",
    "backup_seq": "The backup's log up to entry",
    "kek_version": "Key-encryption key version",
    "ledger": "Disposal ledger read",
    "disposals_again": "Disposals carried out again",
    "said": "Note",
    "after_restore": "Carried out again after a restore",
    "certified_at": "First certified at",
    "migrations": "Migrations applied",
    "versions": "Key versions",
    "before": "Replaced before",
    "current": "Current key version",
    "from_keyring_again": "Retired earlier, removed from the keyring again",
    "replaced": "Replaced an earlier code",
    "requests": "Telephone requests",
}

# What the log holds in place of a disposed record's personal part.
DISPOSED = "[disposed]"


# Values every screen already says in the policy's own words: a call's urgency is
# "Someone may be at risk now" on reception's and the lead's screens, so here too.
# An auditor's filter by action: the action in the words the filter list gave it.
WORDED: Mapping[str, Mapping[str, str]] = {
    "urgency": URGENCY_WORDS,
    "filter_action": ACTION_WORDS,
}


# Names the policy gives an identifier, by the key it is found under: an organisation
# in the directory ("northshire_police_ppu"), a role ("safeguarding_lead").
Names = Mapping[str, Mapping[str, str]]


def said(
    details: Mapping[str, Any],
    personal: Mapping[str, Any] | str | None,
    fields: Mapping[str, FieldSpec],
    names: Names | None = None,
) -> tuple[Said, ...]:
    """An entry's general details, then its personal part, as labelled lines."""
    words = _Words(fields, names or {})
    lines = words.lines(details, depth=0, typed=False)
    if isinstance(personal, Mapping):
        lines += words.lines(personal, depth=0, typed=True)
    elif personal == DISPOSED:
        lines.append(Said("Personal details", "erased when the record was disposed of"))
    elif personal:
        lines.append(Said("Personal details", str(personal), typed=True))
    return tuple(lines)


def label(key: str, fields: Mapping[str, FieldSpec]) -> str:
    if key in fields:
        return fields[key].label
    return LABELS.get(key) or in_words(key)


@dataclass(frozen=True)
class _Words:
    fields: Mapping[str, FieldSpec]
    names: Names

    def lines(self, items: Mapping[str, Any], *, depth: int, typed: bool) -> list[Said]:
        lines: list[Said] = []
        for key, value in items.items():
            if value in (None, "", [], {}):
                continue
            named = label(str(key), self.fields)
            as_typed = typed or key in TYPED
            if isinstance(value, Mapping):
                lines.append(Said(named, "", depth))
                lines += self.lines(value, depth=depth + 1, typed=as_typed)
            elif isinstance(value, list | tuple) and any(isinstance(v, Mapping) for v in value):
                lines.append(Said(named, "", depth))
                for item in value:
                    part = item if isinstance(item, Mapping) else {"": item}
                    lines += self.lines(part, depth=depth + 1, typed=as_typed)
            else:
                lines.append(Said(named, self.value(str(key), value), depth, as_typed))
        return lines

    def value(self, key: str, value: Any) -> str:
        """A value in words where the app chose it; otherwise as written."""
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, list | tuple):
            return ", ".join(self.value(key, item) for item in value)
        text = str(value)
        if key in FIELD_NAMES:
            return self.fields[text].label if text in self.fields else in_words(text)
        if text in self.names.get(key, {}):
            return self.names[key][text]
        if text in WORDED.get(key, {}):
            return WORDED[key][text]
        if key in IDENTIFIERS:
            return in_words(text)
        if key in DATES:
            return shown_date(text)
        return text
