"""Running the real `secure-records` executable in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EXECUTABLE = Path(sys.executable).with_name("secure-records")


@dataclass(frozen=True)
class Ran:
    code: int
    out: str
    err: str


def subprocess_env(tmp_path: Path, *, insecure_file_keyring: bool = True) -> dict[str, str]:
    """An environment whose keyring is a file under tmp_path (allowed as insecure)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON_KEYRING", "SECURE_"))}
    if "SECURE_RECORDS_DATABASE" in os.environ:  # the PostgreSQL variant (support/postgres.py)
        env["SECURE_RECORDS_DATABASE"] = os.environ["SECURE_RECORDS_DATABASE"]
    env["PYTHONPATH"] = str(REPO)
    if insecure_file_keyring:
        env["PYTHON_KEYRING_BACKEND"] = "tests.support.file_keyring.FileKeyring"
        env["SECURE_RECORDS_TEST_KEYRING_FILE"] = str(tmp_path / "keyring.json")
        env["SECURE_RECORDS_ALLOW_INSECURE_KEYRING"] = "1"
    return env


def run(args: list[str], env: dict[str, str], stdin: str = "") -> Ran:
    done = subprocess.run(
        [str(EXECUTABLE), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    return Ran(done.returncode, done.stdout, done.stderr)
