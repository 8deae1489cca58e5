"""Urgency first (issue 18), on screen: reception's urgent callbacks, a caller not
reached, the lead's referral, and what has waited too long for a manager."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.widgets import Button, Input, OptionList, RadioSet

from secure_records.core.telephone import Callback, Urgency
from secure_records.session import Session
from secure_records.session.manager_waits import Overdue, Passed
from secure_records.session.telephone import Caller
from secure_records.tui.app import SecureRecordsApp
from secure_records.tui.callback_screen import CallbackScreen
from secure_records.tui.list_screen import RecordListScreen, overdue_line, waits_line
from secure_records.tui.phone_queue_screen import PhoneQueueScreen
from tests.integration.test_telephone import ABOUT, GIVEN, POLICE, TODAY
from tests.integration.test_telephone_urgency import NOBODY, referral
from tests.tui.conftest import app_for, signed_in
from tests.tui.test_leaks_and_injection import screen_lines
from tests.tui.test_telephone import SIZE


async def keys(pilot, *pressed: str) -> None:  # type: ignore[no-untyped-def]
    """Each key as a person would press it, the screen settling after each."""
    for key in pressed:
        await pilot.press(key)
        await pilot.pause()


async def outcome(pilot, app: SecureRecordsApp, chosen: Callback) -> str:  # type: ignore[no-untyped-def]
    """Record how the callback went; the screen after it."""
    await pilot.click(f"#outcome-{chosen.value}")
    await pilot.pause()
    return shown(app)


def back_then(monkeypatch: pytest.MonkeyPatch, ago: timedelta, take: Callable[[], object]) -> None:
    """`take` a request as if it were `ago` ago."""
    stamp = (datetime.now(UTC) - ago).isoformat(timespec="seconds")
    with monkeypatch.context() as then:
        then.setattr("secure_records.session.telephone.now_utc", lambda: stamp)
        take()


def shown(app: SecureRecordsApp) -> str:
    """The screen as lines of text (a label and its value on one line)."""
    return "\n".join(screen_lines(app))


URGENT, ROUTINE = "DS Urgent Caller", "PC Routine Caller"
ISO_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")
UK_STAMP = re.compile(r"\d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d")


def taken(home: Path, urgency: Urgency, name: str) -> str:
    with Session.open("reception", home) as reception:
        call = reception.telephone.take_phone_request(
            Caller(name, "Detective", POLICE, "", GIVEN),
            *ABOUT,
            "safeguarding_concern",
            "Any concerns",
            urgency,
            TODAY,
        )
    return call.id


async def test_reception_sees_urgent_callbacks_first_marked_in_words_with_their_age(
    populated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Taken first, 20 minutes ago.
    back_then(
        monkeypatch, timedelta(minutes=20), lambda: taken(populated, Urgency.ROUTINE, ROUTINE)
    )
    taken(populated, Urgency.IMMEDIATE, URGENT)
    app = app_for(populated, "reception")
    async with signed_in(app, SIZE) as pilot:
        await pilot.pause()
        text = "\n".join(screen_lines(app))
    urgent = next(line for line in text.splitlines() if URGENT in line)
    routine = next(line for line in text.splitlines() if ROUTINE in line)
    assert "URGENT" in urgent and "(just now)" in urgent
    assert "URGENT" not in routine and UK_STAMP.search(routine) and "(20 min ago)" in routine
    assert text.index(URGENT) < text.index(ROUTINE)
    assert not ISO_STAMP.search(text)


async def test_a_caller_not_reached_is_tried_again_with_no_words_of_refusal(
    populated: Path,
) -> None:
    taken(populated, Urgency.TODAY, "DC Jane Smith")
    app = app_for(populated, "reception")
    async with signed_in(app, SIZE) as pilot:
        await keys(pilot, "enter")  # the callback to make
        text = await outcome(pilot, app, Callback.NOT_REACHED)
        assert "Not verified: refused" not in text and "can't discuss whether we hold" not in text
        assert "1 of 3 attempts" in text and "Try again later" in text
        await pilot.click("#done")
        await pilot.pause()
        calls = app.screen.query_one("#calls", OptionList)
        assert "not reached 1 of 3" in str(calls.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CallbackScreen)


async def test_a_caller_never_reached_goes_to_the_lead_who_sees_why(populated: Path) -> None:
    call = taken(populated, Urgency.IMMEDIATE, "DS Unreached Caller")
    with Session.open("reception", populated) as reception:
        for _ in range(2):
            reception.telephone.record_callback(call, Callback.NOT_REACHED)
    app = app_for(populated, "reception")
    async with signed_in(app, SIZE) as pilot:
        await keys(pilot, "enter")
        text = await outcome(pilot, app, Callback.NOT_REACHED)
        assert "Not reached after 3 attempts: passed to the safeguarding lead" in text
        assert "Say:" not in text  # no script for a caller never spoken to
    app = app_for(populated, "lead")
    async with signed_in(app, SIZE) as pilot:
        await keys(pilot, "t")
        assert "URGENT" in shown(app) and "not reached: to the lead" in shown(app)
        await keys(pilot, "enter")
        text = shown(app)
        assert "Referred because: Reception could not reach the caller" in text
        assert text.count("Not reached: by reception") == 3
        assert "URGENT: Someone may be at risk now" in text


async def test_a_referral_says_why_deciding_is_disabled_and_the_lead_forwards_it(
    populated: Path,
) -> None:
    request = referral(populated, NOBODY)
    app = app_for(populated, "lead")
    async with signed_in(app, SIZE) as pilot:
        await keys(pilot, "t")
        assert isinstance(app.screen, PhoneQueueScreen)
        await keys(pilot, "enter")
        text = shown(app)
        assert "Asked: Any concerns recorded about the child" in text
        assert "Caller: DC Jane Smith" in text and "Called back on: 01632 960 100" in text
        assert "Referred because: Northshire Police" in text and "not entitled" in text
        assert app.screen.query_one("#decide", Button).disabled
        assert "Decide on sharing: No record matched" in text
        radios = app.screen.query_one("#forward-to", RadioSet).query("RadioButton")
        radios[0].value = True  # type: ignore[attr-defined]  # alice
        app.screen.query_one("#reason", Input).value = "Alice knows the family's school"
        await pilot.pause()
        app.screen.query_one("#forward").scroll_visible(animate=False, immediate=True)
        await pilot.pause()
        await pilot.click("#forward")
        await pilot.pause()
        assert f"{request} forwarded to alice." in shown(app)
    app = app_for(populated, "alice")
    async with signed_in(app, SIZE) as pilot:
        await keys(pilot, "t")
        assert "forwarded to you" in shown(app)


async def test_a_referral_on_record_can_be_decided_by_the_lead(populated: Path) -> None:
    referral(populated)
    app = app_for(populated, "lead")
    async with signed_in(app, SIZE) as pilot:
        await keys(pilot, "t", "enter")
        assert not app.screen.query_one("#decide", Button).disabled
        assert "Decide on sharing:" not in shown(app)


async def banner_for_lead_not_alice(home: Path, said: str, not_said: str) -> None:
    """The lead's first screen at 80x24 has `said` on one line of its own (not
    wrapped); alice's (no lead) has no `not_said`."""
    app = app_for(home, "lead")
    async with signed_in(app, (80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, RecordListScreen)
        assert any(said in line for line in screen_lines(app))
    app = app_for(home, "alice")
    async with signed_in(app, (80, 24)) as pilot:
        await pilot.pause()
        assert not_said not in shown(app)


async def test_every_lead_is_told_on_the_first_screen_what_waits_too_long(
    populated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    back_then(monkeypatch, timedelta(days=3), lambda: referral(populated))
    said = "1 telephone request passed to you; OVERDUE: 1, oldest 3 days; press t"
    await banner_for_lead_not_alice(populated, said, "OVERDUE")


def test_the_overdue_line_fits_80_columns_with_every_queue_named() -> None:
    assert len(overdue_line(99, 720, "365 days", ["q", "d", "t"])) <= 78
    assert len(waits_line(Passed(99, 98), Overdue(720, 99, 99, 99), "365 days")) <= 78
    assert waits_line(Passed(), Overdue(48, 1, 0, 0), "3 days").startswith("OVERDUE: 1 waiting")


async def test_the_lead_is_told_at_once_of_requests_passed_to_the_leads_urgent_first(
    populated: Path,
) -> None:
    referral(populated)  # routine, just now: not yet 48 hours
    call = taken(populated, Urgency.IMMEDIATE, "DS Unreached Caller")
    with Session.open("reception", populated) as reception:
        for _ in range(3):
            reception.telephone.record_callback(call, Callback.NOT_REACHED)
    said = "URGENT: 1 of 2 telephone requests passed to you; press t"
    await banner_for_lead_not_alice(populated, said, "passed to you")
