"""Architecture diagrams from a ResolvedArchitecture: PNG/SVG/PDF/JPG/DOT through the `diagrams`
package and Graphviz, and the entry point for every diagram format.

`layout.diagram_model` decides what goes where (regions, network, tiers, numbered steps,
replication and telemetry edges); the Graphviz, Mermaid (`mermaid.py`) and draw.io
(`drawio.py`) renderers only draw that model, so the formats always agree. Node ids are
component roles, so the output is deterministic.
"""

from __future__ import annotations

import base64
import html
import itertools
import os
import re
import shutil
import textwrap
from collections.abc import Sequence
from typing import Any

from archkb.engine.results import ResolvedArchitecture

from .iconset import ICON_DIR, diagrams_root, icon_class, icon_file
from .layout import (
    SECONDARY,
    DiagramEdge,
    DiagramGroup,
    DiagramModel,
    DiagramNode,
    diagram_model,
    support_nodes_of,
)

__all__ = [
    "SECONDARY", "DiagramEdge", "DiagramGroup", "DiagramModel", "DiagramNode",
    "diagram_model", "icon_class", "render_diagram",
]  # fmt: skip

IMAGE_FORMATS = ("png", "svg", "pdf", "jpg")
TEXT_FORMATS = ("dot", "mermaid", "drawio")
FORMATS = (*IMAGE_FORMATS, *TEXT_FORMATS)
DIRECTIONS = ("LR", "TB")
GRAPHVIZ_HINT = (
    "Graphviz `dot` is not on PATH; install Graphviz (apt-get install graphviz, "
    "brew install graphviz) or use --format dot, mermaid or drawio"
)
STRIP = 6
"""Most ops/security nodes side by side in one row of the Graphviz layout."""

# fmt: off
EXTENSIONS = {"png": "png", "svg": "svg", "pdf": "pdf", "jpg": "jpg", "dot": "dot",
              "mermaid": "mmd", "drawio": "drawio"}
PROVIDER_COLORS = {"aws": "#232F3E", "azure": "#0078D4", "gcp": "#4285F4"}
GROUP_STYLE = {  # kind → (fill, border): shared by every renderer
    "provider": ("#FFFFFF", "#232F3E"), "edge": ("#F4F0FB", "#8C4FFF"),
    "region": ("#FFFFFF", "#00A4A6"), "network": ("#FAFDF7", "#248814"),
    "public": ("#EEF6E6", "#7AA116"), "private": ("#E8F4F8", "#147EBA"),
    "web": ("#FFF8E8", "#D69E2E"), "app": ("#FFFFFF", "#ED7100"), "data": ("#FFFFFF", "#C925D1"),
    "integration": ("#FDF0F6", "#E7157B"), "security": ("#FDEEEE", "#DD344C"),
    "ops": ("#F2F4F5", "#7B8894"), "global": ("#F7F7FB", "#5A6B86"),
}
EDGE_STYLE = {  # kind → Graphviz edge attributes (the legend explains them)
    "flow": {}, "entry": {},
    "replication": {"style": "dashed", "color": "#00A4A6", "penwidth": "2",
                    "fontcolor": "#007A7C", "constraint": "false"},
    "failover": {"style": "dashed", "color": "#ED7100", "fontcolor": "#B35600"},
    "telemetry": {"style": "dotted", "color": "#7B8894", "constraint": "false"},
}
STEP_COLOR = "#232F3E"
ZONE_COLOR = "#1D8102"
GRAPH_ATTR = {"labelloc": "t", "pad": "0.3", "nodesep": "0.45", "ranksep": "0.8",
              "newrank": "true", "fontname": "Sans-Serif", "splines": "spline",
              "compound": "true"}
EDGE_ATTR = {"fontsize": "10", "fontcolor": "#3B4652"}
# fmt: on


class DiagramError(Exception):
    """A diagram cannot be produced; the message says why and what to do."""


# --- Graphviz through the diagrams package -------------------------------------------------


