"""One row at the top of every signed-in screen: who is signed in, in what role.

Someone coming back to a desk (or covering for a colleague) sees whose session it is
before reading anything on it.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.widget import Widget

from secure_records.core.text import printable

APP_NAME = "secure-records"


def signed_in_line(staff_name: str, role_label: str, width: int) -> Text:
    """The app's name on the left, "alice · Caseworker" on the right; the person
    always whole, the app's name dropped first when there is no room."""
    who = f"{printable(staff_name)} · {printable(role_label)}"
    room = width - cell_len(who) - 2
    left = APP_NAME if room >= len(APP_NAME) + 2 else ""
    line = Text(" ", no_wrap=True, overflow="ellipsis")
    line.append(left, style="bold")
    line.append(" " * max(1, width - len(left) - cell_len(who) - 2))
    line.append(who)
    line.truncate(width, overflow="ellipsis")
    return line


class SignedIn(Widget):
    DEFAULT_CSS = """
    SignedIn {
        dock: top;
        height: 1;
        background: $panel;
        color: $text;
    }
    """

    def __init__(self, staff_name: str, role_label: str) -> None:
        super().__init__()
        self._staff_name = staff_name
        self._role_label = role_label

    def render(self) -> Text:
        return signed_in_line(self._staff_name, self._role_label, self.size.width)
