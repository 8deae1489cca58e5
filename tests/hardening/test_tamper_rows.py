"""Systematic tampering with the sealed rows: everything that says who may see or do what.

A vault in which every sealed table (vault/row_seals.py TABLES) has rows, all made
through the real sessions and the host's administration: staff (one disabled, one with
a PIN), records with notes and consent entries, assignments, sharing decisions (one
awaiting a lead, one decided), telephone requests (one matched to a record, one that
matched none), a legal hold, disposals (proposed, approved, executed), a restriction
with its grants. A copy of vault.db is kept as "the older copy"; then more real changes
follow, so that many rows differ.

Then, with sqlite3 straight on vault.db, each case on a fresh copy of it:
- every column a row's seal covers (its identity, its sealed columns, the seal itself)
  of every row changed to another value of the same type;
- every row deleted;
- every row inserted again as a copy with one identity column changed (seal copied);
- every row that differs from the older copy replayed from it, and every row deleted
  since put back.

Each case must be caught twice, with the place named: `vault verify` (verify_vault)
says the vault is not intact and a problem line names the table and row (or, for a
row that belongs to a record, the record); and a real read that relies on the row
refuses with SealBroken naming the table and row or the record, so that nothing is
done with it. A read that adds a table up (staff, legal holds, restrictions, grants,
decisions, telephone requests, disposals) may name the table as a whole: it no longer
adds up to the ledger; a read of someone's caseload may name their staff row: their
assignments no longer add up to it. A row left belonging to no record
there is (moved or copied to a record id that does not exist, or put back for a record
since erased) is reached by no read, since each goes by a record: opening that record
must find none.

The figure: cases by kind, and how many were caught both ways with the place named.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import keyring
import pytest

from secure_records.admin import Administration
from secure_records.admin.row_sealing import verify_vault
from secure_records.core.records import ConsentCapacity, NoteKind
from secure_records.core.sharing import HowChoices, Requester, SharingFlow
from secure_records.core.statuses import DisposalStatus, SharingStatus
from secure_records.core.telephone import Callback, Status, Urgency
from secure_records.session import Session
from secure_records.session.telephone import Caller
from secure_records.vault.kek import INSECURE_ENV
from secure_records.vault.row_seals import TABLES, SealBroken, TableSpec
from secure_records.vault.store import Store
from tests.conftest import STAFF, canary_row, write_jsonl
from tests.hardening.test_tamper import Tally
from tests.support import figures
from tests.support.bases import basis
from tests.support.open_keyring import OpenKeyring

TODAY = date(2026, 11, 30)  # the shipped directory's entries are checked as of this day
REASON = "recorded reason of some length"
ASKER = Requester("D. Example", "Nowhere Primary School", "Designated lead", "01632 960000")
POLICE = Caller("DC Jane Smith", "Detective constable", "northshire_police_ppu", "", "01632 960100")
WHOLE_TABLE = "(the table as a whole)"  # row_seals.table_broken names no row

ROWS = Tally()


# The vault


def adult(rid: str, assigned: list[str]) -> dict[str, object]:
    """A vulnerable adult whose case closed long enough ago to be due for disposal."""
    row = canary_row(rid, assigned)
    row["category"] = "vulnerable_adult"
    row["case_closed"] = "2015-01-01"
    return row


def sharing_flow(session: Session, *answers: bool) -> SharingFlow:
    walked = SharingFlow(session.policy.sharing)
    for yes in answers:
        walked = walked.answer(yes, REASON)
    return walked


def how(session: Session) -> HowChoices:
    policy = session.policy.sharing
    return HowChoices(("name",), (), True, policy.methods[0], basis(policy), True)


def take_call(reception: Session, name: str, born: str) -> str:
    call = reception.telephone.take_phone_request(
        POLICE,
        name,
        born,
        "safeguarding_concern",
        "Any concerns recorded about the person",
        Urgency.TODAY,
        today=TODAY,
    )
    return call.id


@dataclass(frozen=True)
class Made:
    """What the workflows made, by the ids they were given."""

    awaiting: str  # a sharing decision waiting for a lead
    matched: str  # a telephone request about R-0001
    unmatched: str  # one about nobody on record
    disposals: dict[str, str]  # record -> disposal id


def make_older(home: Path, root: Path) -> Made:
    """Every sealed table given rows, through the real workflows."""
    rows = [
        canary_row("R-0001", ["alice"]),
        canary_row("R-0002", ["alice"]),
        canary_row("R-0003", ["bilal"]),
        adult("R-0004", ["alice"]),
        adult("R-0005", ["bilal"]),
        adult("R-0006", []),
    ]
    with Administration.init(home) as admin:
        for name, role in (*STAFF, ("carol", "caseworker"), ("dave", "caseworker")):
            admin.add_staff(name, role)
        admin.import_file(write_jsonl(root / "records.jsonl", rows))
        admin.assign("R-0001", "carol")
        admin.disable_staff("dave")
        admin.set_pin("carol", "4826-1593")
    with Session.open("alice", home) as alice:
        alice.records.record_consent(
            "R-0002", "CANARY-WITHDRAWER", "Sharing with school", date(2024, 6, 1),
            date(2025, 1, 1), capacity=ConsentCapacity.PARENT, withdrawn_reason="Moved away",
        )  # fmt: skip
        awaiting = alice.sharing.decide_sharing(
            "R-0001",
            ASKER,
            "Planning support at school next term",
            sharing_flow(alice, True, True, True, False, True),
            how(alice),
        ).decision_id
        alice.sharing.decide_sharing(
            "R-0002",
            ASKER,
            "A school asking about attendance",
            sharing_flow(alice, False),
            discussed=REASON,
        )
    with Session.open("reception", home) as reception:
        matched = take_call(reception, "Canaryname R-0001", "2013-04-02")
        unmatched = take_call(reception, "Nobody Known", "2010-01-01")
        reception.telephone.record_callback(unmatched, Callback.CONFIRMED)
    with Session.open("lead", home) as lead:
        lead.retention.set_legal_hold("R-0002", "Independent inquiry into the placement")
        lead.oversight.restrict_record("R-0003", "A member of staff's relative", 30)
        lead.oversight.grant_access("R-0003", "alice", 7, REASON)
    with Session.open("it", home) as it:
        disposals = {
            rid: it.retention.propose_disposal(rid, REASON, today=TODAY)
            for rid in ("R-0004", "R-0005", "R-0006")
        }
    with Session.open("lead", home) as lead:
        lead.retention.review_disposal(disposals["R-0004"], True, REASON)
    return Made(awaiting, matched, unmatched, disposals)


def make_changes(home: Path, made: Made) -> None:
    """Real changes after the older copy was taken: many rows now differ from it."""
    with Administration.open(home) as admin:
        admin.disable_staff("bilal")
        admin.set_pin("alice", "7391-2648")
        admin.unassign("R-0001", "carol")
        admin.assign("R-0002", "carol")
    with Session.open("alice", home) as alice:
        alice.records.add_note("R-0001", NoteKind.FACT, "Visited at home.", date(2026, 1, 5))
    with Session.open("reception", home) as reception:
        reception.telephone.record_callback(made.matched, Callback.CONFIRMED)
    with Session.open("lead", home) as lead:
        lead.sharing.review_sharing(made.awaiting, True, "Child at risk; school must know now")
        lead.telephone.close_phone_request(made.unmatched, "We hold nothing; told the officer")
        lead.retention.set_legal_hold("R-0002", "The inquiry has reported", hold=False)
        lead.retention.set_legal_hold("R-0003", "Litigation: claim issued against the charity")
        lead.oversight.grant_access("R-0003", "alice", 14, REASON)
        lead.oversight.grant_access("R-0003", "carol", 3, REASON)
        lead.retention.review_disposal(made.disposals["R-0005"], True, REASON)
    with Session.open("it", home) as it:
        it.retention.execute_disposal(made.disposals["R-0004"])


@dataclass(frozen=True)
class Vaults:
    home: Path
    current: Path  # vault.db as the changes left it
    log: Path  # audit.log as they left it
    older: Path  # vault.db before the changes


def settled(db_path: Path) -> None:
    """Everything in vault.db itself: no -wal file for a copy to leave behind."""
    with closing(sqlite3.connect(db_path)) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for suffix in ("-wal", "-shm"):
        db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)


@pytest.fixture(scope="module")
def vaults(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Vaults]:
    """Built once for the module (it takes seconds), its key in an in-memory keyring."""
    previous = keyring.get_keyring()
    keyring.set_keyring(OpenKeyring())
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv(INSECURE_ENV, "1")
            root = tmp_path_factory.mktemp("rows")
            home = root / "vault"
            made = make_older(home, root)
            settled(home / "vault.db")
            shutil.copyfile(home / "vault.db", root / "older.db")
            make_changes(home, made)
            settled(home / "vault.db")
            shutil.copyfile(home / "vault.db", root / "current.db")
            shutil.copyfile(home / "audit.log", root / "current.log")
            yield Vaults(home, root / "current.db", root / "current.log", root / "older.db")
    finally:
        keyring.set_keyring(previous)


# The cases

Row = dict[str, Any]
Statement = tuple[str, tuple[Any, ...]]

# Columns naming a member of staff, and columns holding one of a few words: a forged
# value there is another real one, as an attacker would choose.
STAFF_REFERENCES = frozenset(
    {
        "staff",
        "decided_by",
        "taken_by",
        "set_by",
        "granted_by",
        "proposed_by",
        "approved_by",
        "executed_by",
    }
)
WORDS: dict[tuple[str, str], tuple[str, ...]] = {
    ("staff", "role"): ("safeguarding_lead", "caseworker"),
    ("sharing_decisions", "status"): tuple(SharingStatus),
    ("phone_requests", "status"): tuple(Status),
    ("disposals", "status"): tuple(DisposalStatus),
}
YEAR = re.compile(r"(\d{4})-")


def where(spec: TableSpec) -> str:
    return " AND ".join(f"{column} = ?" for column in spec.identity)


def identity(spec: TableSpec, row: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(row[column] for column in spec.identity)


def table_rows(db: sqlite3.Connection, spec: TableSpec) -> list[Row]:
    order = ", ".join(spec.identity)
    cursor = db.execute(f"SELECT * FROM {spec.name} ORDER BY {order}")  # noqa: S608
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor]


def insert(spec: TableSpec, row: Row) -> Statement:
    columns = ", ".join(row)
    marks = ", ".join("?" * len(row))
    return f"INSERT INTO {spec.name} ({columns}) VALUES ({marks})", tuple(row.values())  # noqa: S608


def delete(spec: TableSpec, row: Row) -> Statement:
    return f"DELETE FROM {spec.name} WHERE {where(spec)}", identity(spec, row)  # noqa: S608


def update(spec: TableSpec, row: Row, column: str, value: Any) -> Statement:
    sql = f"UPDATE {spec.name} SET {column} = ? WHERE {where(spec)}"  # noqa: S608
    return sql, (value, *identity(spec, row))


@dataclass(frozen=True)
class RowCase:
    kind: str
    what: str
    table: str
    statements: tuple[Statement, ...]
    before: Row | None  # the row as the vault wrote it (None: one put in)
    after: Row | None  # the row as it now stands (None: deleted)


class Forger:
    """Another value of the same type for a column, real where it can be (another
    record, another member of staff, another status), never an identity that exists."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.records = [r for (r,) in db.execute("SELECT id FROM records ORDER BY id")]
        self.staff = [r for (r,) in db.execute("SELECT name FROM staff ORDER BY name")]
        self.pins = [r for (r,) in db.execute("SELECT pin_hash FROM staff") if r is not None]
        self.taken = {
            name: {identity(spec, row) for row in table_rows(db, spec)}
            for name, spec in TABLES.items()
        }
        self.types = {
            name: {c[1]: c[2] for c in db.execute(f"PRAGMA table_info({name})")} for name in TABLES
        }

    def value(self, spec: TableSpec, row: Row, column: str) -> Any:
        old = row[column]
        for new in self._candidates(spec, column, old):
            if new == old:
                continue
            if column in spec.identity:
                moved = tuple(new if c == column else row[c] for c in spec.identity)
                if moved in self.taken[spec.name]:
                    continue
            return new
        raise AssertionError(f"no other value for {spec.name}.{column} of {row}")

    def _candidates(self, spec: TableSpec, column: str, old: Any) -> Iterator[Any]:
        if (spec.name, column) in WORDS:
            yield from WORDS[(spec.name, column)]
        elif column == "record_id":
            yield from self.records
        elif column in STAFF_REFERENCES:
            yield from ("lead", *self.staff)
        elif column == "pin_hash" and old is None:
            yield from self.pins  # someone else's PIN
        yield from self._same_type(spec, column, old)

    def _same_type(self, spec: TableSpec, column: str, old: Any) -> Iterator[Any]:
        if isinstance(old, bytes):
            yield old[:-1] + bytes([old[-1] ^ 0x01])
        elif isinstance(old, int):
            yield from ((1 - old,) if column == "disabled" else (old + 1, old + 100, old + 1000))
        elif isinstance(old, str):
            if found := YEAR.match(old):
                yield f"{int(found[1]) + 1}-{old[5:]}"  # a year later
            yield from (old + "x", old + "xx")
        else:  # NULL: a value of the column's declared type
            declared = self.types[spec.name][column]
            if declared == "INTEGER":
                yield 1
            elif declared == "BLOB":
                yield b"\x00" * 32
            elif column.endswith("_at"):
                yield datetime(2026, 1, 5, tzinfo=UTC).isoformat(timespec="seconds")
            else:
                yield "x"