def render_diagram(
    arch: ResolvedArchitecture,
    fmt: str,
    direction: str = "LR",
    title: str | None = None,
    needs: Sequence[str] | None = None,
    dpi: int = 144,
) -> bytes:
    """The diagram of `arch` as `fmt` bytes (see FORMATS). Image formats need Graphviz.

    `dpi` sets the resolution of PNG and JPG (144: sharp on slides; icons are 256 px).
    """
    if fmt not in FORMATS or direction not in DIRECTIONS:
        raise DiagramError(f"unknown format {fmt!r} or direction {direction!r}")
    model = diagram_model(arch, title, needs)
    if fmt == "mermaid":
        from .mermaid import render_mermaid

        return render_mermaid(model, direction).encode()
    if fmt == "drawio":
        from .drawio import render_drawio

        return render_drawio(model, direction).encode()
    graph = graphviz_graph(model, direction)
    if fmt == "dot":
        return dot_source(graph, model).encode()
    if shutil.which("dot") is None:
        raise DiagramError(GRAPHVIZ_HINT)
    import graphviz

    if fmt in ("png", "jpg"):
        graph.graph_attr["dpi"] = str(dpi)
    if fmt == "jpg":
        graph.graph_attr["bgcolor"] = "white"  # JPEG has no transparency
    try:
        data: bytes = graph.pipe(format="jpeg" if fmt == "jpg" else fmt, quiet=True)
    except (graphviz.ExecutableNotFound, graphviz.CalledProcessError) as exc:
        raise DiagramError(f"Graphviz failed to render {fmt}: {exc}") from None
    return embed_svg_images(data) if fmt == "svg" else data


def _dot_text(text: str) -> str:
    """Plain-text DOT labels keep escape sequences (`\\n`, `\\l`), so a literal backslash must
    be doubled or a label like `a\\` would end the quoted string early."""
    return text.replace("\\", "\\\\")


def graphviz_graph(model: DiagramModel, direction: str = "LR") -> Any:
    """A graphviz.Digraph built with diagrams' Diagram/Cluster/Node/Edge (stable node ids)."""
    from diagrams import Diagram, Node, setdiagram

    title = _title(model)
    diagram = Diagram(
        name=_dot_text(model.title), filename="diagram", direction=direction, outformat="png", show=False,
        graph_attr={**GRAPH_ATTR, "label": title}, node_attr={"fontsize": "12"},
        edge_attr={"color": "#6B7785", "penwidth": "1.2"},
    )  # fmt: skip
    setdiagram(diagram)
    try:
        nodes: dict[str, Any] = {n.id: _graphviz_node(n, Node) for n in model.outside}
        _graphviz_cluster(model.root, nodes, Node, model.provider)
        first_in = {g.id: _first_node(g) for g in model.root.walk()}
        for edge in model.edges:
            _graphviz_edge(diagram.dot, edge, nodes, first_in, set(support_nodes(model)))
        _strips(model, nodes)
    finally:
        setdiagram(None)
    return diagram.dot


def _first_node(group: DiagramGroup) -> str | None:
    return next((n.id for g in group.walk() for n in g.nodes), None)


def _graphviz_edge(
    dot: Any, edge: DiagramEdge, nodes: dict[str, Any], first_in: dict[str, str | None],
    side: set[str],
) -> None:  # fmt: skip
    attrs: dict[str, str] = {**EDGE_ATTR, "dir": "forward", **EDGE_STYLE.get(edge.kind, {})}
    head = edge.target
    if edge.kind == "telemetry":  # to the ops cluster, from the group of its sources
        head = first_in.get(edge.target) or edge.target
        attrs["lhead"] = f"cluster_{edge.target}"
        if edge.tail:
            attrs["ltail"] = f"cluster_{edge.tail}"
        if edge.reverse:
            attrs["dir"] = "both"
    elif {edge.source, edge.target} & side:
        attrs["constraint"] = "false"
    if edge.flows:  # which blueprint flows this edge draws (structural tests read it)
        attrs["comment"] = "; ".join(f"{s}>{t}" for s, t, _ in edge.flows)
    if edge.step is not None:
        attrs["label"] = (
            '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1"><TR>'
            f'<TD BGCOLOR="{STEP_COLOR}"><FONT COLOR="white"><B>&#160;{edge.step}&#160;</B>'
            f"</FONT></TD><TD>&#160;{html.escape(edge.label)}</TD></TR></TABLE>>"
        )
        attrs["penwidth"] = "1.8"
        attrs["color"] = STEP_COLOR
    else:
        attrs["label"] = _dot_text(edge.label)
    dot.edge(nodes[edge.source].nodeid, nodes[head].nodeid, **attrs)


