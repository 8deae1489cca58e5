"""Untrusted text reaches the terminal only as visible characters."""

from __future__ import annotations

import pytest

from secure_records.core.text import printable


@pytest.mark.parametrize(
    ("hostile", "shown"),
    [
        ("\x1b[2J\x1b[H", "\\x1b[2J\\x1b[H"),  # clear screen, cursor home
        ("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"),  # OSC: set the window title
        ("\x9b31m", "\\x9b31m"),  # C1 CSI
        ("abc\u202edcba", "abc\\u202edcba"),  # right-to-left override
        ("pay\u200bpal", "pay\\u200bpal"),  # zero-width space
        ("a\x7fb", "a\\x7fb"),
        ("line one\nline two", "line one\\x0aline two"),
        ("tab\there", "tab here"),
    ],
)
def test_control_bidi_and_invisible_characters_become_visible(hostile: str, shown: str) -> None:
    assert printable(hostile) == shown


def test_newlines_survive_where_asked_and_ordinary_text_is_untouched() -> None:
    assert printable("Zoë O'Neil\n[b]x[/b]", keep_newlines=True) == "Zoë O'Neil\n[b]x[/b]"
