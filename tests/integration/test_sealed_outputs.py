"""Outputs kept sealed in the vault, read by those entitled, released on purpose
(issue 18): disclosure packages, subject access reports and access review exports."""

from __future__ import annotations

import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import pyzipper  # type: ignore[import-untyped]
import time_machine

from secure_records.admin import Administration
from secure_records.core.dates import uk_date
from secure_records.core.errors import AccessRefused, BadInput
from secure_records.core.outputs import OutputKind
from secure_records.core.sharing import HowChoices, Requester, SharingFlow
from secure_records.session import Session
from secure_records.session.outputs import Released
from tests.conftest import canaries, canary_row, write_jsonl
from tests.support.bases import basis
from tests.support.in_process import Cli
from tests.support.raw_db import every_value, on_postgres

REASON = "recorded reason of some length"
ASKER = Requester("D. Example", "Nowhere Primary School", "Designated lead", "01632 960000")
PURPOSE = "Planning support for the child at school next term"


def share(
    session: Session, record_id: str, fields: tuple[str, ...] = ("name",), notes: int = 1
) -> str:
    """A share with consent of the name and the fact note (or `fields` and note
    `notes`): its package's reference."""
    flow = SharingFlow(session.policy.sharing)
    for _ in range(4):
        flow = flow.answer(True, REASON)
    policy = session.policy.sharing
    how = HowChoices(fields, (notes,), True, policy.methods[0], basis(policy), True)
    done = session.sharing.decide_sharing(record_id, ASKER, PURPOSE, flow, how)
    assert done.package is not None
    return done.package


def shared_and_released(home: Path) -> tuple[str, Released]:
    """alice shares R-0001; the lead releases its package to the requester."""
    with Session.open("alice", home) as alice:
        package = share(alice, "R-0001")
    with Session.open("lead", home) as lead:
        return package, lead.outputs.release(package, "D. Example, Nowhere Primary School")


@pytest.fixture
def planted(home: Path, tmp_path: Path) -> Iterator[tuple[Path, dict[str, str]]]:
    """R-0001 on alice's caseload, every value a canary no other test plants."""
    tag = secrets.token_hex(5)
    row = canary_row("R-0001", ["alice"], tag=tag)
    with Administration.open(home) as admin:
        admin.import_file(write_jsonl(tmp_path / "records.jsonl", [row]))
    (tmp_path / "records.jsonl").unlink()  # the import file is the host's, not the vault's
    values = canaries(row)
    values["reveal reason"] = f"CANARY-REASON-{tag}"
    yield home, values


def every_file(*roots: Path) -> Iterator[Path]:
    for root in roots:
        yield from (p for p in root.rglob("*") if p.is_file())


def unzip(path: Path, passphrase: str) -> str:
    with pyzipper.AESZipFile(path) as archive:
        archive.setpassword(passphrase.encode())
        [name] = archive.namelist()
        return str(archive.read(name).decode())


