"""The organisation's own duties on screen (issue 19), at 80x24: consent's capacity a
required choice and the entry saying it; the privacy notice and the Data Protection
Officer's contact in every screen's help; a lead told the policy's review is overdue."""

from __future__ import annotations

import shutil
from pathlib import Path

from textual.widgets import Input, Select, Static

from secure_records.admin import Administration
from secure_records.tui.help_panel import HelpPanel
from secure_records.tui.list_screen import RecordListScreen
from secure_records.tui.modals import NewConsent
from secure_records.tui.record_screen import RecordScreen
from tests.tui.conftest import app_for, screen_text, signed_in, wait_for_screen
from tests.tui.test_forms import press_key
from tests.tui.test_screens import open_record, settle, shown

SIZE = (80, 24)
HOSTILE = "Write to [@click=app.quit]us[/] at dpo@example.org"


def with_oversight(home: Path, work: Path, old: str, new: str) -> None:
    """The vault's oversight.toml changed as IT would: a copy edited, then applied."""
    changed = Path(shutil.copytree(home / "policies", work / "changed"))
    file = changed / "oversight.toml"
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new, 1), encoding="utf-8")
    with Administration.open(home) as admin:
        admin.apply_policy(admin.propose_policy(changed))


async def test_consent_needs_its_capacity_and_the_record_says_it(populated: Path) -> None:
    app = app_for(populated, "alice")
    async with signed_in(app, SIZE) as pilot:
        await open_record(app, pilot, "R-0001")
        modal = await press_key(app, pilot, "c", NewConsent)
        for field, value in (("#given-by", "Jo, aged 14"), ("#scope", "Share with the nurse")):
            modal.query_one(field, Input).value = value
        modal.query_one("#scope", Input).focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is modal  # nothing saved without the capacity
        assert "Choose in what capacity consent was given." in screen_text(app)
        assert app.focused is modal.query_one("#capacity")
        modal.query_one("#capacity", Select).value = "competent_child"
        modal.query_one("#scope", Input).focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RecordScreen)
        app.screen.scroll_to_widget(app.screen.query_one("#consent"), animate=False)
        await pilot.pause()
        text = " ".join(shown(app).split())
        assert (
            "given by Jo, aged 14 (a child judged competent (Gillick)), to Share with the nurse"
            in text
        )


async def test_the_help_shows_the_privacy_notice_and_the_dpo_as_written(
    populated: Path, tmp_path: Path
) -> None:
    old = 'data_protection_officer = "Manchester Settlement, dpo@example.org"'
    with_oversight(populated, tmp_path, old, f'data_protection_officer = "{HOSTILE}"')
    app = app_for(populated, "alice")
    async with signed_in(app, SIZE) as pilot:
        await pilot.press("f1")
        await wait_for_screen(pilot, app, HelpPanel)
        panel = app.screen
        panel.query_one("#help-notice").scroll_visible(animate=False)
        await pilot.pause()
        assert "Privacy information" in shown(app)
        # As written: literal, never markup (the help fits 76 columns, so it wraps).
        dpo = str(panel.query_one("#help-dpo", Static).render())
        assert dpo == f"Data Protection Officer: {HOSTILE}"
        assert "[@click=app.quit]us[/]" in "".join(shown(app).split())
        notice = " ".join(str(panel.query_one("#help-notice", Static).render()).split())
        assert "You can ask to see what we hold about you" in notice
        assert app.is_running


async def test_a_lead_is_told_the_policys_review_is_overdue_and_a_caseworker_is_not(
    populated: Path,
) -> None:
    said = "POLICY REVIEW OVERDUE: the policy was due for review on 01 Feb 2018"
    for name, told in (("lead", True), ("alice", False)):
        app = app_for(populated, name)
        async with signed_in(app, SIZE) as pilot:
            await wait_for_screen(pilot, app, RecordListScreen)
            await pilot.pause()
            assert (said in screen_text(app)) is told, name


async def test_no_word_of_the_review_once_it_is_done(populated: Path, tmp_path: Path) -> None:
    with_oversight(
        populated,
        tmp_path,
        "adopted = 2016-02-01\nnext_review = 2018-02-01",
        "adopted = 2026-01-15\nnext_review = 2028-01-15",
    )
    app = app_for(populated, "lead")
    async with signed_in(app, SIZE) as pilot:
        await wait_for_screen(pilot, app, RecordListScreen)
        await pilot.pause()
        assert "POLICY REVIEW" not in screen_text(app)
