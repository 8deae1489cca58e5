"""No oracles, through Session: a field the role sees masked or not at all is never
searched unless the policy says so on purpose, and every search and lookup is
rate-limited per staff member across sessions (issue 16, items 3 and 12)."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
import time_machine

from secure_records.admin import Administration
from secure_records.core.errors import AccessRefused, BadInput
from secure_records.core.importing import MAX_TEXT
from secure_records.core.log_actions import LogAction
from secure_records.core.records import NoteKind
from secure_records.core.telephone import Urgency
from secure_records.session import Session
from secure_records.session.telephone import Caller

NAME, BORN = "Canaryname R-0001", "2013-04-02"  # R-0001 is on alice's caseload
YEAR = [(date(2013, 1, 1) + timedelta(days=n)).isoformat() for n in range(365)]
MASKED_DOB = 'date_of_birth = { rule = "masked", form = "year_only" }'


def with_policy(home: Path, tmp_path: Path, **changes: tuple[str, str]) -> Path:
    """The vault's policy with, in each file named, `old` replaced by `new` (once)."""
    changed = Path(shutil.copytree(home / "policies", tmp_path / "changed"))
    for file, (old, new) in changes.items():
        path = changed / f"{file}.toml"
        text = path.read_text()
        assert old in text, f"test setup: {old!r} not in {file}.toml"
        path.write_text(text.replace(old, new, 1))
    with Administration.open(home) as admin:
        admin.apply_policy(admin.propose_policy(changed))
    return home


def masked_for_caseworkers(home: Path, tmp_path: Path, dob_rule: str = MASKED_DOB) -> Path:
    """Caseworkers see a date of birth as its year only (a policy `policy check` passes)."""
    return with_policy(home, tmp_path, roles=('date_of_birth = "visible"', dob_rule))


def searched_slowly(session: Session, queries: list[str]) -> list[str]:
    """The queries that found something, searched within the rate limit (a minute
    passes every 50), so that only the mask can stop them."""
    found = []
    with time_machine.travel("2026-12-01T09:00:00Z", tick=False) as clock:
        for n, query in enumerate(queries, 1):
            if session.records.search(query):
                found.append(query)
            if n % 50 == 0:
                clock.shift(61)
    return found


def refusals(home: Path) -> list[dict[str, object]]:
    with Administration.open(home) as admin:
        return [
            {"actor": e.actor, **e.details}
            for e in admin.vault.log.entries(personal=False)
            if e.action == LogAction.SEARCH_REFUSED
        ]


def test_a_year_of_exact_searches_never_reads_a_masked_date_of_birth(
    populated: Path, tmp_path: Path
) -> None:
    masked_for_caseworkers(populated, tmp_path)
    with Session.open("alice", populated) as alice:
        shown = alice.records.open_record("R-0001").field("date_of_birth")
        assert shown is not None and shown.text == "2013-••-••"
        assert searched_slowly(alice, YEAR) == []
        # Her own caseload's names still match, as she sees them in full.
        assert alice.records.search(NAME) == ["R-0001"]
        # Nor by an exact lookup, name and date of birth together.
        with pytest.raises(AccessRefused, match="cannot look records up"):
            alice.records.find_exact(NAME, BORN)


def test_a_field_matches_by_part_only_where_the_role_sees_it_in_full(
    populated: Path, tmp_path: Path
) -> None:
    """10(d): the same words find a record for a role that sees the field in full and
    nothing for a role that sees it masked, so a search never reads through a mask."""
    masked_for_caseworkers(populated, tmp_path)
    with Session.open("lead", populated) as lead:
        assert "R-0001" in lead.records.search("2013-04")  # seen in full: by part
    with Session.open("alice", populated) as alice:
        assert alice.records.search("2013-04") == []  # seen as 2013-••-••: not at all
        assert alice.records.search("2013") == []  # not even by the year it shows
        assert alice.records.search("canaryname r-00") == ["R-0001", "R-0002"]


def test_a_masked_field_searched_on_purpose_matches_only_whole_and_is_rate_limited(
    populated: Path, tmp_path: Path
) -> None:
    rule = 'date_of_birth = { rule = "masked", form = "year_only", search = "exact" }'
    masked_for_caseworkers(populated, tmp_path, rule)
    with Session.open("alice", populated) as alice:
        assert alice.records.search(BORN) == ["R-0001", "R-0002"]
        assert alice.records.search("2013-04") == []  # never by part


def test_reception_cannot_walk_a_year_of_birth_dates_even_across_sessions(
    populated: Path,
) -> None:
    answered: list[str] = []
    refused: list[str] = []
    days = iter(YEAR)
    for _ in range(6):  # a fresh session every few tries: the count is not per session
        with Session.open("reception", populated) as reception:
            for day in [next(days) for _ in range(10)]:
                try:
                    if reception.records.find_exact(NAME, day) is not None:
                        answered.append(day)
                    else:
                        answered.append("")
                except AccessRefused as refusal:
                    refused.append(str(refusal))
    assert len(answered) == 6  # lookups_per_minute in the shipped session.toml
    assert refused[0] == (
        "You have made 6 lookups in the last minute, the most the policy allows: "
        "wait a minute and try again."
    )
    assert len(refused) == 54
    # Each refusal is in the log, and the access review flags the burst.
    logged = refusals(populated)
    assert len(logged) == 54
    assert {(r["actor"], r["kind"], r["over"]) for r in logged} == {
        ("reception", "lookups", "minute")
    }
    with Session.open("auditor", populated) as auditor:
        _, flags = auditor.oversight.access_review()
    assert [(f.staff, f.what) for f in flags if "limit" in f.what] == [
        ("reception", "searches or lookups refused over the limit 54 times")
    ]


