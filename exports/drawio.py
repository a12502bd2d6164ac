"""draw.io (diagrams.net) XML from a diagram model: editable groups, shapes and edges.

Layout is computed here (no Graphviz): each group stacks its nodes, then its main child groups
along the flow direction, with ops/security groups in a strip beside them. Shapes use draw.io's
the same icons as the PNG/SVG (the provider's from `diagrams`, else archkb's own), embedded
as data URIs so the file stands alone; edges are left for draw.io to route, so moving a box keeps
them attached. Cell ids derive from the architecture (`n-<role>`, `g-<group>`, `e-<kind>-<from>-
<to>`), so a regenerated file diffs cleanly against a hand-edited one.
"""

from __future__ import annotations

import base64
import html
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .diagram import (
    GROUP_STYLE,
    PROVIDER_COLORS,
    DiagramGroup,
    DiagramModel,
    DiagramNode,
    node_label_lines,
)
from .iconset import icon_file

SLOT_W, SLOT_H, ICON = 130, 110, 56
PAD, HEAD, GAP = 16, 34, 24

LABEL = "html=1;verticalLabelPosition=bottom;verticalAlign=top;align=center;fontSize=11;"
EDGE = "edgeStyle=orthogonalEdgeStyle;rounded=1;html=1;endArrow=block;endFill=1;fontSize=10;"
EDGE_KIND = {  # edge kind → extra style (the legend cell explains them)
    "flow": "strokeColor=#6B7785;labelBackgroundColor=#FFFFFF;",
    "entry": "strokeColor=#6B7785;labelBackgroundColor=#FFFFFF;",
    "replication": "dashed=1;strokeColor=#00A4A6;strokeWidth=2;fontColor=#007A7C;",
    "failover": "dashed=1;strokeColor=#ED7100;fontColor=#B35600;",
    "telemetry": "dashed=1;dashPattern=1 3;strokeColor=#7B8894;",
}


@cache
def _image(path: Path) -> str:
    return base64.b64encode(path.read_bytes()).decode("ascii")


def node_style(node: DiagramNode) -> str:
    """The draw.io style of a node: the same icon as the PNG/SVG, embedded in the file."""
    path, _ = icon_file(node.icon, node.category)
    return f"{LABEL}shape=image;imageAspect=0;aspect=fixed;image=data:image/png,{_image(path)};"


def group_style(group: DiagramGroup, provider: str) -> str:
    fill, stroke = GROUP_STYLE.get(group.kind, ("#FFFFFF", "#AEB6BE"))
    if group.kind == "provider":
        stroke = PROVIDER_COLORS.get(provider, stroke)
    if provider == "aws" and group.kind in ("provider", "region", "network"):
        icon = {
            "provider": "group_aws_cloud_alt",
            "region": "group_region",
            "network": "group_vpc",
        }[group.kind]
        shape = f"shape=mxgraph.aws4.group;grIcon=mxgraph.aws4.{icon};spacingLeft=30;"
    else:
        shape = "rounded=1;arcSize=4;absoluteArcSize=1;"
    dashed = "1" if group.kind in ("region", "public", "private") else "0"
    return (
        f"container=1;collapsible=0;recursiveResize=0;html=1;whiteSpace=wrap;"
        f"verticalAlign=top;align=left;spacingLeft=8;fontSize=12;fontStyle=1;"
        f"fillColor={fill};strokeColor={stroke};dashed={dashed};{shape}"
    )


@dataclass
class _Box:
    """A laid-out node or group: position relative to its parent group."""

    item: DiagramNode | DiagramGroup
    w: float
    h: float
    x: float = 0
    y: float = 0
    children: list[_Box] = field(default_factory=list)


def _stack(boxes: list[_Box], along_x: bool, start: tuple[float, float]) -> tuple[float, float]:
    """Place `boxes` one after another from `start`; return the far corner reached."""
    x, y = start
    far_x, far_y = x, y
    for box in boxes:
        box.x, box.y = x, y
        far_x, far_y = max(far_x, x + box.w), max(far_y, y + box.h)
        x, y = (x + box.w + GAP, y) if along_x else (x, y + box.h + GAP)
    return far_x, far_y


def _layout(group: DiagramGroup, flow_x: bool) -> _Box:
    """Nodes first (across the flow; along it for side groups), then main child groups along
    the flow, then side child groups in a strip after them (across the flow)."""
    nodes = [_Box(n, SLOT_W, SLOT_H) for n in group.nodes]
    main = [_layout(g, flow_x) for g in group.groups if not g.side]
    side = [_layout(g, flow_x) for g in group.groups if g.side]
    origin: tuple[float, float] = (PAD, HEAD)
    far = _stack(nodes, flow_x == group.side, origin)
    if nodes and main:
        origin = (far[0] + GAP, HEAD) if flow_x else (PAD, far[1] + GAP)
    far2 = _stack(main, flow_x, origin)
    far = (max(far[0], far2[0]), max(far[1], far2[1]))
    if side:
        far2 = _stack(side, flow_x, (PAD, far[1] + GAP) if flow_x else (far[0] + GAP, HEAD))
        far = (max(far[0], far2[0]), max(far[1], far2[1]))
    return _Box(group, far[0] + PAD, far[1] + PAD, children=nodes + main + side)


