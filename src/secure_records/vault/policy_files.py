"""Reading a policy directory from disk; the rules themselves live in core.policy."""

from __future__ import annotations

import os
from pathlib import Path

from secure_records.core.errors import PolicyError
from secure_records.core.policy import Policy, parse_policy
from secure_records.core.sharing import parse_sharing


def read_policy_texts(directory: Path) -> dict[str, str]:
    """The text of every top-level *.toml in `directory`, keyed by file name."""
    if not directory.is_dir():
        raise PolicyError([f"{directory}: no such policy directory"])
    texts: dict[str, str] = {}
    problems: list[str] = []
    for path in sorted(directory.glob("*.toml")):
        try:
            texts[path.name] = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            problems.append(f"{path}: not UTF-8 text")
        except OSError as exc:
            problems.append(f"{path}: cannot be read ({exc.strerror})")
    if problems:
        raise PolicyError(problems)
    return texts


def load_policy(directory: Path) -> Policy:
    """Parse a policy directory; each problem line names the file by its full path."""
    texts = read_policy_texts(directory)
    try:
        policy = parse_policy(texts)
    except PolicyError as exc:
        raise PolicyError([_in(directory, line) for line in exc.problems]) from None
    return Policy(
        policy.fields,
        policy.roles,
        policy.session,
        policy.sharing,
        policy.directory,
        policy.retention,
        policy.oversight,
        tuple(_in(directory, line) for line in policy.warnings),
    )


def check_sharing_examples(directory: Path) -> int:
    """Validate every examples/sharing*.toml beside a policy; how many there were."""
    examples = sorted((directory / "examples").glob("sharing*.toml"))
    problems: list[str] = []
    for path in examples:
        try:
            parse_sharing(path.read_text(encoding="utf-8"), path.name)
        except PolicyError as exc:
            problems += [_in(path.parent, line) for line in exc.problems]
        except (OSError, UnicodeDecodeError):
            problems.append(f"{path}: cannot be read as UTF-8 text")
    if problems:
        raise PolicyError(problems)
    return len(examples)


def _in(directory: Path, line: str) -> str:
    # Plain joining: a Path would tidy the key path too ("a//b" into "a/b").
    return f"{directory}{os.sep}{line}"