def changed_cases(db: sqlite3.Connection, forger: Forger) -> Iterator[RowCase]:
    for spec in TABLES.values():
        for row in table_rows(db, spec):
            label = f"{spec.name} row {spec.label(row)}"
            for column in (*spec.identity, *spec.columns, "seal"):
                new = forger.value(spec, row, column)
                after = {**row, column: new}
                yield RowCase(
                    "columns changed",
                    f"{label}: {column} changed",
                    spec.name,
                    (update(spec, row, column, new),),
                    row,
                    after,
                )


def deleted_cases(db: sqlite3.Connection) -> Iterator[RowCase]:
    for spec in TABLES.values():
        for row in table_rows(db, spec):
            what = f"{spec.name} row {spec.label(row)} deleted"
            yield RowCase("rows deleted", what, spec.name, (delete(spec, row),), row, None)


def copied_cases(db: sqlite3.Connection, forger: Forger) -> Iterator[RowCase]:
    for spec in TABLES.values():
        for row in table_rows(db, spec):
            for column in spec.identity:
                copy = {**row, column: forger.value(spec, row, column)}
                if spec.name == "records":
                    # Its key id is UNIQUE too: the copy needs its own to go in at all.
                    copy["key_id"] = forger.value(spec, row, "key_id")
                what = (
                    f"{spec.name} row {spec.label(row)} copied as {spec.label(copy)} "
                    f"({column} changed, seal copied)"
                )
                yield RowCase("rows copied", what, spec.name, (insert(spec, copy),), None, copy)


