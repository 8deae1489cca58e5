"""Concerns and suspected breaches on screen (issue 19; policy section 11; UK GDPR
Art. 33): every role raises one from its first screen with c, at 80x24; the lead's
first screen names open breaches and the ICO clock on its one line (b opens them);
the queue shows the clock and records the outcome."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from textual.widgets import Button, Input, RadioSet

from secure_records.core.concerns import ConcernKind, ConcernStatus, Outcome
from secure_records.session import Session
from secure_records.session.access_requests import Due
from secure_records.session.concerns import OpenBreaches
from secure_records.session.manager_waits import Overdue, Passed
from secure_records.tui.concern_screens import ConcernsScreen, RaiseConcern
from secure_records.tui.list_screen import BANNER_WIDTH, RecordListScreen, waits_line
from secure_records.tui.toggles import Checkbox
from tests.conftest import STAFF
from tests.tui.conftest import app_for, signed_in, wait_for_screen
from tests.tui.test_leaks_and_injection import screen_lines
from tests.tui.test_record_current import said_by

WHAT = "A letter with a child's address went to the wrong family"
WHY = "The family returned it unopened the same day"


def shown(app) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(screen_lines(app))


async def keys(pilot, *pressed: str) -> None:  # type: ignore[no-untyped-def]
    for key in pressed:
        await pilot.press(key)
        await pilot.pause()


@pytest.mark.parametrize("name", [name for name, _ in STAFF])
async def test_every_role_raises_a_concern_from_its_first_screen(
    populated: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = app_for(populated, name)
    said = said_by(app, monkeypatch)
    async with signed_in(app, (80, 24)) as pilot:
        await pilot.pause()
        assert "c Raise a concern" in screen_lines(app)[-1], shown(app)
        await keys(pilot, "c")
        await wait_for_screen(pilot, app, RaiseConcern)
        dialog = app.screen
        assert "Raise a concern or a suspected breach" in shown(app)
        dialog.query_one("#kind", RadioSet).query_one("#breach").value = True  # type: ignore[attr-defined]
        dialog.query_one("#personal", Checkbox).value = True
        dialog.query_one("#what", Input).value = WHAT
        dialog.query_one("#reference", Input).value = "R-0001"
        dialog.query_one("#what", Input).focus()
        await keys(pilot, "enter")
        for _ in range(50):
            if not isinstance(app.screen, RaiseConcern):
                break
            await pilot.pause()
        assert not isinstance(app.screen, RaiseConcern), shown(app)
        # Said, so nobody raises it twice (reception was told nothing).
        assert [s for s in said if s.endswith("raised: a safeguarding lead is told.")], said
    with Session.open("lead", populated) as lead:
        [raised] = lead.concerns.queue()
    assert (raised.kind, raised.raised_by, raised.what_happened) == (
        ConcernKind.BREACH,
        name,
        WHAT,
    )
    assert raised.personal_data and raised.record_reference == "R-0001"
    assert raised.noticed == date.today()


async def test_a_concern_without_its_kind_or_words_is_said_in_the_dialog(
    populated: Path,
) -> None:
    app = app_for(populated, "it")
    async with signed_in(app, (80, 24)) as pilot:
        await keys(pilot, "c")
        await wait_for_screen(pilot, app, RaiseConcern)
        app.screen.query_one("#what", Input).focus()
        await keys(pilot, "enter")
        assert "Choose Concern or Suspected breach." in shown(app)
        app.screen.query_one("#concern").value = True  # type: ignore[attr-defined]
        app.screen.query_one("#what", Input).focus()
        await keys(pilot, *"short", "enter")
        assert isinstance(app.screen, RaiseConcern)
        assert "Say what happened" in shown(app)


def test_the_line_names_open_breaches_first_and_fits_80_columns() -> None:
    line = waits_line(Passed(), Overdue(48), "", Due(), OpenBreaches(1, 31))
    assert line == "1 suspected breach, reported within 72 hours: 31 h left; press b"
    late = waits_line(Passed(), Overdue(48), "", Due(), OpenBreaches(2, -5))
    assert late == "2 suspected breaches: ICO report OVERDUE by 5 h; press b"
    worst = waits_line(
        Passed(99, 98), Overdue(720, 99, 99, 99), "365 days", Due(99, 99), OpenBreaches(99, -999)
    )
    assert len(worst) <= BANNER_WIDTH and worst.startswith("ICO: 99 OVERDUE"), worst
    assert worst.endswith("press b, q, d, t or a"), worst
    # Concerns, not breaches, wait too (reviewer: three open, only breaches were said).
    assert waits_line(Passed(), Overdue(48), "", Due(), OpenBreaches(0, 0, 2)) == (
        "2 concerns open; press b"
    )
    both = waits_line(Passed(), Overdue(48), "", Due(), OpenBreaches(1, 31, 1))
    assert both == "breaches: 1, ICO in 31 h; 1 concern open; press b"
    # No breach open: the line as it was.
    assert waits_line(Passed(), Overdue(48), "", Due(1, 0), OpenBreaches()) == (
        "subject access requests: 1 OVERDUE; press a"
    )


async def test_the_leads_first_screen_counts_open_breaches_with_the_time_left(
    populated: Path,
) -> None:
    with Session.open("reception", populated) as reception:
        reception.concerns.raise_concern(
            ConcernKind.BREACH,
            WHAT,
            (datetime.now(UTC) - timedelta(hours=73)).date(),
            True,
            now=datetime.now(UTC) - timedelta(hours=73),
        )
    app = app_for(populated, "lead")
    async with signed_in(app, (80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, RecordListScreen)
        said = "1 suspected breach: ICO report OVERDUE by 1 h; press b"
        assert any(line.strip() == said for line in screen_lines(app)), shown(app)
    app = app_for(populated, "alice")
    async with signed_in(app, (80, 24)) as pilot:
        await pilot.pause()
        assert "breach" not in shown(app)


async def test_the_queue_shows_the_clock_and_records_the_outcome(populated: Path) -> None:
    with Session.open("it", populated) as it:
        it.concerns.raise_concern(
            ConcernKind.BREACH,
            WHAT,
            (datetime.now(UTC) - timedelta(hours=40, minutes=30)).date(),
            True,
            now=datetime.now(UTC) - timedelta(hours=40, minutes=30),
        )
    app = app_for(populated, "lead")
    async with signed_in(app, (80, 24)) as pilot:
        await keys(pilot, "b")
        await wait_for_screen(pilot, app, ConcernsScreen)
        await pilot.pause()
        text = shown(app)
        assert "breach  raised" in text and "31 h left" in text
        assert "Reported within 72 hours: 31 h left" in text
        assert f"What happened: {WHAT}" in text
        app.screen.query_one("#reason", Input).value = WHY
        app.screen.query_one("#not_reported").press()  # type: ignore[attr-defined]
        await pilot.pause()
        await pilot.pause()
        assert "not reported to the ICO, recorded." in shown(app), shown(app)
    with Session.open("lead", populated) as lead:
        [decided] = lead.concerns.queue()
    assert decided.status is ConcernStatus.CLOSED and decided.outcome is Outcome.NOT_REPORTED
    assert decided.outcome_reason == WHY


async def test_a_lead_turns_a_concern_into_a_breach_from_the_queue(populated: Path) -> None:
    with Session.open("reception", populated) as reception:
        raised = reception.concerns.raise_concern(ConcernKind.CONCERN, WHAT, date.today(), True)
    app = app_for(populated, "lead")
    async with signed_in(app, (80, 24)) as pilot:
        await keys(pilot, "b")
        await wait_for_screen(pilot, app, ConcernsScreen)
        await pilot.pause()
        button = app.screen.query_one("#treat_as_breach", Button)
        assert button.region.right <= 80 and button.region.width > 0  # on screen at 80x24
        app.screen.query_one("#reason", Input).value = WHY
        button.press()
        await pilot.pause()
        await pilot.pause()
        assert f"{raised.id} is now a suspected breach" in shown(app), shown(app)
    with Session.open("lead", populated) as lead:
        [now] = lead.concerns.queue()
    assert now.kind is ConcernKind.BREACH
