"""A policy file nested however deeply is a policy problem (exit 2, one sentence that
names the file), never an internal error: TOML's parser and anything that walks the
parsed values recurse once per level."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support.cli import REPO
from tests.support.in_process import Cli, Out
from tests.support.open_keyring import OpenKeyring

MAX_NESTING = 12  # core.validation.MAX_NESTING
DEPTHS = [MAX_NESTING, 20, 100, 300, 500, 2_000, 100_000]
TOO_DEEP = f"tables and lists nested more than {MAX_NESTING} levels deep"


def _nested(depth: int) -> str:
    return "x = " + "[" * depth + "1" + "]" * depth + "\n"


def _inline_tables(depth: int) -> str:
    return "x = " + "{a = " * depth + "1" + "}" * depth + "\n"


@pytest.fixture
def policy_dir(tmp_path: Path) -> Path:
    return Path(shutil.copytree(REPO / "policies", tmp_path / "policy"))


def _one_sentence_naming(result: Out, path: Path) -> None:
    assert result.code == 2, result
    assert "Traceback" not in result.out + result.err and "internal error" not in result.err
    assert result.out == ""
    assert result.problems == [f"{path}: {TOO_DEEP}"], result.err


@pytest.mark.parametrize("depth", DEPTHS)
@pytest.mark.parametrize("nest", [_nested, _inline_tables], ids=["arrays", "inline-tables"])
def test_policy_check_refuses_deep_nesting_in_one_sentence(
    cli: Cli, policy_dir: Path, depth: int, nest: object
) -> None:
    assert callable(nest)
    path = policy_dir / "session.toml"
    path.write_text(nest(depth) + path.read_text(encoding="utf-8"), encoding="utf-8")
    _one_sentence_naming(cli("policy", "check", policy_dir), path)


@pytest.mark.parametrize("depth", DEPTHS)
def test_init_refuses_deep_nesting_and_creates_nothing(
    cli: Cli, memory_keyring: OpenKeyring, tmp_path: Path, policy_dir: Path, depth: int
) -> None:
    path = policy_dir / "roles.toml"
    path.write_text(_nested(depth) + path.read_text(encoding="utf-8"), encoding="utf-8")
    home = tmp_path / "vault"
    _one_sentence_naming(cli("init", "--policies", policy_dir, home=home), path)
    assert not home.exists()
    assert memory_keyring.entries == {}


def test_nesting_a_policy_needs_is_still_read(cli: Cli, policy_dir: Path) -> None:
    # A few levels deep is an ordinary (if unknown) key: reported as that, not as nesting.
    path = policy_dir / "session.toml"
    path.write_text(_nested(3) + path.read_text(encoding="utf-8"), encoding="utf-8")
    result = cli("policy", "check", policy_dir)
    assert result.code == 2 and TOO_DEEP not in result.err
    assert result.problems and result.problems[0].startswith(f"{path}: x: unknown key")
