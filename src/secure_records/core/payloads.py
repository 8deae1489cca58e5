"""Sealed payloads as versioned JSON: one writer and one reader per payload type.

Modelled on Fernet's token: the format version comes first and a reader refuses a
version it does not know instead of guessing. Payloads written before versions
existed carry no version key and are read as version 1, so every vault keeps
opening. A payload whose seal held but whose content is not what its type expects
is a `PayloadError` in one sentence naming what it is and where the problem lies,
never a value it holds. Pure.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from enum import StrEnum
from typing import TypeVar

from secure_records.core.errors import PayloadError

VERSION_KEY = "v"
# What a payload stored without a version key was written as.
UNVERSIONED = 1

E = TypeVar("E", bound=StrEnum)


def dump(version: int, fields: Mapping[str, object]) -> bytes:
    """The version first, then the fields in the order given; the same JSON layout
    (`json.dumps` defaults) as payloads written before versions were added."""
    return json.dumps({VERSION_KEY: version, **fields}).encode()


class PayloadReader:
    """One JSON object of a payload being read; any problem is a PayloadError."""

    def __init__(self, raw: object, what: str, path: str = "") -> None:
        if not isinstance(raw, dict):
            raise PayloadError(f"{what} cannot be read: {path or 'it'} is not a JSON object.")
        self._raw: dict[str, object] = raw
        self._what = what
        self._path = path

    @classmethod
    def open(cls, data: bytes, what: str, versions: Collection[int]) -> tuple[int, PayloadReader]:
        """The format version and the top-level object; refuses a version not in
        `versions`."""
        try:
            raw = json.loads(data)
        except (UnicodeDecodeError, ValueError):
            raise PayloadError(f"{what} cannot be read: it is not JSON.") from None
        reader = cls(raw, what)
        version = reader._raw.get(VERSION_KEY, UNVERSIONED)
        if type(version) is not int or version not in versions:
            said = f"format version {version}," if type(version) is int else "a format version"
            raise PayloadError(
                f"{what} is written in {said} which this version of secure-records cannot read."
            )
        return version, reader

    def _problem(self, key: str, problem: str) -> PayloadError:
        where = f"{self._path}.{key}" if self._path else key
        return PayloadError(f"{self._what} cannot be read: {where} {problem}.")

    def _get(self, key: str) -> object:
        if key not in self._raw:
            raise self._problem(key, "is missing")
        return self._raw[key]

    def text(self, key: str) -> str:
        value = self._get(key)
        if not isinstance(value, str):
            raise self._problem(key, "is not text")
        return value

    def optional_text(self, key: str) -> str | None:
        """Text, or None when the key is absent or null."""
        return None if self._raw.get(key) is None else self.text(key)

    def flag(self, key: str) -> bool:
        value = self._get(key)
        if not isinstance(value, bool):
            raise self._problem(key, "is not true or false")
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        values = self._list(key)
        found = [v for v in values if isinstance(v, str)]
        if len(found) != len(values):
            raise self._problem(key, "is not a list of text")
        return tuple(found)

    def whole_numbers(self, key: str) -> tuple[int, ...]:
        values = self._list(key)
        found = [v for v in values if isinstance(v, int) and not isinstance(v, bool)]
        if len(found) != len(values):
            raise self._problem(key, "is not a list of whole numbers")
        return tuple(found)

    def choice(self, key: str, kind: type[E]) -> E:
        value = self.text(key)
        try:
            return kind(value)
        except ValueError:
            raise self._problem(key, "is not one of the values this version knows") from None

    def choices(self, key: str, kind: type[E]) -> tuple[E, ...]:
        try:
            return tuple(kind(value) for value in self.texts(key))
        except ValueError:
            raise self._problem(key, "holds a value this version does not know") from None

    def table(self, key: str) -> PayloadReader:
        where = f"{self._path}.{key}" if self._path else key
        return PayloadReader(self._get(key), self._what, where)

    def optional_table(self, key: str) -> PayloadReader | None:
        """A nested object, or None when the key is absent or null."""
        return None if self._raw.get(key) is None else self.table(key)

    def tables(self, key: str) -> list[PayloadReader]:
        where = f"{self._path}.{key}" if self._path else key
        return [
            PayloadReader(v, self._what, f"{where}[{n}]") for n, v in enumerate(self._list(key))
        ]

    def optional_tables(self, key: str) -> list[PayloadReader]:
        """A list of nested objects, or none when the key is absent (a later addition)."""
        return [] if self._raw.get(key) is None else self.tables(key)

    def _list(self, key: str) -> list[object]:
        value = self._get(key)
        if not isinstance(value, list):
            raise self._problem(key, "is not a list")
        return value
