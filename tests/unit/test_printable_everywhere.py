"""`printable` over the whole of Unicode: every code point, skipping none.

Whatever a person cannot see (controls, format characters, separators, private use,
surrogates, unassigned code points, fillers and variation selectors) reaches the
terminal only as a visible escape; everything else is left exactly as it is.
"""

from __future__ import annotations

import re
import sys
import unicodedata

import pytest

from secure_records.core.text import printable

CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"}
FILLERS = {0x115F, 0x1160, 0x3164, 0xFFA0}
VARIATION_SELECTORS = (
    set(range(0x180B, 0x1810))  # Mongolian free variation selectors (U+180E is Cf)
    | set(range(0xFE00, 0xFE10))
    | set(range(0xE0100, 0xE01F0))
)
# The rest of Unicode's default-ignorable code points outside those categories.
OTHER_IGNORABLE = {0x034F, 0x17B4, 0x17B5}  # grapheme joiner, Khmer inherent vowels
ESCAPE = re.compile(r"\\x[0-9a-f]{2}|\\u[0-9a-f]{4}|\\U[0-9a-f]{8}")


INVISIBLE = FILLERS | VARIATION_SELECTORS | OTHER_IGNORABLE


def _must_escape(code: int) -> bool:
    return unicodedata.category(chr(code)) in CATEGORIES or code in INVISIBLE


def test_every_code_point_is_escaped_exactly_when_it_cannot_be_seen() -> None:
    leaked: list[str] = []
    for code in range(sys.maxunicode + 1):  # 0 .. 0x10FFFF
        if code in (0x09, 0x0A):
            continue  # tab and newline have their own rules, tested below
        ch = chr(code)
        out = printable(ch)
        if _must_escape(code):
            if not (ESCAPE.fullmatch(out) and int(out[2:], 16) == code):
                leaked.append(f"U+{code:04X} -> {out!r}")
        elif out != ch:
            leaked.append(f"U+{code:04X} changed to {out!r}")
    assert sys.maxunicode == 0x10FFFF
    assert not leaked, f"{len(leaked)} wrong, first: {leaked[:10]}"


@pytest.mark.parametrize(
    "code",
    [
        *(0xAD, 0x180E, 0x2061, 0x2062, 0x2063, 0x2064, 0x206A, 0x206F, 0x2028, 0x2029),
        *(0xE0000, 0xE0001, 0xE0041, 0xE007F, 0xFE0F, 0xE0100, 0xE01EF),
        *(0x115F, 0x1160, 0x3164, 0xFFA0, 0xFFF9, 0xFFFA, 0xFFFB),
    ],
)
def test_the_characters_seen_letting_names_look_alike_are_escaped(code: int) -> None:
    shown = printable(f"Ann{chr(code)}e")
    assert chr(code) not in shown and shown.startswith("Ann\\") and shown.endswith("e")


def test_tabs_newlines_and_ordinary_text() -> None:
    assert printable("a\tb") == "a b"
    assert printable("a\nb") == "a\\x0ab"
    assert printable("a\nb\u2028c", keep_newlines=True) == "a\nb\\u2028c"
    assert printable("Zoë Ó Néill 山田 👩🏽") == "Zoë Ó Néill 山田 👩🏽"
