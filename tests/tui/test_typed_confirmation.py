"""Irreversible steps are confirmed by typing the reference (issue 18)."""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import Input, Static

from secure_records import tui
from secure_records.tui.typed_confirmation import TypedConfirmation


class Host(App[None]):
    """A typed confirmation over a plain screen, styled as the app styles its dialogs."""

    CSS_PATH = str(Path(tui.__file__).parent / "app.tcss")

    def __init__(self, dialog: TypedConfirmation | None = None) -> None:
        super().__init__()
        self.answers: list[str | None] = []
        self._dialog = dialog or TypedConfirmation(
            "Approve disposal of R-000007?",
            ["Rule: adult, six years after the case closed", "Proposed by it-admin: due"],
            "R-000007",
            "approve disposal",
        )

    def compose(self) -> ComposeResult:
        yield Static("host")

    def on_mount(self) -> None:
        self.push_screen(self._dialog, self.answers.append)


def shown(app: App[None]) -> str:
    return "\n".join(str(w.render()) for w in app.screen.query(Static))


async def test_enter_without_the_reference_does_nothing_and_says_why() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "Rule: adult, six years after the case closed" in shown(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TypedConfirmation)
        assert "Type R-000007 exactly to approve disposal." in shown(app)
        await pilot.press(*"R-000008", "enter")
        await pilot.pause()
        assert isinstance(app.screen, TypedConfirmation) and app.answers == []


async def test_the_reference_typed_confirms_and_escape_cancels() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.screen.focused is app.screen.query_one("#reference", Input)
        await pilot.press(*"r-000007", "enter")
        await pilot.pause()
        assert app.answers == ["R-000007"]
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.answers == [None]


def long_host() -> Host:
    """A decision as long as a sharing without consent: more lines than 80x24 holds."""
    lines = [f"Decision line {n}" for n in range(1, 19)] + ["Do you have consent? No"]
    heading = "Confirm sharing R-000001 without consent?"
    return Host(TypedConfirmation(heading, lines, "D-000001", "confirm it"))


def inside(app: App[None], selector: str) -> bool:
    region = app.screen.query_one(selector).region
    return bool(region) and app.screen.region.contains_region(region)


async def test_at_80x24_the_box_and_buttons_are_on_screen_and_the_decision_scrolls() -> None:
    app = long_host()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for selector in ("#reference", "#save", "#cancel"):
            assert inside(app, selector), selector
        assert "scroll with up/down" in shown(app)
        decision = app.screen.query_one("#decision")
        last = list(decision.query(".decision-line"))[-1]
        assert not decision.region.contains_region(last.region)
        decision.focus()
        for _ in range(20):
            await pilot.press("down")
        await pilot.pause()
        assert decision.region.contains_region(last.region)
        assert inside(app, "#reference") and inside(app, "#save")
