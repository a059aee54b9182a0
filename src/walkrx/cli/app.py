"""The walkrx command line: parse, call one service, render. No rules live here.

This module is the Typer app, its table of commands and `main`; the commands live in one module per
group (setup, plan, diary, imports) and share their options and helpers through `common`. Those
modules import services, importers and the web stack inside the commands that use them, so that
`walkrx --help` loads little more than Typer (docs/performance.md, CLI start-up).
Errors from the services (`walkrx.errors`) are printed once, as one line, with the exit code of
their class; `--json` output shapes are documented in docs/json.md.
"""

from __future__ import annotations

import sys

import typer

from walkrx.cli import (
    diary,
    erase,
    export,
    export_all,
    export_tables,
    followup,
    imports,
    learning,
    plan,
    report,
    setup,
)
from walkrx.cli.common import worded
from walkrx.domain.explain import DISCLAIMER
from walkrx.errors import WalkrxError

app = typer.Typer(
    help="walkrx: a progressive walking program for low back pain.\n\n" + DISCLAIMER,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
walks_app = typer.Typer(help="List, show, edit and delete logged walks.", no_args_is_help=True)
app.add_typer(walks_app, name="walks")

# The order here is the order of `walkrx --help` and `walkrx walks --help`.
app.command()(setup.init)
app.command()(setup.protocols)
app.command()(setup.zones)
app.command()(plan.plan)
app.command(name="today")(plan.today_cmd)
app.command()(learning.lessons)
app.command()(learning.units)
app.command()(diary.log)
walks_app.command("list")(diary.walks_list)
walks_app.command("show")(diary.walks_show)
walks_app.command("confirm")(diary.walks_confirm)
walks_app.command("edit")(diary.walks_edit)
walks_app.command("delete")(diary.walks_delete)
app.command()(diary.checkin)
app.command(name="clear-flag")(diary.clear_flag)
app.command()(imports.analyze)
app.command(name="import")(imports.import_cmd)
walks_app.command("prefer")(imports.walks_prefer)
walks_app.command("file")(imports.walks_file)
app.command()(plan.week)
app.command()(plan.review)
app.command()(followup.finish)
app.command(name="followup")(followup.followup_cmd)
app.command(name="return")(followup.return_cmd)
app.command(name="outcomes")(followup.outcomes_cmd)
app.command()(report.report)
app.command()(setup.demo)
app.command()(setup.serve)
app.add_typer(export.export_app, name="export")
export.export_app.command("tables")(export_tables.export_tables)
export.export_app.command("all")(export_all.export_all)
app.command()(erase.erase)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app and turn walkrx errors into one line and an exit code.

    Usage errors are Typer's own (exit 2, with help); errors from the services are ours.
    """
    try:
        app(args=argv, prog_name="walkrx")
    except WalkrxError as exc:
        typer.echo(f"error: {worded(exc)}", err=True)
        sys.exit(exc.exit_code)
