"""Irreversible steps are confirmed by typing the reference of what they act on: the
whole decision is on screen above the box, and Enter on a button cannot do it by
accident (issue 18). A batch is confirmed by typing how many (issue 20): a proposal a
lead may still reject is not said to be for good."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Static

from secure_records.tui.dialog import Check, Dialog, field_label, said
from secure_records.tui.key_footer import KeyFooter
from secure_records.tui.literal import literal


class TypedConfirmation(Dialog[str]):
    """Shows `lines` (the decision, whole) and asks for `reference` to be typed before
    `verb` is done. Dismisses with the reference, or None when cancelled. `listing`
    (thousands of lines, a batch's records) is drawn as one block under `lines`:
    a widget a line would take seconds to mount."""

    DEFAULT_CSS = """
    TypedConfirmation #decision { height: auto; }
    """
    WHAT = "confirmation"
    LABEL = "Reference"  # what the box is for, above it

    def __init__(
        self,
        heading: str,
        lines: Sequence[str],
        reference: str,
        verb: str,
        check: Check[str] | None = None,
        *,
        final: bool = True,
        listing: Sequence[str] = (),
    ) -> None:
        super().__init__(check)
        self._heading, self._lines = heading, list(lines)
        self._reference, self._verb = reference, verb
        self._final, self._listing = final, listing

    def _asked(self) -> str:
        """What to type, said above the box."""
        return f"Type {self._reference} to {self._verb}."

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(literal(self._heading), id="question")
            with VerticalScroll(id="decision"):
                for line in self._lines:
                    yield Static(literal(line), classes="decision-line")
                if self._listing:
                    listed = "\n".join(self._listing)
                    yield Static(literal(listed, multiline=True), classes="decision-line")
            undone = "This cannot be undone. " if self._final else ""
            yield Static(
                literal(
                    f"{undone}{self._asked()} Read the decision above first (scroll with up/down)."
                ),
                classes="hint",
            )
            yield field_label(self.LABEL)
            yield Input(placeholder=self._placeholder(), id="reference")
            yield said("reference")
            yield Static("", id="problem", classes="said")
            with Horizontal(classes="buttons"):
                yield Button(literal(self._verb.capitalize()), variant="error", id=self.SAVE)
                yield Button("Cancel", id="cancel")
        # The keys the help lists (esc Cancel), as on every other screen.
        yield KeyFooter()

    def _placeholder(self) -> str:
        return self._reference

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
        footer = self.query_one(KeyFooter).outer_size.height
        decision.styles.max_height = max(3, self.size.height - footer - rest)

    def _draft(self) -> str | None:
        typed = self.query_one("#reference", Input).value.strip()
        if typed.upper() != self._reference.upper():
            self.fault("reference", f"Type {self._reference} exactly to {self._verb}.")
            return None
        return self._reference


class TypedCount(TypedConfirmation):
    """A batch confirmed by typing how many records it acts on: 7,960 or 7960."""

    LABEL = "Type the number of records"

    def __init__(
        self,
        heading: str,
        lines: Sequence[str],
        count: int,
        verb: str,
        check: Check[str] | None = None,
        *,
        final: bool = False,
        listing: Sequence[str] = (),
    ) -> None:
        super().__init__(heading, lines, str(count), verb, check, final=final, listing=listing)
        self._count = count

    def _asked(self) -> str:
        return f"Type the number of records, {self._count:,}, to {self._verb}."

    def _placeholder(self) -> str:
        return f"{self._count:,}"

    def _draft(self) -> str | None:
        typed = self.query_one("#reference", Input).value
        if "".join(typed.replace(",", "").split()) != self._reference:
            self.fault(
                "reference", f"Type {self._count:,}, the number of records, to {self._verb}."
            )
            return None
        return self._reference
