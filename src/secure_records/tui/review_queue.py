"""The frame every review queue shares: a list of what waits, what can be done to
the one chosen, and a line saying how it went.

A queue says what differs: its title and hint, how it loads its items and draws
one line of the list, and its buttons (with what each needs, in `NEEDS`). Every
line is drawn literal: items hold names, reasons and callers' words.

A queue with `_whole` shows the highlighted item whole under the list; an action in
`TYPED` cannot be undone, so it is done only once the item's reference is typed, with
the item whole above the box (issue 18).
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, Generic, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.button import ButtonVariant
from textual.widgets.option_list import Option

from secure_records.core.errors import SecureRecordsError
from secure_records.core.text import counted
from secure_records.session import Session
from secure_records.tui.dialog import field_label
from secure_records.tui.key_footer import KeyFooter
from secure_records.tui.literal import literal
from secure_records.tui.session_screen import SessionScreen
from secure_records.tui.typed_confirmation import TypedConfirmation

Item = TypeVar("Item")

# Why a queue's buttons cannot be pressed while it is empty.
NOTHING_WAITING = "nothing is waiting."


@dataclass(frozen=True)
class QueueAction:
    """A button under the list; its id is the action name in `NEEDS`."""

    id: str
    label: str
    variant: ButtonVariant = "default"


class ReviewQueue(SessionScreen, Generic[Item]):
    DEFAULT_CSS = """
    ReviewQueue .field-label { padding: 0 1; text-style: bold; width: 100%; }
    """
    BINDINGS = [Binding("escape", "back", "Back")]

    BOX_ID: ClassVar[str]  # the id of the scrolling body
    HEADING: ClassVar[str]
    HINT: ClassVar[str] = ""
    LIST_ID: ClassVar[str]
    EMPTY: ClassVar[str]  # said when nothing waits
    CHOOSE: ClassVar[str] = ""  # said when a button is pressed with nothing chosen
    REASON: ClassVar[str] = ""  # the reason input's label and placeholder; none if empty
    # Why the buttons cannot be pressed while nothing waits, if not "A and B: nothing...".
    NOTHING_TO_DO: ClassVar[str] = ""
    ACTIONS: ClassVar[tuple[QueueAction, ...]] = ()
    WHOLE: ClassVar[bool] = False  # whether `_whole` is shown under the list
    # Actions that cannot be undone, and what each does, as typed: "approve disposal".
    TYPED: ClassVar[Mapping[str, str]] = {}

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self._items: list[Item] = []

    def compose(self) -> ComposeResult:
        with VerticalScroll(id=self.BOX_ID):
            yield Static(self.HEADING, classes="title")
            if self.HINT:
                yield Static(literal(self.HINT), classes="hint")
            # Said above the list, on screen at 80x24 however long the rest is.
            yield Static("", id="empty", classes="hint")
            yield OptionList(id=self.LIST_ID)
            yield from self._controls()
            # Why the buttons cannot be pressed (an empty queue), in words.
            yield Static("", id="actions-why", classes="hint")
            yield Static("", id="problem")
        yield KeyFooter()

    def _controls(self) -> ComposeResult:
        """What sits between the list and the problem line: the highlighted item whole,
        a reason, then a row of the queue's buttons."""
        if self.WHOLE:
            yield Static("", id="whole")
        if self.REASON:
            yield from self._reason_fields()
        if self.ACTIONS:
            with Horizontal(classes="buttons") as row:
                # Inline (the app's .buttons has a margin): the row the reason's label
                # took, so that what is said under the buttons stays on screen.
                row.styles.margin = 0
                for action in self.ACTIONS:
                    yield self._button(action)

    def _reason_fields(self) -> ComposeResult:
        """The reason, under a label that stays once it is typed into and says the
        minimum Session checks; and any field a queue asks for under it."""
        minimum = self._session.policy.sharing.reason_min_length
        yield field_label(f"{self.REASON} (at least {counted(minimum, 'character')}):")
        yield Input(placeholder=self.REASON, id="reason")

    def _button(self, action: QueueAction) -> Button:
        """A button, shown only to a role that may do what it does."""
        button = Button(action.label, variant=action.variant, id=action.id)
        button.display = self.allowed(action.id)
        return button

    def on_mount(self) -> None:
        self._load()

    # what differs from queue to queue

    @abstractmethod
    def _fetch(self) -> list[Item]:
        """The items waiting, from Session."""

    @abstractmethod
    def _line(self, item: Item) -> tuple[str, str]:
        """One item's line in the list, and the option's id."""

    def _act(self, action: str, item: Item, reason: str) -> str:
        """Do `action` to the highlighted `item` through Session; what to say once it
        is done. Only a queue with `ACTIONS` and the default `_pressed` needs it."""
        raise NotImplementedError

    def _whole(self, item: Item) -> list[str]:
        """The item whole, above a typed confirmation, and under the list if `WHOLE`."""
        return []

    def _typed(self, action: str, item: Item) -> tuple[str, str]:
        """For an action in `TYPED`: the confirmation's heading, and the reference to type."""
        raise NotImplementedError

    def _load_refused(self, message: str) -> None:
        # A queue that cannot be read is left, rather than shown empty.
        self.leave(message)

    # the frame

    def _say(self, text: str) -> None:
        self.query_one("#problem", Static).update(literal(text))

    def _reason(self) -> str:
        return self.query_one("#reason", Input).value

    def _load(self) -> None:
        with self.attempt(say=self._load_refused):
            self._items = self._fetch()
            options = self.query_one(f"#{self.LIST_ID}", OptionList)
            options.clear_options()
            lines = (self._line(item) for item in self._items)
            options.add_options([Option(literal(text), id=oid) for text, oid in lines])
            if self._items:
                options.highlighted = 0
            self._show(options.highlighted)
            self._show_empty(not self._items)
            self._say("")
            options.focus()

    def _show_empty(self, empty: bool) -> None:
        """An empty queue says so in one line, and its buttons, with nothing to act on,
        cannot be pressed (they did nothing, and said to choose what was not there)."""
        line = self.query_one("#empty", Static)
        line.update(literal(self.EMPTY if empty else ""))
        line.display = empty
        buttons = list(self.query(".buttons Button").results(Button))
        for button in buttons:
            button.disabled = empty
        # A button with a why line of its own (the phone queue's) says it there.
        labels = [str(b.label) for b in buttons if b.display and not self.query(f"#{b.id}-why")]
        said = self.NOTHING_TO_DO or f"{' and '.join(labels)}: {NOTHING_WAITING}"
        why = said if empty and labels else ""
        self.query_one("#actions-why", Static).update(literal(why))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show(event.option_index)

    def _show(self, index: int | None) -> None:
        if not self.WHOLE:
            return
        found = index is not None and 0 <= index < len(self._items)
        lines = self._whole(self._items[index]) if found and index is not None else []
        self.query_one("#whole", Static).update(literal("\n".join(lines), multiline=True))

    def _done(self, said: str) -> None:
        """After an action: a fresh reason, a fresh list, and how it went."""
        self.query_one("#reason", Input).value = ""
        self._load()
        self._say(said)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self._pressed(str(event.button.id))

    def _pressed(self, action: str) -> None:
        index = self.query_one(f"#{self.LIST_ID}", OptionList).highlighted
        if index is None or not 0 <= index < len(self._items):
            self._say(self.CHOOSE)
            return
        if action in self.TYPED:
            self._confirm_typed(action, self._items[index])
            return
        with self.attempt(say=self._say):
            self._done(self._act(action, self._items[index], self._reason()))

    def _confirm_typed(self, action: str, item: Item) -> None:
        """The reason first (not after the reference is typed), then the item whole and
        the reference to type; done through Session only then, and said in the box if
        Session refuses."""
        reason = self._reason() if self.REASON else ""
        minimum = self._session.policy.sharing.reason_min_length
        if self.REASON and len(reason.strip()) < minimum:
            self._say(f"Give your reason first (at least {counted(minimum, 'character')}).")
            return
        said: list[str] = []

        def do(_: str) -> str | None:
            try:
                said.append(self._act(action, item, reason))
            except SecureRecordsError as exc:
                return str(exc)
            return None

        def after(typed: str | None) -> None:
            if typed is not None and said:
                self._done(said[0])

        heading, reference = self._typed(action, item)
        lines = [*self._whole(item), *([f"Your reason: {reason}"] if reason else [])]
        self.app.push_screen(
            TypedConfirmation(heading, lines, reference, self.TYPED[action], do), after
        )

    def action_back(self) -> None:
        self.app.pop_screen()

    def forget(self) -> None:
        self._items = []
        self.query_one(f"#{self.LIST_ID}", OptionList).clear_options()
        for detail in self.query("#whole").results(Static):
            detail.update("")
        for reason in self.query("#reason").results(Input):
            reason.value = ""
