"""The headline's text output without rich, when stdout is not a terminal: byte for byte what
rich 15 prints there (`tests/cli/test_plain_render.py` compares the two on the real answers and
on generated tables and panels), for a sixth of `archkb recommend`'s start-up.

Piped, rich prints no colour and no styles, so its output is plain text laid out by a few
rules, which this module follows for the three kinds of output block the recommendation
uses (`blocks.py`): a line of text (not wrapped: the console soft-wraps when piped), a panel
at the console's width (its lines cropped, not wrapped, for the same reason), and a table
with a heavy head and no edge padding (rich's column widths, word wrapping and folding).

`render_plain` answers None — and rich prints — whenever the output could come out
differently: a terminal (colour), any setting rich reads to force a terminal or a size, a
Windows or non-UTF-8 console, text that rich would read as markup (`[`, a backslash) or emoji
codes (`:name:`), characters outside a set rich measures one cell wide, a table title, an
odd width. The fallback is rich itself, so it can only cost time, never change the output.
"""

from __future__ import annotations

import builtins
import os
import re
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .blocks import Block, Grid

_RICH_ENVIRON = ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "JUPYTER_COLUMNS")
"""Settings that make rich treat a pipe as a terminal (or a notebook): rich prints then."""
MIN_WIDTH = 20
"""Narrower consoles go to rich (its corner cases for tiny widths are not worth copying)."""

_ONE_CELL = frozenset(
    [
        chr(code)
        for start, end in ((0x20, 0x7E), (0xA0, 0xAC), (0xAE, 0x2FF), (0x370, 0x482))
        for code in range(start, end + 1)
    ]
    + list("‐‑‒–—―‘’‚“”„•…‰′″‹›€™→←↑↓≤≥≈≠")
)
"""Characters rich measures as one cell each (its single-cell ranges, plus common punctuation
it finds one cell wide in its table; `tests/cli/test_plain_render.py` asks rich about each)."""
_EMOJI = re.compile(r":\S*?:")
"""What may be an emoji code (`:smile:`), which rich replaces: such text goes to rich."""
_TAG = re.compile(r"\[(?:/|bold|dim|yellow)\]")
"""The markup the blocks use."""
_WORD = re.compile(r"\s*\S+\s*")
_TRAILING_SPACE = re.compile(r"\s+$")


class Unsafe(Exception):
    """The plain renderer cannot promise rich's output for this text: rich prints it."""


def plain_width() -> int | None:
    """The width rich's console would have on stdout, or None when rich must print: stdout is a
    terminal (or may be taken for one), not UTF-8, on Windows, or narrower than MIN_WIDTH.

    Follows `rich.console.Console.size` for a console that is not a terminal: `$COLUMNS` when it
    is a number, else the size of the first of stdin, stdout and stderr that is a terminal, else
    80 columns.
    """
    out = sys.stdout
    if out is None or sys.platform == "win32" or hasattr(builtins, "get_ipython"):
        return None
    if any(name in os.environ for name in _RICH_ENVIRON):
        return None
    isatty = getattr(out, "isatty", None)
    try:
        if isatty is not None and isatty():
            return None
    except ValueError:  # closed: let rich decide what to do
        return None
    if not (getattr(out, "encoding", None) or "utf-8").lower().startswith("utf"):
        return None
    columns = os.environ.get("COLUMNS")
    if columns is not None and columns.isdigit():
        width = int(columns)
    else:
        width = 0
        for fd in (0, 1, 2):
            try:
                width = os.get_terminal_size(fd).columns
            except (AttributeError, ValueError, OSError):
                continue
            break
        width = width or 80
    return width if width >= MIN_WIDTH else None


def render_plain(blocks: Sequence[Block], width: int) -> str | None:
    """The text rich would print for `blocks` on a console `width` columns wide that is not a
    terminal, or None when that cannot be promised (see the module's docstring)."""
    from .blocks import Box, Grid, Line

    lines: list[str] = []
    try:
        for block in blocks:
            if isinstance(block, Line):
                lines += [_plain(line) for line in block.markup.split("\n")]
            elif isinstance(block, Box):
                lines += _panel(block.title, block.body, width)
            elif isinstance(block, Grid):
                lines += _table(block, width)
            else:
                raise Unsafe(type(block).__name__)
    except Unsafe:
        return None
    return "".join(line + "\n" for line in lines)


def _plain(markup: str) -> str:
    """The text of one line of markup (the blocks' own tags removed); Unsafe when rich could
    read anything else in it as markup or an emoji code, or measure it other than one cell per
    character."""
    text = _TAG.sub("", markup)
    if "[" in text or "\\" in text or _EMOJI.search(text) or not _ONE_CELL.issuperset(text):
        raise Unsafe(text)
    return text


