"""A large import is checked and sealed on both cores: same results, all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from secure_records.admin import Administration
from secure_records.core.errors import ImportRejected
from secure_records.session import Session
from secure_records.vault.bulk import CHUNK, PARALLEL_FROM
from tests.conftest import canaries, canary_row, write_jsonl

COUNT = PARALLEL_FROM + CHUNK // 2  # several chunks, the last one short


def rows() -> list[dict[str, object]]:
    return [canary_row(f"B-{n:05d}", ["alice"] if n % 2 else ["bilal"]) for n in range(COUNT)]


def test_a_large_import_stores_every_record_readable_and_findable(
    home: Path, tmp_path: Path
) -> None:
    data = rows()
    with Administration.open(home) as admin:
        assert admin.import_file(write_jsonl(tmp_path / "big.jsonl", data)) == COUNT
        assert admin.record_count() == COUNT
    with Session.open("lead", home) as session:
        for n in (0, CHUNK - 1, CHUNK, COUNT - 1):
            planted = canaries(data[n])
            view = session.records.open_record(f"B-{n:05d}")
            shown = {f.name: f.text for f in view.fields}
            assert shown["address"] == planted["address"]
            assert view.notes is not None and len(view.notes.entries) == 2
    with Session.open("reception", home) as session:
        match = session.records.find_exact(f"Canaryname B-{COUNT - 1:05d}", "2013-04-02")
        assert match is not None and match.reference == f"B-{COUNT - 1:05d}"
    with Session.open("alice", home) as session:
        assert len(session.records.matching()) == COUNT // 2
    (tmp_path / "big.jsonl").unlink()
    on_disk = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    for n in (0, COUNT // 2, COUNT - 1):
        for value in canaries(data[n]).values():
            assert value.encode() not in on_disk


def test_problems_across_chunks_are_reported_in_file_order_and_nothing_is_kept(
    home: Path, tmp_path: Path
) -> None:
    data = rows()
    data[CHUNK + 5] = dict(data[9])  # the same id again, in another chunk
    lines = [json.dumps(row) for row in data]
    lines[COUNT - 3] = '{"id": "B-99999", "name": "SECRET-NAME"}'
    (tmp_path / "big.jsonl").write_text("\n".join(lines) + "\n")
    with Administration.open(home) as admin, pytest.raises(ImportRejected) as caught:
        admin.import_file(tmp_path / "big.jsonl")
    file = tmp_path / "big.jsonl"
    assert caught.value.problems == [
        f"{file}:{CHUNK + 6}: record B-00009 appears again (first on line 10)",
        f"{file}:{COUNT - 2}: date_of_birth is required",
    ]
    assert "SECRET-NAME" not in str(caught.value)
    with Administration.open(home) as admin:
        assert admin.record_count() == 0
