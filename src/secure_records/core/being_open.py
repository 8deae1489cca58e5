"""Privacy information: policy 10(b), "Being open".

"Manchester Settlement will provide clear information for people about how
information we hold about them will be used." The organisation writes its privacy
notice and its Data Protection Officer's contact in `oversight.toml`'s `[privacy]`
table; the app shows them in every screen's help, so staff can pass them on. A vault
sealed before the table existed opens with both unset, and the help says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from secure_records.core.validation import FileReader

# Long enough for a notice of a few paragraphs; past that, a link to the full one.
MAX_NOTICE = 4000
MAX_CONTACT = 300
NOT_SET = "Not set in the policy files: ask your manager."


@dataclass(frozen=True)
class PrivacyInformation:
    data_protection_officer: str = ""  # how to reach them: name, email, telephone
    notice: str = ""  # the privacy notice, as people are given it

    @property
    def contact_words(self) -> str:
        return self.data_protection_officer or NOT_SET

    @property
    def notice_words(self) -> str:
        return self.notice or NOT_SET


def read_privacy(reader: FileReader, raw: object) -> PrivacyInformation | None:
    """`[privacy]`: left out, both unset (a vault sealed before it existed)."""
    table: Mapping[str, Any] | None = reader.table("privacy", raw)
    if table is None:
        return None
    reader.keys("privacy", table, {"data_protection_officer", "notice"})
    found: list[str] = []
    for key, most in (("data_protection_officer", MAX_CONTACT), ("notice", MAX_NOTICE)):
        text = reader.text(f"privacy.{key}", table.get(key), default="")
        if text is None:
            return None
        if len(text) > most:
            reader.error(f"privacy.{key}", f"must be at most {most} characters")
            return None
        found.append(text.strip())
    return PrivacyInformation(*found)
