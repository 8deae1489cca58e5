"""The host's backups: taking one (logged), checking one, and restoring one into a
new home, where every disposal certified after it was taken is carried out again.

A restore never overwrites a vault. It unpacks into a private directory inside the
new home, checks the log and every sealed row there, records the restore in the
log, disposes again of each record the disposal ledger (vault/ledger.py) says was
disposed of since, and only then moves the files into place, the database last: a
restore stopped at any point leaves no vault that a session could open.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, replace
from datetime import date
from pathlib import Path

from secure_records.admin.administration import Administration
from secure_records.admin.restore_home import RESTORING, move_into_place, refuse_live, undo
from secure_records.admin.row_sealing import verify_vault
from secure_records.admin.up_to_date import bring_up, policy_additions
from secure_records.core.dates import uk_date
from secure_records.core.errors import BadInput, PolicyError, VaultError
from secure_records.core.log_actions import LogAction
from secure_records.core.progress import Progress, no_progress
from secure_records.core.statuses import DisposalStatus
from secure_records.vault import backup, schema
from secure_records.vault.backup_format import BackupUnreadable
from secure_records.vault.disposal import ERASED
from secure_records.vault.home import VaultPaths, resolve_home
from secure_records.vault.kek import KeyEncryptionKeys
from secure_records.vault.ledger import LedgerEntry, LedgerError
from secure_records.vault.log import RESTORES_META
from secure_records.vault.log_chain import b64
from secure_records.vault.policy_files import read_policy_files
from secure_records.vault.private_files import make_private_dir
from secure_records.vault.recovery import (
    install_keks_into_keyring,
    kek_version_rows,
    keks_from_recovery_code,
    missing_from_keyring,
    vault_id_at,
)
from secure_records.vault.recovery_code import code_secret
from secure_records.vault.schema import Migration

REAPPLIED = ERASED + "; carried out again after a restore from a backup taken before it"


@dataclass(frozen=True)
class BackupSummary:
    """What a backup holds: counts and references, never a value."""

    backup_id: str
    taken_at: str
    records: int
    log_seq: int
    kek_version: int
    size: int
    # The migrations its vault lacked (an older release's): applied to the copy.
    migrations: tuple[str, ...] = ()

    def facts(self) -> dict[str, object]:
        return {"verified": True, **asdict(self), "migrations": list(self.migrations)}


def _summary(manifest: backup.Manifest, size: int, older: list[Migration]) -> BackupSummary:
    m = manifest
    migrations = tuple(f"{n.number} {n.name}" for n in older)
    return BackupSummary(
        m.backup_id, m.taken_at, m.records, m.log_seq, m.kek_version, size, migrations
    )


def log_backup(admin: Administration, manifest: backup.Manifest, path: Path) -> None:
    admin.log(
        LogAction.BACKUP_TAKEN,
        backup=manifest.backup_id,
        file=str(path.resolve()),
        taken_at=manifest.taken_at,
        log_seq=manifest.log_seq,
        records=manifest.records,
        kek_version=manifest.kek_version,
    )


def _refuse_place(path: Path) -> None:
    """One sentence for a backup path that cannot be a new file, before any work."""
    parent = path.parent
    if path.is_dir():
        raise BadInput(f"{path} is a directory; give the new backup file's name in it.")
    if parent.exists() and not parent.is_dir():
        raise BadInput(f"{parent} is a file, not a directory; nothing was backed up.")
    if not parent.exists():
        raise BadInput(f"{parent}: no such directory; nothing was backed up.")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise BadInput(f"{parent} cannot be written; nothing was backed up.")


def create_backup(
    admin: Administration, path: Path, progress: Progress = no_progress
) -> BackupSummary:
    """A backup of the vault in the new file `path`, and an entry in the log saying so;
    if that entry cannot be written, no backup is left (fail closed)."""
    _refuse_place(path)
    try:
        manifest, size = backup.take(admin.vault, path, progress)
    except FileExistsError:
        raise BadInput(f"{path} already exists; a backup is written only to a new file.") from None
    except OSError as exc:
        raise BadInput(
            f"{path} cannot be written ({exc.strerror}); nothing was backed up."
        ) from None
    try:
        log_backup(admin, manifest, path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return _summary(manifest, size, [])


def _outdated_policy(admin: Administration) -> bool:
    """The policy files match their seal but lack what this release needs: a backup
    an older release took, brought up to date when it is restored."""
    vault = admin.vault
    try:
        files = read_policy_files(vault.paths.policies)
    except PolicyError:
        return False
    # Refused, yet matching the seal: neither unsealed nor edited, only outdated.
    return vault.policy_seal.matches(files)


def _problems(
    admin: Administration, manifest: backup.Manifest, progress: Progress = no_progress
) -> list[str]:
    """What is wrong with an unpacked snapshot, or nothing."""
    check = verify_vault(admin, progress)
    if not check.log.intact:
        return [f"its log: {check.log.sentence()}"]
    kinds = (check.rows, check.unsealed, check.records, check.caseloads, check.ledger, check.logged)
    for kind in kinds:
        if kind.first is not None:
            return [kind.first]
    if check.policy_refusal is not None and not _outdated_policy(admin):
        return [check.policy_refusal]
    head = admin.vault.log.head()
    if (head.seq, b64(head.mac)) != (manifest.log_seq, manifest.log_mac):
        return ["its log does not end where its list of contents says"]
    if admin.record_count() != manifest.records:
        return ["it does not hold the number of records its list of contents says"]
    return []


@dataclass(frozen=True)
class _Unpacked:
    manifest: backup.Manifest
    admin: Administration
    older: list[Migration]  # applied to the unpacked copy
    keks: dict[int, bytes] | None  # from the recovery code; None: the keyring's


def _checked(
    source: Path, work: Path, code: str | None, progress: Progress = no_progress
) -> _Unpacked:
    """Unpack, bring an older release's schema up to this one's (the copy only),
    open with the keyring or the recovery code's keys, and check it all."""
    secret = None if code is None else code_secret(code)  # a mistyped code: nothing done
    manifest = backup.unpack(source, work, secret, progress)
    paths = VaultPaths(work)
    older = schema.still_needed(paths)
    if older:
        schema.migrate(paths)
    keks = None if code is None else keks_from_recovery_code(paths, code)
    admin = Administration(backup.open_unpacked(paths, keks))
    try:
        problems = _problems(admin, manifest, progress)
    except BaseException:
        admin.close()
        raise
    if problems:
        admin.close()
        raise BackupUnreadable(f"{source} does not verify ({problems[0]}); nothing was restored.")
    return _Unpacked(manifest, admin, older, keks)


