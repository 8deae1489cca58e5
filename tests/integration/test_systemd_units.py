"""The systemd units that schedule a host's work (issue 20, "Schedules"): a nightly
`disposal run`, a nightly backup, a daily log checkpoint appended outside the vault.

What scripts/systemd-units.sh writes for a host (as deploy-host.sh runs it) passes
`systemd-analyze verify` with nothing to say, and each service's ExecStart names a
command this program has: its `--help` is run through the installed console script.
`backup create` is built on another branch of issue 20: its unit is checked against
the program once `backup` is one of its commands, and not before (no xfail).
"""

from __future__ import annotations

import getpass
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from secure_records.cli.main import _COMMANDS
from tests.support.cli import EXECUTABLE, REPO

UNITS = REPO / "deploy" / "systemd"
# Each service, and the command it runs.
SERVICES = {
    "secure-records-disposal.service": ("disposal", "run"),
    "secure-records-backup.service": ("backup", "create"),
    "secure-records-checkpoint.service": ("log", "checkpoint"),
}
HARDENING = (
    "NoNewPrivileges=yes",
    "ProtectSystem=strict",
    "PrivateTmp=yes",
    "UMask=0077",
)
KEYRING_ENV = "PYTHON_KEYRING_BACKEND=keyring_pass.PasswordStoreBackend"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The units for a host whose settings differ from every default."""
    out = tmp_path_factory.mktemp("units")
    base = tmp_path_factory.mktemp("base")
    env = {
        "PATH": "/usr/bin:/bin",
        "SR_USER": getpass.getuser(),
        "SR_BASE": str(base),
        "SR_PROGRAM": str(EXECUTABLE),
        "SR_KEYRING_ENV": KEYRING_ENV,
    }
    subprocess.run(
        ["bash", str(REPO / "scripts" / "systemd-units.sh"), str(out)],
        env=env,
        check=True,
        timeout=60,
    )
    return out


def units(directory: Path) -> list[Path]:
    return sorted([*directory.glob("*.service"), *directory.glob("*.timer")])


def setting(path: Path, key: str) -> str:
    [value] = [
        line.split("=", 1)[1] for line in path.read_text().splitlines() if line.startswith(key)
    ]
    return value


def test_every_service_has_a_timer_and_every_timer_catches_up(rendered: Path) -> None:
    assert sorted(p.name for p in units(rendered)) == sorted(
        [*SERVICES, *(name.replace(".service", ".timer") for name in SERVICES)]
    )
    for name in SERVICES:
        timer = rendered / name.replace(".service", ".timer")
        assert setting(timer, "Persistent=") == "true"  # a night missed runs at boot
        assert setting(timer, "WantedBy=") == "timers.target"


def test_the_host_settings_replace_every_default(rendered: Path) -> None:
    account = (rendered / "secure-records-.service.d" / "account.conf").read_text()
    assert f"\nUser={getpass.getuser()}\n" in account
    assert f"\nEnvironment={KEYRING_ENV}\n" in account
    for line in HARDENING:
        assert f"\n{line}\n" in account
    for path in [*units(rendered), rendered / "secure-records-.service.d" / "account.conf"]:
        assert "/srv/secure-records" not in path.read_text(), path.name
    base = Path(setting(rendered / "secure-records-.service.d" / "account.conf", "WorkingDir"))
    assert f"ReadWritePaths={base}/vault {base}/backups" in account
    checkpoint = rendered / "secure-records-checkpoint.service"
    assert setting(checkpoint, "StandardOutput=") == (
        f"append:{base}/checkpoints/log-checkpoints.txt"
    )


@pytest.mark.skipif(
    shutil.which("systemd-analyze") is None,
    reason="systemd-analyze is not installed (Debian package 'systemd'; .ci/run installs it)",
)
@pytest.mark.parametrize("name", [*SERVICES, *(n.replace(".service", ".timer") for n in SERVICES)])
def test_systemd_analyze_verify_has_nothing_to_say(rendered: Path, name: str) -> None:
    done = subprocess.run(
        ["systemd-analyze", "verify", str(rendered / name)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout + done.stderr == ""


@pytest.mark.slow
def test_each_service_runs_a_command_the_program_has(rendered: Path) -> None:
    checked = []
    for name, words in SERVICES.items():
        start = shlex.split(setting(rendered / name, "ExecStart="))
        # Run by the program itself, or by a shell given it as $0 (the backup's dated name).
        assert str(EXECUTABLE) in start, start
        assert " ".join(words) in " ".join(start), start
        if words[0] not in _COMMANDS:
            assert words == ("backup", "create"), f"{name}: no '{words[0]}' command"
            continue  # built on another branch: checked once it is here
        done = subprocess.run(
            [str(EXECUTABLE), *words, "--help"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0 and done.stdout.startswith("Usage:"), done
        checked.append(words)
    assert ("disposal", "run") in checked and ("log", "checkpoint") in checked
