"""The log's line format and the chain of MACs that links each line to the one before.

    <body>\\t<base64 MAC>\\n

The MAC is HMAC-SHA256 over the previous entry's MAC and this line's body (the first
entry's "previous" is a genesis MAC for the vault), computed with the pad-HMAC of
`envelope`: log verify runs it once per entry.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Callable

from secure_records.vault.envelope import PadHmac


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def unb64(text: str | bytes) -> bytes:
    """Strict: the one canonical encoding only. A flip in the spare bits of a last
    base64 digit decodes to the same bytes, and would otherwise pass unnoticed."""
    raw = binascii.a2b_base64(text, strict_mode=True)
    written = text.encode() if isinstance(text, str) else text
    if binascii.b2a_base64(raw, newline=False) != written:
        raise binascii.Error("not the canonical encoding")
    return raw


def parse_line(line: bytes) -> tuple[bytes, bytes | None]:
    """(body, MAC) of one line, without its newline. The MAC is None when the line
    has no tab or what follows the last one is not a canonical base64 MAC.

    log verify calls this once per entry, so it decodes in place rather than
    through `unb64` (the same strict rule)."""
    body, tab, mac_text = line.rpartition(b"\t")
    try:
        mac = binascii.a2b_base64(mac_text, strict_mode=True)
    except binascii.Error:
        return body, None
    if tab and binascii.b2a_base64(mac, newline=False) == mac_text:
        return body, mac
    return body, None


def one_crashed_write(tail: bytes) -> bool:
    """Bytes beyond the head that one append cut short by a crash could leave: at most
    one line, whole or torn. Under the write lock no more can be uncommitted."""
    return b"\n" not in tail[:-1]


class Chain:
    """The chain MAC: the one function every writer and reader of the log uses."""

    def __init__(self, key: bytes, vault_id: str) -> None:
        hmac_sha256 = PadHmac(key)
        self.genesis = hmac_sha256.digest(f"genesis|{vault_id}".encode())
        # mac(previous MAC, body): bound once, as log verify calls it per entry.
        self.mac: Callable[[bytes, bytes], bytes] = hmac_sha256.digest

    def links(self, mac: bytes | None, previous: bytes, body: bytes) -> bool:
        """Does this MAC chain this body to the entry before?"""
        return mac is not None and hmac.compare_digest(mac, self.mac(previous, body))

    def line(self, previous: bytes, body: bytes) -> tuple[bytes, bytes]:
        """(MAC, the whole line to append) for a new entry's body."""
        mac = self.mac(previous, body)
        return mac, body + b"\t" + b64(mac).encode() + b"\n"
