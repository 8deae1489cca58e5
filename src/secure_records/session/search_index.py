"""Names, dates of birth and categories of the records in scope, decrypted once, in
memory, so that each keystroke of a search (and each sort or filter of the list) is a
scan in memory rather than a decryption.

Held packed (issue 21, memory per session): each column one UTF-8 buffer with the
offsets of its values, a category two bytes a record, the references the very strings
the list holds, rather than four Python strings, a tuple and a reference of its own a
record (about 45 MB at 100,000 records, now about 7). A search is a regular-expression
pass over a column in C, or, when what is typed is in many names, a scan of its lines
a block at a time.

Built on another thread; forgotten (and a build still running thrown away) when
the session locks or ends.
"""

from __future__ import annotations

import re
import threading
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import pairwise

from secure_records.core.access import SearchMode
from secure_records.core.records import normalise_name

# (name, date of birth, name as matched, category): what a sort key is given
Row = tuple[str, str, str, str]
# Between the lines of a searched column. A name as matched has no whitespace but
# single spaces, and a query none at all: a match never runs into the next record.
LINE = "\n"
BLOCK = 4096  # lines split at a time for a scan
FEW = 20_000  # occurrences up to which a search jumps from match to match (cheaper)
UTF8 = "utf-8"
# A name read from the vault is valid text; a query typed may not be: never an error.
ERRORS = "surrogatepass"


def _encoded(text: str) -> bytes:
    return text.encode(UTF8, ERRORS)


class Packed:
    """Values kept as one UTF-8 buffer and where each ends: one object, not one a
    value. (One string would be two or four bytes a character for the whole column
    as soon as one name holds a character beyond Latin-1; a buffer grows in place.)"""

    def __init__(self) -> None:
        self._data = bytearray()
        self._ends = array("I")

    def add(self, value: str) -> None:
        self._data += _encoded(value)
        self._ends.append(len(self._data))

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, i: int) -> str:
        start = self._ends[i - 1] if i else 0
        return self._data[start : self._ends[i]].decode(UTF8, ERRORS)

    def values(self) -> Iterator[str]:
        data, start = memoryview(self._data), 0
        for end in self._ends:
            yield str(data[start:end], UTF8, ERRORS)
            start = end


class Lines:
    """A searched column: its values one a line (UTF-8, as in Packed), and where each
    line starts. A substring of the text is a substring of its UTF-8, and no
    character's bytes are another's: a search of the bytes finds what one of the
    text would."""

    def __init__(self, values: Iterable[str]) -> None:
        self._data = bytearray()
        self._starts = array("I")
        self._odd: dict[int, str] = {}  # values that held a line break, as they were
        for value in values:
            if LINE in value:
                self._odd[len(self._starts)] = value
            self._starts.append(len(self._data))
            # A query never holds a NUL: a line break inside a value matches nothing.
            self._data += _encoded(value.replace(LINE, "\x00") + LINE)

    def __getitem__(self, i: int) -> str:
        if i in self._odd:
            return self._odd[i]
        starts = self._starts
        end = starts[i + 1] if i + 1 < len(starts) else len(self._data)
        return self._data[starts[i] : end - 1].decode(UTF8, ERRORS)

    def blocks(self) -> Iterator[tuple[int, list[bytes]]]:
        """(position of the first, lines) a block at a time: never every line at once."""
        starts, data, count = self._starts, memoryview(self._data), len(self._starts)
        for first in range(0, count, BLOCK):
            last = min(first + BLOCK, count)
            end = starts[last] if last < count else len(data)
            yield first, bytes(data[starts[first] : end - 1]).split(b"\n")

    def values(self) -> Iterator[str]:
        for first, lines in self.blocks():
            for i, line in enumerate(lines, first):
                yield self._odd[i] if i in self._odd else line.decode(UTF8, ERRORS)

    def hits(self, needle: str, mode: SearchMode) -> list[int]:
        """Positions of the lines holding `needle` (any part, or the whole line)."""
        if mode is SearchMode.NEVER:
            return []
        wanted = _encoded(needle)
        if self._data.count(wanted) > FEW:
            # Found in many: line by line (a block at a time) costs less than a
            # match object and a look-up for each.
            whole = mode is SearchMode.WHOLE
            return [
                i
                for first, lines in self.blocks()
                for i, line in enumerate(lines, first)
                if (line == wanted if whole else wanted in line)
            ]
        quoted = re.escape(wanted)
        # To the line's end, so that one line is one match however often it holds it.
        pattern = b"^" + quoted + b"$" if mode is SearchMode.WHOLE else quoted + b"[^\n]*"
        starts = self._starts
        return [bisect_right(starts, m.start()) - 1 for m in re.finditer(pattern, self._data, re.M)]


class Columns:
    """A finished build: references in order, and each record's values by position."""

    def __init__(
        self,
        refs: list[str],
        names: Packed,
        dobs: Lines,
        categories: array[int],
        choices: list[str],
    ) -> None:
        self.refs = refs
        self.names = names
        self.dobs = dobs
        self.categories = categories
        self.choices = choices
        self.matched = Lines(normalise_name(names[i]) for i in range(len(refs)))

    def rows(self) -> Iterator[Row]:
        """Every row, in order, decoded as it is asked for."""
        choices, codes = self.choices, self.categories
        for i, (name, dob, matched) in enumerate(
            zip(self.names.values(), self.dobs.values(), self.matched.values(), strict=True)
        ):
            yield name, dob, matched, choices[codes[i]]

    def row(self, i: int) -> Row:
        return (self.names[i], self.dobs[i], self.matched[i], self.choices[self.categories[i]])


