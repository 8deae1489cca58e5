"""The directory of organisations entitled to ask by telephone (policy section 11).

"Check the identity of the caller and check whether they are entitled to the
information they request and take a number, verify it independently and call
back." The directory is the independent source: the switchboard number to call
back, where that number came from, when someone last checked it, and which kinds
of request the organisation may make. Read from `directory.toml`; pure.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from secure_records.core.errors import PolicyError

FILE = "directory.toml"
ID_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,39}\Z")
# What a person may type as a telephone number: digits and the usual separators.
NUMBER_CHARS = re.compile(r"\+?[0-9 ()\-]+\Z")
# The one placeholder a message template may carry: the request's own reference,
# which says nothing about the person it concerns.
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
ALLOWED_PLACEHOLDERS = frozenset({"request"})
TEMPLATES = ("neutral_reply", "not_entitled", "voicemail", "text_message")


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

    def is_stale(self, organisation: Organisation, today: date) -> bool:
        return organisation.age_days(today) > self.max_age_days

    def message(self, template: str, request_id: str) -> str:
        return self.templates[template].replace("{request}", request_id)


def parse_directory(text: str, today: date, file: str = FILE) -> Directory:
    """Raises PolicyError listing every problem, one `FILE: key.path: what` each."""
    problems: list[str] = []

    def error(path: str, what: str) -> None:
        problems.append(f"{file}: {path}: {what}" if path else f"{file}: {what}")

    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError([f"{file}: not valid TOML ({exc})"]) from None
    allowed = {"telephone", "request_kinds", "organisations"}
    for key in doc:
        if key not in allowed:
            error(key, f"unknown key (expected one of: {', '.join(sorted(allowed))})")
    max_age, templates = _telephone(doc.get("telephone"), error)
    kinds = _kinds(doc.get("request_kinds"), error)
    organisations: dict[str, Organisation] = {}
    raw_orgs = doc.get("organisations")
    if not isinstance(raw_orgs, dict) or not raw_orgs:
        error("organisations", "must be a table of organisations, at least one")
        raw_orgs = {}
    seen_numbers: dict[str, str] = {}
    for org_id, raw in raw_orgs.items():
        org = _organisation(org_id, raw, kinds, today, error)
        if org is None:
            continue
        other = seen_numbers.get(org.number)
        if other is not None:
            error(
                f"organisations.{org_id}.switchboard",
                f"is the same number as organisations.{other}; each entry needs its own",
            )
        seen_numbers[org.number] = org_id
        organisations[org_id] = org
    if problems or max_age is None:
        raise PolicyError(problems or [f"{file}: telephone: could not be read"])
    return Directory(organisations, kinds, max_age, templates)


def _telephone(raw: Any, error: Any) -> tuple[int | None, dict[str, str]]:
    if not isinstance(raw, dict):
        error("telephone", "must be a table")
        return None, {}
    for key in raw:
        if key != "max_age_days" and key not in TEMPLATES:
            error(f"telephone.{key}", "unknown key")
    max_age = raw.get("max_age_days")
    if isinstance(max_age, bool) or not isinstance(max_age, int) or not 1 <= max_age <= 3650:
        error("telephone.max_age_days", "must be a whole number of days from 1 to 3650")
        max_age = None
    templates: dict[str, str] = {}
    for name in TEMPLATES:
        value = raw.get(name)
        path = f"telephone.{name}"
        if not isinstance(value, str) or not value.strip():
            error(path, "is required text")
            continue
        unknown = set(PLACEHOLDER.findall(value)) - ALLOWED_PLACEHOLDERS
        if unknown:
            # A template is read out or left on a voicemail: it must not be able to
            # carry a person's details (section 11).
            error(path, "may use only {request}; it must carry no personal details")
        templates[name] = value.strip()
    return max_age, templates


def _kinds(raw: Any, error: Any) -> dict[str, str]:
    if not isinstance(raw, dict) or not raw:
        error("request_kinds", "must be a table of request kinds, at least one")
        return {}
    kinds: dict[str, str] = {}
    for kind, label in raw.items():
        if not ID_PATTERN.fullmatch(kind):
            error(f"request_kinds.{kind}", "names are lower_case letters, digits and _")
        elif not isinstance(label, str) or not label.strip():
            error(f"request_kinds.{kind}", "must say in words what is asked")
        else:
            kinds[kind] = label.strip()
    return kinds


def _organisation(
    org_id: str, raw: Any, kinds: Mapping[str, str], today: date, error: Any
) -> Organisation | None:
    path = f"organisations.{org_id}"
    if not ID_PATTERN.fullmatch(org_id):
        error(path, "names are lower_case letters, digits and _")
        return None
    if not isinstance(raw, dict):
        error(path, "must be a table")
        return None
    allowed = {"name", "switchboard", "source", "checked", "may_ask"}
    for key in raw:
        if key not in allowed:
            error(f"{path}.{key}", f"unknown key (expected one of: {', '.join(sorted(allowed))})")
    ok = True
    name, switchboard, source = raw.get("name"), raw.get("switchboard"), raw.get("source")
    for key, value in (("name", name), ("source", source)):
        if not isinstance(value, str) or not value.strip():
            what = "where the number came from" if key == "source" else "the organisation's name"
            error(f"{path}.{key}", f"is required: {what}")
            ok = False
    if not isinstance(switchboard, str) or normalise_number(switchboard) is None:
        error(
            f"{path}.switchboard",
            "must be a telephone number (UK: 10 or 11 digits from 0; or +country code)",
        )
        ok = False
    checked = raw.get("checked")
    if not isinstance(checked, date) or hasattr(checked, "hour"):
        error(f"{path}.checked", "must be a date (YYYY-MM-DD, unquoted)")
        ok = False
    elif checked > today:
        error(f"{path}.checked", f"{checked.isoformat()} is in the future")
        ok = False
    may_ask = raw.get("may_ask")
    if not isinstance(may_ask, list) or not may_ask:
        error(f"{path}.may_ask", "must list at least one request kind")
        ok = False
    else:
        for kind in may_ask:
            if not isinstance(kind, str) or kind not in kinds:
                error(f"{path}.may_ask", f"{kind!r} is not one of request_kinds")
                ok = False
    if not ok or not isinstance(checked, date) or not isinstance(may_ask, list):
        return None
    return Organisation(
        org_id,
        str(name).strip(),
        str(switchboard).strip(),
        str(source).strip(),
        checked,
        frozenset(may_ask),
    )
