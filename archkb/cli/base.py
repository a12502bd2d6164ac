"""What every command shares, without click: the loaded KB, errors with exit codes, JSON output,
the console. `archkb recommend` runs on these alone (`headline.py`): click is a fifth of what the
headline command would import."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from archkb.engine.datatypes import Data, field

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from archkb.engine.kb import KnowledgeBase

EXIT_OK, EXIT_NOT_FOUND, EXIT_BAD_INPUT = 0, 1, 2


class CliProblem(Exception):
    """An expected failure: printed as one clear message, then exit with `exit_code`. Click
    commands raise it too; the click group shows it the same way (`lazy.LazyGroup.invoke`)."""

    def __init__(self, message: str, exit_code: int = EXIT_BAD_INPUT) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code

    def show(self) -> None:
        sys.stderr.write(f"archkb: {self.message}\n")
        sys.stderr.flush()


class AppContext(Data):
    overlays: tuple[str, ...] = ()
    use_cache: bool = True
    _kb: KnowledgeBase | None = field(default=None, repr=False)

    def kb(self) -> KnowledgeBase:
        """Load the KB once per invocation; KB problems become exit 2 with every location."""
        if self._kb is None:
            from archkb.engine.errors import KbLoadError
            from archkb.engine.store import load_knowledge_base
            from archkb.runtime import long_lived

            try:
                with long_lived():
                    self._kb, warnings = load_knowledge_base(
                        [Path(p) for p in self.overlays], use_cache=self.use_cache
                    )
            except KbLoadError as exc:
                lines = [str(p) for p in exc.problems]
                raise CliProblem(
                    f"the knowledge base has {len(lines)} problem(s):\n  " + "\n  ".join(lines)
                ) from None
            for warning in warnings:
                sys.stderr.write(f"archkb: warning: {warning}\n")
            sys.stderr.flush()
        return self._kb


def print_json(data: Any) -> None:
    """JSON to stdout: sorted keys where the data is a dict of records, UTF-8, trailing newline."""
    import json

    from archkb.engine.records import jsonable

    data = jsonable(data)
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


PIPED_WIDTH = 100_000
"""Columns a table may use when stdout is not a terminal: as many as its longest cells need
(rich would squeeze it into 80 and wrap cells), so each row stays one line for grep and awk."""


def console() -> Console:
    from rich.console import Console

    out = Console(highlight=False)
    out.soft_wrap = not out.is_terminal  # piped: lines are not re-wrapped
    return out


def print_table(table: Table) -> None:
    """Print a rich table; piped, at its natural width (up to PIPED_WIDTH) instead of squeezed
    into 80 columns, so cells are neither cut short nor broken mid-word."""
    out = console()
    if out.is_terminal:
        out.print(table)
        return
    from rich.measure import Measurement

    natural = Measurement.get(out, out.options.update_width(PIPED_WIDTH), table).maximum
    out.width = min(max(natural, out.width), PIPED_WIDTH)  # this console prints only the table
    out.print(table)


def split_csv(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def provider_list(kb: KnowledgeBase, value: str | None, option: str) -> list[str]:
    """Parse `aws,azure` or `all` against the KB's providers (exit 2 on unknown ones)."""
    names = split_csv(value)
    if not names or names == ["all"]:
        return sorted(kb.providers)
    unknown = [n for n in names if n not in kb.providers]
    if unknown:
        raise CliProblem(
            f"{option}: unknown provider {', '.join(unknown)} (known: {', '.join(sorted(kb.providers))}, all)"
        )
    return names
