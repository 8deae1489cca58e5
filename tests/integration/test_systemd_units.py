"""The systemd units that schedule a host's work (issue 20, "Schedules"): a nightly
`disposal run`, a nightly backup, a daily log checkpoint appended outside the vault.

What scripts/systemd-units.sh writes for a host (as deploy-host.sh runs it) passes
`systemd-analyze verify` with nothing to say, and each service's ExecStart names a
command this program has: its `--help` is run through the installed console script.
The backup's ExecStart is run for real, to see the disposal ledger copied beside it.
`backup create` is built on another branch of issue 20: its unit is checked against
the program once `backup` is one of its commands, and not before (no xfail).
"""

from __future__ import annotations

import getpass
import shlex
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from secure_records.admin import Administration
from secure_records.cli.main import _COMMANDS
from tests.conftest import STAFF
from tests.integration.test_disposal_cli import adult_row, approve, import_rows, propose
from tests.support.cli import EXECUTABLE, REPO, subprocess_env
from tests.support.in_process import Cli

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


def exec_start(path: Path) -> list[str]:
    """A service's ExecStart as the words systemd runs: `$$` and `%%` are its escapes."""
    words = shlex.split(setting(path, "ExecStart="))
    return [w.replace("$$", "$").replace("%%", "%") for w in words]


@pytest.mark.slow
@pytest.mark.not_on_postgres  # backups on PostgreSQL are the server's own
def test_the_nightly_backup_copies_the_disposal_ledger_beside_it_for_a_restore(
    rendered: Path, file_keyring_home: Path, tmp_path: Path, cli: Cli
) -> None:
    """A restore disposes again of records certified after its backup only from the
    ledger, which the host's loss takes with it: each night's copy goes beside the
    backup, to be taken off the host with it."""
    home, backups = file_keyring_home, tmp_path / "backups"
    backups.mkdir()
    command = exec_start(rendered / "secure-records-backup.service")
    assert (
        command[-1]
        == setting(rendered / "secure-records-.service.d" / "account.conf", "WorkingDirectory=")
        + "/backups"
    )
    command[-1] = str(backups)
    env = {**subprocess_env(tmp_path), "SECURE_RECORDS_HOME": str(home)}

    def night() -> set[str]:
        before = {p.name for p in backups.iterdir()}
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        time.sleep(1)  # each night's files are named to the second
        return {p.name for p in backups.iterdir()} - before

    with Administration.open(home) as admin:
        for name, role in STAFF:
            admin.add_staff(name, role)
    import_rows(home, tmp_path, [adult_row("R-0100")])
    [first] = night()  # no disposal yet, so no ledger: the backup alone
    assert first.startswith("vault-") and first.endswith(".backup")
    approve(home, propose(home, "R-0100"))
    with Administration.open(home) as admin:
        assert len(admin.run_disposals()[0]) == 1
    second = night()
    [ledger] = [name for name in second if name.endswith(".ledger")]
    assert ledger.replace(".ledger", ".backup") in second and len(second) == 2
    assert (backups / ledger).read_bytes() == (home / "disposals.ledger").read_bytes()
    assert (backups / ledger).stat().st_mode & 0o077 == 0
    # The host is lost: the first night's backup and the second night's ledger copy.
    restored = cli(
        "backup",
        "restore",
        backups / first,
        "--home",
        tmp_path / "new",
        "--ledger",
        backups / ledger,
        home=tmp_path / "gone",
    )
    assert restored.code == 0, restored
    assert "1 disposal certified after the backup carried out again" in restored.out
