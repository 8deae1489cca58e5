"""The one door: a named staff member's session over the vault.

Every screen goes through here. Each method checks the role, and hands back view
models in which whatever the role may not see is already masked or absent, so a
screen cannot forget to mask: it never holds what it was not entitled to.
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from secure_records.core.access import (
    RecordSummary,
    RecordView,
    SearchMode,
    in_scope,
    project,
    readable_fields,
    search_modes,
    summarise,
)
from secure_records.core.errors import AccessRefused, BadInput, UnknownStaff
from secure_records.core.importing import ISO_DATE
from secure_records.core.permissions import Permission
from secure_records.core.policy import Policy, RoleSpec, Rule, Scope
from secure_records.core.records import ConsentEntry, Note, NoteKind, normalise_name
from secure_records.core.sharing import HowChoices, Requester, SharingFlow, check_how
from secure_records.core.text import printable
from secure_records.session.limits import MAX_TYPED
from secure_records.session.oversight import OversightDesk
from secure_records.session.retention import RetentionDesk
from secure_records.session.telephone import TelephoneDesk
from secure_records.vault.home import VaultPaths, resolve_home
from secure_records.vault.pins import verify_pin
from secure_records.vault.store import DecisionRow
from secure_records.vault.vault import Vault, now_utc

# After this many wrong PINs in a row the session ends (section 11, Clear desk).
PIN_ATTEMPTS = 3


def client_address() -> str | None:
    """The SSH client's address and port, when the session came in over SSH.

    SSH_CONNECTION is set by sshd; SSH_ORIGINAL_COMMAND is client-controlled and ignored.
    """
    parts = os.environ.get("SSH_CONNECTION", "").split()
    return f"{parts[0]} port {parts[1]}" if len(parts) >= 2 else None


@dataclass(frozen=True)
class SharedBefore:
    """One line of a record's sharing history: when, with whom, what, why."""

    decision_id: str
    on: str
    decided_by: str
    status: str
    shared: bool
    with_whom: str
    purpose: str
    fields: tuple[str, ...]
    notes: int
    method: str
    phone_request: str  # the verified telephone request it answered, if any


@dataclass(frozen=True)
class QueueItem:
    """A decision in the lead's queue: which record, whose, and since when."""

    decision_id: str
    record_id: str
    status: str  # awaiting_manager | acted_urgently
    decided_by: str
    created_at: str


@dataclass(frozen=True)
class SharingOutcome:
    """What a recorded sharing decision came to."""

    decision_id: str
    outcome: str
    share: bool
    status: str  # decided | awaiting_manager | acted_urgently | confirmed | rejected
    package: Path | None  # the disclosure package, when one was written


def disclosure_text(
    decision_id: str, view: RecordView, requester: Requester, how: HowChoices, sharer: str
) -> str:
    """Only the chosen items, with their labels (fact or opinion, historical)."""
    lines = [
        f"DISCLOSURE {decision_id}",
        f"Record: {view.id}",
        f"Shared by: {sharer} on {date.today().isoformat()}",
        f"To: {requester.name}, {requester.role}, {requester.organisation} ({requester.contact})",
        f"Method: {how.method}",
        f"Lawful basis: {how.lawful_basis}",
        "Individual informed: "
        + ("yes" if how.inform_individual else f"no: {how.not_informing_reason}"),
        "",
    ]
    chosen = [f for f in view.fields if f.name in how.fields]
    if chosen:
        lines.append("Fields")
        lines += [f"  {f.label}: {f.text}" for f in chosen]
    notes = view.notes.entries if view.notes else ()
    if how.notes:
        lines.append("Chronology")
        for n in sorted(how.notes):
            note = notes[n]
            label = "FACT" if note.kind is NoteKind.FACT else "OPINION"
            historical = "  HISTORICAL" if note.historical else ""
            lines.append(f"  {note.date.isoformat()}  {label}{historical}  {note.author}")
            lines.append(f"    {note.text}")
    # A file may be shown on a terminal later: no control characters in it either.
    return printable("\n".join(lines) + "\n", keep_newlines=True)


@dataclass(frozen=True)
class IndexMatch:
    """What reception may learn: that a record exists, and its reference."""

    reference: str


