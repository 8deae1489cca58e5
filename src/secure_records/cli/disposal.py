"""Secure disposal: `disposal run`, `certificates`, `certificate`, and `shred` for
files (disclosure packages) past their days."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click

from secure_records.admin import SHRED_CAVEAT, Administration, write_private_file
from secure_records.admin import shred as shred_path
from secure_records.cli.context import CliContext, pass_cli
from secure_records.cli.output import json_option, refuse, say, say_json, warn
from secure_records.cli.progress import progress_bar
from secure_records.core.errors import BAD_INPUT, BadInput, SecureRecordsError
from secure_records.core.text import counted, printable
from secure_records.core.words import in_words


@click.group()
def disposal() -> None:
    """Secure disposal of records past retention (policy sections 6 and 11)."""


@disposal.command("run")
@pass_cli
def disposal_run(cli: CliContext) -> None:
    """Carry out every disposal a safeguarding lead has approved, and dispose of
    telephone requests past retention.toml's [telephone] days (for a scheduled job)."""
    admin = cli.admin()
    with progress_bar("Carrying out disposals") as progress:
        done, refused = admin.run_disposals(progress)
    for certificate in done:
        say(f"{certificate.id}: record {certificate.reference} erased; {certificate.method}.")
    say(f"{counted(len(done), 'disposal')} carried out.")
    # Telephone requests past their days go the same night (issue 20): counts only,
    # said when there were any.
    expired = admin.expire_phone_requests()
    if expired:
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(expired.items()))
        many = counted(sum(expired.values()), "telephone request")
        say(f"{many} past their days disposed of ({kinds}).")
    if refused:
        refuse(*refused)


@disposal.command("certificates")
@json_option
@pass_cli
def disposal_certificates(cli: CliContext, as_json: bool) -> None:
    """List disposal certificates: no personal data in any of them."""
    for c in cli.admin().certificates():
        if as_json:
            say_json(dataclasses.asdict(c))
            continue
        say(
            f"{c.id}  {c.executed_at}  {c.reference}  {in_words(c.category)}  rule {c.rule}  "
            f"approved by {c.approved_by}  executed by {c.executed_by}  log {c.log_seq}"
        )


@disposal.command("certificate")
@click.argument("certificate_id")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write it to this new file (0600) instead of printing it.",
)
@pass_cli
def disposal_certificate(cli: CliContext, certificate_id: str, out: Path | None) -> None:
    """One disposal certificate, as text."""
    text = cli.admin().certificate(certificate_id).text()
    if out is None:
        click.echo(text, nl=False)
        return
    write_new_private_file(out, text)
    say(f"Certificate {certificate_id} written to {out}.")


def write_new_private_file(path: Path, text: str) -> None:
    """Write `text` to `path`, a file that must not exist yet, readable by its owner only."""
    try:
        write_private_file(path, text)
    except FileExistsError:
        raise BadInput(f"{path} already exists; choose a new file.") from None
    except OSError as exc:
        raise BadInput(f"{path}: cannot be written ({exc.strerror}).") from None


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@pass_cli
def shred(cli: CliContext, paths: tuple[Path, ...]) -> None:
    """Overwrite and remove files (disclosure packages past their days)."""
    try:
        admin: Administration | None = cli.admin()
    except SecureRecordsError as exc:
        admin = None  # no vault to log to: the files are still shredded
        warn(printable(f"Not logged: {exc}"))
    failed = False
    for path in paths:
        try:
            say(admin.shred(path) if admin is not None else shred_path(path))
        except SecureRecordsError as exc:
            warn(printable(str(exc)))
            failed = True
    warn(SHRED_CAVEAT)
    if failed:
        click.get_current_context().exit(BAD_INPUT)
