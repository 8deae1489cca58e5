"""Reading policy files: one collector of problems and one set of readers.

Every problem is one line, `FILE: key.path: problem`, and every problem in every
file is listed, never only the first: a person fixing a policy fixes it in one pass.
Each reader takes the key path and the value found there (None when the key is
absent: TOML has no null), reports what is wrong in one plain wording shared by all
the policy files, and returns the value, or None when there is none to use.

Pure: the caller hands over the text; nothing here reads a file.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any, TypeVar

from secure_records.core.errors import PolicyError

E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")

# The names a policy gives its own things (fields, roles, request kinds, ...).
NAME_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,39}\Z")

# Tables and lists within one another: the shipped policy uses 5 levels. Anything
# deeper is refused whole, before a reader (or a later copy or comparison) walks it.
MAX_NESTING = 12

_TYPE_NAMES: Mapping[type, str] = {
    str: "text",
    bool: "true/false",
    int: "a number",
    float: "a decimal number",
    list: "a list",
    dict: "a table",
    date: "a date",
    datetime: "a date and time",
    time: "a time",
}


def type_name(value: object) -> str:
    """What a value is, in the words of someone writing TOML."""
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def unknown_key(allowed: Iterable[str]) -> str:
    """The one wording for a key nobody declared, wherever it is found."""
    return f"unknown key (expected one of: {', '.join(sorted(allowed))})"


def key_path(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def parse_file(
    text: str, file: str, read: Callable[[FileReader, Mapping[str, Any]], T | None]
) -> T:
    """One policy file read on its own: its TOML, then `read`; PolicyError listing
    every problem found, or what `read` made of it."""
    reader = Problems().in_file(file)
    doc = reader.toml(text)
    return reader.accepted(None if doc is None else read(reader, doc))


def _nested_deeper_than(doc: Mapping[str, Any], limit: int) -> bool:
    """Whether tables and lists in `doc` go more than `limit` levels deep; walked
    without recursion, so that no depth can exhaust the stack of what reads it next."""
    level: list[Mapping[str, Any] | list[Any]] = [doc]
    for _ in range(limit):
        level = [
            child
            for value in level
            for child in (value.values() if isinstance(value, Mapping) else value)
            if isinstance(child, dict | list)
        ]
        if not level:
            return False
    return True


def _article(noun: str) -> str:
    return "an" if noun[:1] in "aeiou" else "a"


class Problems:
    """Every error and warning found in a set of policy files, in the order found."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def error(self, file: str, path: str, what: str) -> None:
        self.errors.append(f"{file}: {path}: {what}" if path else f"{file}: {what}")

    def warn(self, file: str, path: str, what: str) -> None:
        self.warnings.append(f"{file}: {path}: {what}" if path else f"{file}: {what}")

    def in_file(self, file: str) -> FileReader:
        return FileReader(self, file)

    def collect(self, parse: Callable[[], T]) -> T | None:
        """What another file's own parser makes of it, or None with its problems
        added here, so that one file's problems do not hide the next file's."""
        try:
            return parse()
        except PolicyError as exc:
            self.errors.extend(exc.problems)
            return None

    def raise_if_any(self) -> None:
        if self.errors:
            raise PolicyError(self.errors)


