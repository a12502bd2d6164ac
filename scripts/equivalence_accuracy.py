"""Accuracy of `archkb map` on the team's equivalence table (tests/data/equivalence).

Usage: python scripts/equivalence_accuracy.py [--update-docs] [--show-failures]
Prints rows, rows answered right, accuracy overall and on the pairs issue 14 listed as wrong,
per source provider. With --update-docs, writes the figures into docs/equivalence.md below its
`<!-- accuracy -->` marker (what follows the marker is replaced).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from archkb.engine.store import load_knowledge_base  # noqa: E402

from tests.kb.truth_rows import load_rows, problems_with  # noqa: E402

MARKER = "<!-- accuracy -->"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update-docs", action="store_true", help="write docs/equivalence.md")
    parser.add_argument("--show-failures", action="store_true", help="list wrong rows")
    args = parser.parse_args()
    kb = load_knowledge_base()[0]
    rows = load_rows()
    total, right = Counter[str](), Counter[str]()
    failures = []
    for row in rows:
        problems = problems_with(kb, row)
        for group in ("all", row.provider, *(["issue14"] if row.issue14 else [])):
            total[group] += 1
            right[group] += not problems
        if problems:
            failures.append((row, problems))
    lines = [
        "| rows | answered right | accuracy |",
        "|---|---|---|",
    ]
    labels = {"all": "all rows", "issue14": "pairs issue 14 listed as wrong"}
    for group in ("all", "aws", "azure", "gcp", "issue14"):
        if total[group]:
            label = labels.get(group, f"from {group}")
            share = 100.0 * right[group] / total[group]
            lines.append(f"| {label}: {total[group]} | {right[group]} | {share:.1f}% |")
    report = "\n".join(lines)
    print(report)
    if args.show_failures:
        for row, problems in failures:
            print(f"{row.id}: {'; '.join(problems)}")
    if args.update_docs:
        doc = REPO / "docs" / "equivalence.md"
        text = doc.read_text()
        head = text.split(MARKER, 1)[0]
        doc.write_text(
            f"{head}{MARKER}\n\nMeasured with `python scripts/equivalence_accuracy.py` "
            f"on {len(rows)} rows:\n\n{report}\n"
        )


if __name__ == "__main__":
    main()
