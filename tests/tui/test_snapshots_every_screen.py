"""Every screen of every role (the walk's table, tests/tui/test_every_screen_fits.py),
as SVG snapshots at 80x24 and 120x40 in colour, and at 80x24 (the size staff must be
able to work at) under NO_COLOR.

The clock, the references and the demo vault are test_snapshots.py's, so these are
the same on any machine and any day; the walk starts at the demo's picker, as
`secure-records demo` does. test_snapshots.py stays as it is.

Every test here is marked `every_screen`; after a deliberate change to how screens
look, regenerate them all with

    .venv/bin/pytest -m every_screen --snapshot-update tests/tui

then look at the changed SVGs before committing them.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from secure_records.demo import DemoVault
from tests.tui.test_every_screen_fits import WALK, demo_app, walk
from tests.tui.test_snapshots import SIZES, demo, frozen  # noqa: F401  (fixtures)

pytestmark = pytest.mark.every_screen

# (size, NO_COLOR): both sizes in colour; without colour at 80x24 only, which is
# where a missing marker would hurt most (and each case walks from the picker).
LOOKS = [
    *(pytest.param(size.values[0], False, id=f"{size.id}-colour") for size in SIZES),
    pytest.param((80, 24), True, id="80x24-NO_COLOR"),
]


@pytest.mark.parametrize(("size", "no_color"), LOOKS)
@pytest.mark.parametrize("name", list(WALK))
def test_every_screen(
    snap_compare: Callable[..., bool],
    demo: DemoVault,  # noqa: F811  (the imported fixture)
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    size: tuple[int, int],
    no_color: bool,
) -> None:
    if no_color:  # read when the app is built
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    app = demo_app(demo)
    try:
        assert snap_compare(
            app, terminal_size=size, run_before=lambda pilot: walk(pilot, WALK[name])
        )
    finally:
        app.end_session("snapshot taken")
