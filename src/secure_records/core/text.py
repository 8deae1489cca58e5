"""Untrusted text made safe to put in front of a terminal.

A record value, a reason or a caller's words may hold ESC/CSI/OSC sequences, C1
controls, bidi overrides or zero-width characters. Sent as they are, these can
rewrite the screen, set the window title, smuggle a hyperlink or make text read
differently from what it is. Each is replaced by a visible escape instead.
"""

from __future__ import annotations

# Bidi embeddings, overrides and isolates, and invisible joiners/marks.
_INVISIBLE = (
    frozenset({0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF, 0x061C})
    | frozenset(range(0x202A, 0x202F))
    | frozenset(range(0x2066, 0x206A))
)


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """`text` with every control, bidi and zero-width character shown as an escape.

    Tabs become a space; newlines are kept only where asked (multi-line notes).
    """
    out: list[str] = []
    for ch in text:
        code = ord(ch)
        if ch == "\n" and keep_newlines:
            out.append(ch)
        elif ch == "\t":
            out.append(" ")
        elif code < 0x20 or 0x7F <= code <= 0x9F or code in _INVISIBLE:
            out.append(_escape(ch))
        else:
            out.append(ch)
    return "".join(out)
