"""Coverage of `archkb map` on folders of real Terraform (issue 15, point 9).

    python scripts/tf_coverage.py DIR [DIR ...] [--to gcp] [--top 25] [--md]

Each DIR is read as `archkb map DIR` reads it (provider from the code), mapped to the other
providers (or --to), and reported: files, items, rows per status, coverage of non-glue rows,
seconds; then totals and the unknown resource types and module sources met most often, which is
where KB work pays. Nothing is written; fetch public repositories elsewhere and never commit them.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

STATUSES = ("exact", "partial", "no_equivalent", "unknown", "folded", "glue", "unparsed")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Coverage of archkb map on Terraform folders.")
    parser.add_argument("folders", type=Path, nargs="+")
    parser.add_argument("--to", help="target providers, comma-separated (default: the others)")
    parser.add_argument("--top", type=int, default=25, help="unknown types to list")
    parser.add_argument("--md", action="store_true", help="Markdown table")
    args = parser.parse_args(argv)

    from archkb.engine.bill import BillInputError, read_bill
    from archkb.engine.migration import map_inventory, sniff_providers
    from archkb.engine.store import load_knowledge_base
    from archkb.engine.terraform.owners import rule_types

    kb, _ = load_knowledge_base()
    detail = rule_types(kb)
    header = ["folder", "source", "files", "items", *STATUSES, "coverage", "seconds"]
    rows: list[list[str]] = []
    totals: Counter[str] = Counter()
    unknown: Counter[str] = Counter()
    for folder in args.folders:
        started = time.perf_counter()
        try:
            bill = read_bill(folder, detail=detail)
        except BillInputError as exc:
            print(f"{folder}: {exc}", file=sys.stderr)
            continue
        assert bill.inventory is not None
        found = sniff_providers(kb, bill.inventory)
        if not found:
            print(f"{folder}: no aws, azure or gcp resources", file=sys.stderr)
            continue
        source = next(iter(found))
        targets = (
            args.to.split(",") if args.to else [p for p in sorted(kb.providers) if p != source]
        )
        table = map_inventory(kb, bill.inventory, source, [t for t in targets if t != source])
        seconds = time.perf_counter() - started
        s = table.summary
        for key in (*STATUSES, "total", "files"):
            totals[key] += int(s[key] or 0)
        for row in table.rows:
            if row.status == "unknown":
                unknown[row.resource_type or f"module {_module_source(row.note)}"] += 1
        coverage = s["coverage"]
        rows.append(
            [
                folder.name,
                source,
                str(s["files"]),
                str(s["total"]),
                *(str(s[k]) for k in STATUSES),
                f"{coverage:.1%}" if isinstance(coverage, float) else "n/a",
                f"{seconds:.2f}",
            ]
        )
    counted = totals["total"] - totals["folded"] - totals["glue"] - totals["unparsed"]
    decided = totals["exact"] + totals["partial"] + totals["no_equivalent"]
    rows.append(
        [
            "**all**" if args.md else "ALL",
            "",
            str(totals["files"]),
            str(totals["total"]),
            *(str(totals[k]) for k in STATUSES),
            f"{decided / counted:.1%}" if counted else "n/a",
            "",
        ]
    )
    _print(header, rows, args.md)
    if args.top and unknown:
        print()
        _print(["unknown resource type or module", "rows"], _top(unknown, args.top), args.md)
    return 0


def _module_source(note: str) -> str:
    return note.split(" ", 2)[1] if note.startswith("module ") else "(local or unreadable)"


def _top(counter: Counter[str], n: int) -> list[list[str]]:
    return [[name, str(count)] for name, count in counter.most_common(n)]


def _print(header: list[str], rows: list[list[str]], md: bool) -> None:
    if md:
        print("| " + " | ".join(header) + " |")
        print("|" + "|".join("---" for _ in header) + "|")
        for row in rows:
            print("| " + " | ".join(row) + " |")
        return
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))


if __name__ == "__main__":
    raise SystemExit(main())
