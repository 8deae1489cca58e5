"""IT's host-side command (deploy-host.sh step 7), as scripts/admin-command.sh writes
it: through sudo, IT runs the operator's commands issue 20 added (status, backups,
upgrade, key retirement and recovery) as the service account, and never a session.

The wrapper is written for a vault in tmp_path and run for real (the console script,
the test file keyring); tests/e2e/test_deploy.py runs it through a real sudo rule.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.support.cli import EXECUTABLE, REPO, Ran, subprocess_env

pytestmark = pytest.mark.slow


@pytest.fixture
def admin_command(file_keyring_home: Path, tmp_path: Path) -> Path:
    """The wrapper for a host whose base is tmp_path (so its vault is tmp_path/vault)."""
    assert file_keyring_home == tmp_path / "vault"
    (tmp_path / "backups").mkdir()
    wrapper = tmp_path / "secure-records-admin"
    env = {
        "PATH": "/usr/bin:/bin",
        "SR_USER": "records",
        "SR_BASE": str(tmp_path),
        "SR_PROGRAM": str(EXECUTABLE),
    }
    script = REPO / "scripts" / "admin-command.sh"
    subprocess.run(["bash", str(script), str(wrapper)], env=env, check=True, timeout=60)
    return wrapper


def run_as_it(wrapper: Path, tmp_path: Path, *args: str, stdin: str = "") -> Ran:
    """As sudo runs it for an IT member: SUDO_USER names them."""
    env = {**subprocess_env(tmp_path), "SUDO_USER": "dana"}
    done = subprocess.run(
        ["sh", str(wrapper), *args],
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return Ran(done.returncode, done.stdout, done.stderr)


@pytest.mark.not_on_postgres  # backups on PostgreSQL are the server's own
def test_it_backs_up_upgrades_checks_and_retires_keys_through_the_wrapper(
    admin_command: Path, tmp_path: Path
) -> None:
    def ok(*args: str) -> str:
        ran = run_as_it(admin_command, tmp_path, *args)
        assert ran.code == 0, (args, ran)
        return ran.out

    # Relative to the service account's home, where the wrapper runs.
    assert "written to backups/night.backup" in ok("backup", "create", "backups/night.backup")
    assert "verifies" in ok("backup", "verify", "backups/night.backup")
    assert "healthy" in ok("status")  # the backups' place comes from the wrapper
    assert "nothing was changed" in ok("upgrade")
    assert "nothing was retired" in ok("key", "retire", "--before", "2000-01-01")
    [code] = [line for line in ok("key", "recovery-code", "--new").splitlines() if "code:" in line]
    recovered = run_as_it(
        admin_command, tmp_path, "key", "recover", "--recovery-code", stdin=code.split()[-1]
    )
    assert recovered.code == 0 and "nothing was missing" in recovered.out, recovered
    restored = ok("backup", "restore", "backups/night.backup", "--home", "restored")
    assert f"into {tmp_path / 'restored'}" in restored
    assert json.loads(ok("policy", "check", "--json"))["ok"] is True
    # Each of them logged under the person sudo named.
    entries = [json.loads(line) for line in ok("log", "show", "--json").splitlines()]
    done = {e["action"]: e["details"].get("sudo_user") for e in entries}
    for action in ("backup_taken", "recovery_code_set"):
        assert done.get(action) == "dana", action


def test_the_wrapper_runs_no_session_and_nothing_without_sudo(
    admin_command: Path, tmp_path: Path
) -> None:
    refused = run_as_it(admin_command, tmp_path, "session", "alice")
    assert refused.code == 2 and refused.out == ""
    assert "give one of staff" in refused.err and "backup or upgrade." in refused.err
    direct = subprocess.run(
        ["sh", str(admin_command), "status"],
        env=subprocess_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert direct.returncode == 2 and "through sudo" in direct.stderr
