"""README "Deploying on a host", done by scripts/deploy-host.sh, then used over SSH.

As root on a throwaway machine (CI): a real service account is created, the checkout
installed into its own virtualenv, a vault initialised as that account, a staff
member's key authorized and published root-owned, and sshd's settings written. A
real sshd including those settings then lets the key in, as that staff member, and
nothing else.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cli import REPO
from tests.support.ssh import (
    SSHD,
    Terminal,
    free_port,
    keygen,
    privilege_separation_dir,
    ssh_args,
    start_sshd,
)

pytestmark = pytest.mark.slow
PIN = "246810"

if os.geteuid() != 0 or not SSHD.exists() or not shutil.which("useradd"):
    if os.environ.get("CI"):
        raise RuntimeError("CI runs as root with openssh-server installed (.ci/run)")
    pytest.skip("needs root, sshd and useradd", allow_module_level=True)


@pytest.fixture
def deployed(tmp_path: Path) -> Iterator[tuple[str, Path, Path]]:
    user = f"sr{secrets.token_hex(3)}"
    # Every directory above a root-owned AuthorizedKeysFile must be root's and not
    # writable by others (sshd's StrictModes): not /tmp.
    base = Path(f"/srv/sr-e2e-{secrets.token_hex(3)}")
    base.mkdir(mode=0o755, parents=True)
    keygen(tmp_path / "alice_key")
    keyring_dir = base / "keyring"
    keyring_dir.mkdir(mode=0o755)
    # The test keyring backend, copied where the service account can import it.
    shutil.copy(REPO / "tests" / "support" / "file_keyring.py", keyring_dir / "file_keyring.py")
    env = {
        **os.environ,
        "SR_USER": user,
        "SR_BASE": str(base / "home"),
        "SR_KEYS": str(base / "etc" / "authorized_keys"),
        "SR_SSHD_CONF": str(base / "etc" / "secure-records.conf"),
        "SR_KEYRING_ENV": " ".join(
            [
                "PYTHON_KEYRING_BACKEND=file_keyring.FileKeyring",
                f"PYTHONPATH={keyring_dir}",
                f"SECURE_RECORDS_TEST_KEYRING_FILE={base / 'home' / 'keyring.json'}",
                "SECURE_RECORDS_ALLOW_INSECURE_KEYRING=1",
            ]
        ),
        "SR_STAFF": f"alice:caseworker:{tmp_path / 'alice_key.pub'}",
        "SR_IT_GROUP": f"{user}-it",
        "SR_ADMIN": str(base / "etc" / "secure-records-admin"),
        "SR_SUDOERS": f"/etc/sudoers.d/{user}",
    }
    try:
        done = subprocess.run(
            ["bash", str(REPO / "scripts" / "deploy-host.sh")],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr
        recovery_code_shown_once_and_kept_nowhere(done.stdout, base)
        # Run again, as after an upgrade: nothing refused, nothing doubled.
        again = subprocess.run(
            ["bash", str(REPO / "scripts" / "deploy-host.sh")],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert again.returncode == 0, again.stderr
        assert "Recovery code" not in again.stdout + again.stderr  # no second init
        # IT sets the staff member's PIN, as the service account (README "Deploying").
        pinned = subprocess.run(
            [
                "runuser",
                "-u",
                user,
                "--",
                "env",
                f"HOME={base / 'home'}",
                *env["SR_KEYRING_ENV"].split(),
                str(base / "home" / "venv" / "bin" / "secure-records"),
                "--home",
                str(base / "home" / "vault"),
                "staff",
                "pin",
                "alice",
            ],
            input=f"{PIN}\n",
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert pinned.returncode == 0, pinned.stderr
        yield user, base, tmp_path
    finally:
        # The session the test opened may still be ending: userdel refuses a user
        # with processes, so end them first.
        Path(f"/etc/sudoers.d/{user}").unlink(missing_ok=True)
        subprocess.run(["userdel", "--remove", f"{user}dana"], capture_output=True)
        subprocess.run(["groupdel", f"{user}-it"], capture_output=True)
        for _ in range(20):
            subprocess.run(["pkill", "-KILL", "-u", user], capture_output=True, timeout=30)
            removed = subprocess.run(["userdel", "--remove", user], capture_output=True)
            if removed.returncode in (0, 6, 12):  # done, no such user, or no home left
                break
            time.sleep(0.5)
        shutil.rmtree(base, ignore_errors=True)


def recovery_code_shown_once_and_kept_nowhere(said: str, base: Path) -> None:
    """init's recovery code reaches the operator with plain words to write it down,
    first under it and again as the script's last line; the script saves it nowhere."""
    [code] = [line.split(": ", 1)[1] for line in said.splitlines() if line.startswith("Recovery")]
    lines = said.splitlines()
    advice = [n for n, line in enumerate(lines) if line.startswith("Write down the recovery code")]
    assert len(advice) == 2 and advice[-1] == len(lines) - 1, said
    assert "keep it offline" in lines[advice[0]]
    venv = base / "home" / "venv"
    for path in base.rglob("*"):
        if path.is_file() and venv not in path.parents:
            assert code.encode() not in path.read_bytes(), path


