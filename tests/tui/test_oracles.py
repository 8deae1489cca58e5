"""No oracles, where a person meets them: reception's lookup screen refuses a burst in
one sentence, a caseworker's search box never matches a date of birth she sees masked,
and a note longer than the limit is refused in the note's own modal (issue 16)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, TextArea

from secure_records.core.importing import MAX_TEXT
from secure_records.tui.lookup_screen import LookupScreen
from secure_records.tui.modals import NewNote
from secure_records.tui.record_list import RecordList
from tests.support.policies import mask_caseworkers_date_of_birth
from tests.tui.conftest import SIZE, app_for, screen_text, signed_in
from tests.tui.test_screens import (
    log,
    look_up,
    open_new_note,
    paste,
    save_note,
    search_pause,
    settle,
    type_text,
)


async def test_reception_is_refused_a_burst_of_lookups_in_one_sentence(populated: Path) -> None:
    app = app_for(populated, "reception")
    async with signed_in(app, SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("l")
        await settle(app, pilot)
        assert isinstance(app.screen, LookupScreen)
        for day in range(1, 7):  # lookups_per_minute in the shipped session.toml
            text = await look_up(app, pilot, "Canaryname R-0002", f"2013-01-{day:02}")
            assert "No record matches" in text
        text = await look_up(app, pilot, "Canaryname R-0002", "2013-04-02")
        assert "You have made 6 lookups in the last minute" in text
        assert "A record exists" not in text
    assert len(log(populated, "index_lookup")) == 6
    assert len(log(populated, "search_refused")) == 1


async def test_a_date_of_birth_seen_masked_is_not_found_by_typing_it_whole(
    populated: Path, tmp_path: Path
) -> None:
    mask_caseworkers_date_of_birth(populated, tmp_path)
    app = app_for(populated, "alice")
    async with signed_in(app, SIZE) as pilot:
        await settle(app, pilot)
        assert "•• ••• 2013" in screen_text(app)  # the year alone, the UK way
        for typed in ("2013-04-02", "02/04/2013"):  # either way a person types it
            await pilot.press("/")
            await type_text(pilot, typed)
            await search_pause(app, pilot)
            assert app.screen.query_one("#search", Input).value == typed
            assert app.screen.query_one(RecordList).record_ids == []
            assert "Canaryname" not in screen_text(app)
            await pilot.press("escape")
            await search_pause(app, pilot)


async def test_a_note_over_the_limit_is_refused_in_its_modal(populated: Path) -> None:
    app = app_for(populated, "alice")
    async with signed_in(app, SIZE) as pilot:
        modal = await open_new_note(app, pilot)
        await pilot.click("#fact")
        modal.query_one("#text", TextArea).focus()
        await paste(app, pilot, "x" * (MAX_TEXT + 1))
        await save_note(app, pilot)
        assert isinstance(app.screen, NewNote)
        assert f"A note can be at most {MAX_TEXT:,} characters." in screen_text(app)
    assert log(populated, "note_added") == []
