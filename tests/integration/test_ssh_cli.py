"""`secure-records ssh authorize | revoke | list`, as the administrator of the service
account would run them: the authorized_keys file they leave behind, byte for byte,
what they print, and what they log in the vault.

Each command runs `main()` in this process, so the vault the test sets up with the
in-memory keyring is the one the command opens. The authorized_keys file is always
one under tmp_path, named with `--authorized-keys`.
"""

from __future__ import annotations

import os
import stat
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from secure_records.admin import Administration
from secure_records.admin.ssh import AccessKeys
from secure_records.core.errors import BadInput
from secure_records.vault.attribution import HOST_FACTS
from tests.support.in_process import Cli, Out, no_traceback

PROGRAM = "/usr/local/bin/secure-records"


# ---------------------------------------------------------------- helpers


def one_sentence(result: Out) -> str:
    """The refusal: exactly one line on stderr, nothing on stdout, no traceback."""
    no_traceback(result)
    assert result.out == "", result
    assert len(result.problems) == 1, result
    sentence = result.problems[0]
    assert sentence.startswith("secure-records: "), sentence
    assert sentence.endswith("."), sentence
    return sentence


@dataclass(frozen=True)
class Key:
    public: Path
    kind: str
    blob: str

    @property
    def fingerprint(self) -> str:
        done = subprocess.run(
            ["ssh-keygen", "-l", "-f", str(self.public)], capture_output=True, text=True, check=True
        )
        return done.stdout.split()[1]


def keygen(directory: Path, name: str, *args: str) -> Key:
    private = directory / name
    subprocess.run(
        ["ssh-keygen", "-q", *args, "-N", "", "-C", f"{name}@laptop", "-f", str(private)],
        check=True,
        capture_output=True,
    )
    public = private.with_name(name + ".pub")
    kind, blob = public.read_text(encoding="utf-8").split()[:2]
    return Key(public, kind, blob)


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Key]:
    directory = tmp_path_factory.mktemp("staff-keys")
    made = {
        name: keygen(directory, name, "-t", "ed25519")
        for name in ("alice", "bilal", "lead", "foreign", "spare")
    }
    made["alice-rsa"] = keygen(directory, "alice-rsa", "-t", "rsa", "-b", "2048")
    made["bilal-ecdsa"] = keygen(directory, "bilal-ecdsa", "-t", "ecdsa")
    return made


@pytest.fixture
def ak(tmp_path: Path) -> Path:
    """The service account's authorized_keys; its directory does not exist yet."""
    return tmp_path / "svc" / ".ssh" / "authorized_keys"


@pytest.fixture
def ssh(cli: Cli, home: Path, ak: Path) -> Cli:
    """`secure-records --home HOME ssh --authorized-keys AK --program PROGRAM ARGS`."""

    def invoke(*args: str | Path) -> Out:
        return cli("ssh", "--authorized-keys", ak, "--program", PROGRAM, *args, home=home)

    return invoke


def line_for(staff: str, key: Key, home: Path) -> str:
    """The exact line authorize should write (tmp paths need no shell quoting)."""
    return (
        f'command="{PROGRAM} --home {home.resolve()} session {staff}",restrict,pty '
        f"{key.kind} {key.blob} secure-records:{staff}\n"
    )


def log_entries(home: Path, action: str) -> list[dict[str, object]]:
    with Administration.open(home) as admin:
        # Without who was at the host (vault/attribution.py): what the action itself says.
        return [
            {k: v for k, v in e.details.items() if k not in HOST_FACTS}
            for e in admin.read_log(None, None, None)
            if e.action == action
        ]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def beside(ak: Path) -> set[str]:
    """Everything in authorized_keys' directory: no temp file may be left there."""
    return {p.name for p in ak.parent.iterdir()}


# Lines an administrator may already have in the file, none of them ours.
def foreign_text(keys: dict[str, Key]) -> bytes:
    f, s = keys["foreign"], keys["spare"]
    return (
        b"# service account: backups and deploys only\n"
        b"\n"
        + f'command="/usr/bin/rrsync -ro /srv/backups",from="10.0.0.5",no-pty {f.kind} '
        f"{f.blob} backup@nas\n".encode()
        + b"   \n"
        + b"# old laptop, kept for reference: secure-records:alice\n"
        + f'environment="LANG=C.UTF-8" {s.kind} {s.blob} Zo\xc3\xab\'s deploy key'.encode()
    )  # no newline at the end


