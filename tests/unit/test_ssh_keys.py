"""authorized_keys lines, text in and text out: parsing a staff member's public key
file, the forced-command line written for it, and recognising our lines again.

The keys are real ones made by `ssh-keygen`, and fingerprints are checked against
what `ssh-keygen -l` prints, so an admin comparing the two sees the same string.
"""

from __future__ import annotations

import base64
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from secure_records.core.errors import BadInput
from secure_records.core.ssh_keys import (
    AuthorizedKey,
    PublicKey,
    forced_line,
    key_of_line,
    ours,
    parse_public_key,
)

if not shutil.which("ssh-keygen"):
    pytest.skip("needs ssh-keygen (openssh-client)", allow_module_level=True)

PROGRAM = "/usr/local/bin/secure-records"
HOME = "/srv/secure-records/vault"


# ---------------------------------------------------------------- helpers


@dataclass(frozen=True)
class Made:
    """A key pair made by ssh-keygen."""

    private: Path
    public: Path
    kind: str

    @property
    def text(self) -> str:
        return self.public.read_text(encoding="utf-8")

    @property
    def blob(self) -> str:
        return self.text.split()[1]

    @property
    def fingerprint(self) -> str:
        """The second field of `ssh-keygen -l -f key.pub`."""
        done = subprocess.run(
            ["ssh-keygen", "-l", "-f", str(self.public)],
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.split()[1]


def keygen(directory: Path, name: str, *args: str) -> Made:
    private = directory / name
    subprocess.run(
        ["ssh-keygen", "-q", *args, "-N", "", "-C", f"{name}@laptop", "-f", str(private)],
        check=True,
        capture_output=True,
    )
    public = private.with_name(name + ".pub")
    return Made(private, public, public.read_text(encoding="utf-8").split()[0])


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Made]:
    directory = tmp_path_factory.mktemp("keys")
    return {
        "ed25519": keygen(directory, "ed25519", "-t", "ed25519"),
        "rsa": keygen(directory, "rsa", "-t", "rsa", "-b", "2048"),
        "ecdsa": keygen(directory, "ecdsa", "-t", "ecdsa"),
        "other": keygen(directory, "other", "-t", "ed25519"),
    }


@pytest.fixture
def ed25519(keys: dict[str, Made]) -> Made:
    return keys["ed25519"]


@pytest.fixture
def key(ed25519: Made) -> PublicKey:
    return parse_public_key(ed25519.text, str(ed25519.public))


def sshd_command(line: str) -> tuple[str, str]:
    """The `command="..."` value as sshd reads it (a `"` ends it unless written `\\"`),
    and what follows the closing quote."""
    prefix = 'command="'
    assert line.startswith(prefix), line
    value: list[str] = []
    i = len(prefix)
    while i < len(line) and line[i] != '"':
        if line[i] == "\\" and line[i + 1 : i + 2] == '"':
            i += 1
        value.append(line[i])
        i += 1
    assert i < len(line), f"no closing quote: {line}"
    return "".join(value), line[i + 1 :]


# ---------------------------------------------------------------- fingerprints


@pytest.mark.parametrize(
    ("name", "kind"),
    [("ed25519", "ssh-ed25519"), ("rsa", "ssh-rsa"), ("ecdsa", "ecdsa-sha2-nistp256")],
)
def test_the_fingerprint_is_what_ssh_keygen_prints(
    keys: dict[str, Made], name: str, kind: str
) -> None:
    made = keys[name]
    parsed = parse_public_key(made.text, str(made.public))
    assert parsed == PublicKey(kind, made.blob)
    assert parsed.fingerprint == made.fingerprint
    assert parsed.fingerprint.startswith("SHA256:")
    assert not parsed.fingerprint.endswith("=")


def test_different_keys_have_different_fingerprints(keys: dict[str, Made]) -> None:
    prints = {parse_public_key(m.text, "k").fingerprint for m in keys.values()}
    assert len(prints) == len(keys)


# ---------------------------------------------------------------- parse_public_key


def test_a_key_without_a_comment_and_with_comment_lines_around_it_is_accepted(
    ed25519: Made,
) -> None:
    bare = f"{ed25519.kind} {ed25519.blob}"
    expected = PublicKey("ssh-ed25519", ed25519.blob)
    assert parse_public_key(bare, "k") == expected
    assert parse_public_key(f"# alice's laptop\n\n{bare}\r\n\n", "k") == expected


