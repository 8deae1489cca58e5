"""The command line on good and bad input.

The standard: bad input gets one clear sentence naming what is wrong and where, a
non-zero exit, no traceback, and nothing already stored is lost or changed; no
confidential value ever reaches stdout or stderr.

Most tests run `main()` in this process (the in-memory keyring works here); a few run
the installed `secure-records` executable to prove real exit codes and stderr.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backends import fail

from secure_records.admin import Administration
from secure_records.core.policy import KNOWN_ACTIONS
from secure_records.session import Session
from secure_records.vault.kek import INSECURE_ENV, SERVICE
from tests.conftest import canaries, canary_row, write_jsonl
from tests.support.cli import REPO, run, subprocess_env
from tests.support.in_process import INSECURE_NOTICE, Cli, Out
from tests.support.open_keyring import OpenKeyring
from tests.support.raw_db import on_postgres

SHIPPED_POLICIES = REPO / "policies"
CANARY = "CANARY-SECRET-xyz"
SHIPPED_SUMMARY = (
    "policy ok: 10 fields, 5 roles: caseworker (caseload), safeguarding_lead (all), "
    "reception (index), it (none), auditor (none); sharing: 5 questions, 3 outcomes; "
    "directory: 5 organisations; retention: 2 rules; "
    "review: adopted 01 Feb 2016, next due 01 Feb 2018 (overdue)"  # its front page's dates
)


# ---------------------------------------------------------------- helpers


def refused(result: Out, code: int, *needles: str, lines: int | None = 1) -> None:
    """Failed as the standard asks: this exit code, `lines` lines on stderr that name
    every needle, no traceback, nothing claimed on stdout."""
    assert result.code == code, result
    assert "Traceback" not in result.out + result.err
    assert result.out == ""
    if lines is not None:
        assert len(result.problems) == lines, result.err
    text = "\n".join(result.problems)
    for needle in needles:
        assert needle in text, f"{needle!r} not in:\n{text}"


def no_canary(result: Out, *values: str) -> None:
    for value in (CANARY, *values):
        assert value not in result.out
        assert value not in result.err


def stored(home: Path) -> tuple[Any, ...]:
    """What the vault holds, as far as the CLI can change it: staff rows (role,
    disabled, PIN hash), record count, every record's reference, name and birth date,
    and each caseworker's caseload."""
    with Administration.open(home) as admin:
        staff = tuple(admin.list_staff())
        count = admin.record_count()
    with Session.open("lead", home) as lead:
        records = tuple(lead.records.matching())
    caseloads = []
    for name in ("alice", "bilal"):
        with Session.open(name, home) as worker:
            caseloads.append(tuple(r.id for r in worker.records.matching()))
    return staff, count, records, tuple(caseloads)


@pytest.fixture
def policy_dir(tmp_path: Path) -> Path:
    return Path(shutil.copytree(SHIPPED_POLICIES, tmp_path / "policy"))


def replacing(file: str, old: str, new: str) -> Callable[[Path], None]:
    """A spoiler: replace the first `old` in policy `file` by `new`."""

    def spoil(directory: Path) -> None:
        path = directory / file
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {file}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return spoil


def appending(file: str, text: str) -> Callable[[Path], None]:
    def spoil(directory: Path) -> None:
        with (directory / file).open("a", encoding="utf-8") as handle:
            handle.write(text)

    return spoil


def removing(file: str) -> Callable[[Path], None]:
    return lambda directory: (directory / file).unlink()


def writing_bytes(file: str, data: bytes) -> Callable[[Path], None]:
    def write(directory: Path) -> None:
        (directory / file).write_bytes(data)

    return write


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# ---------------------------------------------------------------- policy check