def replayed_cases(db: sqlite3.Connection, older: sqlite3.Connection) -> Iterator[RowCase]:
    for spec in TABLES.values():
        now = {identity(spec, row): row for row in table_rows(db, spec)}
        for row in table_rows(older, spec):
            current = now.get(identity(spec, row))
            if current == row:
                continue
            label = f"{spec.name} row {spec.label(row)}"
            statements: tuple[Statement, ...]
            if current is None:
                what, statements = f"{label} put back from the older copy", (insert(spec, row),)
            else:
                what = f"{label} replayed from the older copy"
                statements = (delete(spec, current), insert(spec, row))
            yield RowCase("rows replayed", what, spec.name, statements, current, row)


# Detection


def places(case: RowCase) -> tuple[set[str], set[str]]:
    """The row's labels (as the vault wrote it, as it now stands) and the records it
    belongs to, before and after."""
    spec = TABLES[case.table]
    rows = [row for row in (case.before, case.after) if row is not None]
    labels = {spec.label(row) for row in rows}
    key = "id" if spec.name == "records" else spec.parent
    records = {str(row[key]) for row in rows if key is not None and row[key] is not None}
    return labels, records


def named_by_verify(lines: Sequence[str], case: RowCase) -> bool:
    labels, records = places(case)
    wanted = [f"{case.table} row {label}" for label in labels]
    wanted += [f"record {rid}" for rid in records]
    return any(
        re.search(re.escape(place) + r"(?=[\s:,]|$)", line) for place in wanted for line in lines
    )


