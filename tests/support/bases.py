"""The policy's lawful bases and Art. 9 conditions by their words, for tests that must
choose one valid on the path they answer (issue 19: a basis needing consent is refused
where consent was not given)."""

from __future__ import annotations

from secure_records.core.sharing import SharingPolicy


def basis(policy: SharingPolicy, words: str = "legitimate interests") -> str:
    """The Art. 6 basis naming `words`; legitimate interests fits every path."""
    return next(b.text for b in policy.lawful_bases if words in b.text)


def condition(policy: SharingPolicy, words: str = "safeguarding") -> str:
    """The Art. 9 condition naming `words` (for a special-category item)."""
    return next(c.text for c in policy.conditions if words in c.text)
