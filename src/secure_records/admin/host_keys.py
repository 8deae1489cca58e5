"""Several app hosts, one key (issue 21): the key's versions carried to another host
in a transfer file, the hosts that have opened the vault, and a rotation staged on
one host and committed once every registered host holds the new version.

The transfer file's passphrase is returned once for the command to show; it is never
logged or stored. The log names versions and hosts only.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from secure_records.admin.administration import HOST_ROLE, Administration
from secure_records.core.errors import BadInput, SecureRecordsError, VaultError
from secure_records.core.log_actions import LogAction
from secure_records.core.progress import Progress, no_progress
from secure_records.vault.envelope import new_key
from secure_records.vault.home import VaultPaths, resolve_home
from secure_records.vault.hosts import (
    CHECK_KEY,
    STAGED_KEY,
    held_keks,
    host_name,
    key_check,
    lacking,
    register_host,
    staged_check,
    staged_version,
)
from secure_records.vault.kek import KeyEncryptionKeys
from secure_records.vault.key_transfer import MAX_BYTES, Transfer, open_transfer, seal_transfer
from secure_records.vault.private_files import write_private_file
from secure_records.vault.recovery import (
    install_keks_into_keyring,
    kek_version_rows,
    missing_from_keyring,
    vault_id_at,
)
from secure_records.vault.rows import HostRow
from secure_records.vault.store import Store
from secure_records.vault.vault import now_utc

OTHER_VAULT = "That transfer file holds another vault's keys, not this one's; nothing was changed."


@dataclass(frozen=True)
class Exported:
    versions: list[int]
    passphrase: str  # to be shown once, and never again


def export_to_host(admin: Administration, target: Path) -> Exported:
    """Every version this host's keyring holds, sealed into a new 0600 file at
    `target` (never over an existing one), logged; the one-time passphrase."""
    vault = admin.vault
    keks = held_keks(vault)
    text, passphrase = seal_transfer(Transfer(vault.vault_id, keks, host_name(), now_utc()))
    with admin.recorded(LogAction.KEYS_EXPORTED, versions=sorted(keks), file=str(target)):
        # In the body: if the log cannot take the entry, no file is written.
        try:
            write_private_file(target, text, durable=True)
        except FileExistsError:
            raise BadInput(
                f"There is already a file at {target}; give a new file's name, so that "
                "nothing is overwritten (nothing was written)."
            ) from None
        except OSError as exc:
            raise VaultError(
                f"The transfer file {target} cannot be written ({exc.strerror}); nothing was "
                "written."
            ) from None
    return Exported(sorted(keks), passphrase)


@dataclass(frozen=True)
class Imported:
    vault_id: str
    versions: list[int]  # every version the file carried for this vault
    put_in: list[int]  # those this host's keyring lacked, now in it
    keyring: str


def read_transfer_file(source: Path) -> bytes:
    try:
        with source.open("rb") as handle:
            return handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise VaultError(
            f"The transfer file {source} cannot be read ({exc.strerror}); nothing was changed."
        ) from None


def import_keys(
    home: str | os.PathLike[str] | VaultPaths | None, source: Path, passphrase: str
) -> Imported:
    """The versions a transfer file carries for this vault that this host's keyring
    lacks, put into it, then logged through the vault they open; a version already
    there with other material is refused, never overwritten. Any refusal (wrong
    passphrase, damaged file, another vault's) changes nothing."""
    paths = home if isinstance(home, VaultPaths) else resolve_home(home)
    transfer = open_transfer(read_transfer_file(source), passphrase)
    vault_id = vault_id_at(paths)
    if transfer.vault_id != vault_id:
        raise VaultError(OTHER_VAULT)
    # A version retired since the file was made stays out of every keyring.
    made = kek_version_rows(paths)
    retired = {row.version for row in made if row.retired_at is not None}
    keks = {v: k for v, k in transfer.keks.items() if v not in retired}
    current = max(row.version for row in made)
    if current not in keks and not KeyEncryptionKeys(vault_id).holds(current):
        raise VaultError(
            f"That transfer file lacks the vault's current key version ({current}): it was "
            "made before a rotation, so export a new one on a host that opens the vault; "
            "nothing was changed."
        )
    missing = missing_from_keyring(paths, keks)
    backend = install_keks_into_keyring(paths, {v: keks[v] for v in missing})
    if not missing:
        return Imported(vault_id, sorted(keks), [], backend)
    try:
        # Opening registers this host with its new versions.
        with Administration.open(paths, any_policy=True) as admin:
            admin.log(LogAction.KEYS_IMPORTED, versions=missing, from_host=transfer.from_host)
    except BaseException:
        # Fail closed: keys that cannot be logged as imported are not left behind.
        keys = KeyEncryptionKeys(vault_id)
        for version in missing:
            with contextlib.suppress(SecureRecordsError):
                keys.delete(version)
        raise
    return Imported(vault_id, sorted(keks), missing, backend)


@dataclass(frozen=True)
class Hosts:
    rows: list[HostRow]
    current: int  # the vault's key version
    staged: int | None  # a version staged and not committed yet
    here: str  # this host's name


def hosts(admin: Administration) -> Hosts:
    """The hosts that have opened the vault and the versions each held when last seen."""
    store = admin.vault.store
    return Hosts(store.hosts(), admin.vault.kek_version, staged_version(store), host_name())


def forget_host(admin: Administration, name: str) -> None:
    """A host taken out of the list (retired, or renamed), logged, so that a commit no
    longer waits for it; if it opens the vault again it is registered again."""
    store = admin.vault.store
    if name == host_name():
        raise BadInput(
            "This host registers itself again whenever it opens the vault, so it cannot be "
            "forgotten from here; run the command on another host. Nothing was changed."
        )
    with admin.recorded(LogAction.HOST_FORGOTTEN, host=name):
        if not store.forget_host(name):
            raise BadInput(
                f"No host called {name!r} has opened this vault ('secure-records hosts' lists "
                "them); nothing was changed."
            )


@dataclass(frozen=True)
class Rotation:
    version: int
    staged: bool  # staged here, to be exported and committed; else rotated to it now
    others: list[str]  # the other registered hosts, which need it before the commit


def rotate_or_stage(admin: Administration, progress: Progress = no_progress) -> Rotation:
    """With this host alone registered, rotate now (as a single host always has). With
    others, stage a new version: made in this host's keyring and recorded in the vault
    as staged (logged), to be exported to them before `commit_rotation`."""
    vault = admin.vault
    store = vault.store
    here = host_name()
    others = [host.name for host in store.hosts() if host.name != here]
    if not others:
        return Rotation(admin.rotate_key(progress), False, [])
    _refuse_a_second(store)
    keys = KeyEncryptionKeys(vault.vault_id)
    newest = max([vault.kek_version, *(row.version for row in store.kek_versions())])
    version = keys.free_version(newest)
    kek = new_key()
    check = key_check(vault.vault_id, version, kek)
    stored = False
    try:
        with admin.recorded(LogAction.KEY_STAGED, version=version, other_hosts=others):
            # Under the head lock: another host may have staged since the look above.
            _refuse_a_second(store)
            if keys.holds(version):
                raise VaultError(
                    f"Key-encryption key version {version} was put into the keyring meanwhile "
                    "(by a copy of this vault); nothing was changed. Try again."
                )
            keys.store(version, kek)
            stored = True
            store.set_meta(STAGED_KEY, str(version))
            store.set_meta(CHECK_KEY, check)
    except BaseException:
        # Rolled back (not committed): the key stored is nobody's; take it out.
        if stored:
            with contextlib.suppress(SecureRecordsError):
                if staged_check(store) != check:
                    keys.delete(version)
        raise
    register_host(vault)  # this host now holds it
    return Rotation(version, True, others)


def _refuse_a_second(store: Store) -> None:
    already = staged_version(store)
    if already is not None:
        raise BadInput(
            f"Key version {already} is already staged: export it to the other hosts, import "
            "it there, then run 'secure-records key rotate --commit'; nothing was changed."
        )


def commit_rotation(admin: Administration, progress: Progress = no_progress) -> int:
    """The staged version made the vault's key (every wrapped key re-wrapped under
    it), only once every registered host holds it (its key, not just an entry under
    its number); the new version."""
    vault = admin.vault
    staged = staged_version(vault.store)
    if staged is None:
        raise BadInput(
            "No new key version is staged, so there is nothing to commit: run "
            "'secure-records key rotate' first."
        )
    register_host(vault)  # this host's own row as it is now
    missing = lacking(vault.store, staged)
    here = host_name()
    if here not in missing and staged not in held_keks(vault):
        # Its row may be stale (a write that failed): the keyring itself, checked again.
        missing.insert(0, here)
    if missing:
        # Said as this host can act on it: export from here, or import here.
        how = (
            "import it here with 'secure-records key import FILE' from a file exported on a "
            "host that holds it"
            if here in missing
            else "export it with 'secure-records key export-to-host FILE', import it there"
        )
        raise VaultError(
            f"Not every host holds the new key version yet ({', '.join(missing)} "
            f"{'lacks' if len(missing) == 1 else 'lack'} it): {how}, then commit again; "
            "nothing was changed."
        )
    return vault.rotate_kek(admin.actor, HOST_ROLE, progress, staged=staged)
