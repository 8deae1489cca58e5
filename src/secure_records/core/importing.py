"""Reading an import file (JSON Lines) into records, all or nothing.

Every problem names the line and the key, never the value: a bad row may still hold
a real person's details, and an error message is not a safe place for them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from secure_records.core.policy import FieldKind, Policy
from secure_records.core.records import RECORD_ID, ConsentEntry, Note, NoteKind, Record

MAX_TEXT = 20_000
MAX_ENTRIES = 10_000
PROBLEMS_SHOWN = 20


class RowProblem(Exception):
    pass


@dataclass(frozen=True)
class ImportResult:
    records: tuple[Record, ...]
    problems: tuple[str, ...]  # "FILE:LINE: problem", capped
    bad_lines: int


def _date(value: object, what: str, today: date, *, past_only: bool = True) -> date:
    if not isinstance(value, str):
        raise RowProblem(f"{what} must be a date as text (YYYY-MM-DD)")
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise RowProblem(f"{what} is not a date (YYYY-MM-DD)") from None
    if len(value) != 10:
        raise RowProblem(f"{what} is not a date (YYYY-MM-DD)")
    if past_only and parsed > today:
        raise RowProblem(f"{what} is in the future")
    return parsed


def _text(value: object, what: str, *, required: bool = True) -> str:
    if not isinstance(value, str):
        raise RowProblem(f"{what} must be text")
    if required and not value.strip():
        raise RowProblem(f"{what} is empty")
    if len(value) > MAX_TEXT:
        raise RowProblem(f"{what} is longer than {MAX_TEXT} characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise RowProblem(f"{what} is not valid Unicode text") from None
    return value


def _list(value: object, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise RowProblem(f"{what} must be a list")
    if len(value) > MAX_ENTRIES:
        raise RowProblem(f"{what} has more than {MAX_ENTRIES} entries")
    return value


def _object(value: object, what: str, allowed: set[str], required: set[str]) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise RowProblem(f"{what} must be an object")
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise RowProblem(f"{what} has unknown key {unknown[0]!r}")
    missing = sorted(required - set(value))
    if missing:
        raise RowProblem(f"{what} is missing {missing[0]!r}")
    return value


def _consent(value: object, where: str, today: date) -> ConsentEntry:
    entry = _object(
        value, where, {"given_by", "scope", "date", "withdrawn"}, {"given_by", "scope", "date"}
    )
    given = _date(entry["date"], f"{where}.date", today)
    withdrawn_raw = entry.get("withdrawn")
    withdrawn = None if withdrawn_raw is None else _date(withdrawn_raw, f"{where}.withdrawn", today)
    if withdrawn is not None and withdrawn < given:
        raise RowProblem(f"{where}.withdrawn is before the consent was given")
    return ConsentEntry(
        _text(entry["given_by"], f"{where}.given_by"),
        _text(entry["scope"], f"{where}.scope"),
        given,
        withdrawn,
    )


def parse_note(value: object, where: str, today: date) -> Note:
    entry = _object(
        value,
        where,
        {"date", "author", "kind", "text", "historical"},
        {"date", "author", "kind", "text"},
    )
    kind_raw = entry["kind"]
    if kind_raw not in ("fact", "opinion"):
        raise RowProblem(f'{where}.kind must be "fact" or "opinion"')
    historical = entry.get("historical", False)
    if not isinstance(historical, bool):
        raise RowProblem(f"{where}.historical must be true or false")
    return Note(
        _date(entry["date"], f"{where}.date", today),
        _text(entry["author"], f"{where}.author"),
        NoteKind(kind_raw),
        _text(entry["text"], f"{where}.text"),
        historical,
    )


def parse_row(row: object, policy: Policy, staff: frozenset[str], today: date) -> Record:
    """One import row as a Record, or RowProblem naming the first thing wrong."""
    if not isinstance(row, dict):
        raise RowProblem("a line must hold one JSON object")
    record_id = row.get("id")
    if not isinstance(record_id, str) or not RECORD_ID.match(record_id):
        raise RowProblem("id is missing or not a reference (letters, digits, - and _)")
    values: dict[str, str] = {}
    consent: tuple[ConsentEntry, ...] = ()
    notes: tuple[Note, ...] = ()
    assigned: frozenset[str] = frozenset()
    for key, value in row.items():
        if key == "id":
            continue
        if key == "assigned_to":
            names = _list(value, "assigned_to")
            for name in names:
                if not isinstance(name, str):
                    raise RowProblem("assigned_to must list staff names")
                if name not in staff:
                    raise RowProblem(f"assigned_to names unknown staff member {name!r}")
            assigned = frozenset(names)
            continue
        spec = policy.fields.get(key)
        if spec is None:
            raise RowProblem(f"field {key!r} is not declared in records.toml")
        if spec.kind is FieldKind.CONSENT:
            consent = tuple(
                _consent(item, f"{key}[{i}]", today) for i, item in enumerate(_list(value, key))
            )
        elif spec.kind is FieldKind.NOTES:
            notes = tuple(
                parse_note(item, f"{key}[{i}]", today) for i, item in enumerate(_list(value, key))
            )
        elif value is None:
            continue
        elif spec.kind is FieldKind.DATE:
            values[key] = _date(value, key, today).isoformat()
        elif spec.kind is FieldKind.CHOICE:
            if value not in spec.choices:
                raise RowProblem(f"{key} must be one of {', '.join(spec.choices)}")
            values[key] = value
        else:
            values[key] = _text(value, key, required=False)
    for required in ("name", "date_of_birth"):
        if not values.get(required, "").strip():
            raise RowProblem(f"{required} is required")
    return Record(record_id, values, consent, notes, assigned)


def parse_import(
    file_label: str,
    lines: Iterable[str],
    policy: Policy,
    staff: frozenset[str],
    existing_ids: frozenset[str],
    today: date,
) -> ImportResult:
    """Parse every line; the caller stores the records only if `bad_lines` is 0."""
    records: list[Record] = []
    problems: list[str] = []
    bad = 0
    first_seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            try:
                row = json.loads(line)
            except (ValueError, RecursionError):
                # ValueError covers JSONDecodeError and over-long integers.
                raise RowProblem("not valid JSON") from None
            record = parse_row(row, policy, staff, today)
            if record.id in existing_ids:
                raise RowProblem(f"record {record.id} already exists in the vault")
            if record.id in first_seen:
                raise RowProblem(
                    f"record {record.id} appears again (first on line {first_seen[record.id]})"
                )
            first_seen[record.id] = number
            records.append(record)
        except RowProblem as problem:
            bad += 1
            if len(problems) < PROBLEMS_SHOWN:
                problems.append(f"{file_label}:{number}: {problem}")
    if not records and not bad:
        bad = 1
        problems.append(f"{file_label}: holds no records")
    return ImportResult(tuple(records), tuple(problems), bad)
