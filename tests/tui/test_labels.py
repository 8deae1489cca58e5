"""Boxes that kept their purpose only in a placeholder, gone with the first key typed:
reception's new phone request and the auditor's log filters now label every box."""

from __future__ import annotations

from pathlib import Path

from textual.containers import VerticalScroll
from textual.widgets import Input

from secure_records.tui.audit_screen import FILTER_BOXES, AuditScreen
from secure_records.tui.reception_screen import TEXT_INPUTS, PhoneRequestForm, ReceptionScreen
from secure_records.tui.role_page import RolePage
from tests.tui.conftest import app_for, screen_text, signed_in, wait_for_screen


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
