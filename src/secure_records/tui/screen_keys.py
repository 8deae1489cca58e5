"""The keys a screen offers the person on it, read from the bindings themselves.

The footer and the help panel both come from here, so neither can list a key that
does nothing, or miss one that works. A key the role may not use is left out the
same way the footer leaves it out: the node's `check_action` says False
(see SessionScreen.check_action).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode
from textual.screen import Screen

# Textual's own keys that are not the person's: selection is off (nothing to copy),
# ctrl+c only says how to quit, and Tab is said once in the help panel's own words.
NOT_OFFERED = frozenset(
    {"screen.copy_text", "help_quit", "app.focus_next", "app.focus_previous", "help"}
)
# How a key is named where there is room for words (help panel, README).
_NAMES = {"question_mark": "?", "slash": "/", "escape": "esc", "f1": "F1", "pagedown": "pgdn"}


@dataclass(frozen=True)
class DeskKey:
    key: str  # as the footer draws it: "^l", "esc", "/"
    name: str  # as the help panel says it: "ctrl+l", "esc", "/"
    description: str
    action: str
    in_footer: bool


def key_name(binding: Binding) -> str:
    """The binding's first key, as a person would call it."""
    key = binding.key.split(",")[0].strip()
    return _NAMES.get(key, key)


def offered(binding: Binding) -> bool:
    """Whether a binding is one to tell people about at all."""
    return bool(binding.description) and binding.action not in NOT_OFFERED


def _chain(screen: Screen[Any], *, typing_aware: bool) -> list[tuple[DOMNode, BindingsMap]]:
    """Where keys come from, nearest first: the focused widget and its containers,
    the screen, then the app (over a dialog, only its priority keys reach it)."""
    app = screen.app
    if typing_aware:
        # What the focused widget would take as typing (an Input takes q) is left out.
        chain = list(screen._binding_chain)
    else:
        nodes = [screen] if screen.focused is None else screen.focused.ancestors_with_self
        chain = [(node, node._bindings) for node in nodes if node is not app]
    if screen.is_modal:
        # A dialog stops every app key but those with priority.
        cut = next((i for i, (node, _) in enumerate(chain) if node is screen), len(chain))
        chain = chain[: cut + 1]
        chain.append((app, _priority_only(app._bindings)))
    elif not typing_aware:
        chain.append((app, app._bindings))
    return chain


def _priority_only(bindings: BindingsMap) -> BindingsMap:
    return BindingsMap([binding for _, binding in bindings if binding.priority])


def desk_keys(screen: Screen[Any], *, typing_aware: bool = False) -> list[DeskKey]:
    """The screen's keys the person may use, nearest first. `typing_aware` drops the
    keys the focused widget would take as typing (what the footer shows)."""
    app = screen.app
    found: dict[str, DeskKey] = {}
    for node, bindings in _chain(screen, typing_aware=typing_aware):
        is_widget = node is not screen and node is not app
        for key, binding in bindings:
            if key in found or not offered(binding):
                continue
            if is_widget and not binding.show:
                continue  # a widget's own movement keys: Textual's, not the desk's
            if app._check_action_state(binding.action, node) is False:
                continue
            found[key] = DeskKey(
                app.get_key_display(binding),
                key_name(binding),
                binding.description,
                binding.action,
                binding.show,
            )
    return _distinct(found.values())


def _distinct(keys: Iterable[DeskKey]) -> list[DeskKey]:
    """One line per action: `ctrl+c,super+c` is one key to a person."""
    seen: set[str] = set()
    out = []
    for key in keys:
        if key.action not in seen:
            seen.add(key.action)
            out.append(key)
    return out