# (spoiler, the problem line: "{dir}" is the policy directory)
BAD_POLICIES = [
    pytest.param(
        replacing("roles.toml", 'scope = "caseload"\n', 'scope = "caseload"\ncolour = "red"\n'),
        "{dir}/roles.toml: roles.caseworker.colour: unknown key",
        id="unknown-key-in-role",
    ),
    pytest.param(
        appending("records.toml", "\n[extras]\nx = 1\n"),
        "{dir}/records.toml: extras: unknown key",
        id="unknown-top-level-key",
    ),
    pytest.param(
        replacing(
            "roles.toml",
            "[roles.caseworker.fields]\n",
            '[roles.caseworker.fields]\nshoe = "visible"\n',
        ),
        "{dir}/roles.toml: roles.caseworker.fields.shoe: unknown field",
        id="unknown-field-in-rules",
    ),
    pytest.param(
        replacing("roles.toml", '"record_consent", "share"]', '"record_consent", "share", "fly"]'),
        "{dir}/roles.toml: roles.caseworker.actions: unknown action 'fly'",
        id="unknown-action",
    ),
    pytest.param(
        replacing("roles.toml", 'name = "visible"', 'name = "shown"'),
        "{dir}/roles.toml: roles.caseworker.fields.name: 'shown' is not one of visible, masked",
        id="bad-rule-value",
    ),
    pytest.param(
        replacing("roles.toml", '{ rule = "masked", form = "last4" }', '{ rule = "masked" }'),
        "{dir}/roles.toml: roles.caseworker.fields.nhs_number: a masked rule needs a form",
        id="masked-without-form",
    ),
    pytest.param(
        replacing(
            "roles.toml",
            'health = { rule = "reveal", form = "redacted" }',
            'health = { rule = "reveal", form = "year_only" }',
        ),
        "{dir}/roles.toml: roles.caseworker.fields.health.form: year_only does not suit a text",
        id="form-unsuitable-for-kind",
    ),
    pytest.param(
        replacing("records.toml", "identifying = true", 'identifying = "yes"'),
        "{dir}/records.toml: fields.name.identifying: must be true or false, not text",
        id="bad-flag",
    ),
    pytest.param(
        replacing("session.toml", "pin_min_length = 6", "pin_min_length = 2"),
        "{dir}/session.toml: session.pin_min_length: must be between 4 and 64, not 2",
        id="session-value-out-of-range",
    ),
    pytest.param(
        replacing("roles.toml", 'scope = "caseload"', "scope = caseload"),
        "{dir}/roles.toml: not valid TOML (Invalid value (at line 20, column 9))",
        id="invalid-toml",
    ),
    pytest.param(removing("roles.toml"), "{dir}/roles.toml: is missing", id="missing-roles"),
    pytest.param(
        writing_bytes("roles.toml", b'[roles.caseworker]\nlabel = "Caf\xe9"\n'),
        "{dir}/roles.toml: not UTF-8 text",
        id="not-utf8",
    ),
    pytest.param(shutil.rmtree, "{dir}: no such policy directory", id="no-such-directory"),
]


def test_policy_check_on_the_shipped_policies_prints_one_summary_line(cli: Cli) -> None:
    for args in (["policy", "check"], ["policy", "check", str(SHIPPED_POLICIES)]):
        result = cli(*args)
        assert (result.code, result.out) == (0, SHIPPED_SUMMARY + "\n")
        # Reception's lookup, named on purpose, is an oracle: said, field by field.
        assert [line.split(": ")[2] for line in result.err.splitlines()] == [
            "roles.reception.fields.name.search",
            "roles.reception.fields.date_of_birth.search",
        ]


@pytest.mark.parametrize(("spoil", "expected"), BAD_POLICIES)
def test_policy_check_names_file_key_and_problem(
    cli: Cli, policy_dir: Path, spoil: Callable[[Path], None], expected: str
) -> None:
    spoil(policy_dir)
    result = cli("policy", "check", policy_dir)
    refused(result, 2)
    assert result.problems[0].startswith(expected.format(dir=policy_dir)), result.err