# ---------------------------------------------------------------- authorize


def test_authorize_writes_one_forced_line_and_logs_it(
    ssh: Cli, home: Path, ak: Path, keys: dict[str, Key]
) -> None:
    assert not ak.parent.exists()

    result = ssh("authorize", "alice", keys["alice"].public)

    assert result.code == 0, result
    no_traceback(result)
    assert result.problems == []
    fingerprint = keys["alice"].fingerprint
    assert result.out == f"Authorized {fingerprint} for alice in {ak}.\n"
    assert ak.read_text(encoding="utf-8") == line_for("alice", keys["alice"], home)
    assert mode(ak) == 0o600
    assert mode(ak.parent) == 0o700
    assert beside(ak) <= {"authorized_keys", "authorized_keys.lock"}
    assert log_entries(home, "ssh_key_authorized") == [
        {"staff": "alice", "fingerprint": fingerprint}
    ]


def test_the_forced_command_names_the_vaults_absolute_home(
    cli: Cli, home: Path, ak: Path, keys: dict[str, Key], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(home.parent)
    result = cli(
        "--home",
        home.name,
        "ssh",
        "--authorized-keys",
        ak,
        "--program",
        PROGRAM,
        "authorize",
        "bilal",
        keys["bilal"].public,
    )
    assert result.code == 0, result
    text = ak.read_text(encoding="utf-8")
    assert text == line_for("bilal", keys["bilal"], home)
    assert f"--home {home.resolve()} session bilal" in text


def test_each_key_type_is_written_with_its_own_type(
    ssh: Cli, home: Path, ak: Path, keys: dict[str, Key]
) -> None:
    for staff, key in (("alice", "alice-rsa"), ("bilal", "bilal-ecdsa")):
        result = ssh("authorize", staff, keys[key].public)
        assert result.code == 0, result
        assert keys[key].fingerprint in result.out
    assert ak.read_text(encoding="utf-8") == line_for("alice", keys["alice-rsa"], home) + line_for(
        "bilal", keys["bilal-ecdsa"], home
    )


def test_the_default_file_comes_from_the_environment(
    cli: Cli, home: Path, tmp_path: Path, keys: dict[str, Key], monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "from-env" / "authorized_keys"
    monkeypatch.setenv("SECURE_RECORDS_AUTHORIZED_KEYS", str(target))
    result = cli("ssh", "--program", PROGRAM, "authorize", "lead", keys["lead"].public, home=home)
    assert result.code == 0, result
    assert target.read_text(encoding="utf-8") == line_for("lead", keys["lead"], home)


def test_every_other_line_is_kept_byte_for_byte_in_order(
    ssh: Cli, home: Path, ak: Path, keys: dict[str, Key]
) -> None:
    ak.parent.mkdir(parents=True)
    before = foreign_text(keys) + b"\n"
    ak.write_bytes(before)
    ak.chmod(0o644)
    alice, bilal = line_for("alice", keys["alice"], home), line_for("bilal", keys["bilal"], home)

    assert ssh("authorize", "alice", keys["alice"].public).code == 0
    assert ak.read_bytes() == before + alice.encode()
    assert mode(ak) == 0o600

    assert ssh("authorize", "bilal", keys["bilal"].public).code == 0
    assert ak.read_bytes() == before + alice.encode() + bilal.encode()

    assert ssh("revoke", "alice").code == 0
    assert ak.read_bytes() == before + bilal.encode()

    assert ssh("revoke", "bilal").code == 0
    assert ak.read_bytes() == before
    assert beside(ak) == {"authorized_keys", "authorized_keys.lock"}


def test_revoke_keeps_a_last_line_without_a_newline_as_it_was(
    ssh: Cli, home: Path, ak: Path, keys: dict[str, Key]
) -> None:
    ak.parent.mkdir(parents=True)
    head, _, last = foreign_text(keys).rpartition(b"\n")
    ak.write_bytes(head + b"\n" + line_for("alice", keys["alice"], home).encode() + last)

    result = ssh("revoke", "alice")

    assert result.code == 0, result
    assert ak.read_bytes() == foreign_text(keys)


def test_authorize_after_a_last_line_without_a_newline_keeps_both_lines(
    ssh: Cli, home: Path, ak: Path, keys: dict[str, Key]
) -> None:
    """Today the new line lands in the foreign key's comment: sshd never authorizes
    alice's key, `ssh list` credits the foreign key to alice, and `ssh revoke alice`
    deletes the foreign line."""
    ak.parent.mkdir(parents=True)
    before = foreign_text(keys)
    assert not before.endswith(b"\n")
    ak.write_bytes(before)

    result = ssh("authorize", "alice", keys["alice"].public)

    assert result.code == 0, result
    assert ak.read_bytes() == before + b"\n" + line_for("alice", keys["alice"], home).encode()
    listed = ssh("list")
    assert listed.out == f"alice  ssh-ed25519  {keys['alice'].fingerprint}\n"
    assert ssh("revoke", "alice").code == 0
    assert ak.read_bytes() == before + b"\n"


@pytest.mark.parametrize(
    "make",
    [
        lambda f: f"# windows-edited\r\n{f.kind} {f.blob} backup\r\n".encode(),
        lambda f: f"# retired 2023, do not use\r{f.kind} {f.blob} old-laptop\n".encode(),
    ],
    ids=["crlf", "lone-cr-in-a-comment"],
)
def test_carriage_returns_in_other_lines_are_kept_byte_for_byte(
    ssh: Cli,
    home: Path,
    ak: Path,
    keys: dict[str, Key],
    make: Callable[[Key], bytes],
) -> None:
    ak.parent.mkdir(parents=True)
    before = make(keys["foreign"])
    ak.write_bytes(before)

    result = ssh("authorize", "alice", keys["alice"].public)

    assert result.code == 0, result
    assert ak.read_bytes() == before + line_for("alice", keys["alice"], home).encode()


# ---------------------------------------------------------------- authorize: refusals


@pytest.mark.parametrize("where", ["ours-for-another", "ours-for-the-same", "foreign"])
def test_a_key_already_in_the_file_is_refused(
    ssh: Cli, home: Path, ak: Path, keys: dict[str, Key], where: str
) -> None:
    ak.parent.mkdir(parents=True)
    key = keys["foreign"] if where == "foreign" else keys["alice"]
    if where == "foreign":
        ak.write_bytes(foreign_text(keys))
        line = 3
    else:
        ak.write_bytes(b"# first\n")
        assert ssh("authorize", "alice", keys["alice"].public).code == 0
        line = 2
    before = ak.read_bytes()
    logged = len(log_entries(home, "ssh_key_authorized"))

    staff = "alice" if where == "ours-for-the-same" else "bilal"
    result = ssh("authorize", staff, key.public)

    assert result.code == 2, result
    sentence = one_sentence(result)
    assert f"{ak}:{line}:" in sentence
    assert "already there" in sentence
    assert ak.read_bytes() == before
    assert len(log_entries(home, "ssh_key_authorized")) == logged
    assert beside(ak) == {"authorized_keys", "authorized_keys.lock"}


def test_an_unknown_staff_member_is_refused(
    ssh: Cli, home: Path, ak: Path, keys: dict[str, Key]
) -> None:
    result = ssh("authorize", "zed", keys["alice"].public)
    assert result.code != 0
    assert result.code == 2
    assert "'zed'" in one_sentence(result)
    assert not ak.exists()

    ak.parent.mkdir(parents=True)
    ak.write_bytes(foreign_text(keys))
    for name in ("zed", "Alice", "alice bob", "../x"):
        result = ssh("authorize", name, keys["alice"].public)
        assert result.code != 0, name
        one_sentence(result)
    assert ak.read_bytes() == foreign_text(keys)
    assert log_entries(home, "ssh_key_authorized") == []


def test_a_disabled_staff_member_is_refused(
    ssh: Cli, home: Path, ak: Path, keys: dict[str, Key]
) -> None:
    with Administration.open(home) as admin:
        admin.disable_staff("bilal")
    ak.parent.mkdir(parents=True)
    ak.write_bytes(foreign_text(keys))

    result = ssh("authorize", "bilal", keys["bilal"].public)

    assert result.code != 0
    assert "disabled" in one_sentence(result)
    assert ak.read_bytes() == foreign_text(keys)
    assert log_entries(home, "ssh_key_authorized") == []


def test_a_missing_or_unreadable_public_key_file_is_refused(
    ssh: Cli, home: Path, ak: Path, tmp_path: Path, keys: dict[str, Key]
) -> None:
    ak.parent.mkdir(parents=True)
    ak.write_bytes(foreign_text(keys))
    binary = tmp_path / "binary.pub"
    binary.write_bytes(b"\xff\xfe ssh-ed25519 \x00\x01")
    missing = tmp_path / "missing.pub"

    for bad in (missing, binary):
        result = ssh("authorize", "alice", bad)
        assert result.code == 2, result
        sentence = one_sentence(result)
        assert f"{bad} cannot be read" in sentence

    if os.geteuid() != 0:  # root reads a mode-000 file anyway
        locked = tmp_path / "locked.pub"
        locked.write_bytes(keys["alice"].public.read_bytes())
        locked.chmod(0)
        result = ssh("authorize", "alice", locked)
        assert result.code == 2, result
        assert f"{locked} cannot be read" in one_sentence(result)

    directory = tmp_path / "a-directory.pub"
    directory.mkdir()
    result = ssh("authorize", "alice", directory)
    assert result.code == 2, result
    no_traceback(result)

    assert ak.read_bytes() == foreign_text(keys)
    assert log_entries(home, "ssh_key_authorized") == []
    assert beside(ak) <= {"authorized_keys", "authorized_keys.lock"}


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not a key at all\n",
        b"ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIHurJEyTTYzidC/c7Ayh6jGP12jSQypQoTtRB13VaSjX x\n",
    ],
    ids=["empty", "garbage", "mislabelled"],
)
def test_a_file_that_is_not_one_public_key_is_refused(
    ssh: Cli, home: Path, ak: Path, tmp_path: Path, keys: dict[str, Key], content: bytes
) -> None:
    ak.parent.mkdir(parents=True)
    ak.write_bytes(foreign_text(keys))
    bad = tmp_path / "bad.pub"
    bad.write_bytes(content)

    result = ssh("authorize", "alice", bad)

    assert result.code == 2, result
    assert one_sentence(result).startswith(f"secure-records: {bad}: ")
    assert ak.read_bytes() == foreign_text(keys)


