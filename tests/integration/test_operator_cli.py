"""The operator's command line (issue 20): `--json` on the list and verify commands,
`import -`, progress bars only on a terminal, `python -m secure_records`, and a
keyring backend that is not installed.

Commands run `main()` in this process (the `cli` fixture) so that they see the test's
vault and in-memory keyring; `python -m` and the keyring backend run the real program
in a subprocess, as an operator would.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from secure_records.admin import Administration
from secure_records.cli import main
from tests.conftest import canaries, canary_row, write_jsonl
from tests.integration.test_cli import SHIPPED_POLICIES
from tests.integration.test_disposal_cli import adult_row, approve, import_rows, propose
from tests.integration.test_ssh_cli import keygen
from tests.support.cli import REPO, run, subprocess_env
from tests.support.in_process import Cli, Out, no_traceback
from tests.support.raw_db import raw_log

# ---------------------------------------------------------------- helpers


def json_lines(result: Out) -> list[dict[str, Any]]:
    """stdout as JSON Lines: every line one object, nothing else printed there."""
    no_traceback(result)
    rows = [json.loads(line) for line in result.out.splitlines()]
    assert all(isinstance(row, dict) for row in rows), result.out
    return rows


def break_the_log(home: Path) -> None:
    """Cut the log's last entry off: the sealed head then says there is one more."""
    with raw_log(home) as log:  # audit.log, or PostgreSQL's log rows
        data = log.read()
        log.write(data[: data.rstrip(b"\n").rfind(b"\n") + 1])


# ---------------------------------------------------------------- --json


def test_staff_list_json_says_what_the_text_says_and_not_the_pin_hash(cli: Cli, home: Path) -> None:
    assert cli("staff", "pin", "alice", home=home, stdin="a-long-pin\n").code == 0
    result = cli("staff", "list", "--json", home=home)
    assert result.code == 0, result
    rows = {row["name"]: row for row in json_lines(result)}
    assert rows["alice"] == {
        "name": "alice",
        "role": "caseworker",
        "state": "active",
        "pin_set": True,
        "locked_until": None,
    }
    assert rows["bilal"]["pin_set"] is False
    assert "scrypt" not in result.out and "hash" not in result.out


def test_log_verify_json_intact_and_broken_with_the_same_exit_codes(
    cli: Cli, populated: Path
) -> None:
    result = cli("log", "verify", "--json", home=populated)
    assert result.code == 0, result
    [verdict] = json_lines(result)
    assert verdict["intact"] is True and verdict["entries"] > 0 and verdict["problem"] is None
    break_the_log(populated)
    text = cli("log", "verify", home=populated)
    result = cli("log", "verify", "--json", home=populated)
    assert result.code == text.code == 1
    [verdict] = json_lines(result)
    assert verdict["intact"] is False
    assert verdict["problem"].startswith("truncated")
    assert verdict["problem"] in text.err


def test_vault_verify_json_intact_and_broken(cli: Cli, populated: Path) -> None:
    result = cli("vault", "verify", "--json", home=populated)
    assert result.code == 0, result
    [report] = json_lines(result)
    assert report["intact"] is True and report["policy_sealed"] is True
    assert report["records"] == {"good": 3, "bad": 0, "first": None}
    assert report["log"]["intact"] is True
    break_the_log(populated)
    result = cli("vault", "verify", "--json", home=populated)
    assert result.code == cli("vault", "verify", home=populated).code == 1
    [report] = json_lines(result)
    assert report["intact"] is False and report["log"]["intact"] is False
    # Places and counts only: no value of any record.
    for value in canaries(canary_row("R-0001", ["alice"])).values():
        assert value not in result.out


def test_disposal_certificates_json(cli: Cli, home: Path, tmp_path: Path) -> None:
    row = adult_row("R-0100")
    import_rows(home, tmp_path, [row])
    disposal_id = propose(home, "R-0100")
    approve(home, disposal_id)
    assert cli("disposal", "run", home=home).code == 0
    result = cli("disposal", "certificates", "--json", home=home)
    assert result.code == 0, result
    [certificate] = json_lines(result)
    assert certificate["id"] == disposal_id and certificate["reference"] == "R-0100"
    assert certificate["approved_by"] == "lead"
    for value in canaries(row).values():
        assert value not in result.out


def test_export_kept_and_list_json_with_nothing_yet(cli: Cli, home: Path) -> None:
    # No count line in JSON: an empty list is no lines at all.
    for args in (("export", "kept"), ("export", "list"), ("export", "list", "--due")):
        result = cli(*args, "--json", home=home)
        assert (result.code, result.out) == (0, ""), result


def test_ssh_list_json(cli: Cli, home: Path, tmp_path: Path) -> None:
    key = keygen(tmp_path, "alice")
    ak = tmp_path / "authorized_keys"
    ssh = ("ssh", "--authorized-keys", ak, "--program", "/usr/local/bin/secure-records")
    assert cli(*ssh, "authorize", "alice", key.public, home=home).code == 0
    result = cli(*ssh, "list", "--json", home=home)
    assert result.code == 0, result
    assert json_lines(result) == [
        {"staff": "alice", "type": key.kind, "fingerprint": key.fingerprint}
    ]


