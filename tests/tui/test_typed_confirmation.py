"""Irreversible steps are confirmed by typing the reference (issue 18)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Input, Static

from secure_records.tui.typed_confirmation import TypedConfirmation


class Host(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.answers: list[str | None] = []

    def compose(self) -> ComposeResult:
        yield Static("host")

    def on_mount(self) -> None:
        dialog = TypedConfirmation(
            "Approve disposal of R-000007?",
            ["Rule: adult, six years after the case closed", "Proposed by it-admin: due"],
            "R-000007",
            "approve disposal",
        )
        self.push_screen(dialog, self.answers.append)


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