def test_two_keys_or_a_private_key_are_refused(
    ssh: Cli, home: Path, ak: Path, tmp_path: Path, keys: dict[str, Key]
) -> None:
    two = tmp_path / "two.pub"
    two.write_bytes(keys["alice"].public.read_bytes() + keys["bilal"].public.read_bytes())
    private = keys["alice"].public.with_suffix("")
    for bad in (two, private):
        result = ssh("authorize", "alice", bad)
        assert result.code == 2, result
        sentence = one_sentence(result)
        assert sentence.startswith(f"secure-records: {bad}: ")
        assert "PRIVATE" not in sentence
    assert not ak.exists()


def test_options_in_the_key_file_never_reach_authorized_keys(
    ssh: Cli, home: Path, ak: Path, tmp_path: Path, keys: dict[str, Key]
) -> None:
    """Refused (as the docstring says), or at least dropped: never written."""
    smuggled = tmp_path / "smuggled.pub"
    alice = keys["alice"]
    smuggled.write_text(
        f'command="/bin/sh",no-restrict,permitopen="*:*" {alice.kind} {alice.blob} x\n',
        encoding="utf-8",
    )

    result = ssh("authorize", "alice", smuggled)

    no_traceback(result)
    if result.code == 0:
        assert ak.read_text(encoding="utf-8") == line_for("alice", alice, home)
    else:
        assert not ak.exists()


