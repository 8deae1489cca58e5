"""Start-up stays light: what `secure-records session` loads before the PIN screen
and the list (issue 17, Performance; bench/startup.py measures the time).

Timing is too noisy to test here, so what is guarded is its cause: modules that the
first screens do not use are imported only where they are first needed.
"""

from __future__ import annotations

import json
import subprocess
import sys

import click

from secure_records.cli import cli

# What `session` imports, in its order, up to the list screen: the command line, the
# command, the session (Session.may_start), the app and its first screens.
SESSION_PATH = """
import json, sys
import click
from secure_records.cli import cli
with click.Context(cli) as ctx:
    cli.get_command(ctx, "session")
from secure_records.session import Session
from secure_records.tui.app import SecureRecordsApp
from secure_records.tui.home_screens import home_screen
from secure_records.tui.pin_screen import PinScreen
from secure_records.tui.list_screen import RecordListScreen
print(json.dumps(sorted(sys.modules)))
"""

# Each is used only by another command, another role's first screen, a key pressed
# on the list, or a bulk import.
NOT_BEFORE_THE_LIST = (
    "multiprocessing",
    "pyzipper",  # writes a released zip (vault/outputs.py), a second crypto library
    "Cryptodome",
    "secure_records.admin",
    "secure_records.admin.administration",
    "secure_records.admin.policy_proposal",
    "secure_records.cli.staff",
    "secure_records.cli.vault_setup",
    "secure_records.vault.bulk",
    "secure_records.tui.drafts",
    "secure_records.tui.dialog",
    "secure_records.tui.modals",
    "secure_records.tui.record_screen",
    "secure_records.tui.sharing_screen",
    "secure_records.tui.queue_screen",
    "secure_records.tui.disposal_queue_screen",
    "secure_records.tui.phone_queue_screen",
    "secure_records.tui.restricted_screen",
    "secure_records.tui.reception_screen",
    "secure_records.tui.lookup_screen",
    "secure_records.tui.role_page",
    "secure_records.tui.role_picker",
    "secure_records.tui.help_panel",
    "secure_records.tui.screen_help",
)


def loaded_by(probe: str) -> set[str]:
    """The modules a fresh interpreter holds after running `probe`."""
    ran = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    return set(json.loads(ran.stdout))


def test_the_session_path_loads_nothing_the_first_screens_do_not_use() -> None:
    loaded = loaded_by(SESSION_PATH)
    assert "secure_records.tui.list_screen" in loaded  # the probe did run the path
    assert sorted(loaded.intersection(NOT_BEFORE_THE_LIST)) == []


# What `session` imports before its PIN screen is drawn: the command line, the command,
# the app and the PIN screen. The vault, the session and their cryptography and keyring
# are loaded on a thread while the PIN is typed (tui/getting_ready.py).
# The same, less the lines that load the session and the screens after the PIN.
PIN_SCREEN_PATH = "".join(
    line
    for line in SESSION_PATH.splitlines(keepends=True)
    if not line.startswith(("from secure_records.session ", "from secure_records.tui.home"))
    and "list_screen" not in line
)

NOT_BEFORE_THE_PIN_SCREEN = (
    "secure_records.session",
    "secure_records.vault",
    "cryptography",
    "keyring",
)


def test_the_pin_screen_comes_up_before_the_vault_and_the_session_are_loaded() -> None:
    loaded = loaded_by(PIN_SCREEN_PATH)
    assert "secure_records.tui.pin_screen" in loaded  # the probe did run the path
    early = sorted(m for m in loaded if m.startswith(NOT_BEFORE_THE_PIN_SCREEN))
    assert early == []


def test_every_command_is_found_by_its_name() -> None:
    # The commands are listed by name and imported when run: a wrong entry in that
    # list would only show when someone ran the command.
    with click.Context(cli) as ctx:
        names = cli.list_commands(ctx)
        commands = {name: cli.get_command(ctx, name) for name in names}
    assert {name: getattr(c, "name", None) for name, c in commands.items()} == {
        name: name for name in names
    }
    assert {"session", "demo", "init", "staff", "import", "log", "vault"} <= set(names)
