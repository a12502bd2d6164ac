"""The diagram baseline: a hand-written `diagrams` script drawing the same nodes as the exporter.

    python benchmarks/diagram_baseline.py SPEC.json OUT.png

SPEC lists the headline architecture's components (label, icon class path, tier) and flows;
`worker.py diagram-spec` writes it. The script is what a user would write by hand with the
`diagrams` package — one cluster per tier, one icon node per component, one labelled edge per
flow — rendered at the exporter's PNG resolution (144 dpi) so the comparison is about the work
of drawing, not the pixel count. It imports nothing from archkb.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any


def _icon(path: str | None) -> Any:
    from diagrams.generic.blank import Blank

    if not path:
        return Blank
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name, Blank)


def _graph(spec: dict[str, Any]) -> Any:
    from diagrams import Cluster, Diagram, Edge, setdiagram

    diagram = Diagram(
        spec["title"],
        show=False,
        outformat="png",
        direction="LR",
        graph_attr={"pad": "0.3", "dpi": "144"},
    )
    # `with diagram:` would also render a file into the current folder on exit; setting the
    # current diagram by hand draws the same graph and leaves rendering to `draw`.
    setdiagram(diagram)
    try:
        nodes: dict[str, Any] = {}
        tiers: dict[str, list[dict[str, Any]]] = {}
        for node in spec["nodes"]:
            tiers.setdefault(node["tier"], []).append(node)
        for tier, members in tiers.items():
            with Cluster(tier):
                for node in members:
                    nodes[node["id"]] = _icon(node["icon"])(node["label"])
        for edge in spec["edges"]:
            nodes[edge["source"]] >> Edge(label=edge["label"]) >> nodes[edge["target"]]
    finally:
        setdiagram(None)
    return diagram


def draw(spec: dict[str, Any]) -> bytes:
    """The PNG bytes (rendered through Graphviz, no file written)."""
    data: bytes = _graph(spec).dot.pipe(format="png", quiet=True)
    return data


def main() -> int:
    spec = json.loads(Path(sys.argv[1]).read_text())
    Path(sys.argv[2]).write_bytes(draw(spec))
    return 0


if __name__ == "__main__":
    sys.exit(main())
