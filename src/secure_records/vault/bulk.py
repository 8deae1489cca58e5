"""Checking and sealing a large import on both cores.

Checking a line and sealing its record cost about three times what storing it does,
and a records host has two cores or more. So a large import is cut into chunks that
worker processes check and seal while this process stores what comes back, in file
order, inside the import's one transaction.

The workers are forked: they inherit the lines, the check's inputs and the sealer
(with its keys) from this process's memory, so no key is ever serialised, written
or sent anywhere. Only sealed rows and problem messages (which never hold a value)
come back.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from secure_records.core.importing import ImportCheck, RowProblem
from secure_records.vault.rows import NewRecordRows
from secure_records.vault.sealing import RecordSealer

CHUNK = 1000
# Below this a pool costs more than it saves.
PARALLEL_FROM = 4000


@dataclass(frozen=True)
class ChunkResult:
    sealed: list[tuple[int, str, NewRecordRows]]  # (line number, record id, rows)
    problems: list[tuple[int, str]]  # (line number, problem)


@dataclass(frozen=True)
class _Job:
    lines: Sequence[str]
    make_check: Callable[[], ImportCheck]
    sealer: RecordSealer


_job: _Job | None = None  # set in the parent just before forking


def _check_and_seal(span: tuple[int, int]) -> ChunkResult:
    assert _job is not None, "the worker was not forked from an import"
    check = _job.make_check()
    sealed: list[tuple[int, str, NewRecordRows]] = []
    problems: list[tuple[int, str]] = []
    start, stop = span
    for index in range(start, stop):
        line = _job.lines[index]
        if not line.strip():
            continue
        number = index + 1
        try:
            record = check.check(number, line)
        except RowProblem as problem:
            problems.append((number, str(problem)))
            continue
        sealed.append((number, record.id, _job.sealer.seal(record)))
    return ChunkResult(sealed, problems)


def workers() -> int:
    return max(1, min(4, (os.cpu_count() or 1)))


def check_and_seal(
    lines: Sequence[str],
    check: ImportCheck,
    make_check: Callable[[], ImportCheck],
    sealer: RecordSealer,
) -> Iterator[NewRecordRows]:
    """Sealed rows for every good line, in file order, while no line is bad; every
    problem (and every duplicate id across chunks) lands in `check`.

    `make_check()` gives each worker its own check (same policy, staff, existing
    ids); duplicates across chunks are found here, in file order, through `check`.
    """
    global _job
    spans = [(start, min(start + CHUNK, len(lines))) for start in range(0, len(lines), CHUNK)]
    _job = _Job(lines, make_check, sealer)
    try:
        with multiprocessing.get_context("fork").Pool(workers()) as pool:
            for result in pool.imap(_check_and_seal, spans):
                events = sorted(
                    [(n, rid, rows) for n, rid, rows in result.sealed]
                    + [(n, problem, None) for n, problem in result.problems],
                    key=lambda event: event[0],
                )
                for number, text, rows in events:
                    if rows is None:
                        check.add_problem(number, text)
                        continue
                    check.seen(text, number)
                    if not check.bad_lines:
                        yield rows
    finally:
        _job = None
    check.finish()