class Session(TelephoneDesk, RetentionDesk, OversightDesk):
    def __init__(self, vault: Vault, staff_name: str, role: RoleSpec) -> None:
        self._vault = vault
        self.staff_name = staff_name
        self.role = role
        self._revealed: dict[str, set[str]] = {}
        # reference -> (name, date of birth, name as matched); built by prepare_search
        self._index: dict[str, tuple[str, str, str]] | None = None
        self._index_order: list[str] = []
        self._index_names: list[str] = []
        self._index_dobs: list[str] = []
        self._index_both: list[str] = []  # name and date of birth, NUL between
        self._last_search: tuple[str, list[int]] = ("", [])
        self._pin_failures = 0
        self._index_lock = threading.Lock()  # the search index is built on another thread
        self._generation = 0
        self._list_logged = False
        self.locked = False
        self.ended = False

    @classmethod
    def open(
        cls, staff_name: str, home: str | os.PathLike[str] | VaultPaths | None = None
    ) -> Session:
        """Start a session as `staff_name`; the start (or the refusal) is logged."""
        paths = home if isinstance(home, VaultPaths) else resolve_home(home)
        vault = Vault.open(paths)
        try:
            # Fail closed: no session on a log that is missing or damaged at its end.
            vault.log.check_tail()
            client = client_address()
            staff = vault.store.staff(staff_name)
            refusal: Exception | None = None
            role = None
            if staff is None:
                refusal = UnknownStaff(
                    f"There is no staff member called {staff_name!r} in this vault."
                )
            elif staff.disabled:
                refusal = AccessRefused(f"The staff account {staff_name!r} is disabled.")
            else:
                role = vault.policy.roles.get(staff.role)
                if role is None:
                    refusal = AccessRefused(
                        f"{staff_name!r} has role {staff.role!r}, which the policy no longer "
                        "defines."
                    )
            if refusal is not None or role is None:
                with vault.recorded(
                    staff_name,
                    staff.role if staff else "-",
                    "session_refused",
                    details={"why": str(refusal), "client": client},
                ):
                    pass
                raise refusal or AccessRefused("Refused.")
            session = cls(vault, staff_name, role)
            session._log("session_started", client=client)
            return session
        except BaseException:
            vault.close()
            raise

    def _log(
        self,
        action: str,
        record_id: str | None = None,
        personal: dict[str, Any] | None = None,
        **details: Any,
    ) -> None:
        """Write one entry now; raises (and so stops the action) if it cannot be written."""
        with self._vault.recorded(
            self.staff_name, self.role.name, action, record_id, details, personal
        ):
            pass

    def _recorded(
        self,
        action: str,
        record_id: str | None = None,
        personal: dict[str, Any] | None = None,
        **details: Any,
    ) -> Any:
        return self._vault.recorded(
            self.staff_name, self.role.name, action, record_id, details, personal
        )

    def close(self, why: str = "closed") -> None:
        """End the session: reveals forgotten, the end logged where it still can be."""
        self._forget()
        if not self.ended:
            self.ended = True
            try:
                self._log("session_ended", why=why)
            finally:
                self._vault.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @property
    def policy(self) -> Policy:
        return self._vault.policy

    @property
    def insecure_keyring_warning(self) -> str | None:
        return self._vault.insecure_keyring_warning

    def may(self, action: Permission) -> bool:
        return self.role.may(action)

    # the record list

    def _forget(self) -> None:
        with self._index_lock:
            self._generation += 1  # a search index still being built is thrown away
            self._forget_index()
        self._revealed.clear()

    def _forget_index(self) -> None:
        self._index = None
        self._index_order, self._index_names, self._index_dobs = [], [], []
        self._index_both = []
        self._last_search = ("", [])

    def _check_usable(self) -> None:
        """Fail closed: a locked or ended session hands out nothing."""
        if self.ended:
            raise AccessRefused("This session has ended.")
        if self.locked:
            raise AccessRefused("The session is locked; unlock it with your PIN.")

    def _ids_in_scope(self) -> list[str] | None:
        """Record ids this session may list; None means every record."""
        self._check_usable()
        scope = self.role.scope
        if scope is Scope.ALL:
            return None
        if scope is Scope.CASELOAD:
            return self._vault.store.ids_assigned_to(self.staff_name)
        raise AccessRefused(f"The {self.role.label} role does not list records.")

    def listing_ids(self) -> list[str]:
        """References of every record in scope, in order; nothing is decrypted."""
        ids = self._ids_in_scope()
        if ids is None:
            ids = self._vault.store.record_ids()
        hidden = self._hidden_ids()
        if hidden:
            ids = [rid for rid in ids if rid not in hidden]
        self._log("record_list_shown", count=len(ids))
        self._list_logged = True
        return ids

    def summaries(self, record_ids: Sequence[str]) -> list[RecordSummary]:
        """List lines for these records (those on screen), masked by the role's rules."""
        self._check_usable()
        if self.role.scope not in (Scope.ALL, Scope.CASELOAD):
            raise AccessRefused(f"The {self.role.label} role does not list records.")
        if not self._list_logged:
            # Names are being shown: fail closed if that cannot be recorded.
            self._log("record_list_shown", count=len(record_ids))
            self._list_logged = True
        if self.role.scope is Scope.CASELOAD:
            # Asked for a screenful at a time: checking each is cheaper than loading
            # the whole caseload again, and sees an assignment changed a moment ago.
            store = self._vault.store
            wanted = [rid for rid in record_ids if self.staff_name in store.assigned_to(rid)]
        else:
            wanted = list(record_ids)
        hidden = self._hidden_ids()
        wanted = [rid for rid in wanted if rid not in hidden]
        if self._index is not None:
            rows = [(rid, *self._index[rid][:2]) for rid in wanted if rid in self._index]
        else:
            rows = self._vault.listing(wanted)
        return [summarise(rid, name, dob, self.role) for rid, name, dob in rows]

    def prepare_search(self) -> None:
        """Decrypt names and dates of birth of every record in scope, once, so each
        keystroke of a search is a scan in memory. Safe to run on another thread: it
        reads through its own connection."""
        self._check_usable()
        generation = self._generation
        reader = self._vault.reader()
        try:
            ids = (
                reader.ids_assigned_to(self.staff_name)
                if self.role.scope is Scope.CASELOAD
                else None
            )
            if self.role.scope not in (Scope.ALL, Scope.CASELOAD):
                raise AccessRefused(f"The {self.role.label} role does not list records.")
            rows = self._vault.listing(ids, store=reader)
        finally:
            reader.close()
        hidden = self._hidden_ids()
        rows = [row for row in rows if row[0] not in hidden]
        index = {rid: (name, dob, normalise_name(name)) for rid, name, dob in rows}
        with self._index_lock:  # checked and published as one step, against _forget
            if generation != self._generation or self.locked or self.ended:
                return  # locked or ended while this was built: keep nothing
            self._publish_index(index, [rid for rid, _, _ in rows])

    def _publish_index(self, index: dict[str, tuple[str, str, str]], order: list[str]) -> None:
        self._index = index
        self._index_order = order
        self._index_names = [index[rid][2] for rid in self._index_order]
        self._index_dobs = [index[rid][1] for rid in self._index_order]
        self._index_both = [
            f"{n}\x00{d}" for n, d in zip(self._index_names, self._index_dobs, strict=True)
        ]
        self._last_search = ("", [])

    def search(self, query: str) -> list[str]:
        """References in scope whose name or date of birth matches `query`.

        A field the role sees in full matches by any part; a masked one only exactly,
        so a search cannot be used to read what a mask hides.
        """
        self._check_usable()
        if self._index is None:
            self.prepare_search()
        assert self._index is not None
        if len(query) > MAX_TYPED:
            raise BadInput(f"A search can be at most {MAX_TYPED} characters.")
        needle = normalise_name(query).replace("\x00", "")
        if not needle:
            self._log("record_list_shown", count=len(self._index_order))
            self._list_logged = True
            return list(self._index_order)
        self._log("searched", query=query)
        self._list_logged = True
        # One pass over plain lists, specialised to the role's modes (matches_search
        # is the same rule, record by record): a keystroke over 100k names.
        by_name, by_dob = search_modes(self.role)
        names, dobs = self._index_names, self._index_dobs
        # Typing narrows: when the query only grew and every field is searched by
        # part, a match now was a match before, so only the last matches are scanned.
        last_needle, last_hits = self._last_search
        narrowing = bool(last_needle) and needle.startswith(last_needle)
        narrowing = narrowing and SearchMode.WHOLE not in (by_name, by_dob)
        candidates: Sequence[int] = last_hits if narrowing else range(len(names))
        # A date of birth is digits and dashes: a query without a digit cannot match one.
        dates = any(ch.isdigit() for ch in needle)
        name_part, name_whole = by_name is SearchMode.PART, by_name is SearchMode.WHOLE
        dob_part = dates and by_dob is SearchMode.PART
        dob_whole = dates and by_dob is SearchMode.WHOLE
        if name_part and by_dob is SearchMode.PART:
            # Both seen in full: any part of either matches, one scan over both.
            both = self._index_both
            hits = (
                [i for i in candidates if needle in both[i]]
                if narrowing
                else [i for i, text in enumerate(both) if needle in text]
            )
        elif name_part and not dob_whole:
            hits = (
                [i for i in candidates if needle in names[i]]
                if narrowing
                else [i for i, name in enumerate(names) if needle in name]
            )
        else:
            hits = [
                i
                for i in candidates
                if (name_part and needle in names[i])
                or (name_whole and needle == names[i])
                or (dob_part and needle in dobs[i])
                or (dob_whole and needle == dobs[i])
            ]
        self._last_search = (needle, hits)
        ids = self._index_order
        return [ids[i] for i in hits]

    def records(self, query: str = "") -> list[RecordSummary]:
        """Summaries of the records in scope matching `query` (all when it is empty)."""
        return self.summaries(self.search(query))

    def _exact_ids(self, name: str, date_of_birth: str) -> list[str]:
        """Records in scope matching this exact name and date of birth; not logged."""
        self._check_usable()
        if self.role.scope is Scope.NONE:
            raise AccessRefused(f"The {self.role.label} role cannot look records up.")
        if not name.strip() or not date_of_birth.strip():
            raise BadInput("An exact match needs both a name and a date of birth.")
        if len(name) > MAX_TYPED:
            raise BadInput(f"A name can be at most {MAX_TYPED} characters.")
        if not ISO_DATE.fullmatch(date_of_birth.strip()):
            raise BadInput("Give the date of birth as YYYY-MM-DD.")
        ids = self._vault.store.ids_matching(self._vault.match_index(name, date_of_birth.strip()))
        if self.role.scope is Scope.CASELOAD:
            mine = set(self._vault.store.ids_assigned_to(self.staff_name))
            ids = [i for i in ids if i in mine]
        hidden = self._hidden_ids()
        return [i for i in ids if i not in hidden]

    def find_exact(self, name: str, date_of_birth: str) -> IndexMatch | None:
        """For the index scope: does a record match this exact name and date of birth?"""
        ids = self._exact_ids(name, date_of_birth)
        found = IndexMatch(ids[0]) if ids else None
        query = {"name": name, "date_of_birth": date_of_birth}
        if found is not None:
            # About a record: its details go under that record's key, so disposing of
            # the record erases who was asked about.
            self._log("index_lookup", found.reference, personal={"query": query}, found=True)
        else:
            self._log("index_lookup", query=query, found=False)
        return found

    # one record

    def _checked_in_scope(self, record_id: str) -> None:
        self._check_usable()
        assigned = self._vault.store.assigned_to(record_id)
        exists = self._vault.store.record_exists(record_id)
        # The same refusal whether the record is missing or out of scope: a refusal
        # must not confirm that a record exists.
        if not exists or not in_scope(self.role, self.staff_name, assigned):
            # Tried, and not theirs to open: for the access review (10(d)).
            if exists:
                self._log("record_refused", record_id)
            else:
                self._log("record_refused", asked_for=record_id[:MAX_TYPED])
            raise AccessRefused(f"Record {record_id} is not one you can open.")
        if record_id in self._hidden_ids():
            # Restricted, and no grant for this person: the attempt is for the review.
            self._log("restricted_record_refused", record_id)
            raise AccessRefused(f"Record {record_id} is not one you can open.")

    def open_record(self, record_id: str) -> RecordView:
        self._checked_in_scope(record_id)
        if record_id in self._vault.store.restricted_ids():
            self._log("record_opened", record_id, restricted=True)
        else:
            self._log("record_opened", record_id)
        return self._view(record_id)

    def _view(self, record_id: str) -> RecordView:
        fields = readable_fields(self.role, self.policy)
        record = self._vault.read_record(record_id, fields)
        if record is None:
            raise AccessRefused(f"Record {record_id} is not one you can open.")
        return project(record, self.role, self.policy, self._revealed.get(record_id, ()))

    def reveal(self, record_id: str, field: str, reason: str) -> RecordView:
        """Show a `reveal` field in full, for a stated reason of the policy's length."""
        self._checked_in_scope(record_id)
        spec = self.policy.fields.get(field)
        if spec is None or self.role.rule_for(field).rule is not Rule.REVEAL:
            raise AccessRefused(f"{field!r} is not a field you can reveal.")
        minimum = self.policy.session.reveal_reason_min_length
        if len(reason) > MAX_TYPED:
            raise BadInput(f"A reason can be at most {MAX_TYPED} characters.")
        if len(reason.strip()) < minimum:
            raise BadInput(f"Say why you need to see {spec.label} (at least {minimum} characters).")
        self._log("field_revealed", record_id, personal={"reason": reason}, field=field)
        self._revealed.setdefault(record_id, set()).add(field)
        return self._view(record_id)

    def close_record(self, record_id: str) -> None:
        """Reveals last until the record is closed."""
        self._revealed.pop(record_id, None)

    # chronology

    def add_note(
        self, record_id: str, kind: NoteKind, text: str, on: date, *, historical: bool = False
    ) -> RecordView:
        """Add a chronology note, labelled fact or opinion (section 6, Accurate)."""
        if not self.may(Permission.ADD_NOTE):
            raise AccessRefused(f"The {self.role.label} role cannot add notes.")
        self._checked_in_scope(record_id)
        if not text.strip():
            raise BadInput("A note needs some text.")
        if on > date.today():
            raise BadInput("A note cannot be dated in the future.")
        note = Note(on, self.staff_name, NoteKind(kind), text, historical)
        with self._recorded("note_added", record_id, kind=note.kind.value, historical=historical):
            self._vault.add_note(record_id, note)
        return self._view(record_id)

    def record_consent(
        self, record_id: str, given_by: str, scope: str, on: date, withdrawn: date | None = None
    ) -> RecordView:
        """Capture consent on the record: who gave it, to what, when, and if withdrawn."""
        if not self.may(Permission.RECORD_CONSENT):
            raise AccessRefused(f"The {self.role.label} role cannot record consent.")
        self._checked_in_scope(record_id)
        if not given_by.strip() or not scope.strip():
            raise BadInput("Say who gave consent, and to what.")
        if len(given_by) > MAX_TYPED or len(scope) > MAX_TYPED:
            raise BadInput(f"Keep each part under {MAX_TYPED} characters.")
        if on > date.today() or (withdrawn is not None and withdrawn > date.today()):
            raise BadInput("Consent cannot be dated in the future.")
        if withdrawn is not None and withdrawn < on:
            raise BadInput("Consent cannot be withdrawn before it was given.")
        entry = ConsentEntry(given_by, scope, on, withdrawn)
        with self._recorded("consent_recorded", record_id, withdrawn=withdrawn is not None):
            self._vault.add_consent(record_id, entry)
        return self._view(record_id)

    def sharing_history(self, record_id: str) -> list[SharedBefore]:
        """What has been decided about sharing this record (for whoever may open it)."""
        self._checked_in_scope(record_id)
        history = []
        for row, payload in self._vault.decisions_for(record_id):
            requester = payload.get("requester") or {}
            how = payload.get("how") or {}
            history.append(
                SharedBefore(
                    row.id,
                    row.created_at[:10],
                    row.decided_by,
                    row.status,
                    bool(how),
                    f"{requester.get('name', '')}, {requester.get('organisation', '')}",
                    str(payload.get("purpose", "")),
                    tuple(how.get("fields", ())),
                    len(how.get("notes", ())),
                    str(how.get("method", "")),
                    str((payload.get("phone_request") or {}).get("id", "")),
                )
            )
        return history

    def expired_packages(self, now: float | None = None) -> list[str]:
        """Disclosure packages older than the policy's days, for IT to shred: names
        only (a decision id), never what they hold."""
        self._check_usable()
        if not self.may(Permission.DISPOSE):
            raise AccessRefused(f"The {self.role.label} role does not dispose of files.")
        keep = self.policy.sharing.disclosure_keep_days * 86400
        moment = time.time() if now is None else now
        expired = [name for name, mtime in self._vault.exports() if moment - mtime > keep]
        self._log("expired_packages_listed", count=len(expired))
        return expired

    # the lock (section 11, Clear desk)

    @property
    def pin_failures(self) -> int:
        return self._pin_failures

    def lock(self, why: str = "asked") -> None:
        if self.ended:
            raise AccessRefused("This session has ended.")
        # Nothing of a record stays in memory behind the lock.
        self._forget()
        self.locked = True
        self._log("locked", why=why)

    def unlock(self, pin: str) -> bool:
        """True if the PIN is right. After PIN_ATTEMPTS wrong ones the session ends."""
        if self.ended:
            raise AccessRefused("This session has ended.")
        staff = self._vault.store.staff(self.staff_name)
        if staff is None or staff.disabled:
            # Disabled while locked: the account may no longer come back in.
            self.close(why="account disabled while locked")
            raise AccessRefused(f"The staff account {self.staff_name!r} is disabled.")
        if staff.pin_hash and verify_pin(pin, staff.pin_hash):
            self._pin_failures = 0
            self._log("unlocked")
            self.locked = False  # only once the unlock is on record
            return True
        self._pin_failures += 1
        self._log("pin_failed", attempt=self._pin_failures)
        if self._pin_failures >= PIN_ATTEMPTS:
            self.close(why=f"{PIN_ATTEMPTS} wrong PINs")
        return False

    # sharing (policy sections 6, 7, 8)

    def decide_sharing(
        self,
        record_id: str,
        requester: Requester,
        purpose: str,
        flow: SharingFlow,
        how: HowChoices | None = None,
        discussed: str = "",
        urgent_manager: str = "",
        phone_request: str | None = None,
    ) -> SharingOutcome:
        """Record a decision, to share or not, with every answer and reason (section 6
        Record; 8). When it is to share, and no manager must confirm first, the
        disclosure package holding only the chosen items is written 0600 to exports.

        Sharing without consent waits in the safeguarding lead's queue (10(f)), unless
        it is urgent (section 6, Timely): then `urgent_manager` says which manager was
        consulted and how, the package is written now, and the lead confirms after.

        `phone_request` links the decision to the verified telephone request it
        answers (section 11); the requester is then that verified caller.
        """
        if not self.may(Permission.SHARE):
            raise AccessRefused(f"The {self.role.label} role cannot take sharing decisions.")
        self._checked_in_scope(record_id)
        policy = self.policy.sharing
        outcome = flow.outcome
        if outcome is None:
            raise BadInput("Answer every question first: the outcome comes from the answers.")
        if flow.policy is not policy:
            raise BadInput("These answers were given to another version of the questions.")
        minimum = policy.reason_min_length
        if len(purpose.strip()) < minimum:
            raise BadInput(f"Say what the information is for (at least {minimum} characters).")
        if not all(part.strip() for part in (requester.name, requester.organisation)):
            raise BadInput("Name the requester and their organisation.")
        typed = [purpose, discussed, urgent_manager, *requester.__dict__.values()]
        if how is not None:
            typed.append(how.not_informing_reason)
        if any(len(text) > MAX_TYPED for text in typed):
            raise BadInput(f"Keep each answer under {MAX_TYPED} characters.")
        if phone_request is not None:
            verified = self._request_detail(phone_request)
            if verified.record_id != record_id or requester != verified.requester:
                raise BadInput(
                    f"{phone_request} was verified for another record or another caller."
                )
        view = self._view(record_id)
        if outcome.share:
            if how is None:
                raise BadInput("Say how the information will be shared.")
            shown = {f.name for f in view.fields if f.rule is Rule.VISIBLE or f.revealed}
            notes = view.notes.entries if view.notes else ()
            check_how(policy, how, shown, len(notes))
        elif len(discussed.strip()) < minimum:
            raise BadInput(
                "Record what was discussed with the requester about not sharing "
                f"(at least {minimum} characters)."
            )
        decision_id = f"D-{secrets.token_hex(6)}"
        urgent = outcome.share and outcome.needs_manager and bool(urgent_manager.strip())
        if urgent and len(urgent_manager.strip()) < minimum:
            raise BadInput(
                f"Say which manager was consulted, and how (at least {minimum} characters)."
            )
        waiting = outcome.share and outcome.needs_manager and not urgent
        status = "awaiting_manager" if waiting else "acted_urgently" if urgent else "decided"
        package_text = (
            disclosure_text(decision_id, view, requester, how, self.staff_name)
            if outcome.share and how is not None
            else None
        )
        personal: dict[str, Any] = {
            "requester": requester.__dict__,
            "purpose": purpose,
            "answers": [
                {"question": a.text, "yes": a.yes, "reason": a.reason} for a in flow.answers
            ],
            "outcome": outcome.text,
            "how": None if how is None else {**how.__dict__, "notes": list(how.notes)},
            "discussed": discussed,
            "urgent_manager": urgent_manager,
        }
        with self._recorded(
            "sharing_decision",
            record_id,
            personal=personal,
            decision=decision_id,
            outcome=outcome.name,
            share=outcome.share,
            status=status,
            phone_request=phone_request,
        ):
            if phone_request is not None:
                personal["phone_request"] = self._answer_request(
                    phone_request, record_id, decision_id
                )
            row = DecisionRow(decision_id, record_id, status, self.staff_name, now_utc())
            # The package is fixed now, as the sharer chose it; a manager's later
            # confirmation releases exactly this.
            self._vault.add_decision(row, {**personal, "package": package_text})
            package = None
            if package_text is not None and not waiting:
                package = self._vault.write_export(f"{decision_id}.txt", package_text)
        return SharingOutcome(decision_id, outcome.name, outcome.share, status, package)

    def sharing_queue(self) -> list[QueueItem]:
        """Decisions a safeguarding lead must confirm or reject (section 10(f))."""
        self._check_usable()
        if not self.may(Permission.APPROVE_SHARING):
            raise AccessRefused(f"The {self.role.label} role does not confirm sharing.")
        rows = self._vault.store.decisions(("awaiting_manager", "acted_urgently"))
        hidden = self._hidden_ids()
        rows = [r for r in rows if r.record_id not in hidden]
        self._log("sharing_queue_viewed", count=len(rows))
        return [QueueItem(r.id, r.record_id, r.status, r.decided_by, r.created_at) for r in rows]

    def review_sharing(self, decision_id: str, confirm: bool, reason: str) -> SharingOutcome:
        """A manager confirms or rejects a decision to share without consent, with
        reasons; confirming one still waiting releases its package."""
        self._check_usable()
        if not self.may(Permission.APPROVE_SHARING):
            raise AccessRefused(f"The {self.role.label} role does not confirm sharing.")
        found = self._vault.decision(decision_id)
        waiting = ("awaiting_manager", "acted_urgently")
        if (
            found is None
            or found[0].status not in waiting
            or found[0].record_id in (self._hidden_ids())
        ):
            raise BadInput(f"{decision_id} is not waiting for a manager.")
        row, payload = found
        if row.decided_by == self.staff_name:
            raise AccessRefused("A manager other than the person who decided must confirm it.")
        minimum = self.policy.sharing.reason_min_length
        if len(reason.strip()) < minimum:
            raise BadInput(f"Give the reason for this (at least {minimum} characters).")
        if len(reason) > MAX_TYPED:
            raise BadInput(f"A reason can be at most {MAX_TYPED} characters.")
        status = "confirmed" if confirm else "rejected"
        package = None
        with self._recorded(
            "sharing_reviewed",
            row.record_id,
            personal={"reason": reason},
            decision=decision_id,
            status=status,
            was=row.status,
        ):
            self._vault.store.set_decision_status(decision_id, status)
            text = payload.get("package")
            if confirm and row.status == "awaiting_manager" and isinstance(text, str):
                package = self._vault.write_export(f"{decision_id}.txt", text)
        return SharingOutcome(decision_id, "", confirm, status, package)
