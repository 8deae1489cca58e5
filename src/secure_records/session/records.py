"""The records a staff member works with: the list, search, one record, its
chronology, consent and sharing history (policy sections 6 and 11).

Every method checks the role and hands back view models in which whatever the role
may not see is already masked or absent, so a screen cannot forget to mask.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from secure_records.core.access import (
    RecordSummary,
    RecordView,
    choice_words,
    list_form,
    search_modes,
    summarise,
)
from secure_records.core.dates import search_form
from secure_records.core.errors import AccessRefused, BadInput
from secure_records.core.importing import MAX_TEXT
from secure_records.core.log_actions import LogAction
from secure_records.core.permissions import Permission
from secure_records.core.policy import Rule
from secure_records.core.records import (
    ConsentCapacity,
    ConsentEntry,
    Note,
    NoteKind,
    normalise_name,
)
from secure_records.core.referral import Initiative
from secure_records.core.statuses import SharingStatus
from secure_records.core.text import counted
from secure_records.session.door import StaffDoor
from secure_records.session.limits import MAX_TYPED
from secure_records.session.scope import RecordScope
from secure_records.session.search_index import IndexBuild, Row, SearchIndex
from secure_records.session.search_limits import SearchLimits

# A note may be as long as an import allows; a longer one made its record slow to open.
MAX_NOTE = MAX_TEXT
NOTE_TOO_LONG = f"A note can be at most {MAX_NOTE:,} characters."
WHY_WITHDRAWN = "Say why consent was withdrawn (the entry will say so)."
# What a list can be sorted by: the reference, or a field of its lines.
SORTABLE = ("reference", "name", "date_of_birth")


@dataclass(frozen=True)
class SharedBefore:
    """One line of a record's sharing history: when, with whom, what, why."""

    decision_id: str
    on: str
    decided_by: str
    status: SharingStatus
    shared: bool
    with_whom: str
    purpose: str
    fields: tuple[str, ...]
    notes: int
    method: str
    phone_request: str  # the verified telephone request it answered, if any
    field_labels: tuple[str, ...] = ()  # `fields` as the policy labels them


@dataclass(frozen=True)
class IndexMatch:
    """What reception may learn: that a record exists, and its reference."""

    reference: str


