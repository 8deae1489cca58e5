"""The lawful bases for sharing (UK GDPR Art. 6) and the conditions for special-category
data (Art. 9), as `sharing.toml`'s `[how]` lists them.

The table form says which basis needs consent. The older form, one list of text with
Art. 6 and Art. 9 mixed, still loads (vaults are sealed with it), read so that a wrong
guess offers less, never more: an entry that names consent needs consent (it is not
offered where consent was not given), and an entry that names Art. 9 is a condition.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from secure_records.core.validation import FileReader

BASIS_KEYS = frozenset({"text", "needs_consent", "help"})
# The older list form: what its words say of each entry.
NAMES_CONSENT = re.compile(r"consent|6\s*\(\s*1\s*\)\s*\(\s*a\s*\)", re.IGNORECASE)
NAMES_ART_9 = re.compile(r"\bart(icle|\.)?\s*9\b|\b9\s*\(\s*2\s*\)", re.IGNORECASE)


@dataclass(frozen=True)
class LawfulBasis:
    """An Art. 6 lawful basis, or an Art. 9 condition, in the policy's words."""

    text: str
    needs_consent: bool = False  # offered only where the consent question was answered yes
    help: str = ""  # said beside the choice (when it rarely fits, say)


def read_bases(
    reader: FileReader, raw_bases: object, raw_conditions: object
) -> tuple[tuple[LawfulBasis, ...], tuple[LawfulBasis, ...]] | None:
    """(Art. 6 bases, Art. 9 conditions); None, with the problems said, if bad."""
    if isinstance(raw_bases, list) and raw_bases and all(isinstance(b, str) for b in raw_bases):
        texts = reader.texts("how.lawful_bases", raw_bases)
        if texts is None:
            return None
        old = [LawfulBasis(t, bool(NAMES_CONSENT.search(t))) for t in texts]
        bases = tuple(b for b in old if not NAMES_ART_9.search(b.text))
        conditions = tuple(b for b in old if NAMES_ART_9.search(b.text))
        if not bases:
            reader.error("how.lawful_bases", "must list at least one Art. 6 lawful basis")
        more = () if raw_conditions is None else _tables(reader, "how.conditions", raw_conditions)
        return None if more is None or not bases else (bases, conditions + more)
    bases_read = _tables(reader, "how.lawful_bases", raw_bases, at_least_one=True)
    conditions_read = (
        () if raw_conditions is None else _tables(reader, "how.conditions", raw_conditions)
    )
    if bases_read is None or conditions_read is None:
        return None
    return bases_read, conditions_read


def _tables(
    reader: FileReader, path: str, raw: object, *, at_least_one: bool = False
) -> tuple[LawfulBasis, ...] | None:
    if not isinstance(raw, list) or (at_least_one and not raw):
        what = "at least one" if at_least_one else "or none"
        reader.error(path, f"must be a list of tables ([[{path}]]) with text, {what}")
        return None
    found: list[LawfulBasis] = []
    for n, spec in enumerate(raw):
        table = reader.table(f"{path}[{n}]", spec)
        if table is None:
            continue
        reader.keys(f"{path}[{n}]", table, BASIS_KEYS)
        text = reader.text(f"{path}[{n}].text", table.get("text"))
        needs = reader.flag(f"{path}[{n}].needs_consent", table.get("needs_consent"), default=False)
        help_text = reader.text(f"{path}[{n}].help", table.get("help"), default="")
        if text is not None and needs is not None and help_text is not None:
            found.append(LawfulBasis(text, needs, help_text))
    texts = [b.text for b in found]
    if len(set(texts)) != len(texts):
        reader.error(path, "lists the same text twice")
    return tuple(found) if len(found) == len(raw) else None
