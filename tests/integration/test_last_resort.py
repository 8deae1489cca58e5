"""A host command that stops on an error nobody foresaw: one sentence with a reference,
the place in the vault's log, and never the error's message (it may hold a value)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from secure_records.admin import Administration
from secure_records.core.log_actions import LogAction
from tests.support.in_process import Cli

CANARY = "Qz-HOST-CRASH-CANARY-9021"


def test_an_unexpected_error_in_a_host_command_gives_a_reference_and_logs_where(
    populated: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: Administration, name: str) -> None:
        raise ValueError(f"failed on {CANARY}")

    monkeypatch.setattr(Administration, "disable_staff", broken)

    result = cli("staff", "disable", "bilal", home=populated)

    assert result.code == 70
    said = result.out + result.err
    assert CANARY not in said and "Traceback" not in said
    found = re.search(r"reference ([0-9A-F]{6})", result.err)
    assert found is not None, result.err
    assert len(result.problems) == 1
    with Administration.open(populated) as admin:
        failed = [e for e in admin.vault.log.entries() if e.action == LogAction.COMMAND_FAILED]
    assert [e.details["reference"] for e in failed] == [found.group(1)]
    where = str(failed[0].details["error"])
    assert where.startswith("ValueError at tests.integration.test_last_resort line ")
    assert CANARY not in repr(failed[0])