def refusal_names(exc: SealBroken, case: RowCase) -> bool:
    labels, records = places(case)
    if exc.table == case.table and (exc.row in labels or exc.row == WHOLE_TABLE):
        return True
    if case.table == "assignments" and exc.table == "staff":
        # An assignment's seal is summed into its staff member's caseload: their row
        # is the place that no longer adds up.
        return any(label.endswith(f" {exc.row}") for label in labels)
    return exc.table == "records" and exc.row in records


Read = tuple[str, Callable[[Administration], object]]


def by_store(label: str, read: Callable[[Store], object]) -> Read:
    return label, lambda admin: read(admin.vault.store)


def session_opened(name: str) -> Read:
    def read(admin: Administration) -> object:
        with Session.open(name, admin.home) as session:
            return session.staff_name

    return f"Session.open({name!r})", read


def record_opened(rid: str) -> Read:
    return by_store(f"record_rows({rid!r})", lambda s: s.record_rows(rid, ("notes", "consent")))


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def unreachable(rids: set[str]) -> Read:
    """A record's row that belongs to no record there is: no read reaches it (each goes
    by a record), so nothing can be done with it; opening the record finds none."""

    def read(admin: Administration) -> object:
        found = [admin.vault.store.record_rows(rid, ("notes", "consent")) for rid in rids]
        return UNREACHED if found == [None] * len(rids) else found

    return f"record_rows of {', '.join(sorted(rids))} (no such record)", read


