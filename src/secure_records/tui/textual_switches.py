"""Textual's environment switches, closed for a staff member's session.

Textual obeys variables that anyone who can set the service account's environment
controls: `TEXTUAL_SCREENSHOT=N` writes an SVG of the screen (names and all) to disk
after N seconds, `TEXTUAL=devtools` sends the session to a devtools console,
`TEXTUAL_LOG` writes a log file, `TEXTUAL_PRESS` types keys, `TEXTUAL_DRIVER` loads
any class as the terminal driver, `TEXTUAL_ALLOW_SIGNALS` turns ctrl+c into SIGINT.
None may work in a session: every TEXTUAL variable but the two the app sets itself
is removed before Textual is imported; and the app itself, wherever it runs, puts
Textual's constants (read once, at import) back to their defaults and ignores the
TEXTUAL variable's features.

No Textual import here: `session` calls this before the app is imported.
"""

from __future__ import annotations

import os
import sys

# Set by the app itself for a remote terminal (and harmless whoever sets them).
ALLOWED = frozenset({"TEXTUAL_ANIMATIONS", "TEXTUAL_FPS"})
# textual.constants as it is with none of its variables set.
_DEFAULTS: dict[str, object] = {
    "DEBUG": False,
    "DRIVER": None,
    "FILTERS": "",
    "LOG_FILE": None,
    "DEVTOOLS_HOST": "127.0.0.1",
    "DEVTOOLS_PORT": 8081,
    "SCREENSHOT_DELAY": -1,
    "SCREENSHOT_LOCATION": None,
    "SCREENSHOT_FILENAME": None,
    "PRESS": "",
    "SHOW_RETURN": False,
}


def close_textual_switches() -> None:
    """For `session` and `demo`, before Textual is imported: the process is theirs."""
    for name in [n for n in os.environ if n.upper().startswith("TEXTUAL")]:
        if name not in ALLOWED:
            del os.environ[name]
    reset_textual_constants()


def reset_textual_constants() -> None:
    """For the app itself, in a process that may have imported Textual earlier."""
    constants = sys.modules.get("textual.constants")
    if constants is not None:
        for name, value in _DEFAULTS.items():
            setattr(constants, name, value)
