"""Reading an import file (JSON Lines) into records, all or nothing.

Every problem names the line and the key, never the value: a bad row may still hold
a real person's details, and an error message is not a safe place for them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from secure_records.core.policy import FieldKind, Policy
from secure_records.core.records import RECORD_ID, STAFF_NAME, ConsentEntry, Note, NoteKind, Record
from secure_records.core.validation import NAME_PATTERN, unknown_key

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,39}")
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
    # fromisoformat alone would also take week dates such as 2010-W01-1.
    if not ISO_DATE.fullmatch(value):
        raise RowProblem(f"{what} is not a date (YYYY-MM-DD)")
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise RowProblem(f"{what} is not a date (YYYY-MM-DD)") from None
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


CONSENT_KEYS = frozenset({"given_by", "scope", "date", "withdrawn"})
CONSENT_REQUIRED = frozenset({"given_by", "scope", "date"})
NOTE_KEYS = frozenset({"date", "author", "kind", "text", "historical"})
NOTE_REQUIRED = frozenset({"date", "author", "kind", "text"})


def _member(what: str, key: str) -> str:
    """`what.key`, or `what['key']` for a key that is not a plain name, so that a
    line break or escape in it never reaches the problem line as itself."""
    return f"{what}.{key}" if PLAIN_KEY.fullmatch(key) else f"{what}[{key!r}]"


def _object(
    value: object, what: str, allowed: frozenset[str], required: frozenset[str]
) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise RowProblem(f"{what} must be an object")
    keys = value.keys()
    if keys <= allowed and required <= keys:
        return value  # the common case, checked without building sets
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise RowProblem(f"{_member(what, unknown[0])}: {unknown_key(allowed)}")
    missing = sorted(required - set(value))
    if missing:
        raise RowProblem(f"{what} is missing {missing[0]!r}")
    return value


def _consent(value: object, where: str, today: date) -> ConsentEntry:
    entry = _object(value, where, CONSENT_KEYS, CONSENT_REQUIRED)
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
    entry = _object(value, where, NOTE_KEYS, NOTE_REQUIRED)
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
                    # Quote it only if it looks like a staff name: a shifted column
                    # could put someone's details here.
                    shown = repr(name) if STAFF_NAME.match(name) else "(not a staff name)"
                    raise RowProblem(f"assigned_to names unknown staff member {shown}")
            assigned = frozenset(names)
            continue
        spec = policy.fields.get(key)
        if spec is None:
            shown = repr(key) if NAME_PATTERN.match(key) else "(a key that is not a field name)"
            raise RowProblem(f"field {shown} is not declared in records.toml")
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


class ImportCheck:
    """Checks an import file line by line, keeping every problem (the first 20 in
    words, all of them counted)."""

    def __init__(
        self,
        file_label: str,
        policy: Policy,
        staff: frozenset[str],
        existing_ids: frozenset[str],
        today: date,
    ) -> None:
        self.file_label = file_label
        self._policy = policy
        self._staff = staff
        self._existing = existing_ids
        self._today = today
        self._first_seen: dict[str, int] = {}
        self.problems: list[str] = []
        self.bad_lines = 0
        self.good_lines = 0

    def check(self, number: int, line: str) -> Record:
        """One line as a Record, or RowProblem. Duplicates are judged only against the
        lines this check has seen."""
        try:
            row = json.loads(line)
        except (ValueError, RecursionError):
            # ValueError covers JSONDecodeError and over-long integers.
            raise RowProblem("not valid JSON") from None
        record = parse_row(row, self._policy, self._staff, self._today)
        if record.id in self._existing:
            raise RowProblem(f"record {record.id} already exists in the vault")
        first = self._first_seen.get(record.id)
        if first is not None:
            raise RowProblem(f"record {record.id} appears again (first on line {first})")
        self._first_seen[record.id] = number
        return record

    def add_problem(self, number: int, problem: str) -> None:
        self.bad_lines += 1
        if len(self.problems) < PROBLEMS_SHOWN:
            self.problems.append(f"{self.file_label}:{number}: {problem}")

    def seen(self, record_id: str, number: int) -> None:
        """Note a good line checked elsewhere (another process), in file order; a
        second sighting of the same id is a problem on the later line."""
        first = self._first_seen.get(record_id)
        if first is not None:
            self.add_problem(number, f"record {record_id} appears again (first on line {first})")
            return
        self._first_seen[record_id] = number
        self.good_lines += 1

    def finish(self) -> None:
        if not self.good_lines and not self.bad_lines:
            self.bad_lines = 1
            self.problems.append(f"{self.file_label}: holds no records")

    def records(self, lines: Iterable[str]) -> Iterator[Record]:
        """Each good record, for as long as no line has been bad; after a bad line,
        every later line is still checked (so all problems are found) but nothing more
        is yielded. The caller keeps what it stored only if `bad_lines` ends at 0."""
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = self.check(number, line)
            except RowProblem as problem:
                self.add_problem(number, str(problem))
                continue
            self.good_lines += 1
            if not self.bad_lines:
                yield record
        self.finish()


def parse_import(
    file_label: str,
    lines: Iterable[str],
    policy: Policy,
    staff: frozenset[str],
    existing_ids: frozenset[str],
    today: date,
) -> ImportResult:
    """Check every line at once; records are kept only while no line is bad."""
    check = ImportCheck(file_label, policy, staff, existing_ids, today)
    records = tuple(check.records(lines))
    return ImportResult(records, tuple(check.problems), check.bad_lines)
