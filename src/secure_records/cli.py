"""The command line: admin verbs, `demo`, and (later) `session`.

Every failure a person can cause ends in one sentence on stderr and a non-zero
exit, never a traceback: a traceback can carry a confidential value.
"""

from __future__ import annotations

import getpass
import json
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from secure_records.admin import SHRED_CAVEAT, Administration, check_policy
from secure_records.admin import shred as shred_path
from secure_records.admin.ssh import AccessKeys, default_authorized_keys
from secure_records.core.errors import (
    BAD_INPUT,
    BadInput,
    ImportRejected,
    PolicyError,
    SecureRecordsError,
)
from secure_records.core.text import printable

F = TypeVar("F", bound=Callable[..., Any])

INTERNAL_ERROR = 70  # EX_SOFTWARE


def _home(ctx: click.Context) -> str | None:
    home: str | None = ctx.obj["home"]
    return home


def _say(message: str) -> None:
    click.echo(message)


def _warn(message: str) -> None:
    click.echo(message, err=True)


def _admin(ctx: click.Context) -> Administration:
    admin = Administration.open(_home(ctx))
    if admin.insecure_keyring_warning:
        _warn(admin.insecure_keyring_warning)
    ctx.call_on_close(admin.close)
    return admin


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=str),
    default=None,
    help="The vault directory (default: $SECURE_RECORDS_HOME, else the platform data dir).",
)
@click.version_option(package_name="secure-records")
@click.pass_context
def cli(ctx: click.Context, home: str | None) -> None:
    """secure-records: confidential records, run by the organisation's policy."""
    ctx.ensure_object(dict)
    ctx.obj["home"] = home


@cli.command()
@click.option(
    "--policies",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Policy directory to copy into the vault (default: the shipped policies).",
)
@click.pass_context
def init(ctx: click.Context, policies: Path | None) -> None:
    """Create a new vault and its key-encryption key."""
    with Administration.init(_home(ctx), policies) as admin:
        if admin.insecure_keyring_warning:
            _warn(admin.insecure_keyring_warning)
        _say(f"Created vault {admin.vault_id} at {admin.home}.")


@cli.group()
def policy() -> None:
    """Policy files."""


@policy.command("check")
@click.argument("directory", required=False, type=click.Path(path_type=Path))
def policy_check(directory: Path | None) -> None:
    """Validate a policy directory (default: the shipped policies)."""
    checked = check_policy(directory)
    for warning in checked.warnings:
        _warn(f"warning: {warning}")
    _say(f"policy ok: {checked.summary()}")


@cli.group()
def staff() -> None:
    """Staff accounts."""


@staff.command("add")
@click.argument("name")
@click.option("--role", required=True, help="A role from the policy's roles.toml.")
@click.pass_context
def staff_add(ctx: click.Context, name: str, role: str) -> None:
    """Add a staff member with a role."""
    _admin(ctx).add_staff(name, role)
    _say(f"Added {name} as {role}.")


@staff.command("list")
@click.pass_context
def staff_list(ctx: click.Context) -> None:
    """List staff members, their roles and whether they have a PIN."""
    rows = _admin(ctx).list_staff()
    if not rows:
        _say("No staff yet.")
    for row in rows:
        state = "disabled" if row.disabled else "active"
        pin = "PIN set" if row.pin_hash else "no PIN"
        _say(f"{row.name}\t{row.role}\t{state}\t{pin}")


@staff.command("disable")
@click.argument("name")
@click.pass_context
def staff_disable(ctx: click.Context, name: str) -> None:
    """Disable a staff member: they can no longer open a session."""
    _admin(ctx).disable_staff(name)
    _say(f"Disabled {name}.")


@staff.command("pin")
@click.argument("name")
@click.pass_context
def staff_pin(ctx: click.Context, name: str) -> None:
    """Set a staff member's PIN, read from standard input (never an argument)."""
    admin = _admin(ctx)
    if sys.stdin.isatty():
        pin = getpass.getpass(f"PIN for {name}: ")
        if getpass.getpass("Again: ") != pin:
            raise click.UsageError("The two PINs differ; nothing was changed.")
    else:
        pin = sys.stdin.readline().rstrip("\r\n")
    admin.set_pin(name, pin)
    _say(f"PIN set for {name}.")


