"""The vault's tables behind the flat `vault.store.Store` interface, composed once for
both backends: each backend's store adds its connection, transactions and upkeep.

The table modules (in `vault.sqlite`, where they began) speak the SQL both databases
accept, through `vault.connection.Connection`; PostgreSQL's differences are translated
in `vault.postgres.dialect`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from secure_records.core.errors import VaultError
from secure_records.core.outputs import OutputKind
from secure_records.core.statuses import DisposalStatus, SharingStatus
from secure_records.core.telephone import Status
from secure_records.vault import rows
from secure_records.vault.connection import Connection
from secure_records.vault.row_seals import Columns, RowSeals, SealBroken
from secure_records.vault.sqlite import older_rows
from secure_records.vault.sqlite.access_requests import AccessRequestTables
from secure_records.vault.sqlite.concerns import ConcernTables
from secure_records.vault.sqlite.hosts import HostTable
from secure_records.vault.sqlite.outputs import OutputTables
from secure_records.vault.sqlite.records import RecordTables
from secure_records.vault.sqlite.restrictions import Restrictions
from secure_records.vault.sqlite.retention import Retention
from secure_records.vault.sqlite.sealed_rows import SealedRows
from secure_records.vault.sqlite.settings import VaultSettings
from secure_records.vault.sqlite.sharing import SharingDecisions
from secure_records.vault.sqlite.staff import StaffTable
from secure_records.vault.sqlite.telephone import PhoneRequests


class VaultTables:
    def __init__(self, connection: Connection, path: Path, sealed: SealedRows) -> None:
        # `sealed` is built by the backend: it is typed for sqlite3 (see each store).
        self._tables_db = connection
        self.path = path
        self._settings = VaultSettings(connection, path)
        self._sealed = sealed
        self._staff = StaffTable(connection, self._sealed)
        self._records = RecordTables(connection, self._sealed)
        self._decisions = SharingDecisions(connection, self._sealed)
        self._restrictions = Restrictions(connection, self._sealed)
        self._retention = Retention(connection, self._sealed)
        self._phone_requests = PhoneRequests(connection, self._sealed)
        self._outputs = OutputTables(connection)
        self._access_requests = AccessRequestTables(connection)
        self._concerns = ConcernTables(connection)
        self._hosts = HostTable(connection)

    def use_row_seals(
        self, seals: RowSeals, on_broken: Callable[[SealBroken], None] | None = None
    ) -> None:
        self._sealed.install(seals)
        self._sealed.on_broken = on_broken

    @property
    def checks_seals(self) -> bool:
        return self._sealed.checking

    @checks_seals.setter
    def checks_seals(self, on: bool) -> None:
        # Off only to measure what checking costs (bench/); never in the product.
        self._sealed.checking = on

    def reporting_seals(self) -> AbstractContextManager[None]:
        """While a broken seal is being logged: nothing found meanwhile is reported
        again, and a broken ledger does not stop the entry being written."""
        return self._sealed.reporting()

    def read_snapshot(self) -> AbstractContextManager[None]:
        return self._sealed.snapshot()

    def all_rows(self, table: str) -> Iterator[Columns]:
        return self._sealed.all_rows(table)

    def stored_ledger(self) -> str | None:
        return self._sealed.stored_ledger()

    def seal_unsealed_rows(self) -> int:
        return older_rows.seal_unsealed(self._sealed, self._tables_db)

    def mark_rows_sealed(self) -> None:
        self._sealed.mark_rows_sealed()

    @contextmanager
    def _one_change(
        self,
        commit: Callable[[], object],
        rollback: Callable[[], object],
        database_error: type[Exception],
        said: Callable[[Exception], str] = str,
    ) -> Iterator[None]:
        """A write transaction's body, once the backend has begun it holding the write
        lock: the sealed rows' ledger checked against the log's head at the start and
        bound to the new head at the end; on any failure everything rolled back, and a
        database's own error one sentence."""
        try:
            self._sealed.begin(*self._head_now())
            yield
            self._sealed.commit(*self._head_now())
            commit()
        except BaseException as exc:
            self._sealed.abandon()
            if self._tables_db.in_transaction:
                rollback()
            if isinstance(exc, database_error):
                raise VaultError(
                    f"The vault database {self.path} is damaged or cannot be written "
                    f"({said(exc)}); "
                    "nothing was changed."
                ) from None
            raise

    def _head_now(self) -> tuple[int | None, bytes | None]:
        # Not before the keys are in: a vault being laid out has no log head table yet.
        head = self.log_head() if self._sealed.installed else None
        return (None, None) if head is None else (head.seq, head.mac)

    # meta, vault-wide keys, the log's head

    def meta(self, key: str) -> str:
        return self._settings.meta(key)

    def set_meta(self, key: str, value: str) -> None:
        self._settings.set_meta(key, value)

    def vault_key(self, name: str) -> bytes:
        return self._settings.vault_key(name)

    def vault_keys(self) -> list[tuple[str, bytes]]:
        return self._settings.vault_keys()

    def put_vault_key(self, name: str, wrapped: bytes) -> None:
        self._settings.put_vault_key(name, wrapped)

    def log_head(self) -> rows.LogHead | None:
        return self._settings.log_head()

    def put_log_head(self, head: rows.LogHead) -> None:
        self._settings.put_log_head(head)

    def kek_versions(self) -> list[rows.KekVersionRow]:
        return self._settings.kek_versions()

    def put_kek_version(self, row: rows.KekVersionRow) -> None:
        self._settings.put_kek_version(row)

    def recovery_lock(self) -> rows.RecoveryLockRow | None:
        return self._settings.recovery_lock()

    def put_recovery_lock(self, lock: rows.RecoveryLockRow) -> None:
        self._settings.put_recovery_lock(lock)

    def hosts(self) -> list[rows.HostRow]:
        return self._hosts.all()

    def put_host(self, row: rows.HostRow) -> None:
        self._hosts.put(row)

    def forget_host(self, name: str) -> bool:
        return self._hosts.delete(name)

    # staff

    def staff(self, name: str) -> rows.StaffRow | None:
        return self._staff.get(name)

    def all_staff(self) -> list[rows.StaffRow]:
        return self._staff.all()

    def add_staff(self, name: str, role: str, created_at: str) -> None:
        self._staff.add(name, role, created_at)

    def set_staff_disabled(self, name: str, disabled: bool) -> None:
        self._staff.set_disabled(name, disabled)

    def set_staff_pin(self, name: str, pin_hash: str) -> None:
        self._staff.set_pin(name, pin_hash)

    def set_staff_pin_failures(self, name: str, failures: int, locked_until: str | None) -> None:
        self._staff.set_pin_failures(name, failures, locked_until)

    # records, their entries and assignments

    def record_ids(self) -> list[str]:
        return self._records.ids()

    def record_count(self) -> int:
        return self._records.count()

    def record_exists(self, record_id: str) -> bool:
        return self._records.exists(record_id)

    def ids_assigned_to(self, staff: str) -> list[str]:
        return self._records.ids_assigned_to(staff)

    def ids_matching(self, match_index: bytes) -> list[str]:
        return self._records.ids_matching(match_index)

    def assigned_to(self, record_id: str) -> frozenset[str]:
        return self._records.assigned_to(record_id)

    def add_records(
        self, records: Iterable[rows.NewRecordRows], created_at: str, batch: int = 500
    ) -> int:
        return self._records.add(records, created_at, batch)

    def record_key(self, record_id: str) -> rows.RecordKeyRow | None:
        return self._records.key(record_id)

    def record_keys(self) -> list[rows.RecordKeyRow]:
        return self._records.keys()

    def set_wrapped_key(self, record_id: str, wrapped: bytes) -> None:
        self._records.set_wrapped_key(record_id, wrapped)

    def record_rows(self, record_id: str, entry_kinds: Iterable[str]) -> rows.RecordRows | None:
        return self._records.rows(record_id, entry_kinds)

    def listing_rows(
        self, record_ids: Sequence[str] | None
    ) -> Iterator[tuple[rows.RecordKeyRow, bytes]]:
        return self._records.listing(record_ids)

    def next_entry_seq(self, record_id: str, kind: str) -> int:
        return self._records.next_entry_seq(record_id, kind)

    def add_entry(self, record_id: str, kind: str, seq: int, sealed: bytes) -> None:
        self._records.add_entry(record_id, kind, seq, sealed)

    def replace_entry(self, record_id: str, kind: str, seq: int, sealed: bytes) -> None:
        self._records.replace_entry(record_id, kind, seq, sealed)

    def replace_fields(
        self, record_id: str, sealed_fields: bytes, match_index: bytes | None = None
    ) -> None:
        self._records.replace_fields(record_id, sealed_fields, match_index)

    def assign(self, record_id: str, staff: str) -> bool:
        return self._records.assign(record_id, staff)

    def unassign(self, record_id: str, staff: str) -> bool:
        return self._records.unassign(record_id, staff)

    def delete_record(self, record_id: str) -> None:
        self._records.delete(record_id)

    # sharing decisions

    def add_decision(self, row: rows.DecisionRow, sealed: bytes) -> None:
        self._decisions.add(row, sealed)

    def decisions_for(self, record_id: str) -> list[tuple[rows.DecisionRow, bytes]]:
        return self._decisions.for_record(record_id)

    def decisions(self, statuses: Iterable[SharingStatus]) -> list[rows.DecisionRow]:
        return self._decisions.with_status(statuses)

    def decision(self, decision_id: str) -> tuple[rows.DecisionRow, bytes] | None:
        return self._decisions.get(decision_id)

    def set_decision_status(
        self, decision_id: str, status: SharingStatus, was: SharingStatus
    ) -> bool:
        return self._decisions.set_status(decision_id, status, was)

    def decision_ids_for(self, record_id: str) -> list[str]:
        return self._decisions.ids_for(record_id)

    # restricted records

    def restricted_ids(self) -> set[str]:
        return self._restrictions.ids()

    def restriction(self, record_id: str) -> rows.Restriction:
        return self._restrictions.get(record_id)

    def granted_ids(self, staff: str, now: str) -> set[str]:
        return self._restrictions.granted_ids(staff, now)

    def restrict(self, record_id: str, by: str, at: str) -> None:
        self._restrictions.restrict(record_id, by, at)

    def unrestrict(self, record_id: str) -> None:
        self._restrictions.unrestrict(record_id)

    def grant(self, record_id: str, staff: str, until: str, by: str, at: str) -> None:
        self._restrictions.grant(record_id, staff, until, by, at)

    def grants(self, record_id: str) -> list[rows.Grant]:
        return self._restrictions.grants(record_id)

    # legal holds and disposals

    def hold(self, record_id: str) -> tuple[rows.HoldRow, bytes] | None:
        return self._retention.hold(record_id)

    def held_ids(self) -> set[str]:
        return self._retention.held_ids()

    def set_hold(self, row: rows.HoldRow, sealed: bytes) -> None:
        self._retention.set_hold(row, sealed)

    def clear_hold(self, record_id: str) -> None:
        self._retention.clear_hold(record_id)

    def add_disposal(self, row: rows.DisposalRow) -> None:
        self._retention.add_disposal(row)

    def disposal(self, disposal_id: str) -> rows.DisposalRow | None:
        return self._retention.disposal(disposal_id)

    def disposals(self, statuses: Iterable[DisposalStatus] | None = None) -> list[rows.DisposalRow]:
        return self._retention.disposals(statuses)

    def review_disposal(
        self, disposal_id: str, status: DisposalStatus, by: str, at: str, until: str | None = None
    ) -> bool:
        return self._retention.review(disposal_id, status, by, at, until)

    def kept_until(self) -> dict[str, str]:
        return self._retention.kept_until()

    def disposal_executed(
        self, disposal_id: str, by: str, at: str, key_id: str, method: str, log_seq: int
    ) -> None:
        self._retention.executed(disposal_id, by, at, key_id, method, log_seq)

    def set_disposal_method(self, disposal_id: str, method: str) -> None:
        self._retention.set_method(disposal_id, method)

    # telephone requests

    def add_phone_request(self, row: rows.PhoneRequestRow, sealed: bytes) -> None:
        self._phone_requests.add(row, sealed)

    def phone_request(self, request_id: str) -> tuple[rows.PhoneRequestRow, bytes] | None:
        return self._phone_requests.get(request_id)

    def phone_requests(self, statuses: Iterable[Status]) -> list[rows.PhoneRequestRow]:
        return self._phone_requests.with_status(statuses)

    def update_phone_request(
        self, request_id: str, status: Status, sealed: bytes, was: Status
    ) -> bool:
        return self._phone_requests.update(request_id, status, sealed, was)

    def delete_phone_request(self, request_id: str) -> bool:
        return self._phone_requests.delete(request_id)

    # outputs kept for people, and their releases

    def add_output(self, row: rows.OutputRow, sealed: bytes) -> None:
        self._outputs.add(row, sealed)

    def output(self, output_id: str) -> tuple[rows.OutputRow, bytes] | None:
        return self._outputs.get(output_id)

    def outputs(self, kinds: Iterable[OutputKind]) -> list[rows.OutputRow]:
        return self._outputs.with_kind(kinds)

    def add_release(self, row: rows.ReleaseRow, sealed: bytes) -> None:
        self._outputs.add_release(row, sealed)

    def releases(self) -> list[tuple[rows.ReleaseRow, bytes]]:
        return self._outputs.releases()

    def release_shredded(self, release_id: str, at: str) -> None:
        self._outputs.set_shredded(release_id, at)

    # the register of subject access requests

    def add_access_request(self, row: rows.AccessRequestRow, sealed: bytes) -> None:
        self._access_requests.add(row, sealed)

    def replace_access_request(self, row: rows.AccessRequestRow, sealed: bytes) -> None:
        self._access_requests.replace(row, sealed)

    def access_request(self, request_id: str) -> tuple[rows.AccessRequestRow, bytes] | None:
        return self._access_requests.get(request_id)

    def access_requests(self) -> list[rows.AccessRequestRow]:
        return self._access_requests.every()

    # concerns and suspected breaches

    def add_concern(self, row: rows.ConcernRow, sealed: bytes) -> None:
        self._concerns.add(row, sealed)

    def replace_concern(self, row: rows.ConcernRow, sealed: bytes) -> None:
        self._concerns.replace(row, sealed)

    def concern(self, concern_id: str) -> tuple[rows.ConcernRow, bytes] | None:
        return self._concerns.get(concern_id)

    def concerns(self) -> list[rows.ConcernRow]:
        return self._concerns.every()
