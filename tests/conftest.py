"""Shared fixtures: a real vault on disk in tmp_path, its key in an in-memory keyring."""

from __future__ import annotations

import io
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from secure_records.admin import Administration
from secure_records.cli import main
from secure_records.vault.kek import INSECURE_ENV
from tests.support import figures
from tests.support.file_keyring import FileKeyring
from tests.support.in_process import Cli, Out
from tests.support.open_keyring import OpenKeyring

STAFF = (
    ("alice", "caseworker"),
    ("bilal", "caseworker"),
    ("lead", "safeguarding_lead"),
    ("reception", "reception"),
    ("it", "it"),
    ("auditor", "auditor"),
)


@pytest.fixture
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenKeyring]:
    """An in-memory keyring for this test only; the previous backend comes back after."""
    previous = keyring.get_keyring()
    backend = OpenKeyring()
    keyring.set_keyring(backend)
    monkeypatch.setenv(INSECURE_ENV, "1")
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def home(tmp_path: Path, memory_keyring: OpenKeyring) -> Path:
    """A fresh vault with the default policy and one staff member per role."""
    path = tmp_path / "vault"
    with Administration.init(path) as admin:
        for name, role in STAFF:
            admin.add_staff(name, role)
    return path


def canary_row(
    record_id: str, assigned_to: list[str], *, tag: str | None = None
) -> dict[str, object]:
    """An import row whose every field and note holds a distinct, searchable canary."""
    t = tag or record_id
    return {
        "id": record_id,
        "name": f"Canaryname {t}",
        "date_of_birth": "2013-04-02",
        "address": f"CANARY-ADDRESS-{t}",
        "phone": f"CANARY-PHONE-{t}",
        "nhs_number": f"CANARY-NHS-{t}",
        "category": "child",
        "health": f"CANARY-HEALTH-{t}",
        "assigned_to": assigned_to,
        "consent": [
            {
                "given_by": f"CANARY-CONSENTER-{t}",
                "scope": f"CANARY-SCOPE-{t}",
                "date": "2024-05-01",
                "withdrawn": None,
            }
        ],
        "notes": [
            {
                "date": "2024-05-02",
                "author": "alice",
                "kind": "fact",
                "text": f"CANARY-FACT-{t}",
                "historical": False,
            },
            {
                "date": "2019-01-03",
                "author": "alice",
                "kind": "opinion",
                "text": f"CANARY-OPINION-{t}",
                "historical": True,
            },
        ],
    }


def canaries(row: dict[str, object]) -> dict[str, str]:
    """Every confidential value in a canary row, by where it sits."""
    consent = row["consent"][0]  # type: ignore[index]
    notes = row["notes"]
    found = {
        "name": row["name"],
        "address": row["address"],
        "phone": row["phone"],
        "nhs_number": row["nhs_number"],
        "health": row["health"],
        "consent.given_by": consent["given_by"],
        "consent.scope": consent["scope"],
        "note.fact": notes[0]["text"],  # type: ignore[index]
        "note.opinion": notes[1]["text"],  # type: ignore[index]
    }
    return {k: str(v) for k, v in found.items()}


def write_jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


@pytest.fixture
def populated(home: Path, tmp_path: Path) -> Path:
    """The vault with three canary records: two on alice's caseload, one on bilal's."""
    rows = [
        canary_row("R-0001", ["alice"]),
        canary_row("R-0002", ["alice"]),
        canary_row("R-0003", ["bilal"]),
    ]
    with Administration.open(home) as admin:
        admin.import_file(write_jsonl(tmp_path / "records.jsonl", rows))
    return home


@pytest.fixture
def file_keyring_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A vault whose key is in a file keyring that worker processes can reach too."""
    monkeypatch.setenv("SECURE_RECORDS_TEST_KEYRING_FILE", str(tmp_path / "keyring.json"))
    monkeypatch.setenv("SECURE_RECORDS_ALLOW_INSECURE_KEYRING", "1")
    previous = keyring.get_keyring()
    keyring.set_keyring(FileKeyring())
    home = tmp_path / "vault"
    Administration.init(home).close()
    yield home
    keyring.set_keyring(previous)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The hardening figures, one line each, after the test results."""
    if not figures.REPORTED:
        return
    terminalreporter.section("figures")
    for suite, sentence in figures.REPORTED:
        terminalreporter.write_line(f"{suite}: {sentence}")


@pytest.fixture(autouse=True)
def _umask_kept() -> Iterator[None]:
    """main() sets umask 077 for the whole process: a test that calls it directly
    would leave every later test's files private (the deploy test's service account
    then cannot run the venv it was given)."""
    umask = os.umask(0o022)
    os.umask(umask)
    yield
    os.umask(umask)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    """Run `secure-records ARGS` in this process: `cli(*args, home=..., stdin=...)`."""
    umask = os.umask(0o022)
    os.umask(umask)

    def invoke(*args: str | Path, home: Path | None = None, stdin: str = "") -> Out:
        argv = [str(a) for a in args]
        if home is not None:
            argv = ["--home", str(home), *argv]
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        capsys.readouterr()
        try:
            code = main(argv)
        finally:
            os.umask(umask)  # main() sets 077 for the whole process
        captured = capsys.readouterr()
        return Out(code, captured.out, captured.err)

    return invoke