def test_the_minute_passes_and_the_day_limit_holds_until_24_hours_have(
    populated: Path, tmp_path: Path
) -> None:
    with_policy(
        populated,
        tmp_path,
        session=(
            "lookups_per_minute = 6\nlookups_per_day = 60",
            "lookups_per_minute = 4\nlookups_per_day = 10",
        ),
    )
    with time_machine.travel("2026-12-01T09:00:00Z", tick=False) as clock:
        for tries, why in ((4, "wait a minute"), (4, "wait a minute"), (2, "24 hours")):
            with Session.open("reception", populated) as reception:
                for _ in range(tries):
                    assert reception.records.find_exact(NAME, BORN) is not None
                with pytest.raises(AccessRefused, match=why):
                    reception.records.find_exact(NAME, BORN)
            clock.shift(61)
        with Session.open("reception", populated) as reception:
            with pytest.raises(AccessRefused) as caught:
                reception.records.find_exact(NAME, BORN)
            assert str(caught.value) == (
                "You have made 10 lookups in the last 24 hours, the most the policy allows: "
                "try again tomorrow."
            )
        clock.shift(timedelta(hours=23))
        with Session.open("reception", populated) as reception, pytest.raises(AccessRefused):
            reception.records.find_exact(NAME, BORN)
        clock.shift(timedelta(hours=1))
        with Session.open("reception", populated) as reception:
            assert reception.records.find_exact(NAME, BORN) is not None


def test_a_phone_request_is_a_lookup_and_counts_with_them(populated: Path) -> None:
    caller = Caller("DC Jane Smith", "Constable", "northshire_police_ppu", "", "07700 900123")

    def phone_request(session: Session, about: str) -> None:
        session.telephone.take_phone_request(
            caller, NAME, about, "safeguarding_concern", "Any concerns", Urgency.TODAY
        )

    with Session.open("reception", populated) as reception:
        for day in YEAR[:3]:
            assert reception.records.find_exact(NAME, day) is None
        for day in YEAR[3:6]:
            phone_request(reception, day)
        with pytest.raises(AccessRefused, match="6 lookups in the last minute"):
            phone_request(reception, BORN)
        with pytest.raises(AccessRefused, match="6 lookups in the last minute"):
            reception.records.find_exact(NAME, BORN)


def test_a_role_whose_lookup_fields_name_no_search_mode_cannot_look_up(
    populated: Path, tmp_path: Path
) -> None:
    with_policy(
        populated,
        tmp_path,
        roles=(
            'date_of_birth = { rule = "hidden", search = "exact" }',
            'date_of_birth = "hidden"',
        ),
    )
    refused = pytest.raises(AccessRefused, match="The Reception role cannot look records up")
    with Session.open("reception", populated) as reception, refused:
        reception.records.find_exact(NAME, BORN)
    assert refusals(populated) == []


def test_searches_are_rate_limited_too_and_an_empty_query_is_not_a_search(
    populated: Path, tmp_path: Path
) -> None:
    with_policy(
        populated, tmp_path, session=("searches_per_minute = 60", "searches_per_minute = 3")
    )
    with Session.open("alice", populated) as alice:
        for query in ("a", "ca", "can"):
            alice.records.search(query)
        assert len(alice.records.search("")) == 2  # the whole list, not a search
        with pytest.raises(AccessRefused, match="You have made 3 searches in the last minute"):
            alice.records.search("cana")
    assert refusals(populated) == [
        {"actor": "alice", "kind": "searches", "over": "minute", "limit": 3}
    ]


# Item 12: every typed text capped at Session


def test_a_note_is_capped_at_the_import_limit(populated: Path) -> None:
    today = date.today()
    with Session.open("alice", populated) as alice:
        with pytest.raises(BadInput) as caught:
            alice.records.add_note("R-0001", NoteKind.FACT, "x" * 10_000_000, today)
        assert str(caught.value) == f"A note can be at most {MAX_TEXT:,} characters."
        view = alice.records.add_note("R-0001", NoteKind.FACT, "y" * MAX_TEXT, today)
    assert view.notes is not None and len(view.notes.entries) == 3


@pytest.mark.parametrize(("name", "born"), [("x" * 1001, BORN), (NAME, "2013-04-02" + " " * 1000)])
def test_an_exact_lookup_is_capped_before_anything_is_counted(
    populated: Path, name: str, born: str
) -> None:
    with Session.open("reception", populated) as reception, pytest.raises(BadInput):
        reception.records.find_exact(name, born)
