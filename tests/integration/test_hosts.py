"""Several app hosts, one key (issue 21): `key export-to-host` seals this host's key
versions under a one-time passphrase shown once, `key import` installs them on
another host's keyring, `hosts` lists who has opened the vault with which versions,
and with several hosts `key rotate` stages a version that `key rotate --commit`
uses only once every host holds it.

Two hosts on one machine: two keyring files (tests/support/file_keyring.py) and two
names (SECURE_RECORDS_HOST_NAME)."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import keyring
import pytest

from secure_records.admin import Administration
from secure_records.core.errors import VaultError
from secure_records.core.log_actions import LogAction
from secure_records.session import Session
from secure_records.vault.envelope import new_key
from secure_records.vault.hosts import HOST_NAME_ENV
from secure_records.vault.kek import KeyEncryptionKeys
from secure_records.vault.rows import HostRow
from secure_records.vault.sqlite.hosts import HostTable
from tests.integration.test_recovery import init
from tests.support.file_keyring import FileKeyring
from tests.support.in_process import Cli, Out, no_traceback
from tests.support.raw_db import behind_the_back, own_database

KEYRING_FILE = "SECURE_RECORDS_TEST_KEYRING_FILE"
PASS_LINE = "Passphrase: "
LONG_AGO = "2026-01-01T00:00:00+00:00"


@dataclass
class Hosts:
    """One vault, two hosts: A made it; B's keyring starts empty."""

    home: Path
    tmp: Path
    monkeypatch: pytest.MonkeyPatch

    def keyring_of(self, host: str) -> Path:
        return self.tmp / f"keyring-{host}.json"

    def be(self, host: str) -> None:
        """The processes that follow run on `host`."""
        self.monkeypatch.setenv(KEYRING_FILE, str(self.keyring_of(host)))
        self.monkeypatch.setenv(HOST_NAME_ENV, host)

    def entries(self, host: str) -> dict[str, str]:
        path = self.keyring_of(host)
        found: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
        return found


@pytest.fixture
def hosts(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Hosts]:
    monkeypatch.setenv("SECURE_RECORDS_ALLOW_INSECURE_KEYRING", "1")
    made = Hosts(tmp_path / "vault", tmp_path, monkeypatch)
    made.keyring_of("host-b").write_text("{}")
    made.be("host-a")
    previous = keyring.get_keyring()
    keyring.set_keyring(FileKeyring())
    init(cli, made.home)
    yield made
    keyring.set_keyring(previous)


def ok(result: Out) -> Out:
    no_traceback(result)
    assert result.code == 0, result
    return result


def refused_in_one_sentence(result: Out) -> str:
    no_traceback(result)
    assert result.code != 0, result
    assert len(result.problems) == 1, result
    return result.problems[0]


def export(cli: Cli, home: Path, target: Path) -> str:
    """Export to `target`; the passphrase shown."""
    out = ok(cli("key", "export-to-host", target, home=home)).out
    [passphrase] = [line.removeprefix(PASS_LINE) for line in out.splitlines() if PASS_LINE in line]
    return passphrase


def carry_to_host_b(cli: Cli, hosts: Hosts, name: str) -> str:
    """Export on host-a to a file called `name`, import it on host-b, back on host-a;
    what the import said."""
    target = hosts.tmp / name
    passphrase = export(cli, hosts.home, target)
    hosts.be("host-b")
    said = ok(cli("key", "import", target, home=hosts.home, stdin=passphrase + "\n")).out
    hosts.be("host-a")
    return said


def logged(home: Path, action: LogAction) -> list[dict[str, object]]:
    with Administration.open(home, any_policy=True) as admin:
        return [e.details for e in admin.vault.log.entries(personal=False) if e.action == action]


def host_rows(cli: Cli, home: Path) -> dict[str, dict[str, object]]:
    out = ok(cli("hosts", "--json", home=home)).out
    return {row["name"]: row for row in json.loads(out)["hosts"]}


def opens(home: Path) -> bool:
    try:
        with Session.open("lead", home) as lead:
            return len(list(lead.records.matching())) == 3
    except VaultError:
        return False