UNREACHED = "no such record: nothing reads the row"


def reads(case: RowCase, existing: set[str]) -> list[Read]:
    """The real reads that rely on the row: each must refuse naming it (or its
    record). Where the row stands now, read by what names it; the records it belongs
    to (or belonged to) opened, a record's own row by its id; a whole small table read
    whole. `existing`: the records there are once tampered with."""
    _, records = places(case)
    opened = records if case.table == "records" else records & existing
    found: list[Read] = [record_opened(rid) for rid in sorted(opened)]
    if records and not opened:
        found.append(unreachable(records))
    row = case.after if case.after is not None else case.before
    assert row is not None
    table, parent = case.table, TABLES[case.table].parent
    if table == "staff":
        names = {r["name"] for r in (case.before, case.after) if r is not None}
        found += [session_opened(name) for name in sorted(names)]
    elif table == "legal_holds":
        found.append(by_store("held_ids()", lambda s: s.held_ids()))
    elif table == "restrictions":
        found.append(by_store("restricted_ids()", lambda s: s.restricted_ids()))
    elif case.after is None and (table == "records" or (parent is not None and row[parent])):
        pass  # gone: opening its record is the read that relies on it
    elif table == "assignments":
        staff = row["staff"]
        found.append(by_store(f"caseload shown to {staff!r}", lambda s: caseload_shown(s, staff)))
    elif table == "grants":
        staff = row["staff"]
        label = f"granted_ids({staff!r})"
        found.append(by_store(label, lambda s: s.granted_ids(staff, now())))
    elif table == "sharing_decisions":
        did = row["id"]
        found.append(by_store(f"decision({did!r})", lambda s: s.decision(did)))
    elif table == "phone_requests":
        tid = row["id"]
        found.append(by_store(f"phone_request({tid!r})", lambda s: s.phone_request(tid)))
    elif table == "disposals":
        xid = row["id"]
        found.append(by_store(f"disposal({xid!r})", lambda s: s.disposal(xid)))
    assert found, case.what
    return found


def caseload_shown(store: Store, staff: str) -> list[str]:
    """What a caseworker's list relies on: their caseload added up, then each record's
    own assignment checked as it is shown (session.records.summaries)."""
    ids = store.ids_assigned_to(staff)
    return [rid for rid in ids if staff in store.assigned_to(rid)]


