"""The administrative door beside Session: host-side work on a vault.

Initialisation, staff accounts, imports, caseload assignment and key rotation go
through here, never straight to the store, so that each of them is checked (and,
once the log exists, recorded) in one place.
"""

from __future__ import annotations

import gc
import getpass
import os
from dataclasses import dataclass, replace
from datetime import date
from importlib import resources
from pathlib import Path

from secure_records.admin.policy_proposal import PolicyProposal, propose
from secure_records.core.errors import (
    BadInput,
    ImportRejected,
    SecureRecordsError,
    UnknownStaff,
    VaultError,
)
from secure_records.core.importing import ImportCheck
from secure_records.core.log_actions import LogAction
from secure_records.core.log_reading import WITHHELD, nothing, readable
from secure_records.core.policy import Policy, Scope
from secure_records.core.progress import Progress, counting, no_progress
from secure_records.core.records import STAFF_NAME, Record
from secure_records.core.retention import Certificate
from secure_records.core.statuses import DisposalStatus
from secure_records.core.telephone_retention import Expired
from secure_records.core.text import printable
from secure_records.vault import database, disposal
from secure_records.vault.attribution import at_the_host
from secure_records.vault.door import Door, open_vault
from secure_records.vault.home import VaultPaths, resolve_home
from secure_records.vault.log import LogEntry, LogError, Verdict
from secure_records.vault.phone_expiry import expire_phone_requests
from secure_records.vault.pins import hash_pin
from secure_records.vault.policy_files import (
    check_sharing_examples,
    install_policy_files,
    load_policy,
    parse_policy_files,
    read_policy_files,
    read_policy_texts,
)
from secure_records.vault.seals import policy_hash
from secure_records.vault.shred import CAVEAT, shred_named
from secure_records.vault.store import StaffRow
from secure_records.vault.vault import Vault, now_utc


def default_policy_dir() -> Path:
    return Path(str(resources.files("secure_records") / "default_policies"))


def check_policy(directory: Path | None) -> Policy:
    """Validate a policy directory (default: the shipped one) and any example sharing
    files beside it; PolicyError if bad."""
    policy = load_policy(directory or default_policy_dir())
    check_sharing_examples(directory or default_policy_dir())
    return policy


@dataclass(frozen=True)
class ScopeCount:
    staff: str
    role: str
    scope: Scope
    records: int


HOST_ROLE = "host"
# What overwriting a file cannot promise, for screens and the command line to say.
SHRED_CAVEAT = CAVEAT


def host_actor() -> str:
    """Who is at the host's shell: the operating-system account running the command."""
    try:
        return f"host:{getpass.getuser()}"
    except (KeyError, OSError):
        return f"host:uid{os.getuid()}"