def _fit(text: str, width: int) -> str:
    """Cropped or padded with spaces to `width` (`rich.cells.set_cell_size`)."""
    return text[:width] if len(text) >= width else text + " " * (width - len(text))


# --- panel ----------------------------------------------------------------------------------


def _panel(title: str, body: str, width: int) -> list[str]:
    """`Panel(body, title=title, title_align="left")` printed soft-wrapped: a rounded box as
    wide as the console, the title left in the top border, body lines cropped (not wrapped)
    inside one space of padding."""
    inner = width - 4
    heading = (" " + _plain(title) + " ")[:inner]
    top = "╭─" + heading + "─" * (inner - len(heading)) + "─╮"
    middle = ["│ " + _fit(_plain(line), inner) + " │" for line in body.split("\n")]
    return [top, *middle, "╰" + "─" * (width - 2) + "╯"]


# --- table ----------------------------------------------------------------------------------


def _table(grid: Grid, width: int) -> list[str]:
    """`Table(show_header=True, pad_edge=False, box=HEAVY_HEAD)` with the grid's columns (each
    left-justified, top-aligned, folding or not wrapping): rich's column widths, then each cell
    wrapped to its column."""
    if grid.title is not None:
        raise Unsafe("table title")
    count = len(grid.columns)
    cells = [[_plain(column.header)] for column in grid.columns]
    for row in grid.rows:
        if len(row) != count:
            raise Unsafe("row length")
        for index, cell in enumerate(row):
            cells[index].append(_plain(cell))
    pads = [(0 if i == 0 else 1, 0 if i == count - 1 else 1) for i in range(count)]
    widths = _column_widths(cells, pads, [c.no_wrap for c in grid.columns], width - count - 1)
    rendered = [
        [_cell(text, width_, pad, column.no_wrap, column.overflow) for text in column_cells]
        for column_cells, width_, pad, column in zip(cells, widths, pads, grid.columns, strict=True)
    ]
    lines = ["┏" + "┳".join("━" * w for w in widths) + "┓"]
    for row_index in range(len(grid.rows) + 1):
        shaped = [column[row_index] for column in rendered]
        height = max(len(cell) for cell in shaped)
        if row_index == 0:  # the header is aligned to the bottom
            shaped = [
                [" " * w] * (height - len(cell)) + cell
                for cell, w in zip(shaped, widths, strict=True)
            ]
        else:
            shaped = [
                cell + [" " * w] * (height - len(cell))
                for cell, w in zip(shaped, widths, strict=True)
            ]
        edge = "┃" if row_index == 0 else "│"
        lines += [edge + edge.join(cell[i] for cell in shaped) + edge for i in range(height)]
        if row_index == 0:
            lines.append("┡" + "╇".join("━" * w for w in widths) + "┩")
    lines.append("└" + "┴".join("─" * w for w in widths) + "┘")
    return lines


def _measure(text: str, pad: tuple[int, int], limit: int) -> tuple[int, int]:
    """`Measurement.get` of a padded cell within `limit` columns: (narrowest, widest)."""
    if limit < 1:
        return 0, 0
    extra = pad[0] + pad[1]
    if limit - extra < 1:
        low, high = limit, limit
    else:
        lines = text.splitlines()
        high = max(map(len, lines)) if lines else 0
        words = text.split()
        low = max(map(len, words)) if words else high
        low, high = _normal(low, high, limit)
        low, high = min(low + extra, limit), min(high + extra, limit)
    return _normal(low, high, limit)


def _normal(low: int, high: int, limit: int) -> tuple[int, int]:
    """`Measurement.normalize().with_maximum(limit)`, (0, 0) when nothing fits, normalised."""
    low = max(0, min(max(0, low), high))
    high = max(0, max(low, high))
    low, high = min(low, limit), min(high, limit)
    if high < 1:
        return 0, 0
    low = max(0, min(max(0, low), high))
    return low, max(0, max(low, high))


def _column(cells: list[str], pad: tuple[int, int], limit: int) -> int:
    """The widest a column may be within `limit` (`Table._measure_column`'s maximum)."""
    if limit < 1:
        return 0
    return min(max(_measure(text, pad, limit)[1] for text in cells), limit)


