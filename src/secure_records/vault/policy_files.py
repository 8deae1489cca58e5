"""Reading a policy directory from disk; the rules themselves live in core.policy."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from secure_records.core.errors import PolicyError
from secure_records.core.policy import Policy, parse_policy
from secure_records.core.sharing import parse_sharing
from secure_records.vault.private_files import write_private_file


def read_policy_files(directory: Path) -> dict[str, bytes]:
    """The exact bytes of every top-level *.toml in `directory`, keyed by file name:
    what a vault's policy seal covers, and what its policy is parsed from."""
    if not directory.is_dir():
        raise PolicyError([f"{directory}: no such policy directory"])
    files: dict[str, bytes] = {}
    problems: list[str] = []
    for path in sorted(directory.glob("*.toml")):
        try:
            files[path.name] = path.read_bytes()
        except OSError as exc:
            problems.append(f"{path}: cannot be read ({exc.strerror})")
    if problems:
        raise PolicyError(problems)
    return files


def policy_texts(directory: Path, files: Mapping[str, bytes]) -> dict[str, str]:
    """The files as text, with universal newlines (as `Path.read_text` reads them)."""
    texts: dict[str, str] = {}
    problems: list[str] = []
    for name, data in files.items():
        try:
            texts[name] = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
        except UnicodeDecodeError:
            problems.append(f"{directory / name}: not UTF-8 text")
    if problems:
        raise PolicyError(problems)
    return texts


def read_policy_texts(directory: Path) -> dict[str, str]:
    """The text of every top-level *.toml in `directory`, keyed by file name."""
    return policy_texts(directory, read_policy_files(directory))


def load_policy(directory: Path) -> Policy:
    """Parse a policy directory; each problem line names the file by its full path."""
    return parse_policy_files(directory, read_policy_files(directory))


def parse_policy_files(directory: Path, files: Mapping[str, bytes]) -> Policy:
    """Parse files already read from `directory` (so that what was sealed or checked
    is exactly what is parsed); each problem line names the file by its full path."""
    texts = policy_texts(directory, files)
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


def install_policy_files(directory: Path, files: Mapping[str, bytes]) -> None:
    """Make `directory` hold exactly `files`: each written beside its final name,
    durably, then renamed over it; policy files not among them removed.

    Call inside the transaction that updates the seal, which commits only after this
    returns. Killed midway (or the commit failing), the directory holds a mix of old
    and new files that matches neither seal: every door refuses it (fail closed)
    until `policy apply` is run again, which finishes the change.
    """
    staged = []
    for name, data in sorted(files.items()):
        beside = directory / f".{name}.new"
        beside.unlink(missing_ok=True)  # left by an apply killed earlier
        write_private_file(beside, data.decode("utf-8"), durable=True)
        staged.append((beside, directory / name))
    for beside, final in staged:
        os.replace(beside, final)
    for path in directory.glob("*.toml"):
        if path.name not in files:
            path.unlink()
    # The renames themselves on disk before the seal that names them commits.
    handle = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


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
