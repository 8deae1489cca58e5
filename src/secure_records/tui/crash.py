"""What an unexpected error in the app leaves behind: one sentence on the terminal, a
reference, and, in the vault's log, where it happened; never a value.

Textual's own handler prints a traceback with every frame's local variables (a record
being drawn, a note being typed) and host paths. An exception's message may hold a
value too, so only its type and the places it passed (module and line) are kept.
"""

from __future__ import annotations

import secrets
import traceback

INTERNAL_ERROR = 70  # EX_SOFTWARE, as the command line's own last resort
_OURS = "secure_records."


def reference() -> str:
    """A short code the staff member can read out to IT, to find the log entry."""
    return secrets.token_hex(3).upper()


def sentence(ref: str) -> str:
    return (
        f"secure-records stopped on an unexpected error (reference {ref}); nothing more is "
        "shown, as it might contain confidential data: give the reference to IT."
    )


def _original(error: BaseException) -> BaseException:
    """The error a wrapper (Textual's WorkerFailed) was raised for."""
    inner = getattr(error, "error", None)
    return inner if isinstance(inner, BaseException) else error


def details(error: BaseException | None) -> str:
    """The error's type and where it was raised, as module and line: for the log."""
    if error is None:
        return "an error Textual reported without an exception"
    error = _original(error)
    kind = type(error)
    name = (
        kind.__qualname__
        if kind.__module__ == "builtins"
        else f"{kind.__module__}.{kind.__qualname__}"
    )
    places = [
        (str(frame.f_globals.get("__name__", "?")), line)
        for frame, line in traceback.walk_tb(error.__traceback__)
    ]
    if not places:
        return name
    module, line = places[-1]
    said = f"{name} at {module} line {line}"
    ours = [place for place in places if place[0].startswith(_OURS)]
    if ours and ours[-1] != places[-1]:
        said += f", from {ours[-1][0]} line {ours[-1][1]}"
    return said
