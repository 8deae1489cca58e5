"""Names, dates of birth and categories of the records in scope, decrypted once, in
memory, so that each keystroke of a search (and each sort or filter of the list) is a
scan of plain lists rather than a decryption.

Built on another thread; forgotten (and a build still running thrown away) when
the session locks or ends.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from secure_records.core.access import SearchMode

# reference -> (name, date of birth, name as matched, category)
Row = tuple[str, str, str, str]


class SearchIndex:
    def __init__(self) -> None:
        self._rows: dict[str, Row] | None = None
        self._order: list[str] = []
        self._names: list[str] = []
        self._dobs: list[str] = []
        self._both: list[str] = []  # name and date of birth, NUL between
        self._last: tuple[str, list[int]] = ("", [])
        self._sorted: dict[str, list[str]] = {}  # every reference, by a list column
        self._lock = threading.Lock()  # the index is built on another thread
        self._generation = 0

    @property
    def ready(self) -> bool:
        return self._rows is not None

    @property
    def generation(self) -> int:
        """Taken before a build starts: a build finished after `forget` is discarded."""
        return self._generation

    @property
    def order(self) -> list[str]:
        return list(self._order)

    def __len__(self) -> int:
        return len(self._order)

    def rows(self, record_ids: Sequence[str]) -> list[tuple[str, str, str, str]]:
        """(reference, name, date of birth, category) of those of `record_ids` in the index."""
        rows = self._rows or {}
        return [(rid, *rows[rid][:2], rows[rid][3]) for rid in record_ids if rid in rows]

    def sorted_by(self, column: str, key: Callable[[Row], str]) -> list[str]:
        """Every reference in the index, ordered by `key` of its row. Worked out once
        per column (100,000 keys), then kept until the index is built again."""
        ordered = self._sorted.get(column)
        if ordered is None:
            rows = self._rows or {}
            keys = {rid: key(row) for rid, row in rows.items()}
            ordered = sorted(self._order, key=keys.__getitem__)
            self._sorted[column] = ordered
        return ordered

    def in_category(self, record_ids: Sequence[str], category: str) -> list[str]:
        rows = self._rows or {}
        return [rid for rid in record_ids if rid in rows and rows[rid][3] == category]

    def forget(self) -> None:
        with self._lock:
            self._generation += 1  # an index still being built is thrown away
            self._rows = None
            self._order, self._names, self._dobs, self._both = [], [], [], []
            self._last = ("", [])
            self._sorted = {}

    def publish(
        self,
        generation: int,
        rows: dict[str, Row],
        order: list[str],
        still_wanted: Callable[[], bool],
    ) -> None:
        """Make a finished build the index, unless it was forgotten (or the session
        locked or ended) while it was built: checked and published as one step."""
        with self._lock:
            if generation != self._generation or not still_wanted():
                return  # keep nothing
            self._rows = rows
            self._order = order
            self._names = [rows[rid][2] for rid in order]
            self._dobs = [rows[rid][1] for rid in order]
            self._both = [f"{n}\x00{d}" for n, d in zip(self._names, self._dobs, strict=True)]
            self._last = ("", [])
            self._sorted = {}

    def matches(self, needle: str, by_name: SearchMode, by_dob: SearchMode) -> list[str]:
        """References whose name or date of birth matches `needle` (already normalised
        and not empty), each field by its search mode."""
        names, dobs = self._names, self._dobs
        # Typing narrows: when the query only grew and every field is searched by
        # part, a match now was a match before, so only the last matches are scanned.
        last_needle, last_hits = self._last
        narrowing = bool(last_needle) and needle.startswith(last_needle)
        narrowing = narrowing and SearchMode.WHOLE not in (by_name, by_dob)
        candidates: Sequence[int] = last_hits if narrowing else range(len(names))
        # A date of birth is digits and dashes: a query without a digit cannot match one.
        dates = any(ch.isdigit() for ch in needle)
        name_part, name_whole = by_name is SearchMode.PART, by_name is SearchMode.WHOLE
        dob_part = dates and by_dob is SearchMode.PART
        dob_whole = dates and by_dob is SearchMode.WHOLE
        if name_part and by_dob is SearchMode.PART:
            # Both seen in full: any part of either matches, one scan over both.
            both = self._both
            hits = (
                [i for i in candidates if needle in both[i]]
                if narrowing
                else [i for i, text in enumerate(both) if needle in text]
            )
        elif name_part and not dob_whole:
            hits = (
                [i for i in candidates if needle in names[i]]
                if narrowing
                else [i for i, name in enumerate(names) if needle in name]
            )
        else:
            hits = [
                i
                for i in candidates
                if (name_part and needle in names[i])
                or (name_whole and needle == names[i])
                or (dob_part and needle in dobs[i])
                or (dob_whole and needle == dobs[i])
            ]
        self._last = (needle, hits)
        ids = self._order
        return [ids[i] for i in hits]
