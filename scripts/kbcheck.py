"""Authoring aid: schema-check some KB files (no cross-record checks). Usage: kbcheck.py FILE..."""

import sys
from pathlib import Path

from archkb.engine.errors import KbProblem
from archkb.engine.load import _read_file

root = Path("kb").resolve()
problems: list[KbProblem] = []
count = 0
for arg in sys.argv[1:]:
    paths = sorted(Path(arg).rglob("*.yaml")) if Path(arg).is_dir() else [Path(arg)]
    for path in paths:
        count += len(list(_read_file(root, path.resolve(), 0, problems)))
for p in problems:
    print(p)
print(f"{count} valid records, {len(problems)} problems")
sys.exit(1 if problems else 0)
