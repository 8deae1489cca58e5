"""IT runs the new host commands (issue 21) through the sudo wrapper that
scripts/admin-command.sh writes: `hosts` is allowed, `key export-to-host` is logged
under the person sudo named, and the passphrase reaches only their terminal."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from tests.integration.test_admin_command import admin_command, run_as_it

__all__ = ["admin_command"]  # the wrapper fixture, used here as there
pytestmark = pytest.mark.slow


def test_it_lists_hosts_and_exports_the_key_through_the_wrapper(
    admin_command: Path, tmp_path: Path
) -> None:
    listed = run_as_it(admin_command, tmp_path, "hosts", "--json")
    assert listed.code == 0, listed
    assert len(json.loads(listed.out)["hosts"]) == 1
    exported = run_as_it(admin_command, tmp_path, "key", "export-to-host", "transfer.key")
    assert exported.code == 0, exported
    [passphrase] = [line.split()[-1] for line in exported.out.splitlines() if "Passphrase:" in line]
    assert stat.S_IMODE((tmp_path / "transfer.key").stat().st_mode) == 0o600
    shown = run_as_it(admin_command, tmp_path, "log", "show", "--json")
    entries = [json.loads(line) for line in shown.out.splitlines()]
    [entry] = [e for e in entries if e["action"] == "keys_exported"]
    assert entry["details"]["sudo_user"] == "dana" and entry["details"]["versions"] == [1]
    assert passphrase not in shown.out
