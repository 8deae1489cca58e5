"""The record screen at 80x24: it says how to reach a field to reveal, keeps wrapped
entries indented under themselves, and shows what was just done without reopening."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from secure_records.core.dates import uk_date
from secure_records.core.records import ConsentCapacity, NoteKind
from secure_records.session import Session
from secure_records.tui.app import SecureRecordsApp
from secure_records.tui.modals import RestrictDialog
from secure_records.tui.record_entries import history_text
from secure_records.tui.record_screen import FieldRow, RecordScreen
from secure_records.tui.sharing_screen import SharingScreen
from tests.integration.test_sharing_decisions import ASKER, PURPOSE, flow, how
from tests.tui.conftest import app_for, screen_text, signed_in, wait_for_screen
from tests.tui.test_screens import field_row, open_record, settle, shown
from tests.tui.test_sharing_flow import answer, fill_request

SMALL = (80, 24)
REASON = "Concerns raised by the school this week"
WORDS = " ".join(f"word{n:02d}" for n in range(40))  # wraps twice at 80 columns


def said_by(app: SecureRecordsApp, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the app says in notifications (run_test does not draw them)."""
    said: list[str] = []

    def notify(message: str, *args: Any, **kwargs: Any) -> None:
        said.append(message)

    monkeypatch.setattr(app, "notify", notify)
    return said


async def test_r_on_a_field_that_cannot_be_revealed_says_how_to_reach_one(
    populated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = app_for(populated, "alice")
    said = said_by(app, monkeypatch)
    async with signed_in(app, SMALL) as pilot:
        await open_record(app, pilot, "R-0001")
        assert isinstance(app.focused, FieldRow) and app.focused.view.name == "name"
        await pilot.press("r")
        await settle(app, pilot)
        assert said[-1].startswith("Move with tab or the arrow keys to a field that says")
        # And the arrow keys do move there: down from Name, to Address.
        await pilot.press("down", "down")
        assert isinstance(app.focused, FieldRow) and app.focused.view.name == "address"
        await pilot.press("up")
        assert isinstance(app.focused, FieldRow) and app.focused.view.name == "date_of_birth"


def lines_holding(text: str, words: list[str]) -> list[str]:
    return [line for line in text.splitlines() if any(w in line for w in words)]


async def test_wrapped_consent_and_notes_keep_their_indent(populated: Path) -> None:
    with Session.open("alice", populated) as alice:
        alice.records.add_note("R-0002", NoteKind.FACT, WORDS, date(2024, 6, 1))
        alice.records.record_consent(
            "R-0002", "Carer", f"scope {WORDS}", date(2024, 6, 1), capacity=ConsentCapacity.PARENT
        )
    app = app_for(populated, "alice")
    async with signed_in(app, SMALL) as pilot:
        await open_record(app, pilot, "R-0002")
        screen = app.screen
        screen.query_one("#consent").scroll_visible(animate=False)
        await settle(app, pilot)
        consent = shown(app).split("Consent", 1)[1].split("Chronology", 1)[0]
        lines = lines_holding(consent, ["given by Carer", "word"])
        assert len(lines) >= 2
        first = lines[0].index("given by Carer")  # the entry's text begins after its date
        for line in lines[1:]:
            assert line[:first].strip() == "" and line[first] != " ", consent

        screen.query_one("#chronology").scroll_visible(animate=False)
        await settle(app, pilot)
        notes = shown(app).split("Chronology", 1)[1]
        lines = lines_holding(notes, ["word"])
        assert len(lines) >= 2
        indent = len(lines[0]) - len(lines[0].lstrip())
        assert indent >= 4
        for line in lines[1:]:
            assert len(line) - len(line.lstrip()) == indent, notes


async def test_after_restricting_a_banner_says_so_and_to_whom(populated: Path) -> None:
    app = app_for(populated, "lead")
    async with signed_in(app, SMALL) as pilot:
        await open_record(app, pilot, "R-0001")
        assert "RESTRICTED" not in screen_text(app)
        await pilot.press("x")
        await wait_for_screen(pilot, app, RestrictDialog)
        app.screen.query_one("#reason", Input).value = REASON
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RecordScreen)
        banner = str(app.screen.query_one("#restriction").render())
        assert banner.startswith("RESTRICTED since") and "lead until" in banner
        assert "RESTRICTED since" in screen_text(app)


async def test_the_sharing_history_shows_a_share_when_its_screen_closes(populated: Path) -> None:
    app = app_for(populated, "alice")
    async with signed_in(app, (120, 60)) as pilot:
        await open_record(app, pilot, "R-0001")
        assert re.search(r"Sharing history\n\s+none", shown(app))
        await pilot.press("s")
        await wait_for_screen(pilot, app, SharingScreen)
        await fill_request(pilot, app)
        await answer(pilot, app, False)
        app.screen.query_one("#discussed", Input).value = "Explained why nothing can be shared yet"
        await pilot.click("#record")
        await settle(app, pilot)
        await pilot.press("escape")
        await wait_for_screen(pilot, app, RecordScreen)
        await settle(app, pilot)
        text = shown(app)
        assert not re.search(r"Sharing history\n\s+none", text)
        assert "alice decided not to share" in text


async def test_a_field_revealed_is_shown_when_the_dialog_closes(populated: Path) -> None:
    app = app_for(populated, "alice")
    async with signed_in(app, SMALL) as pilot:
        await open_record(app, pilot, "R-0001")
        field_row(app, "phone").focus()
        await pilot.press("r")
        await settle(app, pilot)
        app.screen.query_one("#reason", Input).value = REASON
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RecordScreen)
        assert "[press r to reveal" not in str(field_row(app, "phone").render())


def test_the_sharing_history_names_fields_by_their_labels_and_days_the_uk_way(
    populated: Path,
) -> None:
    with Session.open("alice", populated) as session:
        session.sharing.decide_sharing(
            "R-0001",
            ASKER,
            PURPOSE,
            flow(session, True, True, True, True),
            how(session, ("name", "date_of_birth"), (0,)),
        )
        history = session.records.sharing_history("R-0001")
    shown_history = str(history_text(history))
    # Was "2026-12-04 ... alice decided share name, date_of_birth and 1 note".
    assert "share Name, Date of birth and 1 note" in shown_history
    assert "date_of_birth" not in shown_history
    day = history[0].on
    assert uk_date(date.fromisoformat(day)) in shown_history and day not in shown_history
