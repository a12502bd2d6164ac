"""Draw archkb's own fallback icons: one per capability category, for services the `diagrams`
package has no icon for (exports/icons/<category>.png, plus generic.png).

Usage: python scripts/make_icons.py [--out exports/icons]
Each icon is a rounded tile in the category's colour with a short white glyph, drawn by
Graphviz from the text below — our own work, under the project's licence (see
exports/icons/PROVENANCE.md). Deterministic for a given Graphviz version. Needs `dot`.
"""

from __future__ import annotations

import argparse
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# category → (tile colour, glyph): colours follow the providers' shared convention (compute
# orange, data purple, network violet, security red, ops grey-blue, integration pink).
ICONS = {
    "compute": ("#ED7100", "VM"),
    "containers": ("#ED7100", "CTR"),
    "serverless": ("#ED7100", "λ"),
    "storage": ("#7AA116", "OBJ"),
    "database": ("#C925D1", "DB"),
    "cache": ("#C925D1", "MEM"),
    "analytics": ("#8C4FFF", "ANL"),
    "messaging": ("#E7157B", "MSG"),
    "integration": ("#E7157B", "FLOW"),
    "networking": ("#8C4FFF", "NET"),
    "content-delivery": ("#8C4FFF", "CDN"),
    "dns": ("#8C4FFF", "DNS"),
    "load-balancing": ("#8C4FFF", "LB"),
    "api-management": ("#E7157B", "API"),
    "identity": ("#DD344C", "ID"),
    "secrets-keys": ("#DD344C", "KEY"),
    "security": ("#DD344C", "SEC"),
    "monitoring": ("#5A6B86", "MON"),
    "devtools": ("#5A6B86", "CI/CD"),
    "iac": ("#5A6B86", "IaC"),
    "backup-dr": ("#7AA116", "BKP"),
    "hybrid-connectivity": ("#8C4FFF", "LINK"),
    "ai-ml": ("#01A88D", "ML"),
    "migration": ("#01A88D", "MIG"),
    "management-governance": ("#5A6B86", "GOV"),
    "iot": ("#01A88D", "IoT"),
    "end-user-computing": ("#01A88D", "EUC"),
    "communication": ("#E7157B", "MSG"),
    "generic": ("#7B8894", "SVC"),
}


def icon_dot(colour: str, glyph: str) -> str:
    size = {1: 48, 2: 40, 3: 30}.get(len(glyph), 22)
    return (
        'digraph icon { graph [pad="0", margin="0", bgcolor="transparent", dpi="96"]; '
        f'n [shape=box, style="rounded,filled", fixedsize=true, width=2.6, height=2.6, '
        f'fillcolor="{colour}", color="{colour}", fontcolor="white", fontname="DejaVu Sans Bold", '
        f'fontsize={size * 2}, label="{glyph}"]; }}'
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "exports" / "icons")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, (colour, glyph) in ICONS.items():
        png = subprocess.run(
            ["dot", "-Tpng"],
            input=icon_dot(colour, glyph).encode(),
            capture_output=True,
            check=True,
        ).stdout
        (args.out / f"{name}.png").write_bytes(png)
    print(f"wrote {len(ICONS)} icons to {args.out}")


if __name__ == "__main__":
    main()