# ---------------------------------------------------------------- revoke


def test_revoke_removes_every_key_of_that_staff_member_and_only_those(
    ssh: Cli, home: Path, ak: Path, keys: dict[str, Key]
) -> None:
    ak.parent.mkdir(parents=True)
    ak.write_bytes(foreign_text(keys) + b"\n")
    for staff, key in (("alice", "alice"), ("bilal", "bilal"), ("alice", "alice-rsa")):
        assert ssh("authorize", staff, keys[key].public).code == 0
    with ak.open("ab") as handle:
        handle.write(b"# trailing comment\n")

    result = ssh("revoke", "alice")

    assert result.code == 0, result
    no_traceback(result)
    assert result.out == f"Removed 2 keys of alice from {ak}.\n"
    assert ak.read_bytes() == (
        foreign_text(keys)
        + b"\n"
        + line_for("bilal", keys["bilal"], home).encode()
        + b"# trailing comment\n"
    )
    assert mode(ak) == 0o600
    assert log_entries(home, "ssh_key_revoked") == [{"staff": "alice", "keys": 2}]
    listed = ssh("list")
    assert listed.out == f"bilal  ssh-ed25519  {keys['bilal'].fingerprint}\n"
    assert beside(ak) == {"authorized_keys", "authorized_keys.lock"}


