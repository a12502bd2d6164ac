"""Click helpers every command shares (options, the app context of a click context); the rest
lives in `base.py`, which needs no click, and is re-exported here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from .base import EXIT_BAD_INPUT as EXIT_BAD_INPUT
from .base import EXIT_NOT_FOUND as EXIT_NOT_FOUND
from .base import EXIT_OK as EXIT_OK
from .base import PIPED_WIDTH as PIPED_WIDTH
from .base import AppContext as AppContext
from .base import CliProblem as CliProblem
from .base import console as console
from .base import print_json as print_json
from .base import print_table as print_table
from .base import provider_list as provider_list
from .base import split_csv as split_csv

F = TypeVar("F", bound=Callable[..., Any])


def app(ctx: click.Context) -> AppContext:
    obj: AppContext = ctx.find_root().obj
    return obj


def json_option(func: F) -> F:
    """The shared `--json` flag."""
    return click.option(
        "--json", "as_json", is_flag=True, help="Print JSON (stable shape, see README)."
    )(func)


def format_option(help_text: str = "Output format.") -> Callable[[F], F]:
    """The shared `--format table|md|csv|json` option for row output."""

    def decorate(func: F) -> F:
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(["table", "md", "csv", "json"]),
            default="table",
            show_default=True,
            help=help_text,
        )(func)

    return decorate


def providers_option(func: F) -> F:
    """The shared `--provider aws|azure|gcp|LIST|all` option (parse it with `provider_list`)."""
    return click.option(
        "--provider",
        default="all",
        show_default=True,
        help="aws, azure, gcp, a comma list, or all.",
    )(func)
