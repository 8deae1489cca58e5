"""Irreversible steps are confirmed by typing the reference of what they act on: the
whole decision is on screen above the box, and Enter on a button cannot do it by
accident (issue 18)."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Static

from secure_records.tui.dialog import Check, Dialog, field_label, said
from secure_records.tui.literal import literal


class TypedConfirmation(Dialog[str]):
    """Shows `lines` (the decision, whole) and asks for `reference` to be typed before
    `verb` is done. Dismisses with the reference, or None when cancelled."""

    DEFAULT_CSS = """
    TypedConfirmation #decision { height: auto; }
    """
    WHAT = "confirmation"

    def __init__(
        self,
        heading: str,
        lines: Sequence[str],
        reference: str,
        verb: str,
        check: Check[str] | None = None,
    ) -> None:
        super().__init__(check)
        self._heading, self._lines = heading, list(lines)
        self._reference, self._verb = reference, verb

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(literal(self._heading), id="question")
            with VerticalScroll(id="decision"):
                for line in self._lines:
                    yield Static(literal(line), classes="decision-line")
            yield Static(
                literal(
                    f"This cannot be undone. Type {self._reference} to {self._verb}."
                    " Read the decision above first (scroll with up/down)."
                ),
                classes="hint",
            )
            yield field_label("Reference")
            yield Input(placeholder=self._reference, id="reference")
            yield said("reference")
            yield Static("", id="problem", classes="said")
            with Horizontal(classes="buttons"):
                yield Button(literal(self._verb.capitalize()), variant="error", id=self.SAVE)
                yield Button("Cancel", id="cancel")

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit)

    def fault(self, field_id: str, sentence: str) -> None:
        super().fault(field_id, sentence)
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        """The box, its label and the buttons always on screen (at 80x24 a sharing
        without consent is longer than the screen): the decision takes what is left,
        and scrolls."""
        dialog, decision = self.query_one("#dialog"), self.query_one("#decision")
        rest = dialog.outer_size.height - decision.outer_size.height
        decision.styles.max_height = max(3, self.size.height - rest)

    def _draft(self) -> str | None:
        typed = self.query_one("#reference", Input).value.strip()
        if typed.upper() != self._reference.upper():
            self.fault("reference", f"Type {self._reference} exactly to {self._verb}.")
            return None
        return self._reference
