"""Regenerate the README's sample outputs by running the commands they show.

A sample is an HTML comment naming the command, followed by a fenced `console` block:

    <!-- sample: archkb map lamda --to gcp -->
    ```console
    $ archkb map lamda --to gcp
    …what the command prints…
    ```

Usage: `python scripts/readme_samples.py` rewrites the blocks in README.md;
`--check` changes nothing and exits 1 (with a diff) when a block is not what the command prints
today, so a test catches a README that drifted from the tool.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
WIDTH = 80
"""Terminal width the samples are printed at (what most readers' terminals give)."""

SAMPLE = re.compile(
    r"(?P<head><!-- sample: (?P<command>[^\n]*?) -->\n```console\n)(?P<body>.*?)(?P<tail>^```$)",
    re.DOTALL | re.MULTILINE,
)


class SampleError(Exception):
    """A marked command that is not an archkb command or that fails."""


def run_sample(command: str) -> str:
    """`$ command` and what it prints on stdout, as a reader at an 80-column terminal sees it
    (no colour)."""
    argv = shlex.split(command)
    if not argv or argv[0] != "archkb":
        raise SampleError(f"not an archkb command: {command!r}")
    env = {**os.environ, "COLUMNS": str(WIDTH), "NO_COLOR": "1", "TERM": "dumb"}
    env.pop("FORCE_COLOR", None)
    done = subprocess.run(
        [sys.executable, "-m", "archkb", *argv[1:]],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        raise SampleError(f"{command!r} exited {done.returncode}: {done.stderr.strip()}")
    lines = [line.rstrip() for line in done.stdout.rstrip().splitlines()]
    return "\n".join([f"$ {command}", *lines]) + "\n"


def regenerate(text: str) -> str:
    """`text` with every sample block replaced by its command's output today."""
    return SAMPLE.sub(
        lambda m: m.group("head") + run_sample(m.group("command")) + m.group("tail"), text
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="Report drift; change nothing.")
    parser.add_argument("--readme", type=Path, default=README, help="The file to update.")
    args = parser.parse_args(argv)
    text = args.readme.read_text()
    if not SAMPLE.search(text):
        print(f"{args.readme}: no `<!-- sample: … -->` blocks", file=sys.stderr)
        return 2
    try:
        fresh = regenerate(text)
    except SampleError as exc:
        print(f"{args.readme}: {exc}", file=sys.stderr)
        return 2
    if fresh == text:
        return 0
    if args.check:
        diff = difflib.unified_diff(
            text.splitlines(keepends=True),
            fresh.splitlines(keepends=True),
            f"{args.readme} (now)",
            f"{args.readme} (what the commands print)",
        )
        sys.stderr.writelines(diff)
        print(
            f"{args.readme}: samples drifted; run `python scripts/readme_samples.py`",
            file=sys.stderr,
        )
        return 1
    args.readme.write_text(fresh)
    print(f"updated the samples in {args.readme}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
