"""Render the README's diagrams: the headline recommendation on each provider, as PNG.

Usage: python scripts/make_images.py [--needs serverless,eu] [--out docs/images]
Writes OUT/recommendation-aws.png, -azure.png and -gcp.png (fixed names the README links to)
through `archkb export diagram`, so the pictures are exactly what users get. Needs Graphviz.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from archkb.cli import cli

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--needs", default="serverless,eu", help="needs of the headline command")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "images", help="folder")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / "recommendation.png"  # -PROVIDER is added per provider
    cli.main(
        ["export", "diagram", "--needs", args.needs, "--provider", "all", "--format", "png",
         "-o", str(target), "--force"],
        prog_name="archkb",
    )  # fmt: skip


if __name__ == "__main__":
    main()