def test_policy_check_lists_every_problem_one_line_each(cli: Cli, policy_dir: Path) -> None:
    replacing("roles.toml", '"share"]', '"share", "fly"]')(policy_dir)
    replacing("session.toml", "idle_lock_seconds = 300", 'idle_lock_seconds = "soon"')(policy_dir)
    result = cli("policy", "check", policy_dir)
    refused(result, 2, lines=2)
    assert sorted(result.problems) == [
        f"{policy_dir}/roles.toml: roles.caseworker.actions: unknown action 'fly' (known: "
        + ", ".join(sorted(KNOWN_ACTIONS))
        + ")",
        f"{policy_dir}/session.toml: session.idle_lock_seconds: must be a whole number, not text",
    ]


def test_policy_check_warns_that_a_field_without_a_rule_is_hidden(
    cli: Cli, policy_dir: Path
) -> None:
    replacing("roles.toml", 'health = { rule = "reveal", form = "redacted" }\n', "")(policy_dir)
    result = cli("policy", "check", policy_dir)
    assert result.code == 0
    assert result.out == SHIPPED_SUMMARY + "\n"
    assert result.err.splitlines()[0] == (
        f"warning: {policy_dir}/roles.toml: roles.caseworker.fields.health: "
        "no rule, so the field is hidden"
    )


def test_policy_check_a_typo_in_a_field_kind_is_one_problem(cli: Cli, policy_dir: Path) -> None:
    replacing("records.toml", 'kind = "choice"', 'kind = "choise"')(policy_dir)
    result = cli("policy", "check", policy_dir)
    refused(result, 2, f"{policy_dir}/records.toml: fields.category.kind: 'choise' is not one of")


def test_policy_check_quotes_the_key_path_as_written(cli: Cli, policy_dir: Path) -> None:
    appending("roles.toml", '\n[roles."a//b"]\nscope = "all"\n')(policy_dir)
    result = cli("policy", "check", policy_dir)
    refused(result, 2, "roles.toml: roles.a//b: a role name must be")


# ---------------------------------------------------------------- init


def test_init_creates_a_private_vault(
    cli: Cli, memory_keyring: OpenKeyring, tmp_path: Path
) -> None:
    home = tmp_path / "vault"
    result = cli("init", home=home)
    assert result.code == 0, result.err
    with Administration.open(home) as admin:
        vault_id = admin.vault_id
    created, code, keep = result.out.splitlines()
    # On PostgreSQL the sentence goes on to name the database.
    pg = on_postgres(home)
    said = f"Created vault {vault_id} at {home}" + (", in the PostgreSQL database " if pg else ".")
    assert created.startswith(said) and created.endswith(".")
    assert code.startswith("Recovery code: ") and keep.startswith("Write the recovery code down")
    assert mode(home) == 0o700
    assert mode(home / ("vault.conf" if pg else "vault.db")) == 0o600
    assert mode(home / "policies") == 0o700
    for name in ("records.toml", "roles.toml", "session.toml"):
        copy = home / "policies" / name
        assert mode(copy) == 0o600
        assert copy.read_text() == (SHIPPED_POLICIES / name).read_text()
    assert list(memory_keyring.entries) == [(SERVICE, f"{vault_id}:kek:v1")]


def test_second_init_on_the_same_home_is_refused_and_changes_nothing(
    cli: Cli, populated: Path, memory_keyring: OpenKeyring
) -> None:
    # The file that names the vault's database, or is it.
    database = populated / ("vault.conf" if on_postgres(populated) else "vault.db")
    before = stored(populated)
    keys = dict(memory_keyring.entries)
    files = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in populated.rglob("*") if p.is_file()}
    result = cli("init", home=populated)
    refused(result, 1, str(populated), "already exists", "init refuses")
    assert database in files
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files} == files
    assert sorted(p for p in populated.rglob("*") if p.is_file()) == sorted(files)
    assert memory_keyring.entries == keys
    assert stored(populated) == before


def test_init_under_a_file_says_so_in_one_sentence(
    cli: Cli, tmp_path: Path, memory_keyring: OpenKeyring
) -> None:
    """Found by the command-line fuzzer: `--home afile.txt/below init` was an internal
    error (NotADirectoryError from mkdir)."""
    (tmp_path / "afile.txt").write_text("not a vault\n")
    result = cli("init", home=tmp_path / "afile.txt" / "below")
    refused(result, 1, "afile.txt is a file, not a directory.")
    assert (tmp_path / "afile.txt").read_text() == "not a vault\n" and not memory_keyring.entries


