"""IT's retention queue, the lead's approval and legal hold, in the app."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from textual.widgets import Button, Input, OptionList, Static

from secure_records.admin import Administration
from secure_records.core.dates import uk_date
from secure_records.session import Session
from secure_records.session.outputs import Released
from secure_records.tui.app import SecureRecordsApp
from secure_records.tui.disposal_queue_screen import DisposalQueueScreen
from secure_records.tui.modals import AskReason
from secure_records.tui.record_screen import RecordScreen
from secure_records.tui.retention_screen import RetentionScreen
from secure_records.tui.role_page import RolePage
from secure_records.tui.shown_time import uk_zone
from secure_records.tui.typed_confirmation import TypedConfirmation
from tests.conftest import canaries, canary_row, write_jsonl
from tests.tui.conftest import app_for, screen_text, signed_in, wait_for_screen

SIZE = (120, 50)
REASON = "a reason long enough to record"


def adult(rid: str) -> dict:  # type: ignore[type-arg]
    row = canary_row(rid, ["alice"])
    row["category"] = "vulnerable_adult"
    row["case_closed"] = "2015-01-01"
    return row


@pytest.fixture
def due(home: Path) -> Path:
    with Administration.open(home) as admin:
        admin.import_file(write_jsonl(home.parent / "due.jsonl", [adult("R-0001")]))
    return home


async def press(pilot, app: SecureRecordsApp, button: str) -> None:  # type: ignore[no-untyped-def]
    app.screen.query_one(f"#{button}", Button).press()
    await pilot.pause()


async def typed(pilot, app: SecureRecordsApp, reference: str, back: type) -> None:  # type: ignore[no-untyped-def]
    """Type the reference into the confirmation of an irreversible step (issue 18)."""
    await wait_for_screen(pilot, app, TypedConfirmation)
    await pilot.press(*reference, "enter")
    await wait_for_screen(pilot, app, back)
    await pilot.pause()


async def test_it_proposes_a_lead_approves_and_it_erases_with_a_certificate(due: Path) -> None:
    planted = canaries(adult("R-0001")).values()
    app = app_for(due, "it")
    async with signed_in(app, SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, RolePage)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, RetentionScreen)
        text = screen_text(app)
        # The category in words, the due date the UK way.
        assert "R-0001" in text and "Vulnerable adult" in text and "due 31 Mar 2021" in text
        assert "vulnerable_adult" not in text and "2021-03-31" not in text
        assert [v for v in planted if v in text] == []
        app.screen.query_one("#reason", Input).value = REASON
        await press(pilot, app, "propose")
        assert "a safeguarding lead must approve it" in screen_text(app)
    app = app_for(due, "lead")
    async with signed_in(app, SIZE) as pilot:
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DisposalQueueScreen)
        assert "proposed by it" in screen_text(app)
        app.screen.query_one("#reason", Input).value = REASON
        await press(pilot, app, "approve")
        await typed(pilot, app, "R-0001", DisposalQueueScreen)
        assert "approved (record R-0001)" in screen_text(app)
    app = app_for(due, "it")
    async with signed_in(app, SIZE) as pilot:
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        await press(pilot, app, "execute")
        await typed(pilot, app, "R-0001", RetentionScreen)
        text = screen_text(app)
        assert "R-0001 erased" in text and "DISPOSAL CERTIFICATE" in text
        assert app.screen.query_one("#due", OptionList).option_count == 0
        assert [v for v in planted if v in text] == []
    with Session.open("lead", due) as lead:
        assert "R-0001" not in lead.records.listing_ids()


async def test_a_lead_puts_a_record_on_hold_and_it_says_so_everywhere(due: Path) -> None:
    app = app_for(due, "lead")
    async with signed_in(app, SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RecordScreen)
        await pilot.press("h")
        await wait_for_screen(pilot, app, AskReason)
        app.screen.query_one("#reason", Input).value = "Independent inquiry into placements"
        await pilot.press("enter")
        await pilot.pause()
        assert "ON LEGAL HOLD" in screen_text(app)
        assert "Independent inquiry into placements" in screen_text(app)
    app = app_for(due, "it")
    async with signed_in(app, SIZE) as pilot:
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        text = screen_text(app)
        assert "ON LEGAL HOLD" in text
        assert "Independent inquiry" not in text  # why is for those who may open it
        app.screen.query_one("#reason", Input).value = REASON
        await press(pilot, app, "propose")
        assert "on legal hold; it cannot be disposed of" in screen_text(app)


async def test_a_caseworker_has_no_hold_key_and_no_disposal_queue(due: Path) -> None:
    app = app_for(due, "alice")
    async with signed_in(app, SIZE) as pilot:
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        assert not isinstance(app.screen, DisposalQueueScreen)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, RecordScreen)
        assert "Legal hold" not in screen_text(app)


def released_and_past_its_days(home: Path) -> tuple[Released, datetime]:
    """A lead releases R-0001's report; the moment its file is a day past the policy's days."""
    with Session.open("lead", home) as lead:
        report = lead.oversight.subject_access_report("R-0001", "Request from the person")
        old = lead.outputs.release(report, "The person, by hand at the office")
        days = lead.policy.sharing.disclosure_keep_days
    return old, datetime.now(UTC) + timedelta(days=days + 1)


async def test_it_shreds_released_files_past_their_days_from_the_retention_queue(
    due: Path,
) -> None:
    old, later = released_and_past_its_days(due)
    app = app_for(due, "it")
    with time_machine.travel(later):
        async with signed_in(app, SIZE) as pilot:
            await pilot.pause()
            assert "1 released file past their days" in screen_text(app)
            await pilot.press("r")
            await pilot.pause()
            text = screen_text(app)
            assert "Released files past their" in text and old.release_id in text
            assert "Canaryname" not in text  # where it is, never what it holds
            await press(pilot, app, "shred")
            said = str(app.screen.query_one("#shredded", Static).render())
            assert "overwritten twice" in said and "copy-on-write" in said
    assert not old.path.exists()
    with Administration.open(due) as admin:
        [entry] = [e for e in admin.read_log(None, "it", None) if e.action == "package_shredded"]
    assert entry.details["release"] == old.release_id


async def test_it_reads_each_released_file_by_its_name_at_80_columns(
    due: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    old, later = released_and_past_its_days(due)
    app = app_for(due, "it")
    with time_machine.travel(later):
        async with signed_in(app, (80, 24)) as pilot:
            await pilot.press("r")
            await wait_for_screen(pilot, app, RetentionScreen)
            await pilot.pause()
            said = str(app.screen.query_one("#packages", Static).render()).splitlines()
    # One line a file, within 80 columns; the folder said once, after them.
    [line] = [s for s in said if old.release_id in s]
    assert line.startswith(f"{old.release_id}  {old.path.name}  released ") and len(line) < 78
    assert sum(str(old.path.parent) in s for s in said) == 1 and str(old.path) not in line


def proposed(home: Path, reason: str = REASON) -> str:
    with Session.open("it", home) as it:
        return it.retention.propose_disposal("R-0001", reason)


def shown(app: SecureRecordsApp) -> str:
    """Every line of the screen on top, scrolled out of sight or not."""
    return "\n".join(str(w.render()) for w in app.screen.query(Static))


def disposal_status(home: Path, disposal_id: str) -> str:
    with Session.open("lead", home) as lead:
        found = [d.status.value for d in lead.retention.disposals() if d.id == disposal_id]
    return found[0] if found else "gone"


async def test_the_lead_sees_the_rule_the_due_date_and_the_proposers_reason(due: Path) -> None:
    proposed(due, "Case closed in 2015; nothing has come up since")
    app = app_for(due, "lead")
    async with signed_in(app, SIZE) as pilot:
        await pilot.pause()
        await pilot.press("d")
        await wait_for_screen(pilot, app, DisposalQueueScreen)
        await pilot.pause()
        text = screen_text(app)
        for said in (
            "Rule: adults: disposed of 6 years after the case closed",
            "Why: Adult records are kept six years after the case closed",
            "Due: 31 Mar 2021",
            f"Proposed by it {uk_date(datetime.now(UTC).astimezone(uk_zone()).date())} ",
            "(just now)",
            "Their reason: Case closed in 2015; nothing has come up since",
        ):
            assert said in text, said
        assert "2021-03-31" not in text and not re.search(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T", text)


async def test_approving_a_disposal_is_typed_and_enter_alone_does_nothing(due: Path) -> None:
    disposal_id = proposed(due)
    app = app_for(due, "lead")
    async with signed_in(app, SIZE) as pilot:
        await pilot.pause()
        await pilot.press("d")
        await wait_for_screen(pilot, app, DisposalQueueScreen)
        app.screen.query_one("#reason", Input).value = REASON
        await press(pilot, app, "approve")
        await wait_for_screen(pilot, app, TypedConfirmation)
        assert "Their reason: " + REASON in shown(app)
        assert "Type R-0001 to approve the disposal." in shown(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TypedConfirmation)
        assert disposal_status(due, disposal_id) == "proposed"
        await pilot.press("escape")
        await wait_for_screen(pilot, app, DisposalQueueScreen)
    assert disposal_status(due, disposal_id) == "proposed"


async def test_carrying_out_a_disposal_is_typed_and_enter_alone_erases_nothing(
    due: Path,
) -> None:
    disposal_id = proposed(due)
    with Session.open("lead", due) as lead:
        lead.retention.review_disposal(disposal_id, True, REASON)
    app = app_for(due, "it")
    async with signed_in(app, SIZE) as pilot:
        await pilot.pause()
        await pilot.press("r")
        await wait_for_screen(pilot, app, RetentionScreen)
        await press(pilot, app, "execute")
        await wait_for_screen(pilot, app, TypedConfirmation)
        text = shown(app)
        assert "Rule: adults: disposed of 6 years after the case closed" in text
        assert "Proposed by it" in text and "Type R-0001 to erase it." in text
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TypedConfirmation)
        await pilot.press("escape")
        await wait_for_screen(pilot, app, RetentionScreen)
    assert disposal_status(due, disposal_id) == "approved"
    with Session.open("lead", due) as lead:
        assert "R-0001" in lead.records.listing_ids()