class IndexBuild:
    """Records added one at a time (as decrypted), packed as they come."""

    def __init__(self, categories: Iterable[str] = (), known: Sequence[str] = ()) -> None:
        """`known`: the references already listed, in order: each one indexed is kept
        as that same string, not as a second copy (100,000 of them are 6 MB)."""
        self._refs: list[str] = []
        self._names = Packed()
        self._dobs = Packed()  # made searchable lines once every record is in
        self._known, self._at = known, 0
        self._codes = array("H")
        self._choices: list[str] = [""]
        self._code = {"": 0}
        for choice in categories:
            self._code_of(choice)

    def _code_of(self, category: str) -> int:
        code = self._code.get(category)
        if code is None:
            code = self._code[category] = len(self._choices)
            self._choices.append(category)
        return code

    def add(self, record_id: str, name: str, date_of_birth: str, category: str) -> None:
        known, at = self._known, self._at
        while at < len(known) and known[at] < record_id:
            at += 1
        if at < len(known) and known[at] == record_id:
            record_id = known[at]
        self._at = at
        self._refs.append(record_id)
        self._names.add(name)
        self._dobs.add(date_of_birth)
        self._codes.append(self._code_of(category))

    def done(self) -> Columns:
        refs, names, dobs, codes = self._refs, self._names, self._dobs, self._codes
        if any(a >= b for a, b in pairwise(refs)):
            # Not in reference order (a caseload, or a database's own collation): put
            # in order, each reference once, the last read kept as a dict would.
            last = {rid: i for i, rid in enumerate(refs)}
            order = [last[rid] for rid in sorted(last)]
            build = IndexBuild()
            build._choices, build._code = self._choices, self._code
            for i in order:
                build.add(refs[i], names[i], dobs[i], self._choices[codes[i]])
            return build.done()
        return Columns(refs, names, Lines(dobs[i] for i in range(len(refs))), codes, self._choices)


class SearchIndex:
    def __init__(self) -> None:
        self._columns: Columns | None = None
        self._sorted: dict[str, list[str]] = {}  # every reference, by a list column
        self._lock = threading.Lock()  # the index is built on another thread
        self._generation = 0

    @property
    def ready(self) -> bool:
        return self._columns is not None

    @property
    def generation(self) -> int:
        """Taken before a build starts: a build finished after `forget` is discarded."""
        return self._generation

    @property
    def order(self) -> list[str]:
        return [] if self._columns is None else list(self._columns.refs)

    def __len__(self) -> int:
        return 0 if self._columns is None else len(self._columns.refs)

    def _position(self, record_id: str) -> int | None:
        refs = [] if self._columns is None else self._columns.refs
        i = bisect_left(refs, record_id)
        return i if i < len(refs) and refs[i] == record_id else None

    def rows(self, record_ids: Sequence[str]) -> list[tuple[str, str, str, str]]:
        """(reference, name, date of birth, category) of those of `record_ids` in the index."""
        columns = self._columns
        found = []
        for rid in record_ids:
            i = self._position(rid)
            if columns is not None and i is not None:
                name, dob, _, category = columns.row(i)
                found.append((rid, name, dob, category))
        return found

    def sorted_by(self, column: str, key: Callable[[Row], str]) -> list[str]:
        """Every reference in the index, ordered by `key` of its row. Worked out once
        per column (100,000 keys), then kept until the index is built again."""
        ordered = self._sorted.get(column)
        if ordered is None:
            columns = self._columns
            if columns is None:
                return []
            keys = [key(row) for row in columns.rows()]
            refs = columns.refs
            ordered = [refs[i] for i in sorted(range(len(refs)), key=keys.__getitem__)]
            self._sorted[column] = ordered
        return ordered

    def in_category(self, record_ids: Sequence[str], category: str) -> list[str]:
        columns = self._columns
        if columns is None or category not in columns.choices:
            return []
        code, codes, refs = columns.choices.index(category), columns.categories, columns.refs
        members = {refs[i] for i in range(len(refs)) if codes[i] == code}
        return [rid for rid in record_ids if rid in members]

    def forget(self) -> None:
        with self._lock:
            self._generation += 1  # an index still being built is thrown away
            self._columns = None
            self._sorted = {}

    def publish(self, generation: int, columns: Columns, still_wanted: Callable[[], bool]) -> None:
        """Make a finished build the index, unless it was forgotten (or the session
        locked or ended) while it was built: checked and published as one step."""
        with self._lock:
            if generation != self._generation or not still_wanted():
                return  # keep nothing
            self._columns = columns
            self._sorted = {}

    def matches(self, needle: str, by_name: SearchMode, by_dob: SearchMode) -> list[str]:
        """References whose name or date of birth matches `needle` (already normalised
        and not empty), each field by its search mode."""
        columns = self._columns
        if columns is None:
            return []
        hits = columns.matched.hits(needle, by_name)
        # A date of birth is digits and dashes: a query without a digit is not looked
        # for in one, unless both fields are searched by any part (one scan over both).
        both_part = by_name is SearchMode.PART and by_dob is SearchMode.PART
        if both_part or any(ch.isdigit() for ch in needle):
            more = columns.dobs.hits(needle, by_dob)
            if more:
                hits = sorted(set(hits).union(more))
        refs = columns.refs
        return [refs[i] for i in hits]