class Records:
    def __init__(self, door: StaffDoor, scope: RecordScope) -> None:
        self._door = door
        self._scope = scope
        self._index = SearchIndex()
        self._limits = SearchLimits(door)
        self._list_logged = False
        # The references last listed (the screen holds the same list): an index built
        # after keeps these strings rather than copies of its own.
        self._listed: list[str] = []

    def forget(self) -> None:
        """The search index goes (and one still being built is thrown away)."""
        self._index.forget()
        self._listed = []

    @property
    def search_ready(self) -> bool:
        """Whether names are held in memory for searching (none while locked)."""
        return self._index.ready

    def _shown(self, count: int) -> None:
        self._door.log(LogAction.RECORD_LIST_SHOWN, count=count)
        self._list_logged = True

    # the list

    def listing_ids(self) -> list[str]:
        """References of every record in scope, in reference order; nothing is decrypted."""
        ids = self._scope.ids_in_scope()
        if ids is None:
            ids = self._door.vault.store.record_ids()
        hidden = self._scope.hidden_ids()
        if hidden:
            ids = [rid for rid in ids if rid not in hidden]
        # As Python orders them (a database's collation may not), nearly in order already.
        ids.sort()
        self._shown(len(ids))
        self._listed = ids
        return ids

    def summaries(self, record_ids: Sequence[str]) -> list[RecordSummary]:
        """List lines for these records (those on screen), masked by the role's rules."""
        door = self._door
        door.check_usable()
        self._scope.refuse_unlisted()
        if not self._list_logged:
            # Names are being shown: fail closed if that cannot be recorded.
            self._shown(len(record_ids))
        # Asked for a screenful at a time: what may be reached now, not at the search.
        wanted = self._scope.current(record_ids)
        if self._index.ready:
            rows = self._index.rows(wanted)
        else:
            rows = [
                (rid, v["name"], v["date_of_birth"], v.get("category", ""))
                for rid, v in door.vault.field_values(wanted, self._listed_fields())
            ]
        return [summarise(rid, name, dob, door.role, category) for rid, name, dob, category in rows]

    def _listed_fields(self) -> tuple[str, ...]:
        # The category only for a role that may see some of it: nothing is decrypted
        # that the role's view does not need.
        shows_category = self._door.role.rule_for("category").rule is not Rule.HIDDEN
        return ("name", "date_of_birth", *(("category",) if shows_category else ()))

    def columns(self) -> tuple[tuple[str, str], ...]:
        """(column, heading) of a list line: the reference, then each of name, date of
        birth and category the role may see, headed by the policy's label."""
        fields, role = self._door.policy.fields, self._door.role
        shown = [
            (name, fields[name].label)
            for name in ("name", "date_of_birth", "category")
            if name in fields and role.rule_for(name).rule is not Rule.HIDDEN
        ]
        return (("reference", "Reference"), *shown)

    def categories(self) -> tuple[tuple[str, str], ...]:
        """(choice, words) a list can be narrowed to: none unless the role sees the
        category in full (a filter by a masked value would tell it, record by record)."""
        spec = self._door.policy.fields.get("category")
        if spec is None or self._door.role.rule_for("category").rule is not Rule.VISIBLE:
            return ()
        return tuple((choice, choice_words(choice)) for choice in spec.choices)

    def prepare_search(self) -> None:
        """Decrypt names, dates of birth and categories of every record in scope, once,
        so each keystroke of a search (or sort, or filter) is a scan in memory. Safe to
        run on another thread: it reads through its own connection."""
        door = self._door
        door.check_usable()
        generation = self._index.generation
        reader = door.vault.reader()
        fields = self._listed_fields()
        try:
            self._scope.refuse_unlisted()
            # Restrictions are applied to each search's results, not here: one lifted
            # after the index is built is found at once.
            # Straight into the index, a record at a time: no list of every line first.
            rows = door.vault.each_field_values(self._scope.reach(reader), fields, store=reader)
            # Packed as they come: no list of every line first, no string per record.
            build = IndexBuild((choice for choice, _ in self.categories()), self._listed)
            for rid, values in rows:
                name, dob, category = (*values, "")[:3]
                build.add(rid, name, dob, category)
        finally:
            reader.close()
        columns = build.done()  # in reference order: a search's results come in it
        self._index.publish(generation, columns, lambda: not (door.locked or door.ended))

    def _current_index(self) -> None:
        if self._index.ready and self._scope.beyond(self._index.order):
            self._index.forget()  # a record granted or assigned since: built again
        if not self._index.ready:
            self.prepare_search()
        assert self._index.ready

    def arrange(
        self,
        record_ids: Sequence[str],
        by: str = "reference",
        descending: bool = False,
        category: str | None = None,
    ) -> list[str]:
        """`record_ids`, as `listing_ids` or `search` give them (in reference order),
        sorted by a column, and only those in `category` when one is given. Sorted by
        what the line shows (a masked field by its masked form), so an order tells
        nothing the lines do not."""
        self._door.check_usable()
        if by not in SORTABLE:
            raise BadInput(f"A list cannot be sorted by {by!r}.")
        if category is not None and category not in dict(self.categories()):
            raise AccessRefused("You cannot narrow the list by category.")
        if by == "reference" and category is None:
            # Nothing decrypted, nothing sorted: at every keystroke of a search, 100,000
            # references sorted again would cost more than the search.
            arranged = list(record_ids)
        else:
            self._current_index()
            if by == "reference":
                arranged = list(record_ids)
            else:
                wanted = set(record_ids)
                every = self._index.sorted_by(by, self._sort_key(by))
                arranged = [rid for rid in every if rid in wanted]
            if category is not None:
                arranged = self._index.in_category(arranged, category)
        if descending:
            arranged.reverse()
        return arranged

    def _sort_key(self, by: str) -> Callable[[Row], str]:
        role = self._door.role
        if role.rule_for(by).rule is Rule.VISIBLE:
            # name as matched (case and spacing do not count); a date as held sorts by time
            return (lambda row: row[2]) if by == "name" else (lambda row: row[1])
        place = 0 if by == "name" else 1
        return lambda row: normalise_name(list_form(role, by, row[place]))

    def search(self, query: str) -> list[str]:
        """References in scope whose name or date of birth matches `query`.

        A field the role sees in full matches by any part; one it sees masked or not
        at all, never (not even exactly, which would confirm a guess) unless the
        policy names a search mode for it. Rate-limited (session.toml).
        """
        self._door.check_usable()
        if len(query) > MAX_TYPED:
            raise BadInput(f"A search can be at most {MAX_TYPED} characters.")
        self._current_index()
        # A date of birth typed the UK way (04/02/2018) is looked for as it is held.
        needle = normalise_name(search_form(query)).replace("\x00", "")
        if not needle:
            everything = self._scope.current(self._index.order)
            self._shown(len(everything))
            return everything
        self._limits.before_search()
        self._door.log(LogAction.SEARCHED, query=query)
        self._list_logged = True
        # One pass over plain lists, specialised to the role's modes (matches_search
        # is the same rule, record by record): a keystroke over 100k names; then only
        # what this session may reach now (the index was built earlier).
        return self._scope.current(self._index.matches(needle, *search_modes(self._door.role)))

    def matching(self, query: str = "") -> list[RecordSummary]:
        """Summaries of the records in scope matching `query` (all when it is empty)."""
        return self.summaries(self.search(query))

    def find_exact(self, name: str, date_of_birth: str) -> IndexMatch | None:
        """For the index scope: does a record match this exact name and date of birth?

        Only for a role that may search both (seen in full, or a search mode the
        policy names), and rate-limited (session.toml): each answer confirms a guess.
        """
        self._door.check_usable()
        if len(name) > MAX_TYPED or len(date_of_birth) > MAX_TYPED:
            raise BadInput(f"Keep each part under {MAX_TYPED} characters.")
        self._limits.before_lookup()
        ids = self._scope.exact_ids(name, date_of_birth)
        found = IndexMatch(ids[0]) if ids else None
        query = {"name": name, "date_of_birth": date_of_birth}
        if found is not None:
            # About a record: its details go under that record's key, so disposing of
            # the record erases who was asked about.
            self._door.log(
                LogAction.INDEX_LOOKUP, found.reference, personal={"query": query}, found=True
            )
        else:
            self._door.log(LogAction.INDEX_LOOKUP, query=query, found=False)
        return found

    # one record

    def open_record(self, record_id: str) -> RecordView:
        self._scope.check(record_id)
        if record_id in self._door.vault.store.restricted_ids():
            self._door.log(LogAction.RECORD_OPENED, record_id, restricted=True)
        else:
            self._door.log(LogAction.RECORD_OPENED, record_id)
        return self._scope.view(record_id)

    def reveal(self, record_id: str, field: str, reason: str) -> RecordView:
        """Show a `reveal` field in full, for a stated reason of the policy's length."""
        self._scope.check(record_id)
        policy, role = self._door.policy, self._door.role
        spec = policy.fields.get(field)
        if spec is None or role.rule_for(field).rule is not Rule.REVEAL:
            raise AccessRefused(f"{field!r} is not a field you can reveal.")
        minimum = policy.session.reveal_reason_min_length
        if len(reason) > MAX_TYPED:
            raise BadInput(f"A reason can be at most {MAX_TYPED} characters.")
        if len(reason.strip()) < minimum:
            raise BadInput(
                f"Say why you need to see {spec.label} (at least {counted(minimum, 'character')})."
            )
        self._door.log(
            LogAction.FIELD_REVEALED, record_id, personal={"reason": reason}, field=field
        )
        self._scope.revealed.setdefault(record_id, set()).add(field)
        return self._scope.view(record_id)

    def close_record(self, record_id: str) -> None:
        """Reveals last until the record is closed."""
        self._scope.revealed.pop(record_id, None)

    # chronology and consent

    def add_note(
        self, record_id: str, kind: NoteKind, text: str, on: date, *, historical: bool = False
    ) -> RecordView:
        """Add a chronology note, labelled fact or opinion (section 6, Accurate)."""
        self._door.require(Permission.ADD_NOTE, refused="cannot add notes")
        self._scope.check(record_id)
        if len(text) > MAX_NOTE:
            raise BadInput(NOTE_TOO_LONG)
        if not text.strip():
            raise BadInput("A note needs some text.")
        if on > date.today():
            raise BadInput("A note cannot be dated in the future.")
        note = Note(on, self._door.staff_name, NoteKind(kind), text, historical)
        with self._door.recorded(
            LogAction.NOTE_ADDED, record_id, kind=note.kind.value, historical=historical
        ):
            self._door.vault.add_note(record_id, note)
        return self._scope.view(record_id)

    def record_consent(
        self,
        record_id: str,
        given_by: str,
        scope: str,
        on: date,
        withdrawn: date | None = None,
        *,
        capacity: ConsentCapacity,
        withdrawn_reason: str = "",
    ) -> RecordView:
        """Capture consent on the record: who gave it, in what capacity (section 4), to
        what, when, and if withdrawn, when and why."""
        self._door.require(Permission.RECORD_CONSENT, refused="cannot record consent")
        self._scope.check(record_id)
        if not given_by.strip() or not scope.strip():
            raise BadInput("Say who gave consent, and to what.")
        if not isinstance(capacity, ConsentCapacity):
            raise BadInput("Say in what capacity consent was given.")
        if max(len(given_by), len(scope), len(withdrawn_reason)) > MAX_TYPED:
            raise BadInput(f"Keep each part under {MAX_TYPED} characters.")
        if on > date.today() or (withdrawn is not None and withdrawn > date.today()):
            raise BadInput("Consent cannot be dated in the future.")
        if withdrawn is not None and withdrawn < on:
            raise BadInput("Consent cannot be withdrawn before it was given.")
        if withdrawn is not None and not withdrawn_reason.strip():
            raise BadInput(WHY_WITHDRAWN)
        why = withdrawn_reason.strip() if withdrawn is not None else ""
        entry = ConsentEntry(given_by, scope, on, withdrawn, capacity, why)
        with self._door.recorded(
            LogAction.CONSENT_RECORDED, record_id, withdrawn=withdrawn is not None
        ):
            self._door.vault.add_consent(record_id, entry)
        return self._scope.view(record_id)

    def withdraw_consent(
        self, record_id: str, entry_number: int, withdrawn: date, reason: str
    ) -> RecordView:
        """Withdraw consent on the entry that records it (its number from 1, as the
        record shows them), from the date given and for the reason given: the entry
        says so, none is added."""
        self._door.require(Permission.RECORD_CONSENT, refused="cannot record consent")
        self._scope.check(record_id)
        if withdrawn > date.today():
            raise BadInput("Consent cannot be withdrawn in the future.")
        if not reason.strip():
            raise BadInput(WHY_WITHDRAWN)
        if len(reason) > MAX_TYPED:
            raise BadInput(f"Keep the reason under {MAX_TYPED} characters.")
        # Read and changed in one transaction, with its log entry: a withdrawal made by
        # someone else meanwhile is seen here, and nothing is written or logged.
        with self._door.recorded(LogAction.CONSENT_WITHDRAWN, record_id, entry=entry_number):
            found = self._door.vault.consent.entry(record_id, entry_number)
            if found is None:
                raise BadInput(f"This record has no consent entry {entry_number}.")
            seq, entry = found
            if entry.withdrawn is not None:
                raise BadInput("That consent was already withdrawn.")
            if withdrawn < entry.date:
                raise BadInput("Consent cannot be withdrawn before it was given.")
            ended = replace(entry, withdrawn=withdrawn, withdrawn_reason=reason.strip())
            self._door.vault.consent.replace(record_id, seq, ended)
        return self._scope.view(record_id)

    def sharing_history(self, record_id: str) -> list[SharedBefore]:
        """What has been decided about sharing this record (for whoever may open it)."""
        self._scope.check(record_id)
        history = []
        for row, payload in self._door.vault.decisions_for(record_id):
            requester, how, answered = payload.requester, payload.how, payload.phone_request
            history.append(
                SharedBefore(
                    row.id,
                    row.created_at[:10],
                    row.decided_by,
                    row.status,
                    how is not None,
                    ("on our own initiative, to " if payload.initiative is Initiative.OWN else "")
                    + f"{requester.name}, {requester.organisation}",
                    payload.purpose,
                    () if how is None else how.fields,
                    0 if how is None else len(how.notes),
                    "" if how is None else how.method,
                    "" if answered is None else answered.id,
                    () if how is None else tuple(self._label(name) for name in how.fields),
                )
            )
        return history

    def _label(self, field: str) -> str:
        spec = self._door.policy.fields.get(field)
        return field if spec is None else spec.label