def test_no_output_is_readable_on_disk_and_a_release_only_encrypted(
    planted: tuple[Path, dict[str, str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    cli: Cli,
) -> None:
    home, values = planted
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.setenv("TMPDIR", str(temp))
    with Session.open("alice", home) as alice:
        alice.records.reveal("R-0001", "address", values["reveal reason"])
        package = share(alice, "R-0001")
    with Session.open("auditor", home) as auditor:
        review = auditor.oversight.export_access_review()
        assert values["reveal reason"] in auditor.outputs.read(review).text
    # Kept open: whatever its write-ahead log holds is on disk while the files are read.
    with Session.open("lead", home) as lead:
        report = lead.oversight.subject_access_report("R-0001", "the person's own request")
        assert values["note.opinion"] in lead.outputs.read(report).text
        assert values["name"] in lead.outputs.read(package).text
        if on_postgres(home):  # the rows, as the server holds them while the session is open
            rows = every_value(home)
            assert [where for where, value in values.items() if value.encode() in rows] == []
        else:
            assert any(p.name.endswith("-wal") for p in every_file(home))
        for path in every_file(home, temp):
            data = path.read_bytes()
            for where, value in values.items():
                assert value.encode() not in data, f"{where} in {path}"
        released = lead.outputs.release(package, "D. Example, Nowhere Primary School")
    at_host = tmp_path / "for-the-meeting.zip"
    out = cli("export", "release", review, "--to", at_host, "--recipient", "Board", home=home)
    assert out.code == 0, out.err
    [phrase] = [line.split(": ")[1] for line in out.out.splitlines() if "Passphrase" in line]
    # Only the released files hold a value, and only encrypted.
    rows = every_value(home) if on_postgres(home) else b""
    assert [where for where, value in values.items() if value.encode() in rows] == []
    for path in every_file(home, temp, tmp_path):
        data = path.read_bytes()
        for value in values.values():
            assert value.encode() not in data, path
    assert released.path.parent == home / "exports"
    assert values["name"] in unzip(released.path, released.passphrase)
    assert values["reveal reason"] in unzip(at_host, phrase)
    with pytest.raises(RuntimeError):
        unzip(released.path, "not-the-passphrase")


def test_a_package_is_read_by_its_sharer_and_the_leads_each_reading_logged(
    planted: tuple[Path, dict[str, str]],
) -> None:
    home, values = planted
    with Session.open("alice", home) as alice:
        package = share(alice, "R-0001")
        shown = alice.outputs.read(package)
        assert values["name"] in shown.text and not shown.may_release
        assert [o.id for o in alice.outputs.readable()] == [package]
    with Session.open("lead", home) as lead:
        assert lead.outputs.read(package).may_release
    for other in ("bilal", "auditor", "it", "reception"):
        with Session.open(other, home) as session:
            with pytest.raises(AccessRefused):
                session.outputs.read(package)
            assert session.outputs.readable() == []
    with Administration.open(home) as admin:
        viewed = [e for e in admin.vault.log.entries() if e.action == "output_viewed"]
    assert [(e.actor, e.details["output"]) for e in viewed] == [
        ("alice", package),
        ("lead", package),
    ]


def test_a_subject_access_report_is_for_leads_and_a_review_for_the_auditor(
    planted: tuple[Path, dict[str, str]],
) -> None:
    home, _ = planted
    with Session.open("lead", home) as lead:
        report = lead.oversight.subject_access_report("R-0001", "the person's own request")
    with Session.open("auditor", home) as auditor:
        review = auditor.oversight.export_access_review()
        with pytest.raises(AccessRefused):
            auditor.outputs.read(report)
        assert [o.kind for o in auditor.outputs.readable()] == [OutputKind.ACCESS_REVIEW]
    with Session.open("alice", home) as alice:
        for kept in (report, review):
            with pytest.raises(AccessRefused):
                alice.outputs.read(kept)
    with Session.open("lead", home) as lead:
        assert lead.outputs.read(report).summary.record_id == "R-0001"
        with pytest.raises(AccessRefused):
            lead.outputs.read(review)


def test_only_a_lead_releases_and_each_release_is_listed_and_logged(
    planted: tuple[Path, dict[str, str]], cli: Cli
) -> None:
    home, _ = planted
    package, done = shared_and_released(home)
    with Session.open("alice", home) as alice, pytest.raises(AccessRefused):
        alice.outputs.release(package, "D. Example")
    with Session.open("lead", home) as lead, pytest.raises(BadInput):
        lead.outputs.release(package, "  ")
    out = cli("export", "list", home=home)
    assert out.code == 0, out.err
    assert done.release_id in out.out and "by lead to D. Example, Nowhere Primary" in out.out
    assert done.passphrase not in out.out  # shown once, kept nowhere
    kept = cli("export", "kept", home=home).out
    assert f"{package}  Disclosure package  R-0001  by alice" in kept
    assert "Canaryname" not in kept  # references and makers, never contents
    with Administration.open(home) as admin:
        [entry] = [e for e in admin.vault.log.entries() if e.action == "output_released"]
    assert (entry.actor, entry.details["output"], entry.details["release"]) == (
        "lead",
        package,
        done.release_id,
    )


def test_it_is_reminded_of_released_files_past_their_days_and_shreds_them(
    planted: tuple[Path, dict[str, str]], cli: Cli
) -> None:
    home, _ = planted
    _, done = shared_and_released(home)
    days = 30  # the shipped sharing.toml's disclosure_keep_days
    assert cli("export", "list", "--due", home=home).out.strip() == "0 releases past their days."
    with Session.open("it", home) as it:
        assert it.retention.expired_packages() == []
    later = datetime.now(UTC) + timedelta(days=days + 1)
    with time_machine.travel(later, tick=False):
        out = cli("export", "list", "--due", home=home)
        assert done.release_id in out.out and "PAST ITS DAYS" in out.out
        with Session.open("it", home) as it:
            [line] = it.retention.expired_packages()
            # The file by its name (a host path fills an 80-column line); where, once.
            assert done.release_id in line and line.split()[1] == done.path.name
            assert it.retention.packages_folder() == str(done.path.parent)
            [said] = it.retention.shred_expired_packages()
            assert it.retention.expired_packages() == []
    assert not done.path.exists() and said.startswith(f"{done.path.name}: ")
    assert "shredded" in cli("export", "list", home=home).out


def test_disposal_erases_a_records_outputs(home: Path, tmp_path: Path) -> None:
    row = canary_row("R-0001", ["alice"])
    row["category"], row["case_closed"] = "vulnerable_adult", "2015-01-01"
    with Administration.open(home) as admin:
        admin.import_file(write_jsonl(tmp_path / "records.jsonl", [row]))
    with Session.open("alice", home) as alice:
        package = share(alice, "R-0001")
    with Session.open("lead", home) as lead:
        report = lead.oversight.subject_access_report("R-0001", "the person's own request")
    with Session.open("it", home) as it:
        disposal_id = it.retention.propose_disposal("R-0001", REASON, today=date(2026, 11, 30))
    with Session.open("lead", home) as lead:
        lead.retention.review_disposal(disposal_id, True, REASON)
    with Session.open("it", home) as it:
        it.retention.execute_disposal(disposal_id)
    with Session.open("lead", home) as lead:
        assert lead.outputs.readable() == []
        for kept in (package, report):
            with pytest.raises(AccessRefused):
                lead.outputs.read(kept)
    with Administration.open(home) as admin:
        assert admin.vault.store.outputs(tuple(OutputKind)) == []


def test_outputs_and_releases_are_read_after_a_key_rotation(home: Path, tmp_path: Path) -> None:
    with Administration.open(home) as admin:
        admin.import_file(
            write_jsonl(tmp_path / "records.jsonl", [canary_row("R-0001", ["alice"])])
        )
    package, _released = shared_and_released(home)
    with Session.open("auditor", home) as auditor:
        review = auditor.oversight.export_access_review()
    with Administration.open(home) as admin:
        admin.rotate_key()
    # A rotation re-wraps the record's data key and the vault's outputs key: what was
    # kept under them still opens, and the list of releases still reads.
    with Session.open("lead", home) as lead:
        assert "Canaryname R-0001" in lead.outputs.read(package).text
    with Session.open("auditor", home) as auditor:
        assert auditor.outputs.read(review).text.startswith("time,staff,role,action")
    with Administration.open(home) as admin:
        [(row, slip)] = admin.vault.outputs.releases()
    assert row.output_id == package and slip.recipient == "D. Example, Nowhere Primary School"


@pytest.mark.skipif(shutil.which("7z") is None, reason="7-Zip (p7zip) is not installed")
def test_7zip_opens_a_released_file_with_its_passphrase_and_not_without(
    planted: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    home, values = planted
    _, done = shared_and_released(home)
    listed = subprocess.run(["7z", "l", "-slt", done.path], capture_output=True, text=True)
    assert "Method = AES-256" in listed.stdout
    out = tmp_path / "opened"
    wrong = subprocess.run(["7z", "x", "-pwrong", f"-o{out}", done.path], capture_output=True)
    assert wrong.returncode != 0
    right = ["7z", "x", f"-p{done.passphrase}", f"-o{out}", "-y", str(done.path)]
    assert subprocess.run(right, capture_output=True).returncode == 0
    [opened] = out.iterdir()
    assert values["name"] in opened.read_text(encoding="utf-8")


def test_a_readable_file_an_earlier_version_left_in_exports_is_for_it_to_shred_now(
    planted: tuple[Path, dict[str, str]],
) -> None:
    home, values = planted
    left = home / "exports" / "D-0123456789ab.txt"
    left.write_text(f"DISCLOSURE D-0123456789ab\nName: {values['name']}\n")
    with Session.open("it", home) as it:
        [line] = it.retention.expired_packages()
        assert line.startswith("D-0123456789ab.txt") and values["name"] not in line
        [said] = it.retention.shred_expired_packages()
        assert it.retention.expired_packages() == []
    assert not left.exists() and "D-0123456789ab.txt" in said


def test_a_report_and_a_package_read_as_plain_words_with_uk_dates(
    planted: tuple[Path, dict[str, str]],
) -> None:
    """What the lead reads is what the person gets: no Markdown marks, categories in
    words, dates as "02 Apr 2013", in the text kept and so in the file released."""
    home, _ = planted
    today = uk_date(date.today())
    with Session.open("alice", home) as alice:
        package = share(alice, "R-0001", ("name", "date_of_birth", "category"), notes=0)
    with Session.open("lead", home) as lead:
        report = lead.oversight.subject_access_report("R-0001", "the person's own request")
        said = lead.outputs.read(report).text
        shared = lead.outputs.read(package).text
    assert said.startswith("Subject access report: R-0001\n=====")
    assert "#" not in said and "**" not in said and "REVIEW BEFORE RELEASE" in said
    assert "- Category: Child" in said and "- Date of birth: 02 Apr 2013" in said
    assert f"Produced {today}." in said and "- 01 May 2024: given by" in said
    assert "- 02 May 2024 FACT, by alice" in said and f"- {today}: shared, asked by" in said
    assert "Items shared: Name; Date of birth; Category;" in said  # labels, not names
    assert f"Shared by: alice on {today}" in shared
    assert "  Date of birth: 02 Apr 2013" in shared and "  Category: Child" in shared
    assert "  03 Jan 2019  OPINION  HISTORICAL  alice" in shared
    for text in (said, shared):
        assert not any(iso in text for iso in ("2013-04-02", "2019-01-03", "2024-05-0"))