@cli.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.pass_context
def import_(ctx: click.Context, file: Path) -> None:
    """Import records from a JSON Lines file: all of them, or none."""
    count = _admin(ctx).import_file(file)
    _say(f"Imported {count} records from {file}.")


@cli.command()
@click.argument("record")
@click.argument("name")
@click.pass_context
def assign(ctx: click.Context, record: str, name: str) -> None:
    """Add RECORD to NAME's caseload."""
    changed = _admin(ctx).assign(record, name)
    _say(
        f"Assigned {record} to {name}." if changed else f"{record} was already assigned to {name}."
    )


@cli.command()
@click.argument("record")
@click.argument("name")
@click.pass_context
def unassign(ctx: click.Context, record: str, name: str) -> None:
    """Remove RECORD from NAME's caseload."""
    changed = _admin(ctx).unassign(record, name)
    _say(
        f"Unassigned {record} from {name}." if changed else f"{record} was not assigned to {name}."
    )


@cli.group()
def key() -> None:
    """The key-encryption key."""


@key.command("rotate")
@click.pass_context
def key_rotate(ctx: click.Context) -> None:
    """New key-encryption key; every data key re-wrapped; the old key removed."""
    version = _admin(ctx).rotate_key()
    _say(f"Key-encryption key rotated to version {version}; the old key was removed.")


@cli.group()
def disposal() -> None:
    """Secure disposal of records past retention (policy sections 6 and 11)."""


@disposal.command("run")
@click.pass_context
def disposal_run(ctx: click.Context) -> None:
    """Carry out every disposal a safeguarding lead has approved (for a scheduled job)."""
    done, refused = _admin(ctx).run_disposals()
    for certificate in done:
        _say(f"{certificate.id}: record {certificate.reference} erased; {certificate.method}.")
    _say(f"{len(done)} disposal(s) carried out.")
    for sentence in refused:
        _warn(printable(sentence))
    if refused:
        ctx.exit(1)