def test_export_writes_a_private_file_and_shows_the_passphrase_once(cli: Cli, hosts: Hosts) -> None:
    target = hosts.tmp / "transfer.key"
    result = ok(cli("key", "export-to-host", target, home=hosts.home))
    [passphrase] = [
        line.removeprefix(PASS_LINE) for line in result.out.splitlines() if PASS_LINE in line
    ]
    assert result.out.count(passphrase) == 1
    assert "shown only this once" in result.out and "another channel" in result.out
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    text = target.read_text()
    assert passphrase not in text
    # Opaque: neither the vault's id nor any key's bytes are in the clear.
    with Administration.open(hosts.home) as admin:
        assert admin.vault_id not in text
    for encoded in hosts.entries("host-a").values():
        assert encoded not in text
    [entry] = logged(hosts.home, LogAction.KEYS_EXPORTED)
    assert entry["versions"] == [1]
    secret = passphrase.replace("-", "")
    for stored in hosts.home.iterdir():
        if stored.is_file():
            data = stored.read_bytes()
            assert passphrase.encode() not in data and secret.encode() not in data, stored


def test_export_refuses_an_existing_path_and_leaves_it(cli: Cli, hosts: Hosts) -> None:
    target = hosts.tmp / "already.key"
    target.write_text("someone else's file")
    sentence = refused_in_one_sentence(cli("key", "export-to-host", target, home=hosts.home))
    assert "already a file" in sentence
    assert target.read_text() == "someone else's file"
    assert logged(hosts.home, LogAction.KEYS_EXPORTED) == []


def test_no_command_takes_the_passphrase_on_the_command_line(cli: Cli, hosts: Hosts) -> None:
    target = hosts.tmp / "transfer.key"
    export(cli, hosts.home, target)
    for extra in ("--passphrase", "--pass"):
        result = cli("key", "import", target, extra, "X", home=hosts.home)
        assert result.code == 2, result


def test_import_on_a_second_host_then_it_opens_the_vault(cli: Cli, hosts: Hosts) -> None:
    target = hosts.tmp / "transfer.key"
    passphrase = export(cli, hosts.home, target)
    hosts.be("host-b")
    assert not opens(hosts.home)
    result = ok(cli("key", "import", target, home=hosts.home, stdin=passphrase + "\n"))
    assert passphrase not in result.out + result.err
    assert hosts.entries("host-b") == hosts.entries("host-a")
    assert opens(hosts.home)
    [entry] = logged(hosts.home, LogAction.KEYS_IMPORTED)
    assert entry["versions"] == [1] and entry["from_host"] == "host-a"
    log_bytes = b"".join(p.read_bytes() for p in hosts.home.iterdir() if p.is_file())
    assert passphrase.encode() not in log_bytes
    # Again: nothing missing, nothing changed, nothing logged.
    again = ok(cli("key", "import", target, home=hosts.home, stdin=passphrase + "\n"))
    assert "nothing was changed" in again.out
    assert len(logged(hosts.home, LogAction.KEYS_IMPORTED)) == 1


def test_hosts_lists_both_with_their_versions(cli: Cli, hosts: Hosts) -> None:
    carry_to_host_b(cli, hosts, "transfer.key")
    hosts.be("host-b")
    rows = host_rows(cli, hosts.home)
    assert sorted(rows) == ["host-a", "host-b"]
    assert rows["host-a"]["versions"] == [1] and rows["host-b"]["versions"] == [1]
    for row in rows.values():
        assert str(row["first_seen"]) <= str(row["last_seen"])
    text = ok(cli("hosts", home=hosts.home)).out
    assert "host-a: key 1" in text and "host-b (this host): key 1" in text


def import_refusal(cli: Cli, hosts: Hosts, target: Path, passphrase: str) -> str:
    hosts.be("host-b")
    before = hosts.entries("host-b")
    result = cli("key", "import", target, home=hosts.home, stdin=passphrase + "\n")
    sentence = refused_in_one_sentence(result)
    assert "nothing was changed" in sentence
    assert hosts.entries("host-b") == before
    assert not opens(hosts.home)
    return sentence


