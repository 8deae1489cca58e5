"""An opened vault: the store, its keys and its policy, speaking in records.

Record contents cross this boundary only as plaintext in memory; on disk there is
ciphertext, wrapped keys and a keyed blind index, nothing else.
"""

from __future__ import annotations

import contextlib
import json
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from secure_records.core.decision_payload import DecisionPayload
from secure_records.core.errors import IntegrityError, VaultError
from secure_records.core.log_actions import LogAction
from secure_records.core.policy import Policy, parse_policy
from secure_records.core.progress import Progress, counting, no_progress
from secure_records.core.records import ConsentEntry, Note, Record
from secure_records.vault import database
from secure_records.vault.access_requests import SealedAccessRequests
from secure_records.vault.amendments import FieldAmendments
from secure_records.vault.concerns import CONCERNS_KEY, SealedConcerns
from secure_records.vault.consent_entries import ConsentEntries
from secure_records.vault.creation import LOG_ROOT_KEY, MATCH_INDEX_KEY, lay_out, refuse_existing
from secure_records.vault.envelope import (
    decision_ad,
    entry_ad,
    field_ad,
    new_key,
    seal,
    unpack_sealed,
    unseal,
    wrap_ad,
)
from secure_records.vault.home import VaultPaths
from secure_records.vault.kek import KeyEncryptionKeys
from secure_records.vault.ledger import LEDGER_LABEL, DisposalLedger
from secure_records.vault.legal_holds import LegalHolds
from secure_records.vault.log import AuditLog
from secure_records.vault.outputs import SealedOutputs
from secure_records.vault.phone_requests import SealedPhoneRequests
from secure_records.vault.recovery import KeyRecovery
from secure_records.vault.row_seals import ROW_SEAL_LABEL, RowSeals
from secure_records.vault.rows import DecisionRow, RecordKeyRow
from secure_records.vault.seal_reports import SealReports
from secure_records.vault.sealing import (
    CONSENT_KIND,
    NOTES_KIND,
    RecordSealer,
    consent_from,
    consent_json,
    note_from,
    note_json,
)
from secure_records.vault.seals import PolicySeal, seal_key
from secure_records.vault.store import Store

