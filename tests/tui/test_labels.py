"""Boxes that kept their purpose only in a placeholder, gone with the first key typed:
reception's new phone request and the auditor's log filters now label every box."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.containers import VerticalScroll
from textual.widgets import Input

from secure_records.tui.audit_screen import FILTER_BOXES, AuditScreen
from secure_records.tui.concern_screens import ConcernsScreen
from secure_records.tui.queue_screen import QueueScreen
from secure_records.tui.reception_screen import TEXT_INPUTS, PhoneRequestForm, ReceptionScreen
from secure_records.tui.retention_screen import RetentionScreen
from secure_records.tui.role_page import RolePage
from tests.tui.conftest import app_for, screen_text, signed_in, wait_for_screen
from tests.tui.test_sharing_form import settle, words


async def test_every_box_keeps_its_label_once_typed_into(populated: Path) -> None:
    app = app_for(populated, "reception")
    async with signed_in(app, (80, 24)) as pilot:
        await wait_for_screen(pilot, app, ReceptionScreen)
        await pilot.press("n")
        await wait_for_screen(pilot, app, PhoneRequestForm)
        form = app.screen
        for box_id, label in TEXT_INPUTS:
            box = form.query_one(f"#{box_id}", Input)
            box.value = "typed"
            box.focus(scroll_visible=False)
            # The box at the top of what is shown: its label is just above it.
            form.query_one("#phone-request", VerticalScroll).scroll_to(
                y=max(0, box.virtual_region.y - 2), animate=False, immediate=True
            )
            await pilot.pause()
            assert label in screen_text(app), label


async def test_the_auditors_filters_keep_their_labels_once_typed_into(populated: Path) -> None:
    app = app_for(populated, "auditor")
    async with signed_in(app, (80, 24)) as pilot:
        await wait_for_screen(pilot, app, RolePage)
        await pilot.press("a")
        await wait_for_screen(pilot, app, AuditScreen)
        for _label, box_id, _hint in FILTER_BOXES:
            app.screen.query_one(f"#{box_id}", Input).value = "typed"
        await pilot.pause()
        shown = screen_text(app)
        for label in ("Record", "Staff member", "Action", "Since"):
            assert f">{label}" in shown or f" {label}" in shown, label


# The reason boxes of the queues (b, q) and of IT's retention screen (r): the label
# stays once typed into, and says the minimum Session checks.
@pytest.mark.parametrize(
    ("who", "key", "kind"),
    [("lead", "b", ConcernsScreen), ("lead", "q", QueueScreen), ("it", "r", RetentionScreen)],
)
async def test_every_reason_box_keeps_a_label_with_its_minimum(
    populated: Path, who: str, key: str, kind: type
) -> None:
    app = app_for(populated, who)
    async with signed_in(app, (80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(key)
        await wait_for_screen(pilot, app, kind)
        reason = app.screen.query_one("#reason", Input)
        reason.value = "typed"
        app.screen.scroll_to_center(reason, animate=False)
        await settle(pilot)
        text = words(app)
    assert re.search(r"\(at least \d+ characters\):", text), text
