"""Founding a vault (`init`), checking policy files (`policy check`) and changing a
vault's policy (`policy apply`)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from secure_records.admin import Administration, check_policy
from secure_records.cli.context import CliContext, pass_cli
from secure_records.cli.keys import show_recovery_code
from secure_records.cli.output import json_option, refuse, say, say_json, warn
from secure_records.core.dates import uk_date
from secure_records.core.errors import PolicyError
from secure_records.core.policy import Policy
from secure_records.core.text import printable


@click.command()
@click.option(
    "--policies",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Policy directory to copy into the vault (default: the shipped policies).",
)
@click.option(
    "--database",
    default=None,
    metavar="URL",
    help="A PostgreSQL database to hold the vault (postgresql://host/dbname or "
    "service=name; credentials from ~/.pgpass or a service file). Default: SQLite in the home.",
)
@pass_cli
def init(cli: CliContext, policies: Path | None, database: str | None) -> None:
    """Create a new vault and its key-encryption key."""
    with Administration.init(cli.home, policies, database) as admin:
        if admin.insecure_keyring_warning:
            warn(admin.insecure_keyring_warning)
        say(f"Created vault {admin.vault_id} at {admin.home}{admin.database_named}.")
        code = admin.vault.new_recovery_code
        if code is not None:
            show_recovery_code(code)


@click.group()
def policy() -> None:
    """Policy files."""


@policy.command("check")
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@json_option
def policy_check(directory: Path | None, as_json: bool) -> None:
    """Validate a policy directory (default: the shipped policies)."""
    if as_json:
        _policy_check_json(directory)
        return
    checked = check_policy(directory)
    for warning in checked.warnings:
        warn(printable(f"warning: {warning}"))
    say(f"policy ok: {checked.summary()}; {review_words(checked)}")


def _policy_check_json(directory: Path | None) -> None:
    """The same facts as the text, as one object; a bad directory is `ok: false` with
    its problems, and the same exit code as the text form, its problems on stderr too
    (as every failure's are)."""
    try:
        checked = check_policy(directory)
    except PolicyError as exc:
        say_json({"ok": False, "problems": exc.problems})
        refuse(*exc.problems, code=exc.exit_code)
    review = checked.oversight.policy_review
    say_json(
        {
            "ok": True,
            "warnings": list(checked.warnings),
            "summary": checked.summary(),
            "fields": len(checked.fields),
            "roles": {name: str(role.scope) for name, role in checked.roles.items()},
            "sharing_questions": len(checked.sharing.questions),
            "sharing_outcomes": len(checked.sharing.outcomes),
            "organisations": len(checked.directory.organisations),
            "retention_rules": len(checked.retention.rules),
            "review": None
            if review is None
            else {
                "adopted": review.adopted.isoformat(),
                "next_due": review.next_review.isoformat(),
                "overdue": review.overdue(date.today()),
            },
        }
    )


def review_words(checked: Policy) -> str:
    """The policy's own review (its two-year cycle), so IT sees it when checking files."""
    review = checked.oversight.policy_review
    if review is None:
        return "review: no dates in oversight.toml"
    late = " (overdue)" if review.overdue(date.today()) else ""
    return (
        f"review: adopted {uk_date(review.adopted)}, next due {uk_date(review.next_review)}{late}"
    )


def stdin_is_terminal() -> bool:
    """Whether a person can answer a question here (a test may say otherwise)."""
    return sys.stdin.isatty()


@policy.command("apply")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Apply without asking (for scripts).")
@pass_cli
def policy_apply(cli: CliContext, directory: Path, yes: bool) -> None:
    """Make DIRECTORY's policy the vault's: the only way to change it, logged and sealed."""
    # Runs on a vault whose files do not match their seal: it is the way back.
    admin = cli.admin(any_policy=True)
    proposal = admin.propose_policy(directory)
    for warning in proposal.policy.warnings:
        warn(printable(f"warning: {warning}"))
    if proposal.unchanged:
        say(f"The vault already has this policy ({proposal.new_hash[:16]}); nothing was changed.")
        return
    if not proposal.was_sealed:
        warn(
            "The vault's current policy files do not match a seal: the changes below are "
            "against them as they stand, which may not be what was last applied."
        )
    # Labels and question texts come from the proposed files: untrusted text.
    for line in proposal.change_lines():
        say(printable(line))
    if not yes:
        if not stdin_is_terminal():
            refuse(
                "policy apply asks for confirmation and there is no terminal to ask at; "
                "nothing was changed (pass --yes to apply from a script)."
            )
        click.confirm("Apply this policy to the vault?", abort=True)
    admin.apply_policy(proposal)
    say(
        f"Policy applied and sealed: {proposal.old_hash[:16] or '(none)'} -> "
        f"{proposal.new_hash[:16]}."
    )
