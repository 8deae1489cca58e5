"""`disposal run`, `disposal certificates`, `disposal certificate` and `shred` from the
command line, as an IT administrator running them (or a scheduled job) would see them.

Each command runs `main()` in this process, so the vault the test sets up with the
in-memory keyring is the one the command opens.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

import pytest

from secure_records.admin import SHRED_CAVEAT, Administration
from secure_records.core.errors import AccessRefused
from secure_records.session import Session
from tests.conftest import canaries, canary_row, write_jsonl
from tests.support.in_process import Cli, Out, no_traceback
from tests.support.open_keyring import OpenKeyring

PROPOSE_REASON = "CANARY-PROPOSE-REASON past its six years"
APPROVE_REASON = "CANARY-APPROVE-REASON checked, nothing outstanding"
HOLD_REASON = "CANARY-HOLD-REASON an inquiry has asked for it"
DATE_OF_BIRTH = "2013-04-02"
CASE_CLOSED = "2015-01-01"


# ---------------------------------------------------------------- helpers


def adult_row(record_id: str) -> dict[str, object]:
    """A canary row for an adult whose case closed long enough ago to be due."""
    row = canary_row(record_id, ["alice"])
    row["category"] = "vulnerable_adult"
    row["case_closed"] = CASE_CLOSED
    row["date_of_birth"] = DATE_OF_BIRTH
    return row


def leaks(row: dict[str, object]) -> list[str]:
    """Everything about the record that must never be printed by a disposal command."""
    return [
        *canaries(row).values(),
        str(row["name"]),
        DATE_OF_BIRTH,
        CASE_CLOSED,
        PROPOSE_REASON,
        APPROVE_REASON,
        HOLD_REASON,
    ]


def no_leak(result: Out, row: dict[str, object]) -> None:
    for value in leaks(row):
        assert value not in result.out, value
        assert value not in result.err, value


def import_rows(home: Path, tmp_path: Path, rows: list[dict[str, object]]) -> None:
    with Administration.open(home) as admin:
        assert admin.import_file(write_jsonl(tmp_path / "adults.jsonl", rows)) == len(rows)


def propose(home: Path, record_id: str) -> str:
    with Session.open("it", home) as it:
        return it.retention.propose_disposal(record_id, PROPOSE_REASON)


def approve(home: Path, disposal_id: str) -> None:
    with Session.open("lead", home) as lead:
        item = lead.retention.review_disposal(disposal_id, True, APPROVE_REASON)
    assert item.status == "approved"


def lead_can_open(home: Path, record_id: str) -> bool:
    with Session.open("lead", home) as lead:
        try:
            view = lead.records.open_record(record_id)
        except AccessRefused:
            return False
    assert view.field("name").text == f"Canaryname {record_id}"  # type: ignore[union-attr]
    return True


def log_actions(home: Path) -> list[tuple[str, dict[str, object]]]:
    with Administration.open(home) as admin:
        return [(e.action, dict(e.details)) for e in admin.read_log(None, None, None)]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@dataclass(frozen=True)
class Approved:
    home: Path
    row: dict[str, object]
    record_id: str
    disposal_id: str


@pytest.fixture
def approved(home: Path, tmp_path: Path) -> Approved:
    """The vault with one adult record past retention, proposed by IT, approved by a lead."""
    row = adult_row("R-0100")
    import_rows(home, tmp_path, [row])
    disposal_id = propose(home, "R-0100")
    approve(home, disposal_id)
    return Approved(home, row, "R-0100", disposal_id)


@pytest.fixture
def disposed(approved: Approved, cli: Cli) -> Approved:
    """The same, after `disposal run` carried it out."""
    result = cli("disposal", "run", home=approved.home)
    assert result.code == 0, result
    return approved


# ---------------------------------------------------------------- disposal run


def test_disposal_run_carries_out_an_approved_disposal(cli: Cli, approved: Approved) -> None:
    home = approved.home
    assert lead_can_open(home, approved.record_id)

    result = cli("disposal", "run", home=home)

    assert result.code == 0, result
    no_traceback(result)
    lines = result.out.splitlines()
    assert len(lines) == 2, result.out
    assert lines[0].startswith(f"{approved.disposal_id}: record {approved.record_id} erased; ")
    assert "cryptographic erase" in lines[0]
    assert lines[1] == "1 disposal carried out."
    assert result.problems == []
    no_leak(result, approved.row)

    assert not lead_can_open(home, approved.record_id)
    with Administration.open(home) as admin:
        assert admin.record_count() == 0
    verify = cli("log", "verify", home=home)
    assert verify.code == 0, verify
    assert verify.out.startswith("intact: ")
    actions = log_actions(home)
    assert ("record_disposed", "cryptographic erase") in [
        (action, details.get("method")) for action, details in actions
    ]


def test_a_second_run_does_nothing_more(cli: Cli, disposed: Approved) -> None:
    result = cli("disposal", "run", home=disposed.home)
    assert (result.code, result.out) == (0, "0 disposals carried out.\n")
    assert result.problems == []
    with Administration.open(disposed.home) as admin:
        assert len(admin.certificates()) == 1


def test_disposal_run_with_nothing_approved(cli: Cli, home: Path) -> None:
    result = cli("disposal", "run", home=home)
    assert (result.code, result.out) == (0, "0 disposals carried out.\n")
    assert result.problems == []
    no_traceback(result)


def test_a_proposed_but_not_approved_disposal_is_not_carried_out(
    cli: Cli, home: Path, tmp_path: Path
) -> None:
    row = adult_row("R-0200")
    import_rows(home, tmp_path, [row])
    disposal_id = propose(home, "R-0200")

    result = cli("disposal", "run", home=home)

    assert (result.code, result.out) == (0, "0 disposals carried out.\n")
    assert result.problems == []
    no_leak(result, row)
    assert lead_can_open(home, "R-0200")
    with Session.open("lead", home) as lead:
        [item] = lead.retention.disposals()
    assert (item.id, item.status) == (disposal_id, "proposed")
    assert cli("disposal", "certificates", home=home).out == ""


def test_a_record_put_on_legal_hold_after_approval_is_not_disposed(
    cli: Cli, approved: Approved
) -> None:
    home = approved.home
    with Session.open("lead", home) as lead:
        lead.retention.set_legal_hold(approved.record_id, HOLD_REASON)

    result = cli("disposal", "run", home=home)

    assert result.code != 0, result
    no_traceback(result)
    assert result.out == "0 disposals carried out.\n"
    [sentence] = result.problems
    assert "legal hold" in sentence
    assert approved.record_id in sentence
    no_leak(result, approved.row)

    assert lead_can_open(home, approved.record_id)
    with Administration.open(home) as admin:
        assert admin.certificates() == []
    assert cli("log", "verify", home=home).code == 0
    assert "record_disposed" not in [action for action, _ in log_actions(home)]


def test_one_held_record_does_not_hide_or_stop_the_other_disposals(
    cli: Cli, home: Path, tmp_path: Path
) -> None:
    rows = [adult_row("R-0301"), adult_row("R-0302"), adult_row("R-0303")]
    import_rows(home, tmp_path, rows)
    ids = [propose(home, f"R-030{n}") for n in (1, 2, 3)]
    for disposal_id in ids:
        approve(home, disposal_id)
    with Session.open("lead", home) as lead:
        lead.retention.set_legal_hold("R-0302", HOLD_REASON)

    result = cli("disposal", "run", home=home)

    no_traceback(result)
    assert result.code != 0  # the hold is reported
    assert "R-0302 is on legal hold" in result.err
    assert not lead_can_open(home, "R-0301")
    assert lead_can_open(home, "R-0302")
    # Every record the run erased has its certificate line, and the held one does not
    # stop the record after it.
    assert f"{ids[0]}: record R-0301 erased; " in result.out
    assert f"{ids[2]}: record R-0303 erased; " in result.out
    assert not lead_can_open(home, "R-0303")


# ---------------------------------------------------------------- certificates


def test_disposal_certificates_lists_it_without_personal_data(cli: Cli, disposed: Approved) -> None:
    result = cli("disposal", "certificates", home=disposed.home)

    assert result.code == 0, result
    no_traceback(result)
    assert result.problems == []
    [line] = result.out.splitlines()
    assert line.startswith(f"{disposed.disposal_id}  ")
    assert f"  {disposed.record_id}  Vulnerable adult  " in line
    assert "rule adults" in line
    assert "approved by lead" in line
    assert "executed by host:" in line
    no_leak(result, disposed.row)


def test_disposal_certificate_prints_the_text(cli: Cli, disposed: Approved) -> None:
    result = cli("disposal", "certificate", disposed.disposal_id, home=disposed.home)

    assert result.code == 0, result
    no_traceback(result)
    assert result.problems == []
    lines = result.out.splitlines()
    assert lines[0] == f"DISPOSAL CERTIFICATE {disposed.disposal_id}"
    assert f"Record reference: {disposed.record_id}" in lines
    assert "Category: Vulnerable adult" in lines
    assert "Proposed by: it" in lines
    assert "Approved by: lead" in lines
    assert any(line.startswith("Retention rule applied: adults (due ") for line in lines)
    assert any(line.startswith("Executed by: host:") for line in lines)
    no_leak(result, disposed.row)


def test_disposal_certificate_out_writes_a_private_file(
    cli: Cli, disposed: Approved, tmp_path: Path
) -> None:
    printed = cli("disposal", "certificate", disposed.disposal_id, home=disposed.home).out
    target = tmp_path / "certificate.txt"

    result = cli(
        "disposal", "certificate", disposed.disposal_id, "--out", target, home=disposed.home
    )

    assert result.code == 0, result
    no_traceback(result)
    assert result.out == f"Certificate {disposed.disposal_id} written to {target}.\n"
    assert target.read_text(encoding="utf-8") == printed
    assert "DISPOSAL CERTIFICATE" in printed
    assert mode(target) == 0o600


def test_disposal_certificate_out_refuses_an_existing_file(
    cli: Cli, disposed: Approved, tmp_path: Path
) -> None:
    target = tmp_path / "certificate.txt"
    target.write_text("already here\n", encoding="utf-8")
    os.chmod(target, 0o644)

    result = cli(
        "disposal", "certificate", disposed.disposal_id, "--out", target, home=disposed.home
    )

    assert result.code == 2, result
    no_traceback(result)
    assert result.out == ""
    [sentence] = result.problems
    assert str(target) in sentence
    assert "already exists" in sentence
    assert target.read_text(encoding="utf-8") == "already here\n"
    assert mode(target) == 0o644


@pytest.mark.parametrize("which", ["unknown", "not-yet-executed"])
def test_disposal_certificate_of_an_unknown_id_is_one_sentence(
    cli: Cli, approved: Approved, tmp_path: Path, which: str
) -> None:
    wanted = "X-00000000" if which == "unknown" else approved.disposal_id
    target = tmp_path / "certificate.txt"
    for extra in ([], ["--out", target]):
        result = cli("disposal", "certificate", wanted, *extra, home=approved.home)
        assert result.code == 2, result
        no_traceback(result)
        assert result.out == ""
        [sentence] = result.problems
        assert f"There is no disposal certificate {wanted}" in sentence
        no_leak(result, approved.row)
    assert not target.exists()
    assert lead_can_open(approved.home, approved.record_id)


# ---------------------------------------------------------------- shred


def export(home: Path, name: str, text: str = "CANARY-PACKAGE plaintext\n") -> Path:
    exports = home / "exports"
    exports.mkdir(mode=0o700, exist_ok=True)
    path = exports / name
    path.write_text(text, encoding="utf-8")
    return path


def shredded_packages(home: Path) -> list[object]:
    entries = log_actions(home)
    return [details.get("package") for action, details in entries if action == "package_shredded"]


def test_shred_a_package_under_exports(cli: Cli, home: Path) -> None:
    package = export(home, "D-0001.txt", "x" * 5000)

    result = cli("shred", package, home=home)

    assert result.code == 0, result
    no_traceback(result)
    assert not package.exists()
    [line] = result.out.splitlines()
    assert line.startswith(str(package))
    assert "5000 bytes overwritten" in line
    assert "removed" in line
    assert SHRED_CAVEAT in result.err
    assert "SSDs" in result.err and "copy-on-write" in result.err
    assert shredded_packages(home) == ["D-0001.txt"]
    assert cli("log", "verify", home=home).code == 0


def test_shred_a_missing_file_names_it_and_still_shreds_the_others(cli: Cli, home: Path) -> None:
    first = export(home, "D-0001.txt")
    last = export(home, "D-0003.txt")
    missing = home / "exports" / "D-0002.txt"

    result = cli("shred", first, missing, last, home=home)

    assert result.code == 2, result
    no_traceback(result)
    assert not first.exists() and not last.exists()
    assert len(result.out.splitlines()) == 2
    assert all("overwritten" in line for line in result.out.splitlines())
    problems = [line for line in result.problems if line != SHRED_CAVEAT]
    [sentence] = problems
    assert str(missing) in sentence
    assert "no such file" in sentence
    assert SHRED_CAVEAT in result.err
    assert shredded_packages(home) == ["D-0001.txt", "D-0003.txt"]
    assert cli("log", "verify", home=home).code == 0


def test_shred_refuses_a_directory_and_leaves_it(cli: Cli, home: Path) -> None:
    directory = home / "exports" / "D-0001.txt"
    directory.mkdir(parents=True)
    (directory / "inside.txt").write_text("kept\n", encoding="utf-8")

    result = cli("shred", directory, home=home)

    assert result.code == 2, result
    no_traceback(result)
    assert result.out == ""
    [sentence] = [line for line in result.problems if line != SHRED_CAVEAT]
    assert str(directory) in sentence
    assert "not a regular file" in sentence
    assert directory.is_dir()
    assert (directory / "inside.txt").read_text(encoding="utf-8") == "kept\n"
    assert shredded_packages(home) == []
    assert cli("log", "verify", home=home).code == 0


@pytest.mark.parametrize("target_inside", [False, True], ids=["target-outside", "target-inside"])
def test_shred_refuses_a_symlink_and_leaves_its_target(
    cli: Cli, home: Path, tmp_path: Path, target_inside: bool
) -> None:
    if target_inside:
        target = export(home, "D-0009.txt", "the real package\n")
        link = tmp_path / "link.txt"
    else:
        target = tmp_path / "precious.txt"
        target.write_text("the real package\n", encoding="utf-8")
        (home / "exports").mkdir(mode=0o700, exist_ok=True)
        link = home / "exports" / "D-0001.txt"
    link.symlink_to(target)

    result = cli("shred", link, home=home)

    assert result.code == 2, result
    no_traceback(result)
    assert result.out == ""
    [sentence] = [line for line in result.problems if line != SHRED_CAVEAT]
    assert str(link) in sentence
    assert "not a regular file" in sentence
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8") == "the real package\n"
    assert shredded_packages(home) == []


def test_shred_without_a_vault_still_shreds_and_says_not_logged(
    cli: Cli, memory_keyring: OpenKeyring, tmp_path: Path
) -> None:
    plain = tmp_path / "not-a-vault"
    plain.mkdir()
    package = plain / "D-0001.txt"
    package.write_text("CANARY-PACKAGE plaintext\n", encoding="utf-8")

    result = cli("shred", package, home=plain)

    assert result.code == 0, result
    no_traceback(result)
    assert not package.exists()
    [line] = result.out.splitlines()
    assert line.startswith(str(package)) and "overwritten" in line
    [note] = [line for line in result.problems if line != SHRED_CAVEAT]
    assert note.startswith("Not logged: ")
    assert f"No vault at {plain}" in note
    assert SHRED_CAVEAT in result.err
    assert sorted(p.name for p in plain.iterdir()) == []
