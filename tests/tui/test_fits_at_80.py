"""What a reviewer found cut, hidden or unlabelled at 80x24 under NO_COLOR (issue 19):
each checked here as a person at that size would see it."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Static

from secure_records.core.retention import add_years
from secure_records.tui.consent_withdrawal import WithdrawConsent
from secure_records.tui.note_forms import NewConsent
from tests.tui.conftest import app_for, signed_in, wait_for_screen
from tests.tui.test_consent_withdrawal import open_record
from tests.tui.test_keep_at_review import at_the_queue, proposed  # noqa: F401 (a fixture)
from tests.tui.test_sharing_form import WITHOUT_CONSENT, answered, into_view, settle, words

SIZE = (80, 24)
AT_LEAST = re.compile(r"at least \d+ characters")


@pytest.fixture(autouse=True)
def no_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")


async def test_the_art_9_conditions_and_the_form_labels_wrap_whole(populated: Path) -> None:
    async with answered(populated, *WITHOUT_CONSENT) as (pilot, app):
        box = app.screen.query_one("#condition-box", Vertical)
        box.display = True  # as when a special-category item is ticked
        await settle(pilot)
        await into_view(pilot, app, "#condition")
        conditions = words(app)
        await into_view(pilot, app, "#not-informing")
        label = words(app)
    assert "A special-category item is ticked: choose an Art. 9 condition as well:" in conditions
    # Each label whole, over two lines (a radio set's frame drawn at their ends).
    for part in (
        "Sch. 1 para 18: safeguarding of",
        "children and individuals at risk",
        "vital interests, where the person cannot give",
        " consent ",
    ):
        assert part in conditions, part
    assert "If they will not be told: why telling them would put someone at risk (at" in label
    assert AT_LEAST.search(label.replace("(at least", "at least"))
    assert "…" not in conditions + label


async def test_a_ruled_out_item_says_so_and_the_reason_is_above_the_items(
    populated: Path,
) -> None:
    async with answered(populated, True, False) as (pilot, app):
        name = app.screen.query_one("#field-name", Checkbox)
        ruled = app.screen.query_one(".ruled-out", Static)
        body = list(app.screen.query_one("#sharing", VerticalScroll).query("*"))
        await into_view(pilot, app, "#field-name")
        text = words(app)
    assert "not offered" in str(name.label)
    assert body.index(ruled) < body.index(name)
    assert 'Not offered, as you answered No to "Does the information' in text
    # Health is hers to reveal, not to see in full: why it is not among the items.
    assert "Not shown: fields your role does not see in full" in text


async def test_the_disposal_reason_has_a_full_row_and_labels(proposed: Path) -> None:  # noqa: F811
    app = app_for(proposed, "lead")
    async with signed_in(app, SIZE) as pilot:
        await at_the_queue(pilot, app)
        reason = app.screen.query_one("#reason", Input)
        reason.value = "typed"
        app.screen.scroll_to_center(reason, animate=False)
        await settle(pilot)
        text = words(app)
        width = reason.size.width
        app.screen.query_one("#next-review", Input).value = "31/02/2020"
        app.screen.query_one("#reject", Button).press()
        await settle(pilot)
        refused = words(app)
    assert width >= 70
    assert re.search(r"Your reason for approving or rejecting \(at least \d+ characters\)", text)
    assert "Next review (DD/MM/YYYY)" in text
    future = add_years(date.today(), 1)
    assert f"for example {future.day:02d}/{future.month:02d}/{future.year}" in refused


async def test_an_empty_disposal_queue_says_why_in_plain_words(populated: Path) -> None:
    app = app_for(populated, "lead")
    async with signed_in(app, SIZE) as pilot:
        await at_the_queue(pilot, app)
        text = words(app)
    assert "Nothing is waiting, so there is nothing to approve or keep." in text


async def test_the_withdraw_consent_dialog_fits_with_its_entries_whole(populated: Path) -> None:
    app = app_for(populated, "alice")
    async with signed_in(app, SIZE) as pilot:
        await open_record(pilot, app)
        await pilot.press("w")
        await wait_for_screen(pilot, app, WithdrawConsent)
        await settle(pilot)
        text = words(app)
        dialog = app.screen.query_one("#dialog", Vertical)
        buttons = [app.screen.query_one(f"#{b}", Button).region for b in ("withdraw", "cancel")]
        bottom = dialog.region.bottom
    assert 0 < bottom <= SIZE[1]  # its bottom border on screen
    assert all(0 < b.bottom <= SIZE[1] and b.height for b in buttons)
    assert "CANARY-SCOPE-R-0001" in text
    assert "…" not in text
    assert "Date withdrawn (DD/MM/YYYY)" in text
    assert "YYYY-MM-DD" not in text


async def test_the_consent_forms_withdrawn_date_has_a_label_that_stays(populated: Path) -> None:
    app = app_for(populated, "alice")
    async with signed_in(app, SIZE) as pilot:
        await open_record(pilot, app)
        await pilot.press("c")
        await wait_for_screen(pilot, app, NewConsent)
        app.screen.query_one("#withdrawn", Input).value = "01/01/2025"
        await settle(pilot)
        text = words(app)
    # The label over two lines, in its column, beside the other dates' labels.
    assert "Withdrawn on" in text and "(DD/MM/YYYY), if it was" in text