def test_the_deployment_steps_give_a_staff_member_the_app_and_nothing_else(
    deployed: tuple[str, Path, Path],
) -> None:
    user, base, tmp = deployed
    keys = base / "etc" / "authorized_keys"
    # Published root-owned: the service account cannot change who gets in.
    assert keys.stat().st_uid == 0 and not keys.stat().st_mode & 0o022
    line = keys.read_text()
    assert "session alice" in line and ",restrict,pty " in line
    assert len(line.splitlines()) == 1  # the second run added nothing
    # The service account: a real shell, a locked password.
    entry = subprocess.run(["getent", "passwd", user], capture_output=True, text=True)
    assert entry.stdout.strip().endswith(":/bin/bash")
    shadow = subprocess.run(["getent", "shadow", user], capture_output=True, text=True)
    assert shadow.stdout.split(":")[1] == "*"  # no password can match
    # The vault belongs to the service account alone.
    database = base / "home" / "vault" / "vault.db"
    assert database.stat().st_uid != 0 and not database.stat().st_mode & 0o077
    # Where the scheduled work writes (step 8): the account's, outside the vault.
    for made, mode in ((base / "home" / "backups", 0o700), (base / "home" / "checkpoints", 0o700)):
        assert made.stat().st_uid == database.stat().st_uid and made.stat().st_mode & 0o777 == mode
    assert (base / "home" / "checkpoints" / "log-checkpoints.txt").stat().st_mode & 0o777 == 0o600

    port = free_port()
    keygen(tmp / "host_key")
    config = tmp / "sshd_config"
    config.write_text(
        "\n".join(
            [
                f"Port {port}",
                "ListenAddress 127.0.0.1",
                f"HostKey {tmp / 'host_key'}",
                f"PidFile {tmp / 'sshd.pid'}",
                "UsePAM no",
                "PubkeyAuthentication yes",
                f"Include {base / 'etc' / 'secure-records.conf'}",
                "",
            ]
        )
    )
    privilege_separation_dir()
    checked = subprocess.run([str(SSHD), "-t", "-f", str(config)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    sshd = start_sshd(config, port, tmp / "sshd.log")
    terminal = Terminal(ssh_args(tmp / "alice_key", port, user, "-tt"))
    try:
        terminal.wait_for("Enter your PIN")
        terminal.tmux("send-keys", "-t", "e2e", "-l", PIN)
        terminal.tmux("send-keys", "-t", "e2e", "Enter")
        shown = terminal.wait_for("0 records")  # the count comes after the list
        assert "Your caseload" in shown
        command = ssh_args(tmp / "alice_key", port, user, "id")
        ran = subprocess.run(
            command, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL
        )
        assert "uid=" not in ran.stdout and ran.returncode != 0
    finally:
        terminal.close()
        sshd.terminate()
        sshd.wait(timeout=10)


@pytest.mark.skipif(not shutil.which("visudo"), reason="needs sudo (.ci/run installs it)")
def test_it_runs_host_commands_through_sudo_and_the_log_names_them(
    deployed: tuple[str, Path, Path],
) -> None:
    """The service account holds the key: whoever has its shell can read everything.
    IT's host-side commands go through a sudo rule naming one root-owned command, so
    each entry names the person behind the account."""
    user, base, _ = deployed
    person = f"{user}dana"  # an IT member: their own account, in the IT group
    group = f"{user}-it"
    subprocess.run(["useradd", "--create-home", "--no-user-group", "-G", group, person], check=True)
    admin = str(base / "etc" / "secure-records-admin")

    def as_it(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["runuser", "-u", person, "--", "sudo", "-n", "-u", user, admin, *args],
            capture_output=True,
            text=True,
            timeout=120,
        )

    added = as_it("staff", "add", "bob", "--role", "caseworker")
    assert added.returncode == 0, added.stderr
    shown = as_it("log", "show", "--json")
    assert shown.returncode == 0, shown.stderr
    entry = [json.loads(line) for line in shown.stdout.splitlines()][-2]  # then log_read
    assert entry["action"] == "staff_added" and entry["details"]["sudo_user"] == person
    assert entry["details"]["os_uid"] != 0  # the service account, not root
    # status knows where the backups go: none yet, and nothing else wrong.
    checked = as_it("status")
    assert checked.returncode == 1, checked.stderr
    assert f"no backups found in {base / 'home' / 'backups'}" in checked.stderr.splitlines()
    # Issue 20's operator commands: backups, upgrade, key retirement.
    made = as_it("backup", "create", "backups/first.backup")
    assert made.returncode == 0, made.stderr
    for args in (("backup", "verify", "backups/first.backup"), ("upgrade",), ("status",)):
        ran = as_it(*args)
        assert ran.returncode == 0, (args, ran.stderr)
    retired = as_it("key", "retire", "--before", "2000-01-01")
    assert retired.returncode == 0, retired.stderr
    # Only the host's commands: never someone's session, and never without sudo.
    session = as_it("session", "alice")
    assert session.returncode == 2 and "give one of staff" in session.stderr
    direct = subprocess.run([admin, "staff", "list"], capture_output=True, text=True)
    assert direct.returncode == 2 and "through sudo" in direct.stderr