def _strips(model: DiagramModel, nodes: dict[str, Any]) -> None:
    """Ops and security sit in strips of up to STRIP nodes, chained by invisible edges from
    the entry point, so fan-out to them does not stack the picture into a tall column."""
    from diagrams import Edge

    side = support_nodes(model)
    outside = {n.id for n in model.outside}
    anchor = next((e.target for e in model.edges if e.source in outside), None)
    head = [anchor] if anchor and anchor not in side else []
    for start in range(0, len(side), STRIP):
        for first, second in itertools.pairwise(head + side[start : start + STRIP]):
            nodes[first].connect(nodes[second], Edge(style="invis"))


def _title(model: DiagramModel) -> str:
    """The graph label: title, subtitle and the legend (numbered steps, what the edge styles
    mean). Graphviz cannot pin a free node to a corner, so the key sits under the title."""
    rows = [
        f'<TR><TD ALIGN="CENTER"><FONT POINT-SIZE="20"><B>{html.escape(model.title)}</B></FONT>'
        "</TD></TR>",
        f'<TR><TD ALIGN="CENTER"><FONT POINT-SIZE="12" COLOR="#55606B">'
        f"{html.escape(model.subtitle)}</FONT></TD></TR>",
    ]
    key = [
        f'<TD BGCOLOR="{STEP_COLOR}" FIXEDSIZE="TRUE" WIDTH="20" HEIGHT="15"><FONT COLOR="white" '
        f'POINT-SIZE="11"><B>{step}</B></FONT></TD><TD ALIGN="LEFT"><FONT POINT-SIZE="11">{html.escape(text)}</FONT></TD>'
        for step, text in enumerate(model.legend, 1)
    ]
    key += [
        f'<TD></TD><TD ALIGN="LEFT"><FONT POINT-SIZE="11" COLOR="#55606B">{html.escape(n)}'
        "</FONT></TD>"
        for n in model.notes
    ]
    if key:
        cells = "".join(f"<TR>{k}</TR>" for k in key)
        rows.append(
            '<TR><TD ALIGN="CENTER"><TABLE BORDER="1" COLOR="#AEB6BE" CELLBORDER="0" '
            f'CELLSPACING="1" CELLPADDING="2" BGCOLOR="#FFFFFF">{cells}</TABLE></TD></TR>'
        )
    return f'<<TABLE BORDER="0" CELLSPACING="2">{"".join(rows)}</TABLE>>'


def support_nodes(model: DiagramModel) -> list[str]:
    """Ops/security nodes that only feed or receive the main flow (secrets, logs, registry…),
    not those on a path through it (a firewall between hub and network)."""
    return support_nodes_of(model.root, model.edges)