def test_policy_check_json_good_and_bad_with_the_same_exit_codes(cli: Cli, tmp_path: Path) -> None:
    result = cli("policy", "check", "--json")
    assert result.code == cli("policy", "check").code == 0, result
    [checked] = json_lines(result)
    assert checked["ok"] is True and checked["fields"] == 10 and checked["retention_rules"] == 2
    assert checked["roles"]["safeguarding_lead"] == "all"
    assert checked["review"] == {"adopted": "2016-02-01", "next_due": "2018-02-01", "overdue": True}
    # The warnings the text puts on stderr are facts here, on stdout alone.
    assert len(checked["warnings"]) == 2 and result.err == ""
    spoilt = Path(shutil.copytree(SHIPPED_POLICIES, tmp_path / "policy"))
    roles = spoilt / "roles.toml"
    roles.write_text(roles.read_text().replace('"share"]', '"share", "fly"]', 1))
    result = cli("policy", "check", spoilt, "--json")
    assert result.code == cli("policy", "check", spoilt).code == 2, result
    [checked] = json_lines(result)
    [problem] = checked["problems"]
    assert checked["ok"] is False and result.err.splitlines() == [problem]  # said there too
    assert problem.startswith(f"{roles}: roles.caseworker.actions: unknown action 'fly'")


# ---------------------------------------------------------------- import -


def test_import_dash_reads_standard_input(cli: Cli, home: Path) -> None:
    rows = [canary_row("R-0201", ["alice"]), canary_row("R-0202", ["bilal"])]
    text = "\ufeff" + "".join(json.dumps(row) + "\r\n" for row in rows)
    result = cli("import", "-", home=home, stdin=text)
    assert result.code == 0, result
    assert result.out == "Imported 2 records from standard input.\n"
    with Administration.open(home) as admin:
        assert admin.record_count() == 2
        [entry] = [e for e in admin.read_log() if e.action == "records_imported"]
    assert entry.details["file"] == "standard input"


def test_import_dash_with_a_bad_line_imports_nothing_and_names_standard_input(
    cli: Cli, home: Path
) -> None:
    text = json.dumps(canary_row("R-0201", ["alice"])) + "\n{not json\n"
    result = cli("import", "-", home=home, stdin=text)
    assert result.code == 2, result
    no_traceback(result)
    assert "standard input:2" in result.err
    with Administration.open(home) as admin:
        assert admin.record_count() == 0


def test_import_dash_from_a_terminal_is_refused_rather_than_waiting(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    reader, writer = os.openpty()
    with os.fdopen(writer, "w") as terminal:
        monkeypatch.setattr(sys, "stdin", terminal)
        code = main(["--home", str(home), "import", "-"])
    os.close(reader)
    assert code == 2
    assert "standard input, and it is a terminal" in capsys.readouterr().err


# ---------------------------------------------------------------- progress


def test_no_progress_output_when_stderr_is_not_a_terminal(
    cli: Cli, home: Path, tmp_path: Path
) -> None:
    file = write_jsonl(tmp_path / "in.jsonl", [canary_row("R-0301", ["alice"])])
    for args in (("import", file), ("log", "verify"), ("vault", "verify"), ("key", "rotate")):
        result = cli(*args, home=home)
        assert result.code == 0, result
        assert result.problems == [], result  # not a bar, not a carriage return


@pytest.mark.parametrize(
    ("args", "label"),
    [
        (("import", "{file}"), b"Importing records"),
        (("log", "verify"), b"Verifying the log"),
        (("vault", "verify"), b"Verifying the vault"),
        (("key", "rotate"), b"Re-wrapping data keys"),
        (("disposal", "run"), b"Carrying out disposals"),
    ],
)
def test_a_progress_bar_on_a_terminal_and_stdout_only_the_result(
    home: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: tuple[str, ...],
    label: bytes,
) -> None:
    file = write_jsonl(tmp_path / "in.jsonl", [canary_row("R-0301", ["alice"])])
    monkeypatch.setenv("TERM", "xterm-256color")
    reader, writer = os.openpty()
    with os.fdopen(writer, "w") as terminal:
        monkeypatch.setattr(sys, "stderr", terminal)
        argv = [a.format(file=file) for a in args]
        code = main(["--home", str(home), *argv])
        terminal.flush()
        drawn = b""
        while select.select([reader], [], [], 0.2)[0]:
            drawn += os.read(reader, 65536)
    os.close(reader)
    assert code == 0
    assert label in drawn
    assert b"Canaryname" not in drawn
    assert label.decode() not in capsys.readouterr().out


# ---------------------------------------------------------------- the program itself


def checkout_env(tmp_path: Path) -> dict[str, str]:
    """The file keyring's environment, running this checkout's code (not whichever
    copy the virtualenv installed)."""
    env = subprocess_env(tmp_path)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), str(REPO)])
    return env


def run_module(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "secure_records", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_python_m_secure_records_is_the_program_with_its_exit_codes(tmp_path: Path) -> None:
    env = checkout_env(tmp_path)
    home = str(tmp_path / "vault")
    assert run_module(["--home", home, "init"], env).returncode == 0
    codes = []
    for args in (
        ["--version"],
        ["--home", home, "staff", "list"],
        ["--home", home, "staff", "add", "alice", "--role", "nobody"],
        ["no-such-command"],
    ):
        done, script = run_module(args, env), run(args, env)
        assert (done.returncode, done.stdout) == (script.code, script.out), args
        assert "Traceback" not in done.stderr
        codes.append(done.returncode)
    assert codes == [0, 0, 2, 2]


@pytest.mark.slow
@pytest.mark.parametrize(
    "backend", ["no_such_module.Keyring", "keyring.backends.fail.NoSuchClass", "nodots"]
)
def test_a_keyring_backend_that_is_not_installed_is_one_sentence(
    tmp_path: Path, backend: str
) -> None:
    env = checkout_env(tmp_path)
    env["PYTHON_KEYRING_BACKEND"] = backend
    done = run(["--home", str(tmp_path / "vault"), "init"], env)
    assert done.code == 1, done
    [sentence] = [line for line in done.err.splitlines() if line]
    assert "internal error" not in sentence and "Traceback" not in done.err
    assert "PYTHON_KEYRING_BACKEND" in sentence and repr(backend) in sentence
    assert not (tmp_path / "vault").exists()
