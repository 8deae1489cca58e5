"""Keeping a record at review, in the app (issue 19): the lead types the next review
date beside the reason (offered from retention.toml), and the record is out of IT's
queue until then; a date that cannot be read, or is not after today, is refused
beside the field with what was typed left there."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from textual.widgets import Button, Input, OptionList, Static

from secure_records.session import Session
from secure_records.tui.app import SecureRecordsApp
from secure_records.tui.disposal_queue_screen import DisposalQueueScreen
from secure_records.tui.retention_screen import RetentionScreen
from tests.integration.test_disposal import adult, import_rows
from tests.tui.conftest import app_for, screen_text, signed_in, wait_for_screen

SIZE = (80, 24)
REASON = "Keep: the family's complaint is still open"
# Well after the vault is made, so that the clock only ever moves forward.
LATER = datetime(2031, 1, 31, 12, tzinfo=UTC)
OFFERED = "31/01/2032"  # retention.toml's next_review_months (12) after LATER
BACK = datetime(2032, 1, 31, 12, tzinfo=UTC)


@pytest.fixture
def proposed(home: Path) -> Path:
    """R-0001, an adult due for disposal since 2021, proposed by IT."""
    import_rows(home, [adult("R-0001")])
    with Session.open("it", home) as it:
        it.retention.propose_disposal("R-0001", "Case closed in 2015; nothing since")
    return home


def status(home: Path) -> list[str]:
    with Session.open("lead", home) as lead:
        return [d.status.value for d in lead.retention.disposals()]


def beside(app: SecureRecordsApp) -> str:
    return str(app.screen.query_one("#next-review-said", Static).render())


def field(app: SecureRecordsApp, field_id: str) -> Input:
    return app.screen.query_one(f"#{field_id}", Input)


async def at_the_queue(pilot, app: SecureRecordsApp) -> None:  # type: ignore[no-untyped-def]
    await pilot.pause()
    await pilot.press("d")
    await wait_for_screen(pilot, app, DisposalQueueScreen)
    await pilot.pause()


async def reject(pilot, app: SecureRecordsApp, next_review: str | None = None) -> None:  # type: ignore[no-untyped-def]
    field(app, "reason").value = REASON
    if next_review is not None:
        field(app, "next-review").value = next_review
    app.screen.query_one("#reject", Button).press()
    await pilot.pause()


async def it_queue(home: Path) -> list[str]:
    app = app_for(home, "it")
    async with signed_in(app, SIZE) as pilot:
        await pilot.pause()
        await pilot.press("r")
        await wait_for_screen(pilot, app, RetentionScreen)
        await pilot.pause()
        listed = app.screen.query_one("#due", OptionList)
        return [str(listed.get_option_at_index(i).prompt) for i in range(listed.option_count)]


async def test_keeping_offers_a_year_on_and_the_record_leaves_its_queue_until_then(
    proposed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = app_for(proposed, "lead")
    with time_machine.travel(LATER):
        async with signed_in(app, SIZE) as pilot:
            await at_the_queue(pilot, app)
            assert "Next review (DD/MM/YYYY):" in screen_text(app)
            assert field(app, "next-review").value == OFFERED
            await reject(pilot, app)
            said = str(app.screen.query_one("#problem", Static).render())
            assert "rejected (record R-0001); it is next reviewed on 31 Jan 2032." in said
            assert beside(app) == ""
        assert status(proposed) == []
        assert await it_queue(proposed) == []
    with time_machine.travel(BACK):
        [line] = await it_queue(proposed)
    assert line.startswith("R-0001")


@pytest.mark.parametrize(
    ("typed", "refusal"),
    [
        ("31/02/2032", "Next review: write the date as DD/MM/YYYY, for example"),
        ("2032-13-01", "Next review: write the date as DD/MM/YYYY, for example"),
        ("next year", "Next review: write the date as DD/MM/YYYY, for example"),
        ("", "Next review: write the date as DD/MM/YYYY, for example"),
        ("30/01/2031", "The next review must be a date after today."),
        ("31/01/2031", "The next review must be a date after today."),
    ],
)
async def test_a_next_review_that_is_unreadable_or_not_after_today_is_refused_beside_it(
    proposed: Path, typed: str, refusal: str
) -> None:
    app = app_for(proposed, "lead")
    with time_machine.travel(LATER):
        async with signed_in(app, SIZE) as pilot:
            await at_the_queue(pilot, app)
            await reject(pilot, app, typed)
            assert beside(app).startswith(f"! {refusal}")
            assert refusal in screen_text(app)  # on screen at 80x24, not scrolled away
            # What was typed is left to be corrected; nothing was done.
            assert (field(app, "next-review").value, field(app, "reason").value) == (
                typed,
                REASON,
            )
            assert app.focused is field(app, "next-review")
            await reject(pilot, app, "01/06/2031")
            assert beside(app) == ""
    assert status(proposed) == []
