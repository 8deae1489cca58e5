"""Subject access on time, on screen (issue 19): the lead's first screen names
requests overdue or due soon in its one line at 80x24; the register (a) lists them
with UK dates; dialogs enter one and extend one."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from textual.widgets import Input

from secure_records.core.dates import uk_date
from secure_records.session import Session
from secure_records.session.access_requests import Due
from secure_records.session.manager_waits import Overdue, Passed
from secure_records.tui.access_request_screen import (
    AccessRequestsScreen,
    ExtendAccessRequest,
    NewAccessRequest,
)
from secure_records.tui.list_screen import RecordListScreen, waits_line
from tests.tui.conftest import app_for, signed_in, wait_for_screen
from tests.tui.test_leaks_and_injection import screen_lines

IDENTITY = "passport seen at the office"
WHY = "many records held over ten years"


def shown(app) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(screen_lines(app))


async def keys(pilot, *pressed: str) -> None:  # type: ignore[no-untyped-def]
    for key in pressed:
        await pilot.press(key)
        await pilot.pause()


def test_the_line_names_subject_access_and_its_key_and_fits_80_columns() -> None:
    line = waits_line(Passed(), Overdue(48), "", Due(1, 2))
    assert line == "subject access requests: 1 OVERDUE, 2 due within 7 days; press a"
    assert waits_line(Passed(), Overdue(48), "", Due(0, 1)).startswith("subject access")
    worst = waits_line(Passed(99, 98), Overdue(720, 99, 99, 99), "365 days", Due(99, 99))
    assert len(worst) <= 78 and worst.endswith("press q, d, t or a"), worst
    assert "SAR: 99 OVERDUE" in worst
    both = waits_line(Passed(1, 0), Overdue(48), "", Due(1, 0))
    # The longer words would not fit in 78 columns.
    assert both == "1 telephone request passed to you; subject access: 1 OVERDUE; press t or a"
    # Nothing of subject access: the line as it was.
    assert waits_line(Passed(), Overdue(48), "", Due()) == ""


async def test_the_leads_first_screen_says_a_request_is_overdue_on_one_line(
    populated: Path,
) -> None:
    with Session.open("lead", populated) as lead:
        lead.access_requests.record("R-0001", date.today() - timedelta(days=40), IDENTITY)
        lead.access_requests.record("R-0002", date.today() - timedelta(days=27), IDENTITY)
    app = app_for(populated, "lead")
    async with signed_in(app, (80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, RecordListScreen)
        said = "subject access requests: 1 OVERDUE, 1 due within 7 days; press a"
        assert any(line.strip() == said for line in screen_lines(app)), shown(app)
    app = app_for(populated, "alice")
    async with signed_in(app, (80, 24)) as pilot:
        await pilot.pause()
        assert "subject access" not in shown(app)


async def test_the_register_lists_requests_with_uk_dates_and_enters_a_new_one(
    populated: Path,
) -> None:
    with Session.open("lead", populated) as lead:
        lead.access_requests.record("R-0001", date(2026, 1, 31), IDENTITY)
    app = app_for(populated, "lead")
    async with signed_in(app, (80, 24)) as pilot:
        await keys(pilot, "a")
        await wait_for_screen(pilot, app, AccessRequestsScreen)
        await pilot.pause()
        text = shown(app)
        assert "R-0001  received 31 Jan 2026  due 28 Feb 2026  OVERDUE" in text
        assert f"Identity checked: {IDENTITY}" in text
        await keys(pilot, "n")
        await wait_for_screen(pilot, app, NewAccessRequest)
        await keys(pilot, *"R-0002", "tab", "tab", *IDENTITY, "enter")
        await wait_for_screen(pilot, app, AccessRequestsScreen)
        await pilot.pause()
        due = uk_date(date.today().replace(day=1) + timedelta(days=31))[3:]  # month, year
        assert "R-0002: entered, due" in shown(app)
        assert any("R-0002  received" in line and due in line for line in screen_lines(app))


async def test_the_register_extends_a_request_with_a_reason(populated: Path) -> None:
    received = date.today() - timedelta(days=3)
    with Session.open("lead", populated) as lead:
        request = lead.access_requests.record("R-0001", received, IDENTITY)
    app = app_for(populated, "lead")
    async with signed_in(app, (80, 24)) as pilot:
        await keys(pilot, "a")
        await wait_for_screen(pilot, app, AccessRequestsScreen)
        await keys(pilot, "x")
        await wait_for_screen(pilot, app, ExtendAccessRequest)
        dialog = app.screen
        dialog.query_one("#months", Input).value = "2"
        await keys(pilot, "tab", *"short", "enter")
        assert isinstance(app.screen, ExtendAccessRequest)  # too short a reason: said
        assert "why the time is extended" in shown(app)
        dialog.query_one("#reason", Input).value = WHY
        await keys(pilot, "enter")
        await wait_for_screen(pilot, app, AccessRequestsScreen)
        await pilot.pause()
        with Session.open("lead", populated) as lead:
            [now] = lead.access_requests.register()
        assert now.id == request.id and now.extension_months == 2
        assert f"now due {uk_date(now.due)}" in shown(app)
        assert f"Extended by 2 months: {WHY}" in shown(app)
