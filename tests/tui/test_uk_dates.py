"""Dates as people in the UK type and read them, and identifiers as words, on the
desk's screens: lookups and forms take DD/MM/YYYY, queues say "04 Dec 2026 12:35
(12 min ago)", categories and statuses are words. At 80x24, as the desk is used."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import time_machine
from textual.widgets import Button, Input, OptionList, RadioSet

from secure_records.admin import Administration
from secure_records.core.telephone import Callback, Urgency
from secure_records.session import Session
from secure_records.session.telephone import Caller
from secure_records.tui.app import SecureRecordsApp
from secure_records.tui.audit_screen import AuditScreen
from secure_records.tui.callback_screen import CallbackScreen
from secure_records.tui.disposal_queue_screen import DisposalQueueScreen
from secure_records.tui.lookup_screen import LookupScreen
from secure_records.tui.phone_queue_screen import PhoneQueueScreen
from secure_records.tui.queue_screen import QueueScreen
from secure_records.tui.reception_screen import PhoneRequestForm, ReceptionScreen
from secure_records.tui.retention_screen import RetentionScreen
from tests.conftest import write_jsonl
from tests.integration.test_sharing_decisions import ASKER, PURPOSE, how, without_consent
from tests.tui.conftest import app_for, screen_text, signed_in, wait_for_screen
from tests.tui.test_retention import adult

SIZE = (80, 24)
REFUSED = "Date of birth: write the date as DD/MM/YYYY, for example 04/02/2018."
# Canary rows are born 2013-04-02: the 2nd of April.
BORN_UK = "02/04/2013"
ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
REASON = "a reason long enough to record"


def no_iso(text: str) -> list[str]:
    return ISO.findall(text)


def lines_of(app: SecureRecordsApp, list_id: str) -> str:
    """The list's lines as written (at 80 columns, a long line wraps on screen)."""
    options = app.screen.query_one(f"#{list_id}", OptionList)
    return "\n".join(
        str(options.get_option_at_index(i).prompt) for i in range(options.option_count)
    )


async def settle(pilot, app: SecureRecordsApp) -> None:  # type: ignore[no-untyped-def]
    await app.workers.wait_for_complete()
    await pilot.pause()


async def open_with(pilot, app: SecureRecordsApp, key: str, kind: type) -> None:  # type: ignore[no-untyped-def]
    """From the first screen, press `key` and wait for the `kind` of screen it opens."""
    await settle(pilot, app)
    await pilot.press(key)
    await wait_for_screen(pilot, app, kind)


def take_call(home: Path, born: str = "2013-04-02") -> None:
    """A telephone request about R-0001, taken by reception through Session."""
    with Session.open("reception", home) as reception:
        org = next(iter(reception.policy.directory.organisations))
        kind = next(iter(reception.policy.directory.request_kinds))
        caller = Caller("DC Jane Smith", "Detective constable", org, "", "07700 900123")
        reception.telephone.take_phone_request(
            caller, "Canaryname R-0001", born, kind, "Any concerns recorded", Urgency.TODAY
        )


# Typed


async def look_up(pilot, app: SecureRecordsApp, dob: str) -> str:  # type: ignore[no-untyped-def]
    app.screen.query_one("#name", Input).value = "Canaryname R-0002"
    app.screen.query_one("#dob", Input).value = dob
    app.screen.query_one("#dob", Input).focus()
    await pilot.press("enter")
    await settle(pilot, app)
    return str(app.screen.query_one("#result").render())


async def test_reception_looks_up_a_date_of_birth_typed_the_uk_way(populated: Path) -> None:
    app = app_for(populated, "reception")
    async with signed_in(app, SIZE) as pilot:
        await open_with(pilot, app, "l", LookupScreen)
        # The form it takes is on the screen before the first try.
        assert "Date of birth (DD/MM/YYYY)" in screen_text(app)
        assert await look_up(pilot, app, BORN_UK) == "A record exists: R-0002"
        assert await look_up(pilot, app, "2/4/2013") == "A record exists: R-0002"
        assert await look_up(pilot, app, "2013-04-02") == "A record exists: R-0002"
        # Month first is a different day, never guessed: 4 February finds nothing.
        assert await look_up(pilot, app, "04/02/2013") == (
            "No record matches that exact name and date of birth."
        )
        assert await look_up(pilot, app, "04/13/2013") == REFUSED
        assert await look_up(pilot, app, "2013-W14-2") == REFUSED


