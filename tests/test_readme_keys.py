"""The README's key tables say what the bindings do: every key of every screen, and no
key that is not bound. A key added, moved or renamed in the code fails here until the
README says so too."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from textual.dom import DOMNode
from textual.screen import Screen

from secure_records.tui.app import SecureRecordsApp
from secure_records.tui.modals import Dialog
from secure_records.tui.screen_help import HELP
from secure_records.tui.screen_keys import key_name, offered

README = Path(__file__).resolve().parents[1] / "README.md"
ANYWHERE = "Anywhere"
_ROW = re.compile(r"^\| `([^`]+)` \| (.+) \|$")
_TITLE = re.compile(r"\*\*([^*]+)\*\*")


def readme_tables() -> dict[str, dict[str, str]]:
    """Title -> key -> what the README says it does."""
    text = README.read_text(encoding="utf-8")
    section = text.split("<!-- keys: begin -->")[1].split("<!-- keys: end -->")[0]
    tables: dict[str, dict[str, str]] = {}
    titles: list[str] = []
    for line in section.splitlines():
        if line.startswith("**"):
            titles = _TITLE.findall(line)
            for title in titles:
                assert title not in tables, f"{title} has two tables"
                tables[title] = {}
        elif row := _ROW.match(line):
            for title in titles:
                assert row[1] not in tables[title], f"{row[1]} twice under {title}"
                tables[title][row[1]] = row[2]
    return tables


def bound(*nodes: type[DOMNode], inherited: frozenset[str] = frozenset()) -> dict[str, str]:
    """Key -> description of every binding a person is told about; the first node's
    all, the others' (widgets on the screen) only those they show."""
    keys: dict[str, str] = {}
    for index, node in enumerate(nodes):
        merged = node._merged_bindings
        assert merged is not None
        for _, binding in merged:
            if index and not binding.show:
                continue
            if binding.action in inherited or not (offered(binding) or binding.action == "help"):
                continue
            keys.setdefault(key_name(binding), binding.description)
    return keys


def real_tables() -> dict[str, dict[str, str]]:
    screens_own = frozenset(b.action for _, b in Screen._merged_bindings or ())
    tables = {ANYWHERE: bound(SecureRecordsApp)}
    for cls, helped in HELP.items():
        screen: type[Screen[Any]] = cls
        if issubclass(screen, Dialog) and screen is not Dialog:
            continue  # every dialog has Dialog's keys: one table says them
        keys = bound(screen, *helped.widgets, inherited=screens_own)
        if keys:
            tables[helped.title] = keys
    return tables


def test_the_readme_lists_every_key_of_every_screen_and_no_other() -> None:
    written, real = readme_tables(), real_tables()
    assert sorted(written) == sorted(real)
    for title, keys in real.items():
        assert sorted(written[title]) == sorted(keys), title
        for key, description in keys.items():
            assert written[title][key].startswith(description), (title, key, description)
