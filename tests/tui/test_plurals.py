"""Counts said in words that agree with them, where people read them (issue 16, item 15):
"0 entrys", "1 records", "1 notes" and "1 red flag(s)" were all on screen."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual.pilot import Pilot

from secure_records.admin import Administration
from secure_records.core.sharing import HowChoices, Requester, SharingFlow
from secure_records.core.telephone import Callback, Urgency
from secure_records.session import Session
from secure_records.session.telephone import Caller
from secure_records.tui.app import SecureRecordsApp
from secure_records.tui.phone_queue_screen import PhoneQueueScreen
from secure_records.tui.record_screen import RecordScreen
from tests.conftest import canary_row, write_jsonl
from tests.support.bases import basis
from tests.tui.conftest import SIZE, app_for, screen_text, signed_in, wait_for_screen

REASON = "recorded reason of some length"
TODAY = date(2026, 11, 30)  # the shipped directory's entries are checked as of this day


async def settle(app: SecureRecordsApp, pilot: Pilot[None]) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def import_rows(home: Path, tmp_path: Path, *rows: dict[str, object]) -> None:
    with Administration.open(home) as admin:
        admin.import_file(write_jsonl(tmp_path / "rows.jsonl", list(rows)))


async def test_one_record_and_no_consent_are_said_in_the_right_number(
    home: Path, tmp_path: Path
) -> None:
    row = canary_row("R-0001", ["alice"])
    row["consent"] = []
    import_rows(home, tmp_path, row)
    app = app_for(home, "alice")
    async with signed_in(app, SIZE) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "1 record" in text and "1 records" not in text
        await pilot.press("enter")
        await wait_for_screen(pilot, app, RecordScreen)
        await settle(app, pilot)
        text = screen_text(app)
        assert "0 entries" in text and "entrys" not in text


async def test_one_note_shared_is_one_note(populated: Path) -> None:
    with Session.open("alice", populated) as alice:
        sharing = alice.policy.sharing
        flow = SharingFlow(sharing)
        for yes in (True, True, True, True):
            flow = flow.answer(yes, REASON)
        alice.sharing.decide_sharing(
            "R-0001",
            Requester("D. Example", "Nowhere Primary School", "Designated lead", "01632 960000"),
            "Planning support for the child at school next term",
            flow,
            HowChoices(("name",), (0,), True, sharing.methods[0], basis(sharing), True),
        )
    app = app_for(populated, "alice")
    async with signed_in(app, (120, 60)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await wait_for_screen(pilot, app, RecordScreen)
        await settle(app, pilot)
        text = screen_text(app)
        assert "and 1 note by" in text, text
        assert "1 notes" not in text
    with Session.open("lead", populated) as lead:
        kept = lead.oversight.subject_access_report("R-0001", "The young person's own request")
        report = lead.outputs.read(kept).text
    # The report names each item shared: the one note, once.
    assert report.count("Chronology (note of") == 1 and "1 notes" not in report


async def test_one_red_flag_is_one_red_flag(populated: Path) -> None:
    with Session.open("reception", populated) as reception:
        call = reception.telephone.take_phone_request(
            Caller(
                "DC Jane Smith", "Detective constable", "northshire_police_ppu", "", "07700 900123"
            ),
            "Canaryname R-0001",
            "2013-04-02",
            "safeguarding_concern",
            "Any concerns recorded about the child",
            Urgency.TODAY,
            today=TODAY,
        )
        reception.telephone.record_callback(call.id, Callback.CONFIRMED)
    with Session.open("alice", populated) as alice:
        [item] = alice.telephone.phone_queue()
    assert item.flags == 1  # the number the caller gave is not the directory's
    app = app_for(populated, "alice")
    async with signed_in(app, SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("t")
        await wait_for_screen(pilot, app, PhoneQueueScreen)
        await settle(app, pilot)
        text = screen_text(app)
        assert "1 red flag" in text and "red flag(s)" not in text