def test_a_revoked_key_can_be_authorized_again(
    ssh: Cli, home: Path, ak: Path, keys: dict[str, Key]
) -> None:
    assert ssh("authorize", "alice", keys["alice"].public).code == 0
    assert ssh("revoke", "alice").code == 0
    assert ak.read_bytes() == b""
    assert ssh("authorize", "bilal", keys["alice"].public).code == 0
    assert ak.read_text(encoding="utf-8") == line_for("bilal", keys["alice"], home)


@pytest.mark.parametrize("name", ["lead", "zed"])
def test_revoking_someone_with_no_key_is_refused(
    ssh: Cli, home: Path, ak: Path, keys: dict[str, Key], name: str
) -> None:
    ak.parent.mkdir(parents=True)
    before = foreign_text(keys)
    ak.write_bytes(before)
    assert ssh("authorize", "alice", keys["alice"].public).code == 0
    before = ak.read_bytes()

    result = ssh("revoke", name)

    assert result.code == 2, result
    sentence = one_sentence(result)
    assert f"'{name}'" in sentence
    assert str(ak) in sentence
    assert ak.read_bytes() == before
    assert log_entries(home, "ssh_key_revoked") == []
    assert beside(ak) == {"authorized_keys", "authorized_keys.lock"}


def test_revoking_when_there_is_no_file_is_refused(ssh: Cli, ak: Path) -> None:
    result = ssh("revoke", "alice")
    assert result.code == 2, result
    one_sentence(result)
    assert not ak.exists()


# ---------------------------------------------------------------- list


def test_list_prints_our_lines_only(ssh: Cli, home: Path, ak: Path, keys: dict[str, Key]) -> None:
    ak.parent.mkdir(parents=True)
    ak.write_bytes(foreign_text(keys) + b"\n")
    for staff, key in (("bilal", "bilal-ecdsa"), ("alice", "alice"), ("alice", "alice-rsa")):
        assert ssh("authorize", staff, keys[key].public).code == 0
    before = ak.read_bytes()

    result = ssh("list")

    assert result.code == 0, result
    assert result.problems == []
    assert result.out.splitlines() == [
        f"bilal  ecdsa-sha2-nistp256  {keys['bilal-ecdsa'].fingerprint}",
        f"alice  ssh-ed25519  {keys['alice'].fingerprint}",
        f"alice  ssh-rsa  {keys['alice-rsa'].fingerprint}",
    ]
    assert ak.read_bytes() == before


def test_list_with_no_file_prints_nothing_and_creates_nothing(ssh: Cli, ak: Path) -> None:
    result = ssh("list")
    assert (result.code, result.out, result.problems) == (0, "", [])
    assert not ak.parent.exists()


def test_list_with_only_foreign_lines_prints_nothing(
    ssh: Cli, ak: Path, keys: dict[str, Key]
) -> None:
    ak.parent.mkdir(parents=True)
    ak.write_bytes(foreign_text(keys))
    result = ssh("list")
    assert (result.code, result.out, result.problems) == (0, "", [])


# ---------------------------------------------------------------- atomicity and the lock