def test_a_wrong_passphrase_is_refused(cli: Cli, hosts: Hosts) -> None:
    first, second = hosts.tmp / "one.key", hosts.tmp / "two.key"
    export(cli, hosts.home, first)
    other = export(cli, hosts.home, second)
    assert "does not open" in import_refusal(cli, hosts, first, other)


def test_a_mistyped_passphrase_is_told_apart(cli: Cli, hosts: Hosts) -> None:
    target = hosts.tmp / "transfer.key"
    passphrase = export(cli, hosts.home, target)
    typo = ("B" if passphrase[0] != "B" else "C") + passphrase[1:]
    assert "mistyped" in import_refusal(cli, hosts, target, typo)


@pytest.mark.parametrize("damage", ["truncated", "flipped", "not-json", "other-format"])
def test_a_damaged_file_is_refused(cli: Cli, hosts: Hosts, damage: str) -> None:
    target = hosts.tmp / "transfer.key"
    passphrase = export(cli, hosts.home, target)
    text = target.read_text()
    found = json.loads(text)
    if damage == "truncated":
        target.write_text(text[: len(text) // 2])
    elif damage == "flipped":
        sealed = found["sealed"]
        found["sealed"] = sealed[:20] + ("A" if sealed[20] != "A" else "B") + sealed[21:]
        target.write_text(json.dumps(found))
    elif damage == "not-json":
        target.write_bytes(b"\xff\x00 not a transfer file")
    else:
        found["version"] = 99
        target.write_text(json.dumps(found))
    sentence = import_refusal(cli, hosts, target, passphrase)
    expected = "does not open" if damage == "flipped" else "damaged"
    assert expected in sentence


def test_another_vaults_file_is_refused(
    cli: Cli, hosts: Hosts, request: pytest.FixtureRequest
) -> None:
    other_home = hosts.tmp / "other-vault"
    with own_database(request):
        init(cli, other_home)
    target = hosts.tmp / "other.key"
    passphrase = export(cli, other_home, target)
    assert "another vault" in import_refusal(cli, hosts, target, passphrase)


def test_a_file_made_before_a_rotation_is_refused(cli: Cli, hosts: Hosts) -> None:
    target = hosts.tmp / "stale.key"
    passphrase = export(cli, hosts.home, target)
    ok(cli("key", "rotate", home=hosts.home))  # host-a alone: rotated at once
    assert "made before a rotation" in import_refusal(cli, hosts, target, passphrase)


def test_a_different_key_already_in_the_keyring_is_never_overwritten(
    cli: Cli, hosts: Hosts
) -> None:
    target = hosts.tmp / "transfer.key"
    passphrase = export(cli, hosts.home, target)
    [(name, _)] = hosts.entries("host-a").items()
    hosts.keyring_of("host-b").write_text(json.dumps({name: "A" * 43 + "="}))
    assert "not overwritten" in import_refusal(cli, hosts, target, passphrase)


def test_opening_writes_the_host_row_only_when_it_changed(
    cli: Cli, hosts: Hosts, monkeypatch: pytest.MonkeyPatch
) -> None:
    writes: list[str] = []
    put = HostTable.put

    def counted(self: HostTable, row: HostRow) -> None:
        writes.append(row.name)
        put(self, row)

    monkeypatch.setattr(HostTable, "put", counted)
    assert opens(hosts.home)
    assert opens(hosts.home)
    # init's own opening registered host-a already: nothing changed since.
    assert writes == []
    with behind_the_back(hosts.home) as db:
        db.execute("UPDATE hosts SET first_seen = ?, last_seen = ?", (LONG_AGO, LONG_AGO))
    writes.clear()
    assert opens(hosts.home)
    assert writes == ["host-a"]  # last seen on another day: once
    assert opens(hosts.home)
    assert writes == ["host-a"]
    row_now = host_rows(cli, hosts.home)["host-a"]
    assert row_now["first_seen"] == LONG_AGO
    assert str(row_now["last_seen"]) > LONG_AGO


def test_alone_key_rotate_still_rotates_at_once(cli: Cli, hosts: Hosts) -> None:
    out = ok(cli("key", "rotate", home=hosts.home)).out
    assert "rotated to version 2" in out
    assert opens(hosts.home)
    assert host_rows(cli, hosts.home)["host-a"]["versions"] == [1, 2]


def test_rotation_waits_until_every_host_holds_the_staged_version(cli: Cli, hosts: Hosts) -> None:
    carry_to_host_b(cli, hosts, "first.key")
    staged = ok(cli("key", "rotate", home=hosts.home)).out
    assert "version 2 is staged" in staged and "host-b" in staged
    [entry] = logged(hosts.home, LogAction.KEY_STAGED)
    assert entry["version"] == 2 and entry["other_hosts"] == ["host-b"]
    assert len(hosts.entries("host-a")) == 2
    with Administration.open(hosts.home) as admin:
        assert admin.vault.kek_version == 1  # nothing re-wrapped yet
    hosts.be("host-b")
    assert opens(hosts.home)  # B still opens the vault

    hosts.be("host-a")
    again = refused_in_one_sentence(cli("key", "rotate", home=hosts.home))
    assert "already staged" in again
    refusal = refused_in_one_sentence(cli("key", "rotate", "--commit", home=hosts.home))
    assert "host-b lacks it" in refusal and "host-a" not in refusal
    assert "export it with" in refusal
    with Administration.open(hosts.home) as admin:
        assert admin.vault.kek_version == 1
    hosts.be("host-b")  # the host that lacks it is told to import, not to export
    there = refused_in_one_sentence(cli("key", "rotate", "--commit", home=hosts.home))
    assert "host-b lacks it" in there and "import it here" in there
    hosts.be("host-a")

    imported = carry_to_host_b(cli, hosts, "second.key")
    assert "version 2 of this vault put into" in imported
    assert host_rows(cli, hosts.home)["host-b"]["versions"] == [1, 2]
    done = ok(cli("key", "rotate", "--commit", home=hosts.home)).out
    assert "rotated to version 2" in done
    for host in ("host-a", "host-b"):
        hosts.be(host)
        assert opens(hosts.home), host
    assert [e["to_version"] for e in logged(hosts.home, LogAction.KEY_ROTATED)] == [2]


def test_commit_with_nothing_staged_is_refused(cli: Cli, hosts: Hosts) -> None:
    sentence = refused_in_one_sentence(cli("key", "rotate", "--commit", home=hosts.home))
    assert "nothing to commit" in sentence


def test_a_retired_host_can_be_forgotten_so_a_commit_stops_waiting(cli: Cli, hosts: Hosts) -> None:
    carry_to_host_b(cli, hosts, "transfer.key")
    ok(cli("key", "rotate", home=hosts.home))
    assert "host-b" in refused_in_one_sentence(cli("key", "rotate", "--commit", home=hosts.home))
    assert (
        "no host called"
        in refused_in_one_sentence(cli("hosts", "--forget", "host-z", home=hosts.home)).lower()
    )
    assert "cannot be forgotten" in refused_in_one_sentence(
        cli("hosts", "--forget", "host-a", home=hosts.home)
    )
    assert "no longer listed" in ok(cli("hosts", "--forget", "host-b", home=hosts.home)).out
    assert sorted(host_rows(cli, hosts.home)) == ["host-a"]
    assert [e["host"] for e in logged(hosts.home, LogAction.HOST_FORGOTTEN)] == ["host-b"]
    assert "rotated to version 2" in ok(cli("key", "rotate", "--commit", home=hosts.home)).out


def vault_id_of(home: Path) -> str:
    with Administration.open(home, any_policy=True) as admin:
        return admin.vault_id


def test_commit_waits_for_a_host_whose_keyring_holds_a_different_key_at_that_version(
    cli: Cli, hosts: Hosts
) -> None:
    carry_to_host_b(cli, hosts, "transfer.key")
    vault_id = vault_id_of(hosts.home)
    # A leftover entry at the number the rotation will stage (a restored copy rotated).
    hosts.be("host-b")
    KeyEncryptionKeys(vault_id).store(2, new_key())
    hosts.be("host-a")
    assert "version 2 is staged" in ok(cli("key", "rotate", home=hosts.home)).out
    hosts.be("host-b")
    assert opens(hosts.home)
    assert host_rows(cli, hosts.home)["host-b"]["versions"] == [1]
    hosts.be("host-a")
    refusal = refused_in_one_sentence(cli("key", "rotate", "--commit", home=hosts.home))
    assert "host-b lacks it" in refusal
    with Administration.open(hosts.home) as admin:
        assert admin.vault.kek_version == 1
    # Once the leftover is gone and the staged key imported, host-b counts as holding it.
    hosts.be("host-b")
    KeyEncryptionKeys(vault_id).delete(2)
    hosts.be("host-a")
    carry_to_host_b(cli, hosts, "second.key")
    assert host_rows(cli, hosts.home)["host-b"]["versions"] == [1, 2]
    assert "rotated to version 2" in ok(cli("key", "rotate", "--commit", home=hosts.home)).out
    for host in ("host-a", "host-b"):
        hosts.be(host)
        assert opens(hosts.home), host


def test_commit_refuses_when_this_hosts_own_staged_entry_was_replaced(
    cli: Cli, hosts: Hosts
) -> None:
    carry_to_host_b(cli, hosts, "first.key")
    ok(cli("key", "rotate", home=hosts.home))
    carry_to_host_b(cli, hosts, "second.key")
    KeyEncryptionKeys(vault_id_of(hosts.home)).store(2, new_key())  # on host-a
    refusal = refused_in_one_sentence(cli("key", "rotate", "--commit", home=hosts.home))
    assert "host-a lacks it" in refusal and "host-b" not in refusal
    with Administration.open(hosts.home) as admin:
        assert admin.vault.kek_version == 1
    hosts.be("host-b")
    assert opens(hosts.home)


def test_a_committed_version_counts_only_if_its_key_matches_the_vaults(
    cli: Cli, hosts: Hosts
) -> None:
    ok(cli("key", "rotate", home=hosts.home))  # host-a alone: rotated to 2
    KeyEncryptionKeys(vault_id_of(hosts.home)).store(1, new_key())
    assert opens(hosts.home)
    assert host_rows(cli, hosts.home)["host-a"]["versions"] == [2]
    # Nor is a key that matches nothing carried to another host.
    target = hosts.tmp / "transfer.key"
    export(cli, hosts.home, target)
    assert logged(hosts.home, LogAction.KEYS_EXPORTED)[-1]["versions"] == [2]


def test_two_hosts_staging_at_once_stage_one_version(
    cli: Cli, hosts: Hosts, monkeypatch: pytest.MonkeyPatch
) -> None:
    carry_to_host_b(cli, hosts, "transfer.key")
    free_version = KeyEncryptionKeys.free_version
    raced: list[Out] = []
    started: list[bool] = []

    def host_b_stages_meanwhile(self: KeyEncryptionKeys, after: int) -> int:
        # Host-a has found nothing staged; host-b stages before host-a takes the lock.
        if not started:
            started.append(True)
            hosts.be("host-b")
            raced.append(cli("key", "rotate", home=hosts.home))
            hosts.be("host-a")
        return free_version(self, after)

    monkeypatch.setattr(KeyEncryptionKeys, "free_version", host_b_stages_meanwhile)
    sentence = refused_in_one_sentence(cli("key", "rotate", home=hosts.home))
    assert "already staged" in sentence
    assert "version 2 is staged" in ok(raced[0]).out
    [entry] = logged(hosts.home, LogAction.KEY_STAGED)
    assert entry["other_hosts"] == ["host-a"]
    assert len(hosts.entries("host-a")) == 1  # host-a's own key for 2 never went in
    # The one staged is host-b's: carried to host-a, it commits there.
    hosts.be("host-b")
    passphrase = export(cli, hosts.home, hosts.tmp / "staged.key")
    hosts.be("host-a")
    stdin = passphrase + "\n"
    ok(cli("key", "import", hosts.tmp / "staged.key", home=hosts.home, stdin=stdin))
    assert "rotated to version 2" in ok(cli("key", "rotate", "--commit", home=hosts.home)).out
    for host in ("host-a", "host-b"):
        hosts.be(host)
        assert opens(hosts.home), host