@pytest.mark.parametrize(
    "spoil",
    [
        replacing("roles.toml", '"share"]', '"share", "fly"]'),
        removing("session.toml"),
        shutil.rmtree,
    ],
    ids=["unknown-action", "missing-file", "no-such-directory"],
)
def test_init_with_a_bad_policy_directory_creates_nothing(
    cli: Cli,
    memory_keyring: OpenKeyring,
    tmp_path: Path,
    policy_dir: Path,
    spoil: Callable[[Path], None],
) -> None:
    spoil(policy_dir)
    home = tmp_path / "vault"
    result = cli("init", "--policies", policy_dir, home=home)
    refused(result, 2, str(policy_dir))
    assert not home.exists()
    assert memory_keyring.entries == {}


def test_init_when_the_keyring_cannot_store_leaves_no_vault(
    cli: Cli, memory_keyring: OpenKeyring, tmp_path: Path
) -> None:
    # Even with the insecure switch on, a keyring that fails every call is an error.
    keyring.set_keyring(fail.Keyring())
    home = tmp_path / "vault"
    result = cli("init", home=home)
    refused(result, 1, "keyring refused to store the key", "PYTHON_KEYRING_BACKEND")
    assert not home.exists()


def test_a_vault_made_with_the_insecure_switch_is_refused_without_it(
    cli: Cli, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(INSECURE_ENV)
    result = cli("staff", "list", home=home)
    refused(result, 1, "Refusing to use the keyring", "forgets every key", "PYTHON_KEYRING_BACKEND")
    monkeypatch.setenv(INSECURE_ENV, "1")
    assert len(stored(home)[0]) == 6


# ---------------------------------------------------------------- staff


def test_staff_add_list_and_pin(cli: Cli, home: Path) -> None:
    assert cli("staff", "add", "zed", "--role", "caseworker", home=home).out == (
        "Added zed as caseworker.\n"
    )
    pin = "Pin-CANARY-77"
    result = cli("staff", "pin", "zed", home=home, stdin=pin + "\n")
    assert (result.code, result.out) == (0, "PIN set for zed.\n")
    no_canary(result, pin)
    listing = cli("staff", "list", home=home)
    assert listing.code == 0
    assert "zed\tcaseworker\tactive\tPIN set" in listing.out.splitlines()
    assert "alice\tcaseworker\tactive\tno PIN" in listing.out.splitlines()
    assert cli("staff", "disable", "zed", home=home).out == "Disabled zed.\n"
    assert "zed\tcaseworker\tdisabled\tPIN set" in cli("staff", "list", home=home).out


@pytest.mark.parametrize(
    ("name", "role", "needles"),
    [
        ("zed", "janitor", ("no role 'janitor'", "caseworker")),
        ("alice", "caseworker", ("'alice' already exists",)),
        ("Bob Smith", "caseworker", ("'Bob Smith' is not a usable staff name",)),
        ("../x", "caseworker", ("'../x' is not a usable staff name",)),
        ("", "caseworker", ("'' is not a usable staff name",)),
        pytest.param(
            "bob\n",
            "caseworker",
            ("is not a usable staff name",),
        ),
    ],
    ids=["unknown-role", "duplicate", "space", "path", "empty", "trailing-newline"],
)
def test_staff_add_refuses_bad_input(
    cli: Cli, home: Path, name: str, role: str, needles: tuple[str, ...]
) -> None:
    before = stored(home)
    refused(cli("staff", "add", name, "--role", role, home=home), 2, *needles)
    assert stored(home) == before


UNKNOWN_NAMES = [
    ("staff disable zoe", "no staff member called 'zoe'"),
    ("staff pin zoe", "no staff member called 'zoe'"),
    ("assign R-0001 zoe", "no staff member called 'zoe'"),
    ("unassign R-0001 Alice", "no staff member called 'Alice'"),
    ("assign R-9999 alice", "no record 'R-9999'"),
    ("unassign R-9999 alice", "no record 'R-9999'"),
]


@pytest.mark.parametrize(("args", "needle"), UNKNOWN_NAMES, ids=[a for a, _ in UNKNOWN_NAMES])
def test_unknown_staff_or_record_is_refused(
    cli: Cli, populated: Path, args: str, needle: str
) -> None:
    before = stored(populated)
    refused(cli(*args.split(), home=populated, stdin="12345678\n"), 2, needle)
    assert stored(populated) == before


def test_assign_and_unassign_change_the_caseload(cli: Cli, populated: Path) -> None:
    assert cli("assign", "R-0003", "alice", home=populated).out == "Assigned R-0003 to alice.\n"
    assert cli("assign", "R-0003", "alice", home=populated).out == (
        "R-0003 was already assigned to alice.\n"
    )
    assert stored(populated)[3] == (("R-0001", "R-0002", "R-0003"), ("R-0003",))
    assert cli("unassign", "R-0001", "alice", home=populated).code == 0
    assert stored(populated)[3] == (("R-0002", "R-0003"), ("R-0003",))


@pytest.mark.parametrize(
    ("pin", "needle"),
    [
        ("12345", "at least 6 characters"),
        ("", "at least 6 characters"),
        ("CANARY\x01pin", "must not contain control characters"),
    ],
    ids=["short", "empty", "control-character"],
)
def test_staff_pin_refuses_a_bad_pin_and_keeps_the_old_one(
    cli: Cli, home: Path, pin: str, needle: str
) -> None:
    assert cli("staff", "pin", "alice", home=home, stdin="654321\n").code == 0
    before = stored(home)
    assert next(s for s in before[0] if s.name == "alice").pin_hash
    result = cli("staff", "pin", "alice", home=home, stdin=pin + "\n")
    refused(result, 2, needle)
    if pin:
        no_canary(result, pin)
    assert stored(home) == before


# ---------------------------------------------------------------- import


def good_rows(*ids: str) -> list[dict[str, object]]:
    return [canary_row(i, ["alice"]) for i in ids]


def bad_row(**changes: object) -> dict[str, object]:
    """A row whose every confidential value carries CANARY, with `changes` applied
    (a value of None removes the key)."""
    row = canary_row("R-0200", ["alice"], tag=CANARY)
    for key, value in changes.items():
        if value is None:
            del row[key]
        else:
            row[key] = value
    return row


def with_note_kind(kind: str) -> list[dict[str, object]]:
    notes = bad_row()["notes"]
    notes[0]["kind"] = kind  # type: ignore[index]
    return notes  # type: ignore[return-value]


def write_lines(path: Path, rows: list[dict[str, object] | str]) -> Path:
    text = "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows)
    path.write_text(text, encoding="utf-8")
    return path


def test_import_a_good_file(cli: Cli, home: Path, tmp_path: Path) -> None:
    rows = good_rows("R-0101", "R-0102", "R-0103")
    file = write_jsonl(tmp_path / "good.jsonl", rows)
    result = cli("import", file, home=home)
    assert (result.code, result.out) == (0, f"Imported 3 records from {file}.\n")
    for row in rows:
        no_canary(result, *canaries(row).values())
    assert [r.id for r in stored(home)[2]] == ["R-0101", "R-0102", "R-0103"]


# (the bad third line of four, what the problem line must say)
BAD_LINES = [
    pytest.param(f'{{"id": "R-0200", "name": "{CANARY}", ', "not valid JSON", id="invalid-json"),
    pytest.param(json.dumps(["R-0200", CANARY]), "a line must hold one JSON object", id="list"),
    pytest.param(
        bad_row(shoe_size=CANARY), "field 'shoe_size' is not declared in records.toml", id="field"
    ),
    pytest.param(bad_row(date_of_birth="2013-02-30"), "date_of_birth is not a date", id="date"),
    pytest.param(
        bad_row(date_of_birth="2999-01-01"), "date_of_birth is in the future", id="future"
    ),
    pytest.param(bad_row(category="adult"), "category must be one of child,", id="category"),
    pytest.param(
        bad_row(assigned_to=["alice", "zoe"]),
        "assigned_to names unknown staff member 'zoe'",
        id="unknown-staff",
    ),
    pytest.param(
        bad_row(id="R-0101"), "record R-0101 appears again (first on line 1)", id="duplicate-id"
    ),
    pytest.param(
        bad_row(id="R-0001"), "record R-0001 already exists in the vault", id="id-in-vault"
    ),
    pytest.param(bad_row(id="R 0200"), "id is missing or not a reference", id="bad-id"),
    pytest.param(bad_row(name=None), "name is required", id="missing-name"),
    pytest.param(
        bad_row(consent=[{"given_by": CANARY, "scope": CANARY, "date": "2999-05-01"}]),
        "consent[0].date is in the future",
        id="consent-date",
    ),
    pytest.param(
        bad_row(notes=with_note_kind("rumour")),
        'notes[0].kind must be "fact" or "opinion"',
        id="note-kind",
    ),
]


@pytest.mark.parametrize(("line", "problem"), BAD_LINES)
def test_import_with_one_bad_line_imports_nothing_and_names_it(
    cli: Cli, populated: Path, tmp_path: Path, line: dict[str, object] | str, problem: str
) -> None:
    good = good_rows("R-0101", "R-0102", "R-0103")
    file = write_lines(tmp_path / "in.jsonl", [good[0], good[1], line, good[2]])
    before = stored(populated)
    result = cli("import", file, home=populated)
    refused(result, 2, lines=2)
    assert f"{file}:3: {problem}" in result.problems[0], result.err
    assert result.problems[1] == "nothing was imported (1 bad line)"
    no_canary(result, *canaries(bad_row()).values())
    assert stored(populated) == before


def test_import_caps_the_problems_shown(cli: Cli, populated: Path, tmp_path: Path) -> None:
    bad = [bad_row(id=f"R-{n:04d}", date_of_birth="2999-01-01") for n in range(300, 325)]
    file = write_lines(tmp_path / "in.jsonl", [*good_rows("R-0101"), *bad])
    before = stored(populated)
    result = cli("import", file, home=populated)
    refused(result, 2, lines=22)
    for n, line in enumerate(result.problems[:20], start=2):
        assert f"{file}:{n}: date_of_birth is in the future" in line
    assert result.problems[20:] == [
        "... and 5 more bad lines",
        "nothing was imported (25 bad lines)",
    ]
    no_canary(result, *canaries(bad_row()).values())
    assert stored(populated) == before


@pytest.mark.parametrize(
    ("content", "problems"),
    [
        (None, ["secure-records: {file}: no such file."]),
        (
            f'{{"id": "R-0200", "name": "{CANARY} Caf\xe9"}}\n'.encode("latin-1"),
            ["secure-records: {file}: not UTF-8 text; nothing was imported."],
        ),
        (b"\n\n", ["{file}: holds no records", "nothing was imported (1 bad line)"]),
    ],
    ids=["missing", "not-utf8", "empty"],
)
def test_import_of_an_unusable_file(
    cli: Cli, populated: Path, tmp_path: Path, content: bytes | None, problems: list[str]
) -> None:
    file = tmp_path / "in.jsonl"
    if content is not None:
        file.write_bytes(content)
    before = stored(populated)
    result = cli("import", file, home=populated)
    refused(result, 2, lines=len(problems))
    assert result.problems == [line.format(file=file) for line in problems]
    no_canary(result)
    assert stored(populated) == before


@pytest.mark.parametrize(
    "line",
    [
        pytest.param(
            '{"id": "R-0200", "name": "' + CANARY + '", "date_of_birth": "2013-04-02", '
            '"phone": ' + "1" * 5000 + "}",
            id="huge-number",
        ),
        pytest.param(
            '{"id": "R-0200", "name": "' + CANARY + '\\ud800", "date_of_birth": "2013-04-02"}',
            id="lone-surrogate",
        ),
        pytest.param(
            json.dumps(bad_row(id="R-0001\n")),
            id="id-with-trailing-newline",
        ),
    ],
)
def test_import_rejects_odd_json_by_line(
    cli: Cli, populated: Path, tmp_path: Path, line: str
) -> None:
    file = write_lines(tmp_path / "in.jsonl", [line])
    before = stored(populated)
    result = cli("import", file, home=populated)
    assert stored(populated) == before
    refused(result, 2, f"{file}:1: ", "nothing was imported", lines=2)
    no_canary(result)


# ---------------------------------------------------------------- keys and a damaged vault


def test_key_rotate_keeps_records_readable_and_the_older_keys_for_backups(
    cli: Cli, populated: Path, memory_keyring: OpenKeyring
) -> None:
    with Administration.open(populated) as admin:
        vault_id = admin.vault_id
    before = stored(populated)
    for version in (2, 3):
        result = cli("key", "rotate", home=populated)
        assert (result.code, result.out) == (
            0,
            f"Key-encryption key rotated to version {version}; the older versions stay in the "
            "keyring for backups taken under them until 'secure-records key retire --before "
            "DATE'.\n",
        )
        no_canary(result, *canaries(canary_row("R-0001", [])).values())
        assert [user for service, user in memory_keyring.entries if service == SERVICE] == [
            f"{vault_id}:kek:v{v}" for v in range(1, version + 1)
        ]
    with Session.open("lead", populated) as lead:
        view = lead.records.open_record("R-0001")
    assert view.field("name").text == "Canaryname R-0001"  # type: ignore[union-attr]
    assert view.notes is not None
    assert stored(populated) == before


@pytest.mark.parametrize(
    ("replacement", "needles"),
    [
        (None, ("key-encryption key for vault", "is not in the keyring", "(version 1)")),
        ("bm90LWEta2V5", ("keyring entry for vault", "is not a key-encryption key")),
        (base64.b64encode(os.urandom(32)).decode(), ("key in the keyring", "wrong key")),
    ],
    ids=["missing", "not-a-key", "wrong-key"],
)
def test_a_missing_or_wrong_key_is_one_sentence_and_loses_nothing(
    cli: Cli,
    populated: Path,
    memory_keyring: OpenKeyring,
    replacement: str | None,
    needles: tuple[str, ...],
) -> None:
    before = stored(populated)
    (entry, kek), *_ = memory_keyring.entries.items()
    if replacement is None:
        del memory_keyring.entries[entry]
    else:
        memory_keyring.entries[entry] = replacement
    for args in (["staff", "list"], ["import", populated / "nowhere.jsonl"], ["key", "rotate"]):
        refused(cli(*args, home=populated), 1, *needles)
    memory_keyring.entries[entry] = kek
    assert stored(populated) == before


def test_no_vault_at_home(cli: Cli, memory_keyring: OpenKeyring, tmp_path: Path) -> None:
    home = tmp_path / "nowhere"
    refused(cli("staff", "list", home=home), 1, f"No vault at {home}", "secure-records init")
    assert not home.exists()


@pytest.mark.not_on_postgres  # SQLite's file: PostgreSQL's storage is the server's
def test_a_damaged_database_is_one_sentence_and_left_as_it_was(cli: Cli, home: Path) -> None:
    database = home / "vault.db"
    junk = b"not a database " * 500
    database.write_bytes(junk)
    refused(cli("staff", "list", home=home), 1, f"{database} is not a readable vault database")
    assert database.read_bytes() == junk


def test_a_damaged_policy_in_the_vault_is_refused_and_nothing_changes(
    cli: Cli, populated: Path
) -> None:
    before = stored(populated)
    roles = populated / "policies" / "roles.toml"
    original = roles.read_text()
    replacing("roles.toml", '"share"]', '"share", "fly"]')(roles.parent)
    # Edited by hand, it no longer matches the vault's seal: refused before it is read.
    refused(
        cli("staff", "add", "zed", "--role", "caseworker", home=populated),
        1,
        f"The policy files in {roles.parent} do not match the vault's seal",
    )
    roles.write_text(original)
    assert stored(populated) == before


# ---------------------------------------------------------------- usage


USAGE_ERRORS = [
    ("nosuch", "No such command 'nosuch'"),
    ("staff add", "Missing argument 'NAME'"),
    ("staff add zed", "Missing option '--role'"),
    ("assign R-0001", "Missing argument 'NAME'"),
    ("import", "Missing argument 'FILE'"),
    ("demo --records 0", "Invalid value for '--records'"),
    ("key", "Usage: secure-records key"),
]


@pytest.mark.parametrize(("args", "needle"), USAGE_ERRORS, ids=[a for a, _ in USAGE_ERRORS])
def test_usage_errors_exit_non_zero_without_a_traceback(
    cli: Cli, home: Path, args: str, needle: str
) -> None:
    before = stored(home)
    result = cli(*args.split(), home=home)
    refused(result, 2, needle, lines=None)
    assert stored(home) == before


def test_help_and_version_exit_zero(cli: Cli) -> None:
    assert cli("--help").code == 0
    version = cli("--version")
    assert version.code == 0
    assert "0.1.0" in version.out


# ---------------------------------------------------------------- the real executable


@pytest.mark.slow
def test_executable_end_to_end(tmp_path: Path) -> None:
    env = subprocess_env(tmp_path)
    home = tmp_path / "vault"
    rows = [canary_row("R-0001", ["alice"]), canary_row("R-0002", [])]
    good = write_jsonl(tmp_path / "good.jsonl", rows)
    bad = write_lines(tmp_path / "bad.jsonl", [bad_row(date_of_birth="2999-01-01")])
    leaks = [CANARY, *(v for row in rows for v in canaries(row).values())]

    def ok(*args: str | Path, stdin: str = "") -> str:
        done = run(["--home", str(home), *map(str, args)], env, stdin)
        assert done.code == 0, done.err
        assert "Traceback" not in done.err
        assert not any(value in done.out + done.err for value in leaks)
        return done.out

    assert ok("init").startswith("Created vault ")
    database = home / ("vault.conf" if on_postgres(home) else "vault.db")
    assert (mode(home), mode(database)) == (0o700, 0o600)
    ok("staff", "add", "alice", "--role", "caseworker")
    ok("staff", "pin", "alice", stdin="24680135\n")
    assert ok("import", good) == f"Imported 2 records from {good}.\n"
    assert ok("staff", "list") == "alice\tcaseworker\tactive\tPIN set\n"

    done = run(["--home", str(home), "import", str(bad)], env)
    assert done.code == 2
    problems = [line for line in done.err.splitlines() if not line.startswith(INSECURE_NOTICE)]
    assert len(problems) == 2
    assert f"{bad}:1: date_of_birth is in the future" in problems[0]
    assert "Traceback" not in done.err and CANARY not in done.out + done.err
    assert ok("assign", "R-0002", "alice") == "Assigned R-0002 to alice.\n"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("backend", "needle"),
    [
        ("keyring.backends.fail.Keyring", "no keyring backend is available"),
        ("tests.support.file_keyring.FileKeyring", "FileKeyring keeps secrets in plain text"),
    ],
    ids=["fail-backend", "plaintext-backend"],
)
def test_executable_init_refuses_an_unsafe_keyring(
    tmp_path: Path, backend: str, needle: str
) -> None:
    env = subprocess_env(tmp_path)
    del env[INSECURE_ENV]
    env["PYTHON_KEYRING_BACKEND"] = backend
    home = tmp_path / "vault"
    done = run(["--home", str(home), "init"], env)
    assert done.code == 1
    assert "Traceback" not in done.err
    assert done.out == ""
    [sentence] = done.err.splitlines()
    assert sentence.startswith("secure-records: Refusing to use the keyring: ")
    assert needle in sentence
    assert "configure a real one with PYTHON_KEYRING_BACKEND or keyringrc.cfg" in sentence
    assert not home.exists()
    assert not (tmp_path / "keyring.json").exists()