class FileReader:
    """The readers for one policy file, each reporting into the shared Problems."""

    def __init__(self, problems: Problems, file: str) -> None:
        self.problems = problems
        self.file = file
        self.error_count = 0

    @property
    def clean(self) -> bool:
        """No error found in this file so far."""
        return not self.error_count

    def error(self, path: str, what: str) -> None:
        self.error_count += 1
        self.problems.error(self.file, path, what)

    def warn(self, path: str, what: str) -> None:
        self.problems.warn(self.file, path, what)

    def accepted(self, value: T | None) -> T:
        """`value`, unless a problem was found: then PolicyError listing every one."""
        if self.problems.errors or value is None:
            raise PolicyError(self.problems.errors or [f"{self.file}: could not be read"])
        return value

    # ------------------------------------------------------------ structure

    def toml(self, text: str) -> Mapping[str, Any] | None:
        try:
            doc = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            self.error("", f"not valid TOML ({exc})")
            return None
        except RecursionError:
            # The parser recurses once per level: thousands of "[" are a problem in
            # the file, not an internal error.
            doc = None
        if doc is None or _nested_deeper_than(doc, MAX_NESTING):
            self.error("", f"tables and lists nested more than {MAX_NESTING} levels deep")
            return None
        return doc

    def keys(self, path: str, table: Mapping[str, Any], allowed: Collection[str]) -> None:
        """Unknown keys are errors, never ignored: a misspelt key would otherwise
        silently leave its setting at the default."""
        for key in table:
            if key not in allowed:
                self.error(key_path(path, key), unknown_key(allowed))

    def table(
        self, path: str, value: object, *, required: bool = False
    ) -> Mapping[str, Any] | None:
        """A table; an absent one is empty unless `required`."""
        if value is None:
            if required:
                self.error(path, "is required (a table)")
                return None
            return {}
        if not isinstance(value, dict):
            self.error(path, f"must be a table, not {type_name(value)}")
            return None
        return value

    def entries(self, path: str, value: object, noun: str) -> Mapping[str, Any]:
        """A table of named entries (questions, rules, organisations), at least one."""
        if not isinstance(value, dict) or not value:
            self.error(path, f"must be a table of {noun}, at least one")
            return {}
        return value

    def name(self, path: str, name: str, what: str) -> bool:
        """A name the policy gives one of its own things, used as a key; `what` is
        what it is called ("field name", "organisation id")."""
        if NAME_PATTERN.match(name):
            return True
        self.error(path, f"{_article(what)} {what} must be lower-case letters, digits and _")
        return False

    # ------------------------------------------------------------ values

    def text(
        self,
        path: str,
        value: object,
        *,
        default: str | None = None,
        allow_blank: bool = False,
        hint: str = "",
    ) -> str | None:
        """Text; blank text counts as absent unless `allow_blank`. `hint` says, where
        it is required, what it should hold."""
        blank = isinstance(value, str) and not allow_blank and not value.strip()
        if value is None or blank:
            if default is None:
                self.error(path, f"is required ({hint})" if hint else "is required")
            return default
        if not isinstance(value, str):
            self.error(path, f"must be text, not {type_name(value)}")
            return None
        return value

    def flag(self, path: str, value: object, *, default: bool | None = None) -> bool | None:
        if value is None:
            if default is None:
                self.error(path, "is required (true or false)")
            return default
        if not isinstance(value, bool):
            self.error(path, f"must be true or false, not {type_name(value)}")
            return None
        return value

    def whole_number(
        self, path: str, value: object, low: int, high: int, *, unit: str = ""
    ) -> int | None:
        """A whole number from `low` to `high`; `unit` (days, years) says of what."""
        of_unit = f" of {unit}" if unit else ""
        if value is None:
            self.error(path, f"is required (a whole number{of_unit} between {low} and {high})")
        elif isinstance(value, bool) or not isinstance(value, int):
            self.error(path, f"must be a whole number{of_unit}, not {type_name(value)}")
        elif not low <= value <= high:
            in_unit = f" {unit}" if unit else ""
            self.error(path, f"must be between {low} and {high}{in_unit}, not {value}")
        else:
            return value
        return None

    def choice(
        self, path: str, value: object, enum: type[E], *, default: E | None = None
    ) -> E | None:
        """One of an enum's values, written as text."""
        allowed = ", ".join(e.value for e in enum)
        if value is None:
            if default is None:
                self.error(path, f"is required (one of {allowed})")
            return default
        if not isinstance(value, str):
            self.error(path, f"must be one of {allowed}, not {type_name(value)}")
            return None
        try:
            return enum(value)
        except ValueError:
            self.error(path, f"{value!r} is not one of {allowed}")
            return None

    def date(self, path: str, value: object) -> date | None:
        if value is None:
            self.error(path, "is required (a date, YYYY-MM-DD, unquoted)")
        elif not isinstance(value, date) or isinstance(value, datetime):
            self.error(path, f"must be a date (YYYY-MM-DD, unquoted), not {type_name(value)}")
        else:
            return value
        return None

    def texts(self, path: str, value: object) -> tuple[str, ...] | None:
        """A list of text, at least one, none blank."""
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(v, str) and v.strip() for v in value)
        ):
            self.error(path, "must be a list of text, at least one")
            return None
        return tuple(value)

    def names(
        self,
        path: str,
        value: object,
        known: Collection[str],
        noun: str,
        *,
        at_least_one: bool = False,
    ) -> tuple[str, ...] | None:
        """A list of names, each one of `known`; every unknown one is reported."""
        if (
            not isinstance(value, list)
            or (at_least_one and not value)
            or not all(isinstance(v, str) for v in value)
        ):
            least = ", at least one" if at_least_one else ""
            self.error(path, f"must be a list of {noun} names{least}")
            return None
        unknown = [name for name in value if name not in known]
        for name in unknown:
            listed = ", ".join(sorted(known)) or "none"
            self.error(path, f"unknown {noun} {name!r} (known: {listed})")
        return None if unknown else tuple(value)