def verify_backup(
    source: Path, work_near: Path, code: str | None = None, progress: Progress = no_progress
) -> BackupSummary:
    """Decrypt the backup into a private directory inside `work_near` (removed after)
    and check its log, its sealed rows and its list of contents; BackupUnreadable if not.
    With the recovery code, nothing is read from the keyring, nor put into it."""
    try:
        with backup.private_workspace(work_near, ".secure-records-verify-") as work:
            unpacked = _checked(source, work, code, progress)
            unpacked.admin.close()
    except VaultError as exc:  # the same sentences as a restore's, but nothing was asked
        exc.args = (str(exc).replace("nothing was restored", "it was not restored"),)
        raise
    except OSError as exc:  # no room to unpack it, a directory that cannot be written
        raise BackupUnreadable(
            f"{source} could not be unpacked into {work_near} to be checked "
            f"({exc.strerror or exc}); it was not restored."
        ) from None
    return _summary(unpacked.manifest, source.stat().st_size, unpacked.older)


@dataclass(frozen=True)
class Restored:
    home: Path
    backup: BackupSummary
    disposed_again: list[str]  # certificate ids
    log_seq: int  # the entry recording the restore
    ledger: Path | None
    keys_recovered: list[int] | None  # put into the keyring from the recovery code
    policy_added: tuple[str, ...]  # brought up to this release: added to its policy


def _due_again(admin: Administration, entries: list[LedgerEntry]) -> list[LedgerEntry]:
    """Ledger entries whose record this snapshot still holds under the very key that
    was destroyed: disposed of after the backup was taken. (A later record given the
    same reference has a key of its own, and is left alone.)"""
    store = admin.vault.store
    due = []
    for entry in entries:
        key = store.record_key(entry.record_id)
        if key is not None and key.key_id == entry.key_id:
            due.append(entry)
    return due