def test_a_failed_rewrite_leaves_the_file_and_the_log_as_they_were(
    home: Path, ak: Path, keys: dict[str, Key], monkeypatch: pytest.MonkeyPatch
) -> None:
    ak.parent.mkdir(parents=True)
    ak.write_bytes(foreign_text(keys))
    real_replace = os.replace

    def failing_replace(src: object, dst: object) -> None:
        if Path(str(dst)) == ak:
            raise OSError(28, "No space left on device")
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", failing_replace)
    with Administration.open(home) as admin:
        access = AccessKeys(admin, ak, PROGRAM)
        with pytest.raises(OSError, match="No space left"):
            access.authorize("alice", keys["alice"].public)
    monkeypatch.setattr(os, "replace", real_replace)

    assert ak.read_bytes() == foreign_text(keys)
    assert beside(ak) == {"authorized_keys", "authorized_keys.lock"}
    assert log_entries(home, "ssh_key_authorized") == []


def test_no_temp_file_is_left_after_success_or_refusal(
    ssh: Cli, ak: Path, tmp_path: Path, keys: dict[str, Key]
) -> None:
    assert ssh("authorize", "alice", keys["alice"].public).code == 0
    assert beside(ak) == {"authorized_keys", "authorized_keys.lock"}
    assert ssh("authorize", "bilal", keys["alice"].public).code == 2
    assert ssh("authorize", "zed", keys["bilal"].public).code == 2
    assert ssh("revoke", "lead").code == 2
    assert ssh("revoke", "alice").code == 0
    assert beside(ak) == {"authorized_keys", "authorized_keys.lock"}
    assert {p.name for p in (tmp_path / "svc").iterdir()} == {".ssh"}


def test_two_authorizes_at_once_both_end_up_in_the_file(
    home: Path, ak: Path, keys: dict[str, Key], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each reads the file slowly: without the lock, the second write would drop the
    first one's line. With it, the second waits and reads the first's result."""
    real_lines = AccessKeys.read_lines

    def slow_lines(self: AccessKeys) -> list[str]:
        lines = real_lines(self)
        time.sleep(0.3)
        return lines

    monkeypatch.setattr(AccessKeys, "read_lines", slow_lines)
    ak.parent.mkdir(parents=True)
    ak.write_bytes(b"# shared\n")
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def authorize(staff: str) -> None:
        try:
            with Administration.open(home) as admin:
                access = AccessKeys(admin, ak, PROGRAM)
                start.wait(timeout=10)
                access.authorize(staff, keys[staff].public)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=authorize, args=(name,)) for name in ("alice", "bilal")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []

    lines = ak.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[0] == "# shared\n"
    assert sorted(lines[1:]) == sorted(
        [line_for("alice", keys["alice"], home), line_for("bilal", keys["bilal"], home)]
    )
    assert beside(ak) == {"authorized_keys", "authorized_keys.lock"}
    assert sorted(str(d["staff"]) for d in log_entries(home, "ssh_key_authorized")) == [
        "alice",
        "bilal",
    ]


def test_a_duplicate_racing_in_is_caught_under_the_lock(
    home: Path, ak: Path, keys: dict[str, Key], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same key for two people at once: one wins, the other is told it is there."""
    real_lines = AccessKeys.read_lines

    def slow_lines(self: AccessKeys) -> list[str]:
        lines = real_lines(self)
        time.sleep(0.3)
        return lines

    monkeypatch.setattr(AccessKeys, "read_lines", slow_lines)
    start = threading.Barrier(2)
    outcomes: dict[str, BaseException | None] = {}

    def authorize(staff: str) -> None:
        try:
            with Administration.open(home) as admin:
                access = AccessKeys(admin, ak, PROGRAM)
                start.wait(timeout=10)
                access.authorize(staff, keys["spare"].public)
            outcomes[staff] = None
        except BaseException as exc:  # noqa: BLE001 - reported below
            outcomes[staff] = exc

    threads = [threading.Thread(target=authorize, args=(name,)) for name in ("alice", "bilal")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["alice", "bilal"]
    failed = [exc for exc in outcomes.values() if exc is not None]
    assert len(failed) == 1
    assert isinstance(failed[0], BadInput)
    assert "already there" in str(failed[0])
    text = ak.read_text(encoding="utf-8")
    assert len(text.splitlines()) == 1
    assert keys["spare"].blob in text