def _graphviz_cluster(
    group: DiagramGroup, nodes: dict[str, Any], node_cls: Any, provider: str
) -> None:
    from diagrams import Cluster

    fill, border = GROUP_STYLE.get(group.kind, ("#FFFFFF", "#AEB6BE"))
    if group.kind == "provider":
        border = PROVIDER_COLORS.get(provider, border)
    label = html.escape(group.label)
    icon = icon_class(group.icon)
    if icon is not None:  # the network's own icon beside its name
        src = html.escape(os.path.join(diagrams_root(), icon._icon_dir, icon._icon))
        label = (
            f'<<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="2"><TR><TD FIXEDSIZE="TRUE" '
            f'WIDTH="28" HEIGHT="28"><IMG SRC="{src}" SCALE="TRUE"/></TD>'
            f"<TD>{label}</TD></TR></TABLE>>"
        )
    attrs = {
        "label": label,
        "bgcolor": fill,
        "pencolor": border,
        "fontsize": "13",
        "style": "rounded,dashed" if group.kind in ("region", "private", "public") else "rounded",
        "penwidth": "1.5" if group.kind in ("provider", "network", "region") else "1",
    }
    with Cluster(group.id, graph_attr=attrs):
        for node in group.nodes:
            nodes[node.id] = _graphviz_node(node, node_cls)
        # Graphviz stacks later clusters above earlier ones: emit the secondary region first
        # so the primary region is drawn on top.
        for child in sorted(group.groups, key=lambda g: not g.id.endswith(SECONDARY)):
            _graphviz_cluster(child, nodes, node_cls, provider)


def node_label_lines(node: DiagramNode) -> list[tuple[str, str]]:
    """(kind, text) lines under a node's icon: the service, what it does here, its zones."""
    lines = [("name", line) for line in textwrap.wrap(node.label, 18, break_on_hyphens=False)]
    if node.caption:
        wrapped = textwrap.wrap(f"({node.caption})", 22, break_on_hyphens=False)
        lines += [("caption", line) for line in wrapped]
    if node.zone_redundant:
        lines.append(("zones", "zone-redundant"))
    return lines


def _graphviz_node(node: DiagramNode, node_cls: Any) -> Any:
    lines = node_label_lines(node)
    parts = []
    for kind, text in lines:
        text = html.escape(text)
        if kind == "caption":
            text = f'<FONT POINT-SIZE="11" COLOR="#55606B">{text}</FONT>'
        elif kind == "zones":
            text = f'<FONT POINT-SIZE="10" COLOR="{ZONE_COLOR}"><B>{text}</B></FONT>'
        parts.append(text)
    label = f"<{'<BR/>'.join(parts)}>"
    path, _ = icon_file(node.icon, node.category)
    return node_cls(
        label,
        nodeid=node.id,
        shape="none",
        image=str(path),
        labelloc="b",
        height=f"{1.9 + 0.4 * (len(lines) - 1):.1f}",
    )


def dot_source(graph: Any, model: DiagramModel) -> str:
    """DOT text without Graphviz: icon paths made relative so the file is the same on every
    machine (provider icons to the folder holding `diagrams`, ours to `archkb/exports/icons`)."""
    source: str = graph.source.replace(str(ICON_DIR) + os.sep, "archkb/exports/icons/")
    source = source.replace(diagrams_root() + os.sep, "")
    header = (
        f"// {model.title} ({model.provider}): generated by archkb; deterministic.\n"
        "// Icons are relative to the folder that holds the `diagrams` package and archkb:\n"
        "//   dot -Gimagepath=\"$(python -c 'import diagrams,os;"
        "print(os.path.dirname(os.path.dirname(diagrams.__file__)))')\" -Tpng FILE\n"
    )
    return header + source


_SVG_IMAGE = re.compile(r'xlink:href="([^"]+\.png)"')


def embed_svg_images(svg: bytes) -> bytes:
    """Replace icon file references with data URIs so the SVG is self-contained."""

    def data_uri(match: re.Match[str]) -> str:
        path = html.unescape(match.group(1))
        if not os.path.isabs(path) or not os.path.isfile(path):
            raise DiagramError(f"SVG references an icon that is not a file: {path}")
        with open(path, "rb") as handle:
            encoded = base64.b64encode(handle.read()).decode("ascii")
        return f'xlink:href="data:image/png;base64,{encoded}"'

    return _SVG_IMAGE.sub(data_uri, svg.decode("utf-8")).encode("utf-8")
