"""Progress bars for long work (import, verification, key rotation, disposal run).

Drawn on stderr only when stderr is a terminal, and gone when the work ends, so that
stdout holds only the result and a script or a log file sees nothing of them. A bar
shows fixed words and counts, never a value from the vault.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from secure_records.core.progress import Progress, no_progress


def watched() -> bool:
    """Whether a person is watching stderr (a terminal), rather than a file or a pipe."""
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # no stderr, or a closed one
        return False


@contextmanager
def progress_bar(what: str) -> Iterator[Progress]:
    """A bar labelled `what` for the length of the block, and the callable the work
    tells its counts to; without counts, the bar pulses and shows the time taken."""
    if not watched():
        yield no_progress
        return
    # Imported here: rich is Textual's, and most commands never draw a bar.
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as Bar

    console = Console(file=sys.stderr, highlight=False)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Bar(*columns, TimeElapsedColumn(), console=console, transient=True) as bar:
        task = bar.add_task(what, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update
