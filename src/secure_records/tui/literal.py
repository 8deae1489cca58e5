"""Untrusted text on screen: always literal, never markup, never terminal controls.

Record values, reasons and callers' words may hold `[@click=app.quit]`, `[/]`, ESC
sequences or bidi overrides (NOTES.md). They reach a widget only through `literal`,
which turns every control character into a visible escape and wraps the result in
`Content`, which Textual draws as it is.
"""

from __future__ import annotations

from textual.content import Content

from secure_records.core.text import printable


def literal(text: str, *, multiline: bool = False) -> Content:
    return Content(printable(text, keep_newlines=multiline))


def labelled(label: str, value: str, *, multiline: bool = False) -> Content:
    """'Label: value' with the label styled and the value literal."""
    return Content.assemble((f"{label}: ", "bold"), literal(value, multiline=multiline))
