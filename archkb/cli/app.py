"""The `archkb` click group: thin click commands over the engine (parse → call → render).

Heavy modules (networkx, textual, diagrams, sqlite_utils) are imported inside the commands that
need them so `archkb --help` and the headline commands stay fast.
"""

from __future__ import annotations

import sys

import click

from archkb import __version__

from .common import AppContext
from .lazy import LazyGroup

COMMAND_MODULES = {
    "validate": "core",
    "stats": "core",
    "list": "core",
    "show": "core",
    "search": "core",
    "graph": "core",
    "compare": "core",
    "recommend": "recommend",
    "why-not": "recommend",
    "map": "mapping",
    "export": "export",
    "tui": "tui",
    "validate-iac": "validate_iac",
}
"""Command name → module in this package that defines `<name>_command` (imported on demand)."""


@click.group(
    cls=LazyGroup,
    commands=COMMAND_MODULES,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--kb",
    "overlays",
    multiple=True,
    type=click.Path(path_type=str),
    help="Overlay KB folder (same layout as the built-in kb/); repeatable. "
    "$ARCHKB_PATH adds more (os.pathsep-separated).",
)
@click.option("--no-cache", is_flag=True, help="Load from YAML, ignoring the compiled cache.")
@click.version_option(__version__, prog_name="archkb")
@click.pass_context
def cli(ctx: click.Context, overlays: tuple[str, ...], no_cache: bool) -> None:
    """archkb: architecture knowledge graph and decision assistant for AWS, Azure and GCP.

    \b
    Examples:
      archkb recommend --needs serverless,eu --explain
      archkb map "AWS Lambda" --to azure,gcp
      archkb show pattern/cqrs
      archkb search queue

    With no command, in a terminal, it opens the terminal UI (`archkb tui`).

    Exit codes: 0 ok, 1 nothing found, 2 bad input or usage.
    """
    ctx.obj = AppContext(overlays=overlays, use_cache=not no_cache)
    if ctx.invoked_subcommand is None:
        if sys.stdin.isatty() and sys.stdout.isatty():
            from .tui import tui_command

            ctx.invoke(tui_command)
        else:
            click.echo(ctx.get_help())