def _cell(
    root: ET.Element,
    cell_id: str,
    value: str,
    style: str,
    parent: str,
    geometry: tuple[float, float, float, float] | None,
    **kind: str,
) -> None:
    cell = ET.SubElement(
        root, "mxCell", {"id": cell_id, "value": value, "style": style, **kind, "parent": parent}
    )
    if geometry is None:
        ET.SubElement(cell, "mxGeometry", {"relative": "1", "as": "geometry"})
        return
    x, y, w, h = (f"{v:g}" for v in geometry)
    ET.SubElement(cell, "mxGeometry", {"x": x, "y": y, "width": w, "height": h, "as": "geometry"})


def _emit(root: ET.Element, box: _Box, parent: str, provider: str) -> None:
    """Write `box` (and, for a group, its children inside it) as mxCells."""
    x, y = box.x, box.y
    if isinstance(box.item, DiagramGroup):
        cell_id = f"g-{box.item.id}"
        _cell(
            root,
            cell_id,
            box.item.label,
            group_style(box.item, provider),
            parent,
            (x, y, box.w, box.h),
            vertex="1",
        )
        for child in box.children:
            _emit(root, child, cell_id, provider)
        return
    node = box.item
    lines = []
    for kind, text in node_label_lines(node):
        text = html.escape(text)
        if kind == "caption":
            text = f'<font color="#55606B">{text}</font>'
        elif kind == "zones":
            text = f'<font color="#1D8102"><b>{text}</b></font>'
        lines.append(text)
    geometry = (x + (SLOT_W - ICON) / 2, y + 4, ICON, ICON)
    _cell(root, f"n-{node.id}", "<br>".join(lines), node_style(node), parent, geometry, vertex="1")


def _legend(root: ET.Element, model: DiagramModel, body: _Box) -> None:
    """The numbered steps and the key, in a text box under the picture."""
    lines = [f"<b>{i}</b> {html.escape(t)}" for i, t in enumerate(model.legend, 1)]
    lines += [f'<font color="#55606B">{html.escape(n)}</font>' for n in model.notes]
    if not lines:
        return
    geometry = (body.x, body.y + body.h + GAP, 520, 18 * (len(lines) + 1))
    value = "<b>Legend</b><br>" + "<br>".join(lines)
    style = "text;html=1;align=left;verticalAlign=top;fontSize=11;strokeColor=#AEB6BE;"
    _cell(root, "legend", value, style + "fillColor=#FFFFFF;spacing=6;", "1", geometry, vertex="1")


def render_drawio(model: DiagramModel, direction: str = "LR") -> str:
    """An uncompressed .drawio file: one page, a title, the groups, nodes and labelled edges."""
    flow_x = direction == "LR"
    mxfile = ET.Element("mxfile", {"host": "archkb", "type": "device"})
    diagram = ET.SubElement(
        mxfile, "diagram", {"id": f"archkb-{model.provider}", "name": model.provider.upper()}
    )
    graph = ET.SubElement(
        diagram,
        "mxGraphModel",
        {
            "grid": "1",
            "gridSize": "10",
            "guides": "1",
            "connect": "1",
            "arrows": "1",
            "page": "0",
            "math": "0",
            "shadow": "0",
        },
    )
    root = ET.SubElement(graph, "root")
    ET.SubElement(root, "mxCell", {"id": "0"})
    ET.SubElement(root, "mxCell", {"id": "1", "parent": "0"})
    _cell(
        root,
        "title",
        f"<b>{html.escape(model.title)}</b><br>{html.escape(model.subtitle)}",
        "text;html=1;align=left;verticalAlign=top;fontSize=16;",
        "1",
        (0, 0, 900, 50),
        vertex="1",
    )
    top = 70.0
    body = _layout(model.root, flow_x)
    outside = [_Box(n, SLOT_W, SLOT_H) for n in model.outside]
    # context nodes (users, on-premises) stand before the cloud, centred on it
    if flow_x:
        height = len(outside) * (SLOT_H + GAP) - GAP
        far = _stack(outside, False, (0, top + max(0, (body.h - height) / 2)))
        body.x, body.y = (far[0] + GAP * 2 if outside else 0), top
    else:
        width = len(outside) * (SLOT_W + GAP) - GAP
        far = _stack(outside, True, (max(0, (body.w - width) / 2), top))
        body.x, body.y = 0, (far[1] + GAP * 2 if outside else top)
    for box in [*outside, body]:
        _emit(root, box, "1", model.provider)
    for edge in model.edges:
        label = html.escape(edge.label)
        style = EDGE + EDGE_KIND.get(edge.kind, "")
        if edge.step is not None:
            label = f"<b>{edge.step}</b> {label}"
            style += "strokeColor=#232F3E;strokeWidth=2;"
        if edge.reverse:
            style += "startArrow=block;startFill=1;"
        target = f"g-{edge.target}" if edge.kind == "telemetry" else f"n-{edge.target}"
        source = f"g-{edge.tail}" if edge.tail else f"n-{edge.source}"
        _cell(
            root,
            f"e-{edge.kind}-{edge.source}-{edge.target}",
            label,
            style,
            "1",
            None,
            edge="1",
            source=source,
            target=target,
        )
    _legend(root, model, body)
    ET.indent(mxfile, "  ")
    return ET.tostring(mxfile, encoding="unicode") + "\n"