@disposal.command("certificates")
@click.pass_context
def disposal_certificates(ctx: click.Context) -> None:
    """List disposal certificates: no personal data in any of them."""
    for c in _admin(ctx).certificates():
        _say(
            f"{c.id}  {c.executed_at}  {c.reference}  {c.category}  rule {c.rule}  "
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
@click.pass_context
def disposal_certificate(ctx: click.Context, certificate_id: str, out: Path | None) -> None:
    """One disposal certificate, as text."""
    text = _admin(ctx).certificate(certificate_id).text()
    if out is None:
        click.echo(text, nl=False)
        return
    try:
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise BadInput(f"{out} already exists; choose a new file.") from None
    except OSError as exc:
        raise BadInput(f"{out}: cannot be written ({exc.strerror}).") from None
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    _say(f"Certificate {certificate_id} written to {out}.")


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.pass_context
def shred(ctx: click.Context, paths: tuple[Path, ...]) -> None:
    """Overwrite and remove files (disclosure packages past their days)."""
    try:
        admin: Administration | None = _admin(ctx)
    except SecureRecordsError as exc:
        admin = None  # no vault to log to: the files are still shredded
        _warn(printable(f"Not logged: {exc}"))
    failed = False
    for path in paths:
        try:
            _say(admin.shred(path) if admin is not None else shred_path(path))
        except SecureRecordsError as exc:
            _warn(printable(str(exc)))
            failed = True
    _warn(SHRED_CAVEAT)
    if failed:
        ctx.exit(BAD_INPUT)


def _program() -> str:
    """This program's absolute path, for the forced command."""
    argv0 = Path(sys.argv[0])
    if argv0.name == "secure-records" and argv0.is_file():
        return str(argv0.resolve())
    found = shutil.which("secure-records")
    return str(Path(found).resolve()) if found else str(argv0.resolve())


@cli.group()
@click.option(
    "--authorized-keys",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The service account's authorized_keys "
    "(default: $SECURE_RECORDS_AUTHORIZED_KEYS, else ~/.ssh/authorized_keys).",
)
@click.option(
    "--program",
    default=None,
    help="The secure-records executable the forced command runs (default: this one).",
)
@click.pass_context
def ssh(ctx: click.Context, authorized_keys: Path | None, program: str | None) -> None:
    """Staff access over SSH: one key, one staff member, no shell."""
    ctx.obj["authorized_keys"] = authorized_keys or default_authorized_keys()
    ctx.obj["program"] = program or _program()


def _keys(ctx: click.Context) -> AccessKeys:
    return AccessKeys(_admin(ctx), ctx.obj["authorized_keys"], ctx.obj["program"])


@ssh.command("authorize")
@click.argument("name")
@click.argument("public_key_file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def ssh_authorize(ctx: click.Context, name: str, public_key_file: Path) -> None:
    """Let NAME's key open the app as NAME (and nothing else)."""
    keys = _keys(ctx)
    fingerprint = keys.authorize(name, public_key_file)
    _say(f"Authorized {fingerprint} for {name} in {keys.path}.")


@ssh.command("revoke")
@click.argument("name")
@click.pass_context
def ssh_revoke(ctx: click.Context, name: str) -> None:
    """Remove every key of NAME."""
    keys = _keys(ctx)
    _say(f"Removed {keys.revoke(name)} key(s) of {name} from {keys.path}.")


@ssh.command("list")
@click.pass_context
def ssh_list(ctx: click.Context) -> None:
    """The keys this tool added: staff member, key type, fingerprint."""
    for found in _keys(ctx).list():
        _say(f"{found.staff}  {found.key.kind}  {found.key.fingerprint}")


@cli.group("log")
def log_group() -> None:
    """The encrypted, tamper-evident log of every access and decision."""


@log_group.command("verify")
@click.option("--checkpoint", default=None, help="A line printed earlier by 'log checkpoint'.")
@click.pass_context
def log_verify(ctx: click.Context, checkpoint: str | None) -> None:
    """Check every entry's MAC, the sequence, and the sealed head."""
    verdict = _admin(ctx).verify_log(checkpoint)
    if verdict.intact:
        suffix = " and extends the checkpoint" if checkpoint else ""
        _say(verdict.sentence() + suffix)
        return
    # The problem can quote bytes from the log file: never let them reach the terminal raw.
    _warn(printable(f"log verify: {verdict.sentence()}"))
    ctx.exit(1)


@log_group.command("checkpoint")
@click.pass_context
def log_checkpoint(ctx: click.Context) -> None:
    """Print one line to keep offline; 'log verify --checkpoint LINE' proves the log
    still extends it."""
    _say(_admin(ctx).log_checkpoint())


@log_group.command("show")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.option("--record", default=None, help="Only entries about this record.")
@click.option("--actor", default=None, help="Only entries by this staff member.")
@click.option("--since", default=None, type=click.DateTime(["%Y-%m-%d"]), help="YYYY-MM-DD")
@click.pass_context
def log_show(
    ctx: click.Context, as_json: bool, record: str | None, actor: str | None, since: Any
) -> None:
    """Show log entries, decrypted; a disposed record's details show as [disposed]."""
    entries = _admin(ctx).read_log(record, actor, since.date() if since else None)
    for entry in entries:
        row = {
            "seq": entry.seq,
            "time": entry.time,
            "actor": entry.actor,
            "role": entry.role,
            "action": entry.action,
            "record": entry.record_id,
            "details": entry.details,
            "personal": entry.personal,
        }
        if as_json:
            # ensure_ascii escapes every control character a value might carry.
            _say(json.dumps(row, ensure_ascii=True, sort_keys=True))
            continue
        details = " ".join(
            f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in entry.details.items() if v
        )
        personal = (
            f" personal={json.dumps(entry.personal, ensure_ascii=False)}" if entry.personal else ""
        )
        line = (
            f"{entry.seq:>6} {entry.time} {entry.actor} ({entry.role}) {entry.action}"
            f"{' ' + entry.record_id if entry.record_id else ''} {details}{personal}"
        )
        _say(printable(line.rstrip()))


def _run_app(app: Any) -> None:
    """Run the app; its exit message (a refusal, a lock that could not be logged) is
    one sentence on stderr, and its return code becomes ours."""
    # Remote sessions: fewer frames and no animations over a slow link.
    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    if os.environ.get("SSH_CONNECTION"):
        os.environ.setdefault("TEXTUAL_FPS", "30")
    app.run()
    code = app.return_code or 0
    if code:
        raise click.exceptions.Exit(code)


@cli.command()
@click.argument("name")
@click.pass_context
def session(ctx: click.Context, name: str) -> None:
    """Open the app as staff member NAME (what an SSH key's forced command runs).

    SSH_ORIGINAL_COMMAND, which the client controls, is ignored.
    """
    from secure_records.session import Session
    from secure_records.tui.app import SecureRecordsApp

    home = _home(ctx)
    # Open before the terminal is taken over, so a refusal is a plain sentence.
    opened = Session.open(name, home)
    if opened.insecure_keyring_warning:
        _warn(opened.insecure_keyring_warning)
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        # `ssh host some-command` arrives here with no terminal: the app, or nothing.
        opened.close("no terminal")
        raise BadInput("secure-records needs a terminal: connect with 'ssh -t'.")
    app = SecureRecordsApp(lambda _: opened, staff_name=name)
    try:
        _run_app(app)
    finally:
        app.end_session("ended")
        if not opened.ended:
            opened.close("ended")


@cli.command()
@click.option("--records", default=500, show_default=True, type=click.IntRange(1, 200_000))
@click.option("--seed", default=7, show_default=True, type=int)
@click.option("--summary", is_flag=True, help="Print a summary instead of opening the app.")
def demo(records: int, seed: int, summary: bool) -> None:
    """Build a throwaway vault of fictional records and open the app on it."""
    from secure_records.demo import DEMO_STAFF, build_demo_vault

    built = build_demo_vault(records, seed)
    try:
        if not summary:
            from secure_records.session import Session
            from secure_records.tui.app import SecureRecordsApp

            labels = [(name, built.admin.policy.roles[role].label) for name, role in DEMO_STAFF]
            app = SecureRecordsApp(lambda name: Session.open(name, built.home), demo_staff=labels)
            try:
                _run_app(app)
            finally:
                app.end_session("demo ended")
            return
        admin = built.admin
        _say(f"Demo vault (throwaway, fictional records) at {built.home}")
        if admin.insecure_keyring_warning:
            _say(admin.insecure_keyring_warning)
        _say(f"{admin.record_count()} records; staff and what their role lets them list:")
        for count in admin.scope_counts():
            if count.scope.value in ("all", "caseload"):
                what = f"{count.records} records ({count.scope.value})"
            elif count.scope.value == "index":
                what = "an exact name + date of birth match only (index)"
            else:
                what = "no records (none)"
            _say(f"  {count.staff:<10} {count.role:<18} {what}")
        _say("Every demo PIN is 123456. The vault is deleted when this command ends.")
    finally:
        built.close()


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; turn every error into one sentence and an exit code."""
    os.umask(0o077)  # whatever this process writes, only its owner can read
    for n, arg in enumerate(sys.argv[1:] if argv is None else argv, 1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            # Bytes that are not UTF-8 arrive as lone surrogates: no name or path here
            # is made of them, and SQLite and the terminal would both choke later.
            click.echo(f"secure-records: argument {n} is not valid UTF-8 text.", err=True)
            return BAD_INPUT
    try:
        # Without standalone mode click returns (not raises) the code of ctx.exit().
        returned = cli.main(args=argv, prog_name="secure-records", standalone_mode=False)
        return returned if isinstance(returned, int) else 0
    except (PolicyError, ImportRejected) as exc:
        # Already one line per problem, each naming its file and place.
        click.echo(str(exc), err=True)
        return exc.exit_code
    except SecureRecordsError as exc:
        click.echo(f"secure-records: {exc}", err=True)
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("secure-records: stopped; nothing was changed.", err=True)
        return 1
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code if exc.exit_code else BAD_INPUT
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo("secure-records: interrupted.", err=True)
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence against a traceback
        # The message may hold a value; only the type is safe to print.
        click.echo(
            f"secure-records: internal error ({type(exc).__name__}); nothing more is shown "
            "because it might contain confidential data.",
            err=True,
        )
        return INTERNAL_ERROR
    return 0


def entry() -> None:
    sys.exit(main())