class Administration(Door):
    """The host's door: every entry it writes names the account at the host's shell,
    and what the host can tell of the person behind it (vault/attribution.py)."""

    def __init__(self, vault: Vault) -> None:
        super().__init__(vault, host_actor(), HOST_ROLE, at_the_host())

    @classmethod
    def open(
        cls, home: str | os.PathLike[str] | VaultPaths | None = None, *, any_policy: bool = False
    ) -> Administration:
        """The vault's administration, refused (and the refusal logged) if its policy
        files do not match their seal; `any_policy` only for the commands that must
        run on such a vault: `policy apply` (the way back) and `log verify`."""
        admin = cls(open_vault(home))
        refusal = admin._vault.sealed_policy.refusal
        if refusal is not None and not any_policy:
            try:
                admin.log(LogAction.COMMAND_REFUSED, why=refusal)
            except SecureRecordsError:
                pass  # refused whether or not the log can take the entry
            finally:
                admin.close()
            raise VaultError(refusal)
        return admin

    @classmethod
    def init(
        cls,
        home: str | os.PathLike[str] | VaultPaths | None = None,
        policies: Path | None = None,
        database: str | None = None,
    ) -> Administration:
        """A new vault; `database` names a PostgreSQL database (else SQLite in the home)."""
        paths = home if isinstance(home, VaultPaths) else resolve_home(home)
        texts = read_policy_texts(policies or default_policy_dir())
        # Validate before anything is created, naming the source files.
        source = policies or default_policy_dir()
        load_policy(source)
        admin = cls(Vault.create(paths, texts, database))
        sealed = admin._vault.sealed_policy.hash
        with admin.recorded(
            LogAction.VAULT_CREATED,
            policies=str(source),
            policy_hash=sealed,
            rows_sealed=True,  # row_sealing.ROWS_SEALED_DETAIL
        ):
            pass
        return admin

    @property
    def home(self) -> Path:
        return self._vault.paths.home

    @property
    def database_named(self) -> str:  # ", in the PostgreSQL database ...", or "" (SQLite)
        pg = database.configured(self._vault.paths) is not None
        return f", in the PostgreSQL database {self._vault.store.path}" if pg else ""

    @property
    def vault_id(self) -> str:
        return self._vault.vault_id

    # staff

    def existing_staff(self, name: str) -> StaffRow:
        row = self._vault.store.staff(name)
        if row is None:
            raise UnknownStaff(f"There is no staff member called {name!r} in this vault.")
        return row

    def add_staff(self, name: str, role: str) -> None:
        if not STAFF_NAME.match(name):
            raise BadInput(
                f"{name!r} is not a usable staff name: use lower-case letters, digits, '.', '_' "
                "or '-', starting with a letter, at most 32 characters."
            )
        if role not in self.policy.roles:
            raise BadInput(
                f"There is no role {role!r} in the policy (roles: {', '.join(self.policy.roles)})."
            )
        store = self._vault.store
        with self.recorded(LogAction.STAFF_ADDED, staff=name, staff_role=role):
            # Checked inside the transaction, so two hosts adding the same name at
            # once get this sentence rather than a constraint error.
            if store.staff(name) is not None:
                raise BadInput(f"A staff member called {name!r} already exists.")
            store.add_staff(name, role, now_utc())

    def list_staff(self) -> list[StaffRow]:
        return self._vault.store.all_staff()

    def disable_staff(self, name: str) -> None:
        self.existing_staff(name)
        with self.recorded(LogAction.STAFF_DISABLED, staff=name):
            self._vault.store.set_staff_disabled(name, True)

    def set_pin(self, name: str, pin: str) -> None:
        minimum = self.policy.session.pin_min_length
        if len(pin) < minimum:
            raise BadInput(f"A PIN must be at least {minimum} characters long.")
        if not pin.isprintable():
            raise BadInput("A PIN must not contain control characters.")
        self.existing_staff(name)
        pin_hash = hash_pin(pin)
        with self.recorded(LogAction.PIN_SET, staff=name):
            self._vault.store.set_staff_pin(name, pin_hash)

    def unlock_staff(self, name: str) -> bool:
        """Lift a PIN lockout and set the count of wrong PINs back to nothing; False
        (nothing written) if there was neither."""
        row = self.existing_staff(name)
        if not row.pin_failures and not row.locked_until:
            return False
        with self.recorded(
            LogAction.PIN_LOCKOUT_LIFTED,
            staff=name,
            failures=row.pin_failures,
            locked_until=row.locked_until,
        ):
            self._vault.store.set_staff_pin_failures(name, 0, None)
        return True

    # records

    def import_lines(self, label: str, lines: list[str], progress: Progress = no_progress) -> int:
        """Import JSON Lines; any bad line and nothing is imported."""
        # A bulk import makes many long-lived objects and no cycles: the cyclic
        # collector would rescan all of them again and again for nothing.
        gc.disable()
        try:
            return self._import_lines(label, lines, progress)
        finally:
            gc.enable()

    def _import_lines(self, label: str, lines: list[str], progress: Progress) -> int:
        store = self._vault.store
        rows = sum(1 for line in lines if line.strip())
        with self.recorded(LogAction.RECORDS_IMPORTED, file=label, count=rows):
            # Inside the transaction: records are sealed and stored as they are
            # checked, and all of them are rolled back if any line is bad.
            staff = frozenset(row.name for row in store.all_staff())
            existing = frozenset(store.record_ids())

            def make_check() -> ImportCheck:
                return ImportCheck(label, self.policy, staff, existing, date.today())

            check = make_check()
            stored = self._vault.import_lines(lines, check, make_check, rows, progress)
            if check.bad_lines:
                raise ImportRejected(check.problems, check.bad_lines)
            return stored

    def import_file(self, path: Path, progress: Progress = no_progress) -> int:
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                text = handle.read()
        except FileNotFoundError:
            raise BadInput(f"{path}: no such file.") from None
        except UnicodeDecodeError:
            raise BadInput(f"{path}: not UTF-8 text; nothing was imported.") from None
        except OSError as exc:
            raise BadInput(f"{path}: cannot be read ({exc.strerror}).") from None
        return self.import_text(str(path), text, progress)

    def import_text(self, label: str, text: str, progress: Progress = no_progress) -> int:
        """Import a whole JSON Lines text (a file's, or standard input's)."""
        # Only a newline ends a record: splitlines() would also break a row at U+2028
        # or U+0085 pasted inside a value.
        lines = [line.removesuffix("\r") for line in text.split("\n")]
        return self.import_lines(label, lines, progress)

    def add_records(self, records: list[Record]) -> int:
        """Store records already checked (the demo's synthetic ones)."""
        with self.recorded(LogAction.RECORDS_IMPORTED, file="(synthetic)", count=len(records)):
            return self._vault.add_records(records)

    def assign(self, record_id: str, staff_name: str) -> bool:
        self._checked_record(record_id)
        self.existing_staff(staff_name)
        with self.recorded(LogAction.ASSIGNED, record_id, staff=staff_name):
            return self._vault.store.assign(record_id, staff_name)

    def unassign(self, record_id: str, staff_name: str) -> bool:
        self._checked_record(record_id)
        self.existing_staff(staff_name)
        with self.recorded(LogAction.UNASSIGNED, record_id, staff=staff_name):
            return self._vault.store.unassign(record_id, staff_name)

    def _checked_record(self, record_id: str) -> None:
        if not self._vault.store.record_exists(record_id):
            raise BadInput(f"There is no record {record_id!r} in this vault.")

    def record_count(self) -> int:
        return self._vault.store.record_count()

    def rotate_key(self, progress: Progress = no_progress) -> int:
        return self._vault.rotate_kek(self.actor, HOST_ROLE, progress)

    def scope_counts(self) -> list[ScopeCount]:
        """How many records each staff member's role lets them list: counts only."""
        total = self._vault.store.record_count()
        counts = []
        for row in self.list_staff():
            role = self.policy.roles.get(row.role)
            if role is None:
                continue
            if role.scope is Scope.ALL:
                n = total
            elif role.scope is Scope.CASELOAD:
                n = len(self._vault.store.ids_assigned_to(row.name))
            else:
                n = 0
            counts.append(ScopeCount(row.name, row.role, role.scope, n))
        return counts

    # the policy seal

    def propose_policy(self, directory: Path) -> PolicyProposal:
        """`directory` checked as `policy check` does, and compared with the vault's."""
        return propose(self._vault, directory)

    def apply_policy(self, proposal: PolicyProposal) -> None:
        """The proposal's files become the vault's policy: logged with both hashes and
        what changes, and sealed in the same transaction."""
        vault = self._vault
        with self.recorded(
            LogAction.POLICY_APPLIED,
            old_hash=proposal.old_hash,
            new_hash=proposal.new_hash,
            old_matched_seal=proposal.was_sealed,
            changes=proposal.change_lines(),
        ):
            vault.policy_seal.write(proposal.files)
            install_policy_files(vault.paths.policies, proposal.files)
        vault.sealed_policy = vault.policy_seal.open(vault.paths.policies)

    def seal_policy(self) -> str:
        """Seal an older vault's policy as it stands, once; its hash."""
        vault = self._vault
        files = read_policy_files(vault.paths.policies)
        parse_policy_files(vault.paths.policies, files)  # only a policy that parses
        with self.recorded(LogAction.VAULT_SEALED, policy_hash=policy_hash(files)):
            # Checked under the write lock; never over a seal, which would launder
            # an edited policy: changing a sealed one is `policy apply`'s work.
            if vault.policy_seal.stored() is not None:
                raise BadInput(
                    "This vault's policy is already sealed; nothing was done (change it "
                    "with 'secure-records policy apply DIR')."
                )
            digest = vault.policy_seal.write(files)
        vault.sealed_policy = vault.policy_seal.open(vault.paths.policies)
        return digest

    # the log

    # disposal (policy section 11) from the host: a scheduled job

    def run_disposals(
        self, progress: Progress = no_progress
    ) -> tuple[list[Certificate], list[str]]:
        """Carry out every approved disposal the log proves: the certificates, and one
        sentence for each that was refused (a legal hold set since it was approved, a
        proposal or approval missing from the log, a record not due). One refusal does
        not stop the others."""
        done, refused = [], []
        rows = self._vault.store.disposals((DisposalStatus.APPROVED,))
        # The log read once for all of them, after the rows: every approval a row
        # shows was committed with its entry, so that entry is already there.
        steps = disposal.proof_steps(self._vault) if rows else {}
        for row in counting(rows, len(rows), progress, every=1):
            try:
                done.append(disposal.execute(self._vault, row.id, self.actor, HOST_ROLE, steps))
            except SecureRecordsError as exc:
                said = str(exc)
                refused.append(said if said.startswith(row.id) else f"{row.id}: {said}")
        return done, refused

    def expire_phone_requests(self, today: date | None = None) -> dict[Expired, int]:
        """Telephone requests past retention.toml's [telephone] days, disposed of."""
        return expire_phone_requests(self._vault, self.actor, HOST_ROLE, today or date.today())

    def certificates(self) -> list[Certificate]:
        return [
            disposal.certificate(r) for r in self._vault.store.disposals((DisposalStatus.EXECUTED,))
        ]

    def certificate(self, disposal_id: str) -> Certificate:
        row = self._vault.store.disposal(disposal_id)
        if row is None or row.status != DisposalStatus.EXECUTED:
            raise BadInput(f"There is no disposal certificate {disposal_id}.")
        return disposal.certificate(row)

    def shred(self, path: Path) -> str:
        """Overwrite and remove a file; logged when it is one of this vault's exports."""
        if path.resolve().parent != self._vault.paths.exports.resolve():
            return shred_named(path)
        with self.recorded(LogAction.PACKAGE_SHREDDED, package=path.name):
            return shred_named(path)

    def verify_log(
        self, checkpoint: str | None = None, progress: Progress = no_progress
    ) -> Verdict:
        return self._vault.log.verify(checkpoint, progress)

    def log_checkpoint(self) -> str:
        line = self._vault.log.checkpoint()
        with self.recorded(LogAction.LOG_CHECKPOINT_TAKEN):
            pass
        return line

    def read_log(
        self,
        record_id: str | None = None,
        actor: str | None = None,
        since: date | None = None,
        *,
        personal: bool = False,
    ) -> list[LogEntry]:
        """Entries matching every filter given. Reading the log is itself logged.

        Details that name or describe a person (core/log_reading.py) read "[withheld]"
        unless `personal`; reading them is then logged as its own action, which the
        access review flags. Fail closed: a log that does not verify is not shown (a
        torn final write after a crash is not tampering, and does not stop it).
        """
        verdict = self._vault.log.verify()
        if not verdict.intact and not verdict.crash_tail:
            raise LogError(
                f"The log does not verify ({printable(str(verdict.problem))}); nothing is "
                "shown. Run 'secure-records log verify'."
            )
        with self.recorded(
            LogAction.LOG_READ_WITH_PERSONAL_DETAILS if personal else LogAction.LOG_READ,
            record=record_id,
            actor=actor,
            since=since.isoformat() if since else None,
        ):
            pass
        wanted = []
        for entry in self._vault.log.entries():
            if record_id is not None and entry.record_id != record_id:
                continue
            if actor is not None and entry.actor != actor:
                continue
            if since is not None and entry.time[:10] < since.isoformat():
                continue
            wanted.append(entry if personal else self._without_personal(entry))
        return wanted

    @staticmethod
    def _without_personal(entry: LogEntry) -> LogEntry:
        # No field's rules needed (nothing is seen in full), and none read: `log show`
        # must still work where the policy is refused, to diagnose it.
        shown = readable(entry.details, entry.personal, nothing, {})
        return replace(
            entry,
            details=shown.details,
            personal=WITHHELD if shown.withheld else shown.personal,
        )
