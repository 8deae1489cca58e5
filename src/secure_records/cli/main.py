"""The root group, `main` and `entry`: every failure a person can cause ends here
in one sentence on stderr and a non-zero exit, never a traceback."""

from __future__ import annotations

import importlib
import os
import sys

import click

from secure_records.cli.context import CliContext
from secure_records.core.errors import BAD_INPUT, ImportRejected, PolicyError, SecureRecordsError
from secure_records.core.log_actions import LogAction
from secure_records.core.text import printable
from secure_records.tui import crash

INTERNAL_ERROR = 70  # EX_SOFTWARE

# Each command's module, imported only when that command runs (or help lists them
# all): `session`, what staff start many times a day, then loads neither the
# administration nor the other commands' modules.
_COMMANDS = {
    "init": "vault_setup:init",
    "policy": "vault_setup:policy",
    "staff": "staff:staff",
    "import": "records:import_",
    "assign": "records:assign",
    "unassign": "records:unassign",
    "key": "keys:key",
    "hosts": "hosts:hosts",
    "disposal": "disposal:disposal",
    "shred": "disposal:shred",
    "export": "exports:export",
    "ssh": "ssh:ssh",
    "log": "log:log_group",
    "backup": "backup:backup_group",
    "vault": "vault:vault_group",
    "status": "status:status",
    "upgrade": "upgrade:upgrade",
    "session": "app:session",
    "demo": "app:demo",
}


class _Commands(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        where = _COMMANDS.get(cmd_name)
        if where is None:
            return None
        module, name = where.split(":")
        command: click.Command = getattr(
            importlib.import_module(f"secure_records.cli.{module}"), name
        )
        return command


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
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
    ctx.obj = CliContext(home=home)
    _RUNNING.home = home


class _Running:
    """The vault the running command was given, for the last resort's log entry."""

    home: str | None = None


_RUNNING = _Running()


def _log_failure(reference: str, error: BaseException) -> None:
    """Where an unexpected error happened (type, module and line; never its message),
    in the vault's log, if the vault can still be opened; nothing if not."""
    from secure_records.admin import Administration  # only on this rare path

    try:
        with Administration.open(_RUNNING.home, any_policy=True) as admin:
            admin.log(LogAction.COMMAND_FAILED, reference=reference, error=crash.details(error))
    except Exception:  # noqa: BLE001, S110 - the last resort must not fail in turn
        pass


def usage_sentence(exc: click.UsageError) -> str:
    """A usage error as one line naming the command, without click's usage block:
    an operator reads one sentence, and `--help` is there for the rest."""
    message = exc.format_message().rstrip(".")
    where = exc.ctx.command_path if exc.ctx is not None else "secure-records"
    return f"{message} ({where}; see its --help)."


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
        # A message may quote what a file said (a backup's header): never a control.
        click.echo(printable(f"secure-records: {exc}", keep_newlines=True), err=True)
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("secure-records: stopped; nothing was changed.", err=True)
        return 1
    except click.exceptions.NoArgsIsHelpError as exc:
        exc.show()  # a group given no command: its help is the answer
        return exc.exit_code
    except click.UsageError as exc:
        click.echo(f"secure-records: {usage_sentence(exc)}", err=True)
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code if exc.exit_code else BAD_INPUT
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo("secure-records: interrupted.", err=True)
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence against a traceback
        # The message may hold a value: a reference to the log entry instead.
        reference = crash.reference()
        _log_failure(reference, exc)
        click.echo(
            f"secure-records: internal error ({type(exc).__name__}, reference {reference}); "
            "nothing more is shown because it might contain confidential data: give the "
            "reference to IT.",
            err=True,
        )
        return INTERNAL_ERROR


def entry() -> None:
    sys.exit(main())
