"""Row output in the formats users script with: rich table, Markdown, CSV, JSON."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Sequence

from .common import console, print_json


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    def cell(text: str) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    lines = [
        "| " + " | ".join(cell(h) for h in headers) + " |",
        "|" + "|".join("---" for _ in headers) + "|",
    ]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def emit_rows(
    fmt: str, headers: Sequence[str], rows: Sequence[Sequence[str]], title: str = ""
) -> None:
    if fmt == "json":
        print_json([dict(zip(headers, row, strict=True)) for row in rows])
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(headers)
        writer.writerows(rows)
        sys.stdout.write(buffer.getvalue())
    elif fmt == "md":
        sys.stdout.write(markdown_table(headers, rows))
    else:
        from rich.table import Table

        table = Table(title=title or None)
        for header in headers:
            table.add_column(header, overflow="fold")
        for row in rows:
            table.add_row(*row)
        out = console()
        if not out.is_terminal:
            # Piped or redirected: no terminal width to fit, so never wrap a cell mid-word.
            from rich.console import Console

            out = Console(highlight=False, soft_wrap=False, width=100_000)
        out.print(table)