def wrong_read(admin: Administration, read: Read, case: RowCase) -> str | None:
    label, do = read
    try:
        got = do(admin)
    except SealBroken as exc:
        if refusal_names(exc, case):
            return None
        return f"{label} refused naming {exc.table} row {exc.row}, not the place"
    except Exception as exc:  # noqa: BLE001 - any other outcome is the finding
        return f"{label} raised {type(exc).__name__} ({exc}), not SealBroken"
    if got == UNREACHED:
        return None
    row = got[0] if isinstance(got, tuple) else got
    status = getattr(row, "status", None)
    shown = f"the row (status {status})" if status is not None else repr(got)
    return f"{label} returned {shown} without refusing"


@dataclass
class Workbench:
    """vault.db and audit.log put back as the changes left them before each case."""

    vaults: Vaults

    def restore(self) -> None:
        home = self.vaults.home
        for suffix in ("-wal", "-shm"):
            (home / f"vault.db{suffix}").unlink(missing_ok=True)
        shutil.copyfile(self.vaults.current, home / "vault.db")
        shutil.copyfile(self.vaults.log, home / "audit.log")

    def wrong_with(self, case: RowCase) -> str | None:
        """None if the case is caught both ways with the place named; else what is not."""
        self.restore()
        with closing(sqlite3.connect(self.vaults.home / "vault.db")) as db, db:
            for sql, params in case.statements:
                db.execute(sql, params)
        problems: list[str] = []
        with Administration.open(self.vaults.home, any_policy=True) as admin:
            report = verify_vault(admin)
            lines = report.lines()
            if report.intact:
                problems.append("vault verify says intact")
            elif not named_by_verify(lines, case):
                problems.append(f"vault verify does not name it ({'; '.join(lines[6:])})")
            for read in reads(case, set(admin.vault.store.record_ids())):
                if (problem := wrong_read(admin, read, case)) is not None:
                    problems.append(problem)
        return "; ".join(problems) or None


def all_caught(vaults: Vaults, cases: Sequence[RowCase]) -> None:
    """Every case tried (the figure counts each), then those not caught listed."""
    misses = run(vaults, cases)
    assert not misses, "not caught both ways with the place named:\n" + "\n".join(misses)


def run(vaults: Vaults, cases: Sequence[RowCase]) -> list[str]:
    bench = Workbench(vaults)
    misses = []
    try:
        for case in cases:
            problem = bench.wrong_with(case)
            ROWS.add(case.kind, case.what, problem)
            if problem is not None:
                misses.append(f"{case.what}: {problem}")
    finally:
        bench.restore()
    return misses


def test_the_untouched_vault_verifies_and_reads(vaults: Vaults) -> None:
    bench = Workbench(vaults)
    bench.restore()
    with Administration.open(vaults.home, any_policy=True) as admin:
        report = verify_vault(admin)
        assert report.intact, report.lines()
        for table in TABLES:
            assert any(True for _ in admin.vault.store.all_rows(table)), f"{table} is empty"


def test_every_column_of_every_sealed_row_changed(vaults: Vaults) -> None:
    with closing(sqlite3.connect(vaults.current)) as db:
        cases = list(changed_cases(db, Forger(db)))
    all_caught(vaults, cases)


def test_every_sealed_row_deleted(vaults: Vaults) -> None:
    with closing(sqlite3.connect(vaults.current)) as db:
        cases = list(deleted_cases(db))
    all_caught(vaults, cases)


def test_every_sealed_row_copied_under_another_identity(vaults: Vaults) -> None:
    with closing(sqlite3.connect(vaults.current)) as db:
        cases = list(copied_cases(db, Forger(db)))
    all_caught(vaults, cases)


def test_every_row_that_changed_replayed_from_an_older_copy(vaults: Vaults) -> None:
    with (
        closing(sqlite3.connect(vaults.current)) as db,
        closing(sqlite3.connect(vaults.older)) as older,
    ):
        cases = list(replayed_cases(db, older))
    assert len(cases) >= 15
    all_caught(vaults, cases)


def test_report_the_row_figure() -> None:
    """Runs after the row tests (file order) and reports what they tried."""
    if not ROWS.cases:
        pytest.skip("the row tampering tests did not run")
    figures.report("Tamper, rows", ROWS.sentence())
