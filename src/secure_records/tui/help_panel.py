"""The help panel: what the screen below is for, its keys, and where it fits.

Opened with ? or F1 on any screen (F1 where ? would be typed), closed with Escape,
? or F1. The keys are read from the screen's and the app's bindings as the role may
use them, at the moment the panel opens; the words come from `screen_help`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from secure_records.tui.literal import labelled, literal
from secure_records.tui.screen_help import help_for
from secure_records.tui.screen_keys import DeskKey, desk_keys

if TYPE_CHECKING:
    from secure_records.core.being_open import PrivacyInformation
    from secure_records.session import Session

# Said on every screen with more than one field or button, in words, not as a key.
_TAB = DeskKey("tab", "tab, shift+tab", "Next or previous field or button", "", False)


def keys_text(keys: list[DeskKey]) -> Text:
    """One key a line, names in a column: "ctrl+l  Lock"."""
    width = max((len(key.name) for key in keys), default=0) + 2
    text = Text()
    for index, key in enumerate(keys):
        if index:
            text.append("\n")
        text.append(f"  {key.name:<{width}}", style="bold")
        text.append(key.description)
    return text


class HelpPanel(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpPanel {
        align: center middle;
    }
    HelpPanel > #help {
        width: 76;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: thick $primary;
        background: $panel;
        padding: 0 1;
    }
    HelpPanel .help-heading {
        text-style: bold;
        margin-top: 1;
    }
    """
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("question_mark", "close", "Close", show=False),
        Binding("f1", "close", "Close", show=False),
    ]

    def __init__(self, about: Screen[Any], session: Session | None = None) -> None:
        super().__init__()
        # Policy 10(b), being open: the privacy notice and the DPO's contact, from the
        # policy files, once a session has read them (not on the PIN screen).
        self.privacy: PrivacyInformation | None = (
            None if session is None else session.policy.oversight.privacy
        )
        helped = help_for(type(about))
        self.title_text = helped.title if helped else "Help"
        self._purpose = helped.purpose if helped else ""
        self._workflow = helped.workflow if helped else ""
        keys = desk_keys(about)
        if len(about.focus_chain) > 1:
            keys.append(_TAB)
        self.keys = keys

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(Text(f"Help: {self.title_text}", style="bold"), id="help-title")
            if self._purpose:
                yield Static(Text(self._purpose), id="help-purpose")
            yield Static(Text("Keys"), classes="help-heading")
            yield Static(keys_text(self.keys), id="help-keys")
            if self._workflow:
                yield Static(Text("Where it fits"), classes="help-heading")
                yield Static(Text(self._workflow), id="help-workflow")
            yield Static(
                Text("Escape, ? or F1 closes this. ctrl+p lists commands.", style="italic"),
                classes="help-heading",
            )
            if self.privacy is not None:
                # The organisation's words, from its policy files: shown as written.
                yield Static(Text("Privacy information"), classes="help-heading")
                contact = self.privacy.contact_words
                yield Static(labelled("Data Protection Officer", contact), id="help-dpo")
                yield Static(literal(self.privacy.notice_words, multiline=True), id="help-notice")

    def action_close(self) -> None:
        self.dismiss(None)