async def test_a_phone_request_takes_the_date_of_birth_the_uk_way(populated: Path) -> None:
    app = app_for(populated, "reception")
    async with signed_in(app, (80, 60)) as pilot:
        await open_with(pilot, app, "n", PhoneRequestForm)
        form = app.screen
        assert "Their date of birth (DD/MM/YYYY)" in screen_text(app)
        for wid, value in (
            ("caller-name", "DC Jane Smith"),
            ("caller-role", "Detective constable"),
            ("number-given", "07700 900123"),
            ("about-name", "Canaryname R-0001"),
            ("about-dob", "31/02/2013"),
            ("asked", "Any concerns recorded"),
        ):
            form.query_one(f"#{wid}", Input).value = value
        for radio in ("organisation", "kind", "urgency"):
            form.query_one(f"#{radio}", RadioSet).query("RadioButton")[0].value = True  # type: ignore[attr-defined]
        await pilot.pause()
        form.query_one("#take").scroll_visible(animate=False, immediate=True)  # below the fold
        await pilot.pause()
        await pilot.click("#take")
        await settle(pilot, app)
        # No such day: said in one sentence, and the form keeps what was typed.
        assert app.screen is form
        assert str(form.query_one("#problem").render()) == (
            "Their date of birth: write the date as DD/MM/YYYY, for example 04/02/2018."
        )
        assert form.query_one("#caller-name", Input).value == "DC Jane Smith"
        form.query_one("#about-dob", Input).value = BORN_UK
        form.query_one("#take", Button).press()
        await wait_for_screen(pilot, app, CallbackScreen)
    with Session.open("reception", populated) as reception:
        # Matched as 2013-04-02: the exact lookup found the record.
        assert [call.reference for call in reception.telephone.awaiting_callback()] == ["R-0001"]


async def test_the_auditor_filters_since_a_date_typed_the_uk_way(populated: Path) -> None:
    app = app_for(populated, "auditor")
    async with signed_in(app, SIZE) as pilot:
        await open_with(pilot, app, "a", AuditScreen)
        text = screen_text(app)
        # The verdict's first and last times too, not only the entries'.
        assert "DD/MM/YYYY" in text and no_iso(text) == []
        since = app.screen.query_one("#f-since", Input)
        since.value = "01/01/2020"
        since.focus()
        await pilot.press("enter")
        await settle(pilot, app)
        problem = str(app.screen.query_one("#problem").render())
        assert "match" in problem and "shown" in problem
        entries = str(app.screen.query_one("#entries").render())
        assert "session started" in entries and no_iso(entries) == []
        today = datetime.now(UTC).strftime("%d %b %Y")
        assert today in entries
        since.value = "12/31/2020"
        await pilot.press("enter")
        await settle(pilot, app)
        assert str(app.screen.query_one("#problem").render()) == (
            "Since: write the date as DD/MM/YYYY, for example 04/02/2018."
        )


# Shown


async def test_reception_sees_when_each_callback_was_taken_and_how_long_ago(
    populated: Path,
) -> None:
    take_call(populated)
    later = datetime.now(UTC) + timedelta(minutes=12, seconds=20)
    with time_machine.travel(later, tick=False):
        app = app_for(populated, "reception")
        async with signed_in(app, SIZE) as pilot:
            await settle(pilot, app)
            assert isinstance(app.screen, ReceptionScreen)
            text = screen_text(app)
            line = lines_of(app, "calls")
            assert f"{later - timedelta(minutes=12, seconds=20):%d %b %Y}" in line
            assert line.endswith("(12 min ago)")
            assert no_iso(text) == [] and no_iso(line) == []


async def test_the_leads_queues_show_dates_the_uk_way_and_words_not_keys(
    populated: Path,
) -> None:
    with Session.open("alice", populated) as alice:
        alice.sharing.decide_sharing(
            "R-0001", ASKER, PURPOSE, without_consent(alice), how(alice, ("name",), ())
        )
    take_call(populated)
    with Session.open("reception", populated) as reception:
        call = reception.telephone.awaiting_callback()[0]
        reception.telephone.record_callback(call.id, Callback.CONFIRMED)
    with Administration.open(populated) as admin:
        admin.import_file(write_jsonl(populated.parent / "due.jsonl", [adult("R-0009")]))
    with Session.open("it", populated) as it:
        it.retention.propose_disposal("R-0009", REASON)
    app = app_for(populated, "lead")
    async with signed_in(app, SIZE) as pilot:
        await open_with(pilot, app, "q", QueueScreen)
        text = screen_text(app) + lines_of(app, "items")
        assert "waiting to share" in text and "(just now)" in text
        assert no_iso(text) == [] and "awaiting_manager" not in text
        await pilot.press("escape")
        await pilot.press("t")
        await wait_for_screen(pilot, app, PhoneQueueScreen)
        text = screen_text(app) + lines_of(app, "requests")
        assert "Needed today" in text and "(just now)" in text and no_iso(text) == []
        await pilot.press("enter")
        await settle(pilot, app)
        detail = str(app.screen.query_one("#detail").render())
        assert "Canaryname R-0001, born 02 Apr 2013" in detail
        assert "Urgency: Needed today" in detail and no_iso(detail) == []
        await pilot.press("escape")
        await pilot.press("d")
        await wait_for_screen(pilot, app, DisposalQueueScreen)
        text = screen_text(app) + lines_of(app, "disposals")
        assert "Vulnerable adult" in text and "due 31 Mar 2021" in text
        assert "vulnerable_adult" not in text and no_iso(text) == []


async def test_it_reads_the_retention_queue_in_words(populated: Path) -> None:
    with Administration.open(populated) as admin:
        admin.import_file(write_jsonl(populated.parent / "due.jsonl", [adult("R-0009")]))
    app = app_for(populated, "it")
    async with signed_in(app, SIZE) as pilot:
        await open_with(pilot, app, "r", RetentionScreen)
        line = str(app.screen.query_one("#due", OptionList).get_option_at_index(0).prompt)
        assert (
            line
            == "R-0009  Vulnerable adult  rule adults (dispose of)  due 31 Mar 2021  to propose"
        )
