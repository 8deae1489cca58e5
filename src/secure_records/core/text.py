"""Untrusted text made safe to put in front of a terminal, and counts put into words.

A record value, a reason or a caller's words may hold ESC/CSI/OSC sequences, C1
controls, bidi overrides, zero-width or otherwise invisible characters. Sent as they
are, these can rewrite the screen, set the window title, smuggle a hyperlink, make
two names look alike or make text read differently from what it is. Each is replaced
by a visible escape instead.
"""

from __future__ import annotations

import unicodedata

# Controls, format characters (bidi, joiners, soft hyphen, tags, invisible
# operators), line/paragraph separators, private use, lone surrogates and
# unassigned code points: none of them is something a person can see and read.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"})

# Default-ignorable characters of other categories: drawn as nothing, so "Ann" and
# "Ann" with a filler or variation selector look the same and match differently.
_INVISIBLE = (
    frozenset({0x034F})  # combining grapheme joiner
    | frozenset({0x115F, 0x1160, 0x3164, 0xFFA0})  # Hangul fillers
    | frozenset({0x17B4, 0x17B5})  # Khmer inherent vowels
    | frozenset(range(0x180B, 0x1810))  # Mongolian variation selectors (+ U+180E)
    | frozenset(range(0xFE00, 0xFE10))  # variation selectors
    | frozenset(range(0xE0100, 0xE01F0))  # variation selectors supplement
)


def hidden(ch: str) -> bool:
    """Whether `ch` is shown only as an escape (ignoring tab and newline handling)."""
    return ord(ch) in _INVISIBLE or unicodedata.category(ch) in _HIDDEN_CATEGORIES


def _escape(ch: str) -> str:
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """`text` with every control, bidi, invisible or unassigned character shown as an
    escape. Tabs become a space; newlines are kept only where asked (multi-line notes).
    """
    if text.isascii() and text.isprintable():
        return text  # the common case, and nothing in it to escape
    out: list[str] = []
    for ch in text:
        if ch == "\n" and keep_newlines:
            out.append(ch)
        elif ch == "\t":
            out.append(" ")
        elif hidden(ch):
            out.append(_escape(ch))
        else:
            out.append(ch)
    return "".join(out)


def plural(count: int, one: str, many: str | None = None) -> str:
    """The word (or words) that agree with `count`: "record" for 1, else "records";
    `many` only where adding "s" is wrong ("entry", "entries"; "table adds", "tables add")."""
    return one if count == 1 else (many or one + "s")


def counted(count: int, one: str, many: str | None = None) -> str:
    """`count` with its noun in the right number: "1 record", "0 records", "2 entries"."""
    return f"{count} {plural(count, one, many)}"
