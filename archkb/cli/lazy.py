"""A click group that imports a subcommand's module only when that subcommand is used."""

from __future__ import annotations

import importlib
from typing import IO, Any

import click

from .base import CliProblem


class _ShownProblem(click.ClickException):
    """A `CliProblem` as click's main loop expects it: shown the same way, same exit code."""

    def __init__(self, problem: CliProblem) -> None:
        super().__init__(problem.message)
        self.exit_code = problem.exit_code  # type: ignore[misc]  # click declares it on the class
        self.problem = problem

    def show(self, file: IO[Any] | None = None) -> None:
        self.problem.show()


class LazyGroup(click.Group):
    """Subcommands given as {name: module under archkb.cli}; the module defines `<name>_command`."""

    def __init__(self, *args: Any, commands: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(commands or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.lazy_commands, *self.commands})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.commands:
            return self.commands[name]
        module_name = self.lazy_commands.get(name)
        if module_name is None:
            return None
        module = importlib.import_module(f"archkb.cli.{module_name}")
        command: click.Command = getattr(module, name.replace("-", "_") + "_command")
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CliProblem as problem:
            raise _ShownProblem(problem) from None
