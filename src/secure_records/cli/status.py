"""`status`: exit 0 when the vault is looked after, 1 with one line for each problem
on stderr (for a monitor, or IT each morning)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from secure_records.admin.health import OVERDUE_DAYS, check_health
from secure_records.cli.context import CliContext, pass_cli
from secure_records.cli.output import refuse, say, warn
from secure_records.core.text import printable

BACKUPS_ENV = "SECURE_RECORDS_BACKUPS"


@click.command()
@click.option(
    "--backups",
    type=click.Path(file_okay=False, path_type=Path),
    envvar=BACKUPS_ENV,
    default=None,
    help=f"Where the nightly backups are written (default: ${BACKUPS_ENV}).",
)
@click.option(
    "--overdue-days",
    type=click.IntRange(0, 3650),
    default=OVERDUE_DAYS,
    show_default=True,
    help="A record this many days past its retention date and still waiting is overdue.",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object: healthy, and each check.")
@pass_cli
def status(cli: CliContext, backups: Path | None, overdue_days: int, as_json: bool) -> None:
    """Is the vault looked after? The log and seals, the newest backup, overdue
    disposals and the keyring: exit 0 healthy, 1 with one line for each problem."""
    health = check_health(cli.home, backups, overdue_days=overdue_days)
    if health.keyring_warning:
        warn(health.keyring_warning)
    if as_json:
        found = [
            {"check": f.check.value, "healthy": f.healthy, "said": f.sentence}
            for f in health.findings
        ]
        # ensure_ascii escapes every control character a sentence might quote.
        say(json.dumps({"healthy": health.healthy, "checks": found}, ensure_ascii=True))
    elif health.healthy:
        say(printable("healthy: " + "; ".join(f.sentence for f in health.findings) + "."))
    if not health.healthy:
        # On stderr, as every failure is, JSON or not; a problem can quote bytes from
        # the log, which refuse() keeps from the terminal raw.
        refuse(*(problem.sentence for problem in health.problems()))
