"""Progress of long work, for whoever shows it: the work only counts; the command
line draws a bar from the counts when a person is watching (cli/progress.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

# Told (done, total) now and then while long work runs; it must not raise.
Progress = Callable[[int, int], None]


def no_progress(done: int, total: int) -> None:
    """Nobody is watching."""


def counting(items: Iterable[T], total: int, progress: Progress, every: int = 256) -> Iterator[T]:
    """`items`, telling `progress` how many have been handled every `every` of them
    (not each one: a bar needs no more, and 100,000 calls would cost time)."""
    progress(0, total)
    done = 0
    for item in items:
        yield item
        done += 1
        if done % every == 0:
            progress(done, total)
    progress(done, total)
