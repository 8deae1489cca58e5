"""A second reading of issue 20's backups, as an attacker who can write files would.

A backup's header is read before anything authenticates it: what it says reaches no
terminal raw and no internal error. A restore that fails leaves no keys behind in the
keyring and nothing in the home it was given.
"""

from __future__ import annotations

import base64
import json
import struct
from pathlib import Path

import pytest

from secure_records.core.errors import VaultError
from secure_records.vault.backup_format import FORMAT_VERSION, MAGIC
from secure_records.vault.recovery_code import _derive, new_code
from tests.integration.test_disposal_cli import adult_row, approve, import_rows, propose
from tests.integration.test_restore_drill import Host, backed_up, host, restore_with
from tests.support.in_process import Cli

# Backups on PostgreSQL are the server's own (pg_dump, base backups): `backup create`
# refuses there (tests/integration/test_postgres_vault.py).
pytestmark = pytest.mark.not_on_postgres

__all__ = ["host"]  # the fixture, used by name

B64 = base64.b64encode(b"\0" * 40).decode()


def forged(path: Path, header: object) -> Path:
    body = header if isinstance(header, bytes) else json.dumps(header).encode()
    path.write_bytes(MAGIC + bytes([FORMAT_VERSION]) + struct.pack(">I", len(body)) + body)
    return path


def header(vault: str = "v1", kdf: str = "scrypt:n=16384:r=8:p=1") -> dict[str, object]:
    slot = {"set_at": "2026-12-05", "kdf": kdf, "salt": B64, "wrapped_root": B64}
    return {
        "vault": vault,
        "kek_version": 1,
        "wrapped_key": B64,
        "prefix": "00" * 7,
        "recovery": {**slot, "wrapped_key": B64},
    }


def test_a_forged_headers_words_reach_the_terminal_as_text_never_as_controls(
    cli: Cli, host: Host, tmp_path: Path
) -> None:
    path = forged(tmp_path / "a.backup", header(vault="v\x1b]0;PWNED\x07\x1b[2J"))
    done = cli("backup", "verify", path)
    assert done.code == 1 and "PWNED" in done.err, done  # named, as text
    assert "\x1b" not in done.err and "\x07" not in done.err, done.err
    assert "Traceback" not in done.err and "internal error" not in done.err


@pytest.mark.parametrize(
    "kdf", ["scrypt:n=3:r=8:p=1", "scrypt:n=1073741824:r=8:p=1", "scrypt:n=16384:r=64:p=1"]
)
def test_key_derivation_settings_from_a_forged_header_are_refused_in_one_sentence(
    cli: Cli, tmp_path: Path, kdf: str
) -> None:
    path = forged(tmp_path / "a.backup", header(kdf=kdf))
    done = cli("backup", "verify", path, "--recovery-code", stdin=new_code() + "\n")
    assert done.code in (1, 2) and len(done.problems) == 1, done
    assert "internal error" not in done.err


def test_a_header_nested_too_deep_is_damaged_not_an_internal_error(
    cli: Cli, host: Host, tmp_path: Path
) -> None:
    path = forged(tmp_path / "a.backup", b"[" * 60000)
    done = cli("backup", "verify", path)
    assert done.code == 1 and "header is damaged" in done.err, done
    assert "internal error" not in done.err


def test_key_settings_are_bounded_before_any_derivation() -> None:
    with pytest.raises(VaultError, match="damaged or not this release's"):
        _derive("code", b"salt" * 4, "scrypt:n=3:r=8:p=1")
    with pytest.raises(VaultError, match="damaged or not this release's"):
        _derive("code", b"salt" * 4, "scrypt:n=2097152:r=8:p=1")


def test_a_restore_that_fails_at_the_last_step_takes_its_keys_out_of_the_keyring(
    cli: Cli, host: Host, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = backed_up(cli, host, tmp_path)
    fresh = host.lose_keyring(monkeypatch)
    target = tmp_path / "empty"
    target.mkdir()

    def fail(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("secure_records.admin.backup.move_into_place", fail)
    done = restore_with(cli, path, target, host.code)
    assert done.code == 1 and "No space left on device" in done.err, done
    assert "nothing was restored" in done.err and "internal error" not in done.err
    assert json.loads(fresh.read_text()) == {}  # the keys it put in are out again
    assert list(target.iterdir()) == []  # the empty home given is as it was


@pytest.mark.parametrize("cut", ["deleted", "last newline stripped", "a copy from before"])
def test_a_ledger_cut_short_beside_the_live_vault_refuses_the_restore(
    cli: Cli, home: Path, tmp_path: Path, cut: str
) -> None:
    """Review of issue 20: the ledger's lines are chained, but a ledger with lines cut off
    its end, or none at all, still verified: R-0100, disposed of, came back."""
    import_rows(home, tmp_path, [adult_row("R-0100"), adult_row("R-0101")])
    path = tmp_path / "vault.backup"
    assert cli("backup", "create", path, home=home).code == 0
    ledger = home / "disposals.ledger"
    approve(home, propose(home, "R-0101"))
    assert cli("disposal", "run", home=home).code == 0
    older = tmp_path / "older.ledger"
    older.write_bytes(ledger.read_bytes())
    approve(home, propose(home, "R-0100"))
    assert cli("disposal", "run", home=home).code == 0
    given: list[str | Path] = []
    if cut == "deleted":
        ledger.unlink()
    elif cut == "last newline stripped":
        ledger.write_bytes(ledger.read_bytes()[:-1])
    else:
        given = ["--ledger", older]
    target = tmp_path / "restored"
    done = cli("backup", "restore", path, "--home", target, *given, home=home)
    assert done.code == 1 and len(done.problems) == 1, done
    assert "cut short or replaced" in done.err and "Nothing was restored" in done.err
    assert not target.exists()