def _dispose_again(admin: Administration, entry: LedgerEntry) -> str:
    store = admin.vault.store
    row = entry.row
    with admin.recorded(
        LogAction.RECORD_DISPOSED,
        row.record_id,
        disposal=row.id,
        rule=row.rule,
        method="cryptographic erase",
        after_restore=True,
        certified_at=row.executed_at,
    ) as seq:
        if store.hold(row.record_id) is not None:
            store.clear_hold(row.record_id)  # lifted in the vault that disposed of it
        store.delete_record(row.record_id)
        existing = store.disposal(row.id)
        if existing is None:
            store.add_disposal(replace(row, method=REAPPLIED, log_seq=seq))
        else:
            if existing.status == DisposalStatus.PROPOSED:
                store.review_disposal(
                    row.id, DisposalStatus.APPROVED, row.approved_by or "", row.approved_at or ""
                )
            store.disposal_executed(
                row.id, row.executed_by or "", row.executed_at or "", entry.key_id, REAPPLIED, seq
            )
    return row.id


def restore_backup(
    source: Path,
    target: VaultPaths,
    ledger: Path | None,
    *,
    without_ledger: bool = False,
    absent_is_empty: bool = False,
    code: str | None = None,
    progress: Progress = no_progress,
    live: VaultPaths | None = None,
) -> Restored:
    """Restore the backup at `source` into the new or empty home `target`, reading the
    disposal ledger at `ledger` (None with `without_ledger` only). `absent_is_empty`:
    `ledger` is a live vault's, which has none until its first disposal. `code`: the
    recovery code, for a host whose keyring lost the vault's keys; they are put into
    the keyring only once everything else has succeeded, never a version the `live`
    vault (when there is one) retired, nor over an entry the keyring holds already."""
    if ledger is None and not without_ledger:
        raise BadInput("A restore needs the disposal ledger, or --without-ledger said outright.")
    refuse_live(target.home)
    created = not target.home.exists()
    make_private_dir(target.home)
    vault_id: str | None = None
    installing: dict[int, bytes] = {}
    try:
        with backup.private_workspace(target.home, RESTORING) as work:
            unpacked = _checked(source, work, code, progress)
            manifest, admin = unpacked.manifest, unpacked.admin
            vault_id = admin.vault_id
            with admin:
                missing = _keys_to_put(source, admin.vault_id, unpacked.keks, work, live)
                entries = _ledger_entries(admin, ledger, absent_is_empty)
                due = _due_again(admin, entries)
                seq = _record_restore(admin, manifest, source, ledger, len(due))
                keyring = None
                if unpacked.keks is not None:
                    keyring = KeyEncryptionKeys(admin.vault_id).backend_name
                    admin.log(LogAction.KEYS_RECOVERED, versions=missing, keyring=keyring)
                added: tuple[str, ...] = ()
                if unpacked.older or policy_additions(admin.vault.paths).added:
                    added = bring_up(admin, unpacked.older, source)
                done = [_dispose_again(admin, entry) for entry in due]
                admin.vault.store.checkpoint()
                if ledger is not None:
                    own = admin.vault.disposal_ledger
                    own.write_copy(own.at(ledger).committed())
            if unpacked.keks is not None:  # last but the move: the restore has held
                keks = unpacked.keks
                installing = {v: keks[v] for v in missing}
                install_keks_into_keyring(VaultPaths(work), installing)
            move_into_place(work, target)
    except BaseException as exc:
        undo(target.home, created, vault_id, installing)
        if isinstance(exc, OSError):  # a full disk, a directory that cannot be written
            raise BackupUnreadable(
                f"{source} could not be restored into {target.home} "
                f"({exc.strerror or exc}); nothing was restored."
            ) from None
        raise
    summary = _summary(manifest, source.stat().st_size, unpacked.older)
    recovered = None if unpacked.keks is None else missing
    return Restored(target.home, summary, done, seq, ledger, recovered, added)


def _keys_to_put(
    source: Path, vault_id: str, keks: dict[int, bytes] | None, work: Path, live: VaultPaths | None
) -> list[int]:
    """The versions from the recovery code this host's keyring lacks: VaultError if the
    live vault retired one of them (a retired key is not put back), or the keyring
    holds one with other material (not overwritten)."""
    if keks is None:
        return []
    if live is not None and vault_id_at(live) == vault_id:
        for row in kek_version_rows(live):
            if row.retired_at is not None and row.version in keks:
                when = uk_date(date.fromisoformat(row.retired_at[:10]))
                raise VaultError(
                    f"{source} needs key-encryption key version {row.version} of the vault "
                    f"at {live.home}, and version {row.version} was retired on {when}; a "
                    "retired key is not put back. Nothing was restored."
                )
    return missing_from_keyring(VaultPaths(work), keks)


