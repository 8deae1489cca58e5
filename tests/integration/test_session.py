"""The one door: each role gets what it needs from a real vault, and no more."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from secure_records.admin import Administration
from secure_records.core.errors import AccessRefused, BadInput, UnknownStaff
from secure_records.session import Session
from secure_records.vault.tables import VaultTables
from secure_records.vault.vault import Vault
from tests.conftest import canaries, canary_row


def test_a_caseworker_lists_only_their_caseload(populated: Path) -> None:
    with Session.open("alice", populated) as session:
        assert [s.id for s in session.records.matching()] == ["R-0001", "R-0002"]
    with Session.open("bilal", populated) as session:
        assert [s.id for s in session.records.matching()] == ["R-0003"]
    with Session.open("lead", populated) as session:
        assert len(session.records.matching()) == 3


def test_search_matches_part_of_a_name_or_the_start_of_a_birth_date(populated: Path) -> None:
    with Session.open("lead", populated) as session:
        assert [s.id for s in session.records.matching("r-0002")] == ["R-0002"]
        assert [s.id for s in session.records.matching("CANARYNAME")] == [
            "R-0001",
            "R-0002",
            "R-0003",
        ]
        assert len(session.records.matching("2013-04")) == 3
        assert session.records.matching("nobody") == []


def test_opening_outside_the_caseload_is_refused_like_a_missing_record(populated: Path) -> None:
    with Session.open("alice", populated) as session:
        with pytest.raises(AccessRefused) as outside:
            session.records.open_record("R-0003")
        with pytest.raises(AccessRefused) as missing:
            session.records.open_record("R-9999")
    # The refusal must not confirm that R-0003 exists.
    assert str(outside.value).replace("R-0003", "X") == str(missing.value).replace("R-9999", "X")


def test_a_caseworker_view_masks_what_the_role_masks(populated: Path) -> None:
    planted = canaries(canary_row("R-0001", ["alice"]))
    with Session.open("alice", populated) as session:
        view = session.records.open_record("R-0001")
    text = repr(view)
    assert planted["name"] in text
    for hidden in ("address", "phone", "nhs_number", "health"):
        assert planted[hidden] not in text, hidden
    nhs = view.field("nhs_number")
    assert nhs is not None and nhs.text.startswith("••••")
    assert view.notes is not None and [n.kind.value for n in view.notes.entries] == [
        "opinion",
        "fact",
    ]  # by date: the 2019 historical opinion first


def test_reveal_needs_a_reason_of_the_policys_length(populated: Path) -> None:
    planted = canaries(canary_row("R-0001", ["alice"]))
    with Session.open("alice", populated) as session:
        with pytest.raises(BadInput) as short:
            session.records.reveal("R-0001", "health", "because")
        assert "at least 15 characters" in str(short.value)
        view = session.records.reveal("R-0001", "health", "planning tomorrow's home visit")
        health = view.field("health")
        assert health is not None and health.text == planted["health"]
        # It stays revealed while the record is open...
        again = session.records.open_record("R-0001").field("health")
        assert again is not None and again.text == planted["health"]
        # ...and is masked again once the record is closed.
        session.records.close_record("R-0001")
        closed = session.records.open_record("R-0001").field("health")
        assert closed is not None and closed.text != planted["health"]


def test_a_masked_field_cannot_be_revealed_at_all(populated: Path) -> None:
    with Session.open("alice", populated) as session, pytest.raises(AccessRefused):
        session.records.reveal("R-0001", "nhs_number", "I would really like to see it please")


def test_reception_learns_only_that_a_record_exists(populated: Path) -> None:
    with Session.open("reception", populated) as session:
        with pytest.raises(AccessRefused):
            session.records.matching()
        with pytest.raises(AccessRefused):
            session.records.open_record("R-0001")
        match = session.records.find_exact("  canaryname   R-0002 ", "2013-04-02")
        assert match is not None and match.reference == "R-0002"
        assert session.records.find_exact("Canaryname R-0002", "2013-04-03") is None
        assert session.records.find_exact("Canaryname", "2013-04-02") is None


@pytest.mark.parametrize("name", ["it", "auditor"])
def test_roles_without_record_scope_see_no_record(populated: Path, name: str) -> None:
    with Session.open(name, populated) as session:
        for attempt in (
            session.records.matching,
            lambda: session.records.open_record("R-0001"),
            lambda: session.records.find_exact("Canaryname R-0001", "2013-04-02"),
        ):
            with pytest.raises(AccessRefused):
                attempt()


def test_unknown_and_disabled_staff_are_refused(populated: Path) -> None:
    with pytest.raises(UnknownStaff) as unknown:
        Session.open("mallory", populated)
    assert "no staff member called 'mallory'" in str(unknown.value)
    with Administration.open(populated) as admin:
        admin.disable_staff("bilal")
    with pytest.raises(AccessRefused) as disabled:
        Session.open("bilal", populated)
    assert "disabled" in str(disabled.value)


def test_assignment_moves_a_record_into_a_caseload(populated: Path) -> None:
    with Administration.open(populated) as admin:
        assert admin.assign("R-0003", "alice")
        assert not admin.assign("R-0003", "alice")
    with Session.open("alice", populated) as session:
        assert [s.id for s in session.records.matching()] == ["R-0001", "R-0002", "R-0003"]
        session.records.open_record("R-0003")
    with Administration.open(populated) as admin:
        admin.unassign("R-0003", "alice")
    with Session.open("alice", populated) as session, pytest.raises(AccessRefused):
        session.records.open_record("R-0003")


# Found in review


def test_a_search_never_matches_a_field_the_role_may_not_see(
    populated: Path, tmp_path: Path
) -> None:
    changed = Path(shutil.copytree(populated / "policies", tmp_path / "changed"))
    roles = changed / "roles.toml"
    text = roles.read_text()
    lead_rules = text.index("[roles.safeguarding_lead.fields]")
    roles.write_text(
        text[:lead_rules]
        + text[lead_rules:].replace('date_of_birth = "visible"', 'date_of_birth = "hidden"', 1)
    )
    with Administration.open(populated) as admin:  # the vault's policy changes only so
        admin.apply_policy(admin.propose_policy(changed))
    with Session.open("lead", populated) as session:
        assert session.records.search("2013-04-02") == []
        assert session.records.search("Canaryname R-0001") == ["R-0001"]


def test_roles_that_list_nothing_get_no_summaries(populated: Path) -> None:
    for name in ("reception", "it", "auditor"):
        with Session.open(name, populated) as session, pytest.raises(AccessRefused):
            session.records.summaries(["R-0001", "R-9999"])


def test_a_search_index_finished_after_a_lock_is_thrown_away(
    populated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Session.open("lead", populated) as session:
        real = Vault.each_field_values  # what the index is built from

        def lock_midway(
            vault: Vault, *args: object, **kwargs: object
        ) -> Iterator[tuple[str, list[str]]]:
            for n, row in enumerate(real(vault, *args, **kwargs)):  # type: ignore[arg-type]
                if n == 1:
                    session.lock()
                yield row

        monkeypatch.setattr(Vault, "each_field_values", lock_midway)
        session.records.prepare_search()
        assert not session.records.search_ready


def test_an_account_disabled_while_locked_cannot_unlock(populated: Path) -> None:
    with Administration.open(populated) as admin:
        admin.set_pin("alice", "246810")
    session = Session.open("alice", populated)
    session.lock()
    with Administration.open(populated) as admin:
        admin.disable_staff("alice")
    with pytest.raises(AccessRefused) as caught:
        session.unlock("246810")
    assert "disabled" in str(caught.value)
    assert session.ended


def test_an_exact_lookup_needs_an_iso_date(populated: Path) -> None:
    with Session.open("reception", populated) as session, pytest.raises(BadInput) as caught:
        session.records.find_exact("Canaryname R-0001", "02/04/2013")
    assert "YYYY-MM-DD" in str(caught.value)


def test_narrowing_as_you_type_finds_what_a_fresh_search_finds(home: Path) -> None:
    from secure_records.demo import synthetic_records

    with Administration.open(home) as admin:
        admin.add_records(list(synthetic_records(300, seed=3, staff=("alice", "bilal"))))
    typed = ["a", "ad", "ada", "ada q", "q", "qu", "2", "20", "201", "2013-0", "zz", "z"]
    with Session.open("lead", home) as typing:
        as_typed = [typing.records.search(query) for query in typed]
    for query, found in zip(typed, as_typed, strict=True):
        with Session.open("lead", home) as fresh:
            assert fresh.records.search(query) == found, query
    assert any(as_typed) and not all(as_typed)


def test_a_search_reads_the_caseload_again_only_once_it_has_changed(
    populated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A keystroke must not read a caseload of thousands again: the sum of its seals in
    the person's sealed staff row says whether it changed. A new assignment still
    shows at the next search."""
    calls: list[str] = []
    original = VaultTables.ids_assigned_to

    def counting(self: VaultTables, staff: str) -> list[str]:
        calls.append(staff)
        return original(self, staff)

    monkeypatch.setattr(VaultTables, "ids_assigned_to", counting)
    with Session.open("alice", populated) as alice:
        alice.records.search("")
        read = len(calls)
        for typed in ("c", "ca", "can", "cana"):
            assert "R-0003" not in alice.records.search(typed)
        assert len(calls) == read
        with Administration.open(populated) as admin:
            admin.assign("R-0003", "alice")
        assert "R-0003" in alice.records.search("canaryname")
        assert len(calls) > read