@pytest.mark.parametrize("text", ["", "\n", "   \n\n", "# only a comment\n"])
def test_a_file_with_no_key_is_refused(text: str) -> None:
    with pytest.raises(BadInput, match=r"^/keys/alice\.pub: .*found 0"):
        parse_public_key(text, "/keys/alice.pub")


def test_two_keys_in_one_file_are_refused(keys: dict[str, Made]) -> None:
    text = keys["ed25519"].text + keys["other"].text
    with pytest.raises(BadInput, match=r"^alice\.pub: .*exactly one.*found 2"):
        parse_public_key(text, "alice.pub")


def test_a_private_key_file_is_refused_without_echoing_it(ed25519: Made) -> None:
    secret = ed25519.private.read_text(encoding="utf-8")
    with pytest.raises(BadInput) as caught:
        parse_public_key(secret, str(ed25519.private))
    message = str(caught.value)
    assert message.startswith(f"{ed25519.private}: ")
    body = [line for line in secret.splitlines() if not line.startswith("-----")]
    for line in body:
        assert line not in message


def test_an_rfc4716_public_key_is_refused(ed25519: Made) -> None:
    converted = subprocess.run(
        ["ssh-keygen", "-e", "-f", str(ed25519.public)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert converted.startswith("---- BEGIN SSH2 PUBLIC KEY ----")
    with pytest.raises(BadInput):
        parse_public_key(converted, "k")


@pytest.mark.parametrize(
    "blob",
    [
        "not*base64!",
        "AAAA C3Nz",  # the blob cut in two
        "QUJD",  # valid base64, three bytes: too short to hold a type
        "AAAAC3NzaC1lZDI1NTE5AAAAIHurJEyTTYz===",  # padding in the middle
    ],
)
def test_garbage_base64_is_refused(blob: str) -> None:
    with pytest.raises(BadInput, match=r"^k: not an OpenSSH public key"):
        parse_public_key(f"ssh-ed25519 {blob} alice@laptop\n", "k")


def non_canonical(blob: str) -> list[str]:
    """Spellings of the same bytes that Python's lenient decoder accepts and OpenSSH
    (`ssh-keygen -l`, sshd) refuses: an extra `=`, or non-zero bits after the data."""
    spellings = [blob + "="]
    if blob.endswith("=") and not blob.endswith("=="):
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        last = alphabet.index(blob[-2])
        spellings.append(blob[:-2] + alphabet[last | 1] + "=")
    return spellings


@pytest.mark.parametrize("name", ["ed25519", "ecdsa"])
def test_a_non_canonical_base64_blob_is_refused(keys: dict[str, Made], name: str) -> None:
    made = keys[name]
    for blob in non_canonical(made.blob):
        assert base64.b64decode(blob) == base64.b64decode(made.blob)
        with pytest.raises(BadInput):
            parse_public_key(f"{made.kind} {blob} alice@laptop\n", "k")


def test_a_blob_whose_inner_type_disagrees_with_the_stated_type_is_refused(
    ed25519: Made, keys: dict[str, Made]
) -> None:
    with pytest.raises(BadInput, match="not an OpenSSH public key"):
        parse_public_key(f"ssh-rsa {ed25519.blob} alice@laptop\n", "k")
    with pytest.raises(BadInput, match="not an OpenSSH public key"):
        parse_public_key(f"ssh-ed25519 {keys['rsa'].blob}\n", "k")
    with pytest.raises(BadInput, match="not an OpenSSH public key"):
        parse_public_key(f"ecdsa-sha2-nistp384 {keys['ecdsa'].blob}\n", "k")


def test_an_unknown_key_type_or_a_type_with_no_blob_is_refused(ed25519: Made) -> None:
    raw = base64.b64decode(ed25519.blob)
    relabelled = base64.b64encode(
        len(b"ssh-foo").to_bytes(4, "big") + b"ssh-foo" + raw[4 + len(b"ssh-ed25519") :]
    ).decode()
    with pytest.raises(BadInput):
        parse_public_key(f"ssh-foo {relabelled}\n", "k")
    with pytest.raises(BadInput):
        parse_public_key("ssh-ed25519\n", "k")
    with pytest.raises(BadInput):
        parse_public_key("alice@laptop\n", "k")


OPTIONS = [
    'command="/bin/sh"',
    'command="/bin/sh -i",no-pty',
    'from="*",permitopen="*:*",environment="LD_PRELOAD=/tmp/x.so"',
    "no-restrict",
]


@pytest.mark.parametrize("options", OPTIONS)
def test_a_key_file_with_options_before_the_key_is_refused(ed25519: Made, options: str) -> None:
    with pytest.raises(BadInput):
        parse_public_key(f"{options} {ed25519.text}", "alice.pub")


@pytest.mark.parametrize("options", OPTIONS)
def test_options_in_a_key_file_never_reach_the_authorized_keys_line(
    ed25519: Made, options: str
) -> None:
    """Whether the file is refused or not, nothing from its options is written."""
    try:
        parsed = parse_public_key(f"{options} {ed25519.text}", "alice.pub")
    except BadInput:
        return
    assert parsed == PublicKey("ssh-ed25519", ed25519.blob)
    line = forced_line("alice", parsed, PROGRAM, HOME)
    assert line == (
        f'command="{PROGRAM} --home {HOME} session alice",restrict,pty '
        f"ssh-ed25519 {ed25519.blob} secure-records:alice"
    )
    for fragment in ("/bin/sh", "no-pty", "from=", "permitopen", "environment", "no-restrict"):
        assert fragment not in line


# ---------------------------------------------------------------- forced_line


def test_the_forced_line_has_exactly_our_format(ed25519: Made, key: PublicKey) -> None:
    line = forced_line("alice", key, PROGRAM, HOME)
    assert line == (
        f'command="{PROGRAM} --home {HOME} session alice",restrict,pty '
        f"ssh-ed25519 {ed25519.blob} secure-records:alice"
    )
    assert "\n" not in line
    command, rest = sshd_command(line)
    assert shlex.split(command) == [PROGRAM, "--home", HOME, "session", "alice"]
    assert rest == f",restrict,pty ssh-ed25519 {ed25519.blob} secure-records:alice"


@pytest.mark.parametrize("name", ["rsa", "ecdsa"])
def test_the_forced_line_carries_other_key_types_unchanged(
    keys: dict[str, Made], name: str
) -> None:
    made = keys[name]
    parsed = parse_public_key(made.text, "k")
    line = forced_line("bilal", parsed, PROGRAM, HOME)
    assert line.endswith(f",restrict,pty {made.kind} {made.blob} secure-records:bilal")
    assert key_of_line(line) == parsed


@pytest.mark.parametrize(
    "home",
    ["/srv/my vault", "/srv/vault $HOME `id`;rm -rf /", "/srv/a\tb", "/srv/Zoë vault"],
)
def test_a_home_with_spaces_or_shell_characters_is_quoted_into_one_word(
    key: PublicKey, home: str
) -> None:
    line = forced_line("alice", key, PROGRAM, home)
    command, rest = sshd_command(line)
    assert rest.startswith(",restrict,pty ssh-ed25519 ")
    words = shlex.split(command)
    assert len(words) == 5
    assert words == [PROGRAM, "--home", home, "session", "alice"]


def test_a_program_path_with_a_space_is_quoted_too(key: PublicKey) -> None:
    program = "/opt/secure records/bin/secure-records"
    command, _ = sshd_command(forced_line("alice", key, program, HOME))
    assert shlex.split(command) == [program, "--home", HOME, "session", "alice"]


def test_a_home_with_a_single_quote_is_refused_or_quoted_safely(key: PublicKey) -> None:
    home = "/srv/o'brien/vault"
    try:
        line = forced_line("alice", key, PROGRAM, home)
    except BadInput:
        return
    command, rest = sshd_command(line)
    assert rest.startswith(",restrict,pty ssh-ed25519 ")
    assert shlex.split(command) == [PROGRAM, "--home", home, "session", "alice"]


@pytest.mark.parametrize(
    "path",
    [
        "secure-records",
        "bin/secure-records",
        "./secure-records",
        "~/bin/secure-records",
        "",
        '/srv/a"b',
        '/srv/x",no-restrict,command="/bin/sh',
        "/srv/a\nb",
        "/srv/a\rb",
        "/srv/a\\b",
        "/srv/a\\",
    ],
)
@pytest.mark.parametrize("which", ["program", "home"])
def test_unsafe_or_relative_paths_are_refused(key: PublicKey, path: str, which: str) -> None:
    program, home = (path, HOME) if which == "program" else (PROGRAM, path)
    what = "program" if which == "program" else "vault home"
    with pytest.raises(BadInput, match=f"^The {what} path .* must be absolute"):
        forced_line("alice", key, program, home)


@pytest.mark.parametrize(
    "staff",
    [
        "alice bob",
        "../x",
        'alice"',
        "alice\n",
        "alice\nbob",
        "Alice",
        "",
        "1alice",
        "-alice",
        "alice;sh",
        "alice,no-restrict",
        "a" * 33,
    ],
)
def test_a_name_that_is_not_a_staff_name_is_refused(key: PublicKey, staff: str) -> None:
    with pytest.raises(BadInput, match="is not a staff name"):
        forced_line(staff, key, PROGRAM, HOME)


@pytest.mark.parametrize("staff", ["a", "bilal", "j.smith", "mary-jane", "ops_2", "a" * 32])
def test_every_staff_name_round_trips_through_ours(key: PublicKey, staff: str) -> None:
    line = forced_line(staff, key, PROGRAM, HOME)
    assert ours(line) == AuthorizedKey(staff, key)
    assert ours(line + "\n") == AuthorizedKey(staff, key)
    command, _ = sshd_command(line)
    assert shlex.split(command)[-2:] == ["session", staff]


# ---------------------------------------------------------------- ours / key_of_line


@pytest.mark.parametrize("name", ["ed25519", "rsa", "ecdsa"])
def test_ours_recognises_our_line_and_names_the_staff_member(
    keys: dict[str, Made], name: str
) -> None:
    parsed = parse_public_key(keys[name].text, "k")
    line = forced_line("lead", parsed, PROGRAM, "/srv/my vault") + "\n"
    found = ours(line)
    assert found == AuthorizedKey("lead", parsed)
    assert found is not None and found.key.fingerprint == keys[name].fingerprint


def test_ours_ignores_foreign_lines_comments_and_blank_lines(ed25519: Made) -> None:
    blob = ed25519.blob
    ours_line = forced_line("alice", PublicKey("ssh-ed25519", blob), PROGRAM, HOME)
    for line in [
        "",
        "\n",
        "   \n",
        "# secure-records:alice\n",
        f"# {ours_line}\n",
        f"#{ours_line}\n",
        f"ssh-ed25519 {blob} deploy@ci\n",
        f'command="/usr/bin/backup",no-pty ssh-ed25519 {blob} backup\n',
        f"ssh-ed25519 {blob}\n",
        # the mark somewhere in the comment other than at the start of its last word
        f"ssh-ed25519 {blob} copied from secure-records:alice yesterday\n",
        f"ssh-ed25519 {blob} old-secure-records:alice\n",
        # the mark with something that is not a staff name
        f"ssh-ed25519 {blob} secure-records:\n",
        f"ssh-ed25519 {blob} secure-records:Alice\n",
        f"ssh-ed25519 {blob} secure-records:../x\n",
        # the mark, but no key
        'command="x" secure-records:alice\n',
        "ssh-ed25519 not*base64 secure-records:alice\n",
    ]:
        assert ours(line) is None, line


def test_key_of_line_finds_the_key_on_any_line(keys: dict[str, Made]) -> None:
    ed, rsa = keys["ed25519"], keys["rsa"]
    expected = PublicKey("ssh-ed25519", ed.blob)
    assert key_of_line(ed.text) == expected
    assert key_of_line(f"  {ed.kind} {ed.blob}  \n") == expected
    quoted = f'command="/usr/bin/rsync --server -e.LsfxC . /backups",from="10.0.0.1" {ed.text}'
    assert key_of_line(quoted) == expected
    assert key_of_line(f"{ed.kind} {ed.blob} bob's laptop (no closing quote)\n") == expected
    assert key_of_line(forced_line("alice", expected, PROGRAM, "/srv/a b")) == expected
    assert key_of_line(rsa.text) == PublicKey("ssh-rsa", rsa.blob)


@pytest.mark.parametrize(
    "line",
    ["", "\n", "# just a note\n", "   # indented note\n", "garbage\n", "ssh-ed25519 ***\n"],
)
def test_key_of_line_finds_nothing_on_lines_without_a_key(line: str) -> None:
    assert key_of_line(line) is None


def test_a_commented_out_key_is_not_a_key(ed25519: Made) -> None:
    assert key_of_line(f"# {ed25519.text}") is None
    assert key_of_line(f"#{ed25519.text}") is None
