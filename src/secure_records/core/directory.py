"""The directory of organisations entitled to ask by telephone (policy section 11).

"Check the identity of the caller and check whether they are entitled to the
information they request and take a number, verify it independently and call
back." The directory is the independent source: the switchboard number to call
back, where that number came from, when someone last checked it, and which kinds
of request the organisation may make. Read from `directory.toml`; pure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from secure_records.core.validation import FileReader, parse_file

FILE = "directory.toml"
# What a person may type as a telephone number: digits and the usual separators.
NUMBER_CHARS = re.compile(r"\+?[0-9 ()\-]+\Z")
# The one placeholder a message template may carry: the request's own reference,
# which says nothing about the person it concerns.
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
ALLOWED_PLACEHOLDERS = frozenset({"request"})
TEMPLATES = ("neutral_reply", "not_entitled", "voicemail", "text_message")
# Callbacks that did not reach the caller before the request goes to the lead, for a
# directory sealed before `telephone.callback_attempts` existed.
DEFAULT_CALLBACK_ATTEMPTS = 3


def normalise_number(number: str) -> str | None:
    """Digits only, with +44 written as a leading 0; None if it is not a number.

    UK numbers are 10 or 11 digits with the leading 0; international ones up to 15.
    """
    text = number.strip()
    if not text or not NUMBER_CHARS.fullmatch(text):
        return None
    if text.startswith("+44"):
        # "+44 (0)1632 ...": the bracketed 0 is dialled only from inside the UK.
        text = re.sub(r"^\+44\s*\(0\)", "+44", text)
    digits = re.sub(r"[^0-9]", "", text)
    if text.startswith("+"):
        if digits.startswith("44"):
            digits = "0" + digits[2:]
        elif not 8 <= len(digits) <= 15:
            return None
        else:
            return "+" + digits
    if not digits.startswith("0") or digits.startswith("00") or not 10 <= len(digits) <= 11:
        return None
    return digits


@dataclass(frozen=True)
class Organisation:
    id: str
    name: str
    switchboard: str  # as written in the directory, for reading out
    source: str  # where the number came from: never the caller
    checked: date
    may_ask: frozenset[str]

    @property
    def number(self) -> str:
        """The switchboard number, normalised for comparison."""
        return normalise_number(self.switchboard) or ""

    def age_days(self, today: date) -> int:
        return (today - self.checked).days


@dataclass(frozen=True)
class Directory:
    organisations: Mapping[str, Organisation]
    request_kinds: Mapping[str, str]  # id -> what it asks for, in words
    max_age_days: int
    templates: Mapping[str, str]
    # Callbacks not reaching the caller before the request goes to the lead.
    callback_attempts: int = DEFAULT_CALLBACK_ATTEMPTS

    def is_stale(self, organisation: Organisation, today: date) -> bool:
        return organisation.age_days(today) > self.max_age_days

    def message(self, template: str, request_id: str) -> str:
        return self.templates[template].replace("{request}", request_id)


ORGANISATION_KEYS = frozenset({"name", "switchboard", "source", "checked", "may_ask"})


def parse_directory(text: str, today: date, file: str = FILE) -> Directory:
    """Raises PolicyError listing every problem, one `FILE: key.path: what` each."""
    return parse_file(text, file, lambda reader, doc: _read_directory(reader, doc, today))


def _read_directory(reader: FileReader, doc: Mapping[str, Any], today: date) -> Directory | None:
    reader.keys("", doc, {"telephone", "request_kinds", "organisations"})
    max_age, attempts, templates = _telephone(reader, doc.get("telephone"))
    kinds = _kinds(reader, doc.get("request_kinds"))
    organisations: dict[str, Organisation] = {}
    seen_numbers: dict[str, str] = {}
    raw_orgs = reader.entries("organisations", doc.get("organisations"), "organisations")
    for org_id, raw in raw_orgs.items():
        org = _organisation(reader, org_id, raw, kinds, today)
        if org is None:
            continue
        other = seen_numbers.get(org.number)
        if other is not None:
            reader.error(
                f"organisations.{org_id}.switchboard",
                f"is the same number as organisations.{other}; each entry needs its own",
            )
        seen_numbers[org.number] = org_id
        organisations[org_id] = org
    if max_age is None or attempts is None:
        return None
    return Directory(organisations, kinds, max_age, templates, attempts)


def _telephone(reader: FileReader, raw: object) -> tuple[int | None, int | None, dict[str, str]]:
    table = reader.table("telephone", raw, required=True)
    if table is None:
        return None, None, {}
    reader.keys("telephone", table, {"max_age_days", "callback_attempts", *TEMPLATES})
    max_age = reader.whole_number(
        "telephone.max_age_days", table.get("max_age_days"), 1, 3650, unit="days"
    )
    # Optional: a directory sealed before it existed gets the shipped number.
    attempts = reader.whole_number(
        "telephone.callback_attempts",
        table.get("callback_attempts", DEFAULT_CALLBACK_ATTEMPTS),
        1,
        10,
    )
    templates: dict[str, str] = {}
    for name in TEMPLATES:
        path = f"telephone.{name}"
        value = reader.text(path, table.get(name))
        if value is None:
            continue
        unknown = set(PLACEHOLDER.findall(value)) - ALLOWED_PLACEHOLDERS
        if unknown:
            # A template is read out or left on a voicemail: it must not be able to
            # carry a person's details (section 11).
            reader.error(path, "may use only {request}; it must carry no personal details")
        templates[name] = value.strip()
    return max_age, attempts, templates


def _kinds(reader: FileReader, raw: object) -> dict[str, str]:
    kinds: dict[str, str] = {}
    for kind, label in reader.entries("request_kinds", raw, "request kinds").items():
        path = f"request_kinds.{kind}"
        if not reader.name(path, kind, "request kind name"):
            continue
        text = reader.text(path, label, hint="what is asked for, in words")
        if text is not None:
            kinds[kind] = text.strip()
    return kinds


def _organisation(
    reader: FileReader, org_id: str, raw: object, kinds: Mapping[str, str], today: date
) -> Organisation | None:
    path = f"organisations.{org_id}"
    if not reader.name(path, org_id, "organisation id"):
        return None
    spec = reader.table(path, raw)
    if spec is None:
        return None
    reader.keys(path, spec, ORGANISATION_KEYS)
    name = reader.text(f"{path}.name", spec.get("name"), hint="the organisation's name")
    source = reader.text(f"{path}.source", spec.get("source"), hint="where the number came from")
    switchboard = spec.get("switchboard")
    if not isinstance(switchboard, str) or normalise_number(switchboard) is None:
        reader.error(
            f"{path}.switchboard",
            "must be a telephone number (UK: 10 or 11 digits from 0; or +country code)",
        )
        switchboard = None
    checked = reader.date(f"{path}.checked", spec.get("checked"))
    if checked is not None and checked > today:
        reader.error(f"{path}.checked", f"{checked.isoformat()} is in the future")
        checked = None
    may_ask = reader.names(
        f"{path}.may_ask", spec.get("may_ask"), kinds, "request kind", at_least_one=True
    )
    if name is None or source is None or switchboard is None or checked is None or may_ask is None:
        return None
    return Organisation(
        org_id, name.strip(), switchboard.strip(), source.strip(), checked, frozenset(may_ask)
    )
