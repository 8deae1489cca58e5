"""What a release's shipped policy has that a vault's older policy lacks: whole files,
and settings tables within a file, each added with the shipped text (its defaults and
comments) so that `secure-records upgrade` can apply them as a logged policy change.

Only settings are added. A table whose every value is itself a table (the roles, the
fields, the directory's organisations, the retention rules) is the organisation's own
list, and the shipped examples in it are never put into a vault. Pure: text in, text
out.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from secure_records.core.errors import PolicyError

# A table header's first key: `[restricted]`, `[how.x]`, `[[how.lawful_bases]]`.
HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')")


@dataclass(frozen=True)
class PolicyAdditions:
    texts: dict[str, str]  # only the files that change, each in full
    added: tuple[str, ...]  # for people and the log: "oversight.toml [restricted]"


def _doc(text: str) -> dict[str, Any] | None:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None  # the policy's own parser names what is wrong with it


def _is_settings(value: object) -> bool:
    return (
        isinstance(value, dict)
        and bool(value)
        and not all(isinstance(v, dict) for v in value.values())
    )


def _sections(text: str, key: str) -> str:
    """Every table of `text` whose header starts with `key`, each with the comment
    lines directly above its header."""
    sections: list[tuple[str | None, list[str]]] = [(None, [])]
    for line in text.splitlines():
        header = HEADER.match(line)
        if header is None:
            sections[-1][1].append(line)
            continue
        above = sections[-1][1]
        n = len(above)
        while n and above[n - 1].lstrip().startswith("#"):
            n -= 1
        sections.append((header.group(1).strip("\"'"), [*above[n:], line]))
        del above[n:]
    kept = ["\n".join(lines).strip("\n") for name, lines in sections if name == key]
    return "\n\n".join(kept) + "\n"


def missing_defaults(vault: Mapping[str, str], shipped: Mapping[str, str]) -> PolicyAdditions:
    """The shipped files the vault lacks, and the shipped settings tables missing from
    the vault's files, as the texts those files become."""
    texts: dict[str, str] = {}
    added: list[str] = []
    for name in sorted(shipped):
        if name not in vault:
            texts[name] = shipped[name]
            added.append(f"{name} (new in this release, with its defaults)")
            continue
        ours, theirs = _doc(vault[name]), _doc(shipped[name])
        if ours is None or theirs is None:
            continue
        text = vault[name]
        for key, value in theirs.items():
            if key in ours or not _is_settings(value):
                continue
            text = text.rstrip("\n") + "\n\n" + _sections(shipped[name], key)
            merged = _doc(text)
            if merged is None or merged.get(key) != value:
                raise PolicyError(
                    [
                        f"{name}: [{key}] could not be added from this release's file; "
                        "add it by hand with 'secure-records policy apply DIR'"
                    ]
                )
            added.append(f"{name} [{key}]")
        if text != vault[name]:
            texts[name] = text
    return PolicyAdditions(texts, tuple(added))