def _column_widths(
    cells: list[list[str]], pads: list[tuple[int, int]], no_wrap: list[bool], limit: int
) -> list[int]:
    """`Table._calculate_column_widths` for a table that does not expand: each column as wide
    as its widest cell; when they do not fit, the widest wrapping columns give way first
    (`_collapse_widths`), then all of them evenly."""
    widths = [_column(c, p, limit) or 1 for c, p in zip(cells, pads, strict=True)]
    if sum(widths) > limit:
        widths = _collapse(widths, [not n for n in no_wrap], limit)
        if sum(widths) > limit:
            widths = _reduce(sum(widths) - limit, [1] * len(widths), widths, widths)
        widths = [_column(c, p, w) for c, p, w in zip(cells, pads, widths, strict=True)]
    if any(w - p[0] - p[1] < 1 for w, p in zip(widths, pads, strict=True)):
        raise Unsafe("a column too narrow for its padding")
    return widths


def _collapse(widths: list[int], wrapable: list[bool], limit: int) -> list[int]:
    """`Table._collapse_widths`: narrow the widest wrapping columns, a step at a time."""
    total = sum(widths)
    excess = total - limit
    if any(wrapable):
        while total and excess > 0:
            widest = max(w for w, ok in zip(widths, wrapable, strict=True) if ok)
            second = max(
                w if ok and w != widest else 0 for w, ok in zip(widths, wrapable, strict=True)
            )
            ratios = [
                1 if (w == widest and ok) else 0 for w, ok in zip(widths, wrapable, strict=True)
            ]
            if not any(ratios) or not widest - second:
                break
            widths = _reduce(excess, ratios, [min(excess, widest - second)] * len(widths), widths)
            total = sum(widths)
            excess = total - limit
    return widths


def _reduce(total: int, ratios: list[int], maximums: list[int], values: list[int]) -> list[int]:
    """`rich._ratio.ratio_reduce`: take `total` off `values` in proportion to `ratios`."""
    ratios = [ratio if most else 0 for ratio, most in zip(ratios, maximums, strict=True)]
    total_ratio = sum(ratios)
    if not total_ratio:
        return values[:]
    remaining = total
    out: list[int] = []
    for ratio, most, value in zip(ratios, maximums, values, strict=True):
        if ratio and total_ratio > 0:
            taken = min(most, round(ratio * remaining / total_ratio))
            out.append(value - taken)
            remaining -= taken
            total_ratio -= ratio
        else:
            out.append(value)
    return out


def _cell(text: str, width: int, pad: tuple[int, int], no_wrap: bool, overflow: str) -> list[str]:
    """A cell's lines, `width` wide with its padding: the text wrapped at word boundaries
    (words wider than the column folded) or, not wrapping, cut with an ellipsis."""
    inner = width - pad[0] - pad[1]
    lines: list[str] = []
    for line in text.split("\n"):
        if no_wrap:
            pieces = [line]
        else:
            pieces = _divide(line, _breaks(line, inner, fold=overflow == "fold"))
            pieces = [_rstrip_end(piece, inner) for piece in pieces]
        lines += [_truncate(piece, inner, overflow) for piece in pieces]
    return [" " * pad[0] + line + " " * pad[1] for line in lines]


def _breaks(text: str, width: int, fold: bool) -> list[int]:
    """`rich._wrap.divide_line` for text of one-cell characters: where its lines start."""
    breaks: list[int] = []
    offset = 0
    match = _WORD.match(text, 0)
    while match is not None:
        start, end = match.span()
        word = match.group(0)
        length = len(word.rstrip())
        if width - offset >= length:
            offset += len(word)
        elif length > width:
            if fold:
                chunks = [word[i : i + width] for i in range(0, len(word), width)]
                for number, chunk in enumerate(chunks, 1):
                    if start:
                        breaks.append(start)
                    if number == len(chunks):
                        offset = len(chunk)
                    else:
                        start += len(chunk)
            else:
                if start:
                    breaks.append(start)
                offset = len(word)
        elif offset and start:
            breaks.append(start)
            offset = len(word)
        match = _WORD.match(text, end)
    return breaks


def _divide(text: str, breaks: list[int]) -> list[str]:
    starts = [0, *breaks]
    return [text[a:b] for a, b in zip(starts, [*breaks, len(text)], strict=True)]


def _rstrip_end(text: str, width: int) -> str:
    """`Text.rstrip_end`: trailing whitespace beyond `width` removed."""
    if len(text) > width:
        space = _TRAILING_SPACE.search(text)
        if space is not None:
            return text[: len(text) - min(len(space.group(0)), len(text) - width)]
    return text


def _truncate(text: str, width: int, overflow: str) -> str:
    """`Text.truncate(width, overflow=overflow, pad=True)`, then cropped or padded to `width`
    as `Console.render_lines` does."""
    if len(text) > width:
        text = text[: width - 1] + "…" if overflow == "ellipsis" else text[:width]
    return _fit(text, width)