if TYPE_CHECKING:
    from secure_records.core.importing import ImportCheck


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Vault:
    def __init__(
        self,
        paths: VaultPaths,
        store: Store,
        keys: KeyEncryptionKeys,
        kek: bytes,
        kek_version: int,
    ) -> None:
        self.paths = paths
        self.store = store
        self.vault_id = keys.vault_id
        self._keys = keys
        self._kek = AESGCM(kek)
        self._kek_version = kek_version
        # Set by `create` only, for `init` to show once; never stored or logged.
        self.new_recovery_code: str | None = None
        try:
            index_key = self._unwrap_vault_key(MATCH_INDEX_KEY)
        except IntegrityError:
            raise VaultError(
                f"The key-encryption key in the keyring does not open vault {self.vault_id}: "
                "it is the wrong key, or the vault's key table was altered."
            ) from None
        self._sealer = RecordSealer(self.vault_id, kek, kek_version, index_key)
        # The log's keys come from a root key the KEK wraps (not from the KEK itself),
        # so that rotating the KEK re-wraps the root and old entries stay verifiable.
        # The policy's seal key comes from the same root, under its own label.
        root = self._unwrap_vault_key(LOG_ROOT_KEY)
        own = partial(self._own_key, CONCERNS_KEY, True)  # concerns belong to no record
        self.log = AuditLog(store.log_at(paths.log), store, self.vault_id, root, self._log_key, own)
        self.policy_seal = PolicySeal(store, self.vault_id, root)
        self._row_seals = RowSeals(self.vault_id, seal_key(root, ROW_SEAL_LABEL))
        self.disposal_ledger = DisposalLedger(
            paths.ledger, self.vault_id, seal_key(root, LEDGER_LABEL)
        )
        self.seal_reports = SealReports(store, self.recorded)
        self.consent = ConsentEntries(store, self._data_key)
        self.phone_requests = SealedPhoneRequests(store, self._record_aead, self._own_key)
        self.holds = LegalHolds(store, self._data_key)
        self.amendments = FieldAmendments(store, self._data_key, self.match_index)
        self.outputs = SealedOutputs(store, self._data_key, self._own_key)
        self.access_requests = SealedAccessRequests(store, self._data_key)
        self.concerns = SealedConcerns(store, self._own_key)
        store.use_row_seals(self._row_seals, self.seal_reports.found)
        # Read and checked once; a door decides what to do about a refusal.
        self.sealed_policy = self.policy_seal.open(paths.policies)

    @property
    def policy(self) -> Policy:
        """The sealed policy; VaultError (the refusal) if the files do not match it."""
        return self.sealed_policy.policy

    @property
    def row_seals(self) -> RowSeals:
        return self._row_seals

    @property
    def insecure_keyring_warning(self) -> str | None:
        return self._keys.insecure_warning

    @property
    def kek_version(self) -> int:
        return self._kek_version

    # opening and creating

    @classmethod
    def open(cls, paths: VaultPaths) -> Vault:
        store = database.connect(paths)
        try:
            keys = KeyEncryptionKeys(store.meta("vault_id"))
            version = int(store.meta("kek_version"))
            kek = keys.load(version)
            return cls(paths, store, keys, kek, version)
        except BaseException:
            store.close()
            raise

    @classmethod
    def create(
        cls, paths: VaultPaths, policy_texts: Mapping[str, str], db: str | None = None
    ) -> Vault:
        """A new, empty vault; refuses to touch a directory that already holds anything.
        `db` (else SECURE_RECORDS_DATABASE, else vault.conf) names a PostgreSQL database."""
        refuse_existing(paths)
        conninfo = database.requested(db, paths)
        parse_policy(policy_texts)  # nothing is made for a policy that does not parse
        vault_id = secrets.token_hex(16)
        keys = KeyEncryptionKeys(vault_id)
        kek = new_key()
        keys.store(1, kek)
        try:
            store, code = lay_out(paths, policy_texts, vault_id, kek, now_utc(), conninfo)
        except BaseException:
            keys.delete(1)
            raise
        vault = cls(paths, store, keys, kek, 1)
        vault.new_recovery_code = code
        return vault

    def close(self) -> None:
        self.store.close()

    # keys

    def _unwrap_vault_key(self, name: str) -> bytes:
        ad = wrap_ad(self.vault_id, "vault", name, self._kek_version)
        return unseal(self._kek, self.store.vault_key(name), ad, f"the vault's {name} key")

    def _key_of(self, record_id: str) -> RecordKeyRow:
        key = self.store.record_key(record_id)
        if key is None:
            raise VaultError(f"There is no record {record_id}.")
        return key

    def _data_key(self, key: RecordKeyRow) -> AESGCM:
        ad = wrap_ad(self.vault_id, key.record_id, key.key_id, self._kek_version)
        raw = unseal(self._kek, key.wrapped_key, ad, f"the data key of record {key.record_id}")
        return AESGCM(raw)

    def data_key(self, key: RecordKeyRow) -> AESGCM:
        """A record's data key, unwrapped: for a scan that decrypts fields one by one."""
        return self._data_key(key)

    def match_index(self, name: str, date_of_birth: str) -> bytes:
        return self._sealer.match_index(name, date_of_birth)

    def _log_key(self, record_id: str) -> tuple[str, AESGCM] | None:
        key = self.store.record_key(record_id)
        return None if key is None else (key.key_id, self._data_key(key))

    @contextmanager
    def recorded(
        self,
        actor: str,
        role: str,
        action: LogAction,
        record_id: str | None = None,
        details: dict[str, Any] | None = None,
        personal: dict[str, Any] | None = None,
    ) -> Iterator[int]:
        """One transaction holding an action and its log entry: both commit, or neither.

        Fail closed: if the entry cannot be written, the body never runs.
        """
        try:
            with self.store.transaction():
                # Under the write lock: if the KEK was rotated since this vault was opened,
                # what this process would seal or unwrap belongs to a key that is gone.
                if int(self.store.meta("kek_version")) != self._kek_version:
                    raise VaultError(
                        "The vault's key was rotated by another process since this one "
                        "opened it; nothing was done. Open it again (start a new session)."
                    )
                seq, before = self.log.append(actor, role, action, record_id, details, personal)
                try:
                    yield seq
                except BaseException:
                    self.log.cut_back(before)
                    raise
        finally:
            self.seal_reports.log_pending()

    def rotate_kek(
        self, actor: str, role: str, progress: Progress = no_progress, staged: int | None = None
    ) -> int:
        """New key-encryption key (or the `staged` one, already in every host's keyring);
        every wrapped key re-wrapped in one transaction. Older versions stay for backups."""
        old_version = self._kek_version
        new_version = staged or self._keys.free_version(old_version)
        new_kek = new_key() if staged is None else self._keys.load(staged)
        new_aead = AESGCM(new_kek)
        details = {"from_version": old_version, "to_version": new_version}
        stored = False
        try:
            with self.recorded(actor, role, LogAction.KEY_ROTATED, details=details):
                # Under the write lock, after `recorded` has checked that nobody else
                # rotated this vault first; a restored copy of it may have, meanwhile.
                if staged is None and self._keys.holds(new_version):
                    raise VaultError(
                        f"Key-encryption key version {new_version} was put into the keyring "
                        "meanwhile (by a copy of this vault); nothing was changed. Try again."
                    )
                if staged is None:
                    self._keys.store(new_version, new_kek)
                    stored = True
                # Before the vault's keys (the recovery root among them) are re-wrapped.
                self.recovery().add_version(new_version, new_kek, now_utc())
                keys = self.store.record_keys()
                for key in counting(keys, len(keys), progress):
                    old_ad = wrap_ad(self.vault_id, key.record_id, key.key_id, old_version)
                    raw = unseal(
                        self._kek, key.wrapped_key, old_ad, f"the data key of {key.record_id}"
                    )
                    new_ad = wrap_ad(self.vault_id, key.record_id, key.key_id, new_version)
                    self.store.set_wrapped_key(key.record_id, seal(new_aead, raw, new_ad))
                for name, wrapped in self.store.vault_keys():
                    raw = unseal(
                        self._kek, wrapped, wrap_ad(self.vault_id, "vault", name, old_version), name
                    )
                    self.store.put_vault_key(
                        name,
                        seal(new_aead, raw, wrap_ad(self.vault_id, "vault", name, new_version)),
                    )
                self.store.set_meta("kek_version", str(new_version))
        except BaseException:
            # Rolled back (not committed): the key stored is nobody's; take it out.
            if stored and self.store.meta("kek_version") != str(new_version):
                with contextlib.suppress(VaultError):
                    self._keys.delete(new_version)
            raise
        self._kek, self._kek_version = new_aead, new_version
        self._sealer = RecordSealer(
            self.vault_id, new_kek, new_version, self._unwrap_vault_key(MATCH_INDEX_KEY)
        )
        # Old wrapped keys leave the file now (a backup's copies: see `key retire`).
        self.store.checkpoint()
        return new_version

    def recovery(self) -> KeyRecovery:
        """The KEK's versions and the recovery code's wrapping of them, at this KEK."""
        return KeyRecovery(self.store, self.vault_id, self._kek, self._kek_version, self._keys)

    # records

    def add_records(self, records: Iterable[Record]) -> int:
        """Store records; call inside `recorded` so that all of them go in, or none."""
        return self.store.add_records((self._sealer.seal(r) for r in records), now_utc())

    def import_lines(
        self,
        lines: Sequence[str],
        check: ImportCheck,
        make_check: Callable[[], ImportCheck],
        total: int = 0,
        progress: Progress = no_progress,
    ) -> int:
        """Check, seal and store import lines; call inside `recorded`, and keep the
        result only if `check.bad_lines` is 0 afterwards. Large files use both cores."""
        # Imported here: a session never imports, and starts without multiprocessing.
        from secure_records.vault.bulk import PARALLEL_FROM, check_and_seal

        if len(lines) >= PARALLEL_FROM:
            rows = check_and_seal(lines, check, make_check, self._sealer)
        else:
            rows = (self._sealer.seal(record) for record in check.records(lines))
        # `total` is the count of records the file holds, for the bar's length.
        return self.store.add_records(counting(rows, total, progress), now_utc())

    def read_record(self, record_id: str, fields: Iterable[str]) -> Record | None:
        """Decrypt only the named fields (consent and notes by their field names)."""
        wanted = set(fields)
        kinds = [
            spec.kind.value
            for spec in self.policy.fields.values()
            if spec.is_list and spec.name in wanted
        ]
        rows = self.store.record_rows(record_id, kinds)
        if rows is None:
            return None
        aead = self._data_key(rows.key)
        version = rows.key.key_version
        sealed = unpack_sealed(rows.sealed_fields, f"the fields of record {record_id}")
        values = {
            name: unseal(
                aead, blob, field_ad(record_id, name, version), f"field {name} of {record_id}"
            ).decode()
            for name, blob in sealed.items()
            if name in wanted
        }
        consent: list[ConsentEntry] = []
        notes: list[Note] = []
        for kind, seq, blob in rows.entries:
            plain = unseal(
                aead, blob, entry_ad(record_id, kind, seq, version), f"{kind} {seq} of {record_id}"
            )
            raw = json.loads(plain)
            if kind == CONSENT_KIND:
                consent.append(consent_from(raw))
            else:
                notes.append(note_from(raw))
        notes.sort(key=lambda n: n.date)
        return Record(record_id, values, tuple(consent), tuple(notes), rows.assigned_to)

    def reader(self) -> Store:
        """A second connection for reading on another thread; the caller closes it."""
        reader = database.connect(self.paths, one_pass=True)
        # Found on the reader's thread: queued, and logged by this one's next entry.
        reader.use_row_seals(self._row_seals, self.seal_reports.queue)
        return reader

    def field_values(
        self, record_ids: Sequence[str] | None, fields: Sequence[str], store: Store | None = None
    ) -> list[tuple[str, dict[str, str]]]:
        """These scalar fields ("" if none) of the records asked for, or of every record."""
        return [
            (rid, dict(zip(fields, values, strict=True)))
            for rid, values in self.each_field_values(record_ids, fields, store)
        ]

    def each_field_values(
        self, record_ids: Sequence[str] | None, fields: Sequence[str], store: Store | None = None
    ) -> Iterator[tuple[str, list[str]]]:
        """`field_values` one record at a time, in `fields`' order: a search index built
        from it never holds every record's values at once as well."""
        for key, packed in (store or self.store).listing_rows(record_ids):
            rid, version = key.record_id, key.key_version
            aead = self._data_key(key)
            sealed = unpack_sealed(packed, f"the fields of record {rid}")
            yield (
                rid,
                [
                    unseal(aead, sealed[f], field_ad(rid, f, version), f"{f} of {rid}").decode()
                    if f in sealed
                    else ""
                    for f in fields
                ],
            )

    def add_decision(self, row: DecisionRow, payload: DecisionPayload) -> None:
        """Keep a sharing decision, sealed under its record's key; call inside `recorded`."""
        key = self._key_of(row.record_id)
        ad = decision_ad(row.record_id, row.id, key.key_version)
        self.store.add_decision(row, seal(self._data_key(key), payload.to_json(), ad))

    def _open_decision(
        self, aead: AESGCM, key_version: int, row: DecisionRow, sealed: bytes
    ) -> DecisionPayload:
        what = f"decision {row.id}"
        plain = unseal(aead, sealed, decision_ad(row.record_id, row.id, key_version), what)
        return DecisionPayload.from_json(plain, what)

    def decisions_for(self, record_id: str) -> list[tuple[DecisionRow, DecisionPayload]]:
        """Every sharing decision about a record, opened with the record's key."""
        key = self.store.record_key(record_id)
        if key is None:
            return []
        aead = self._data_key(key)
        return [
            (row, self._open_decision(aead, key.key_version, row, sealed))
            for row, sealed in self.store.decisions_for(record_id)
        ]

    def decision(self, decision_id: str) -> tuple[DecisionRow, DecisionPayload] | None:
        found = self.store.decision(decision_id)
        if found is None:
            return None
        row, sealed = found
        key = self.store.record_key(row.record_id)
        if key is None:
            return None
        return row, self._open_decision(self._data_key(key), key.key_version, row, sealed)

    def _own_key(self, name: str, create: bool) -> AESGCM:
        if create and name not in dict(self.store.vault_keys()):
            ad = wrap_ad(self.vault_id, "vault", name, self._kek_version)
            self.store.put_vault_key(name, seal(self._kek, new_key(), ad))
        return AESGCM(self._unwrap_vault_key(name))

    def _record_aead(self, record_id: str) -> tuple[AESGCM, int]:
        key = self._key_of(record_id)
        return self._data_key(key), key.key_version

    def add_note(self, record_id: str, note: Note) -> int:
        """Append a chronology note; call inside `recorded`."""
        return self._add_entry(record_id, NOTES_KIND, note_json(note))

    def add_consent(self, record_id: str, entry: ConsentEntry) -> int:
        """Append a consent entry; call inside `recorded`."""
        return self._add_entry(record_id, CONSENT_KIND, consent_json(entry))

    def _add_entry(self, record_id: str, kind: str, plain: bytes) -> int:
        key = self._key_of(record_id)
        seq = self.store.next_entry_seq(record_id, kind)
        sealed = seal(self._data_key(key), plain, entry_ad(record_id, kind, seq, key.key_version))
        self.store.add_entry(record_id, kind, seq, sealed)
        return seq
