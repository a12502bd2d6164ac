"""Text output as blocks — lines of markup, panels, tables — printed by rich, or, when stdout
is not a terminal, by `plain.py` without importing rich (the same bytes, `plain.py` says when).

The recommendation's renderer (`recommend_render.py`) builds blocks instead of rich objects, so
the one description of the output serves both printers.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rich.console import Console


class Line:
    """`console.print(markup)`: one or more lines of text with rich markup."""

    __slots__ = ("markup",)

    def __init__(self, markup: str) -> None:
        self.markup = markup


class Box:
    """`Panel(body, title=title, title_align="left")`."""

    __slots__ = ("body", "title")

    def __init__(self, title: str, body: str) -> None:
        self.title = title
        self.body = body


class Column:
    """A table column: its header, and whether cells wrap (folding long words) or are cut."""

    __slots__ = ("header", "no_wrap", "overflow")

    def __init__(self, header: str, no_wrap: bool = False) -> None:
        self.header = header
        self.no_wrap = no_wrap
        self.overflow = "ellipsis" if no_wrap else "fold"


class Grid:
    """`Table(title=title, show_header=True, header_style="bold", pad_edge=False)`."""

    __slots__ = ("columns", "rows", "title")

    def __init__(
        self, columns: Sequence[Column], rows: Sequence[Sequence[str]], title: str | None = None
    ) -> None:
        self.columns = list(columns)
        self.rows = [list(row) for row in rows]
        self.title = title


Block = Line | Box | Grid


def emit(blocks: Sequence[Block]) -> None:
    """Print the blocks: as plain text when `plain.py` can promise rich's output, else by rich."""
    from .plain import plain_width, render_plain

    width = plain_width()
    text = None if width is None else render_plain(blocks, width)
    if text is None:
        emit_rich(blocks)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def emit_rich(blocks: Sequence[Block], out: Console | None = None) -> None:
    """Print the blocks with rich (on `out`, else the CLI's console for stdout)."""
    from .base import console

    out = out or console()
    for block in blocks:
        if isinstance(block, Line):
            out.print(block.markup)
        elif isinstance(block, Box):
            from rich.panel import Panel

            out.print(Panel(block.body, title=block.title, title_align="left"))
        else:
            out.print(rich_table(block))


def rich_table(grid: Grid) -> object:
    from rich.table import Table

    table = Table(title=grid.title, show_header=True, header_style="bold", pad_edge=False)
    for column in grid.columns:
        if column.no_wrap:
            table.add_column(column.header, no_wrap=True)
        else:
            table.add_column(column.header, overflow="fold")
    for row in grid.rows:
        table.add_row(*row)
    return table