def _ledger_entries(
    admin: Administration, ledger: Path | None, absent_is_empty: bool
) -> list[LedgerEntry]:
    if ledger is not None and not (ledger.is_file() or absent_is_empty):
        raise LedgerError(f"There is no disposal ledger at {ledger}; nothing was changed.")
    if ledger is None:
        return []
    return admin.vault.disposal_ledger.at(ledger).entries()  # an absent one reads as empty


def _record_restore(
    admin: Administration, manifest: backup.Manifest, source: Path, ledger: Path | None, due: int
) -> int:
    """The `restored` entry, its seq listed in meta for `log verify` to find."""
    with admin.recorded(
        LogAction.RESTORED,
        backup=manifest.backup_id,
        file=str(source.resolve()),
        taken_at=manifest.taken_at,
        backup_seq=manifest.log_seq,
        ledger=str(ledger) if ledger is not None else None,
        disposals_again=due,
        said="restored from a backup taken at "
        f"{manifest.taken_at}; entries after it are not in this vault",
    ) as seq:
        admin.vault.store.set_meta(RESTORES_META, ",".join([*_listed(admin), str(seq)]))
    return seq


def _listed(admin: Administration) -> list[str]:
    try:
        return [s for s in admin.vault.store.meta(RESTORES_META).split(",") if s]
    except VaultError:  # none yet
        return []


def restore(
    source: Path,
    target: str | os.PathLike[str],
    live: str | os.PathLike[str] | None,
    ledger: Path | None,
    *,
    without_ledger: bool = False,
    code: str | None = None,
    progress: Progress = no_progress,
) -> Restored:
    """`backup restore`: into `target`, reading `ledger`, else the disposal ledger of
    the live vault (`--home` of the command, else the default home)."""
    if ledger is not None and without_ledger:
        raise BadInput("Give --ledger or --without-ledger, not both; nothing was changed.")
    home = resolve_home(target)
    if not home.home.parent.is_dir():
        raise BadInput(f"{home.home.parent}: no such directory; nothing was restored.")
    refuse_live(home.home)  # first: whatever else is wrong, a live vault is not touched
    if code is not None:
        code_secret(code)  # a mistyped code, before anything is made
    absent_is_empty = False
    current = resolve_home(live)
    seen = current.home != home.home and current.database.is_file()
    if ledger is None and not without_ledger:
        if not seen:
            raise BadInput(
                f"There is no vault at {current.home} to read the disposal ledger from; give "
                "the copy kept with your backups with --ledger PATH. Nothing was changed."
            )
        ledger, absent_is_empty = current.ledger, True  # none until its first disposal
    if seen and ledger is not None:
        _ledger_holds_every_certificate(current, ledger)
    return restore_backup(
        source,
        home,
        ledger,
        without_ledger=without_ledger,
        absent_is_empty=absent_is_empty,
        code=code,
        progress=progress,
        live=current if seen else None,
    )


def _ledger_holds_every_certificate(live: VaultPaths, ledger: Path) -> None:
    """The ledger's lines are chained, but lines cut off its end (or the file deleted)
    leave a shorter chain that still verifies: the live vault's own certificates, in
    sealed rows, say what it must hold. A live vault that cannot be opened here (its
    keyring lost) cannot say; the ledger copy kept off the host is then what counts."""
    try:
        admin = Administration.open(live, any_policy=True)
    except VaultError:
        return
    with admin:
        certified = {(c.reference, c.key_id): c.id for c in admin.certificates()}
        held = {(e.record_id, e.key_id) for e in admin.vault.disposal_ledger.at(ledger).entries()}
    missing = sorted(certified[k] for k in certified.keys() - held)
    if missing:
        raise LedgerError(
            f"The disposal ledger at {ledger} lacks {len(missing)} of the disposals the vault "
            f"at {live.home} certified ({missing[0]} first): it was cut short or replaced. "
            "Nothing was restored; give the copy kept with your backups with --ledger PATH."
        )
