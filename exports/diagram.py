"""Architecture diagrams from a ResolvedArchitecture: the shared layout model, and PNG/SVG/PDF/DOT
through the `diagrams` package and Graphviz.

`diagram_model` decides what goes where (provider → region → network → subnets → tiers, with
edge/global services outside the network and ops/security beside it); the Graphviz, Mermaid
(`mermaid.py`) and draw.io (`drawio.py`) renderers only draw that model, so the three formats
always agree. Node ids are component roles, so the output is deterministic.
"""

from __future__ import annotations

import base64
import html
import importlib
import itertools
import os
import re
import shutil
import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from archkb.engine.results import ResolvedArchitecture, ResolvedComponent

IMAGE_FORMATS = ("png", "svg", "pdf")
TEXT_FORMATS = ("dot", "mermaid", "drawio")
FORMATS = (*IMAGE_FORMATS, *TEXT_FORMATS)
DIRECTIONS = ("LR", "TB")
GRAPHVIZ_HINT = (
    "Graphviz `dot` is not on PATH; install Graphviz (apt-get install graphviz, "
    "brew install graphviz) or use --format dot, mermaid or drawio"
)
NETWORK = "virtual-network"
USERS, ONPREM = "_users", "_onprem"
"""Context nodes drawn outside the cloud; `_` keeps them apart from role ids (slugs)."""
SIDE_TIERS = ("security", "ops")
STRIP = 6
"""Most ops/security nodes side by side in one row of the Graphviz layout."""

# fmt: off
EXTENSIONS = {"png": "png", "svg": "svg", "pdf": "pdf", "dot": "dot", "mermaid": "mmd",
              "drawio": "drawio"}
LOAD_BALANCERS = frozenset({"application-load-balancer", "network-load-balancer"})
EDGE_CAPABILITIES = frozenset({"cdn", "global-load-balancer", "web-application-firewall",
                               "ddos-protection", "api-management", "zero-trust-access"})
NOT_ENTRY = frozenset({"web-application-firewall", "ddos-protection"})
ENTRY_LABELS = {"dns": "DNS", "dedicated-interconnect": "private line",
                "site-to-site-vpn": "IPsec"}
TIER_NAMES = {"edge": "Edge & global", "web": "Web tier", "app": "App tier", "data": "Data tier",
              "integration": "Integration", "network": "Networking", "security": "Security",
              "ops": "Operations", "public": "Public subnet", "private": "Private subnet"}
PROVIDER_COLORS = {"aws": "#232F3E", "azure": "#0078D4", "gcp": "#4285F4"}
GROUP_STYLE = {  # kind → (fill, border): shared by every renderer
    "provider": ("#FFFFFF", "#232F3E"), "edge": ("#F4F0FB", "#8C4FFF"),
    "region": ("#FFFFFF", "#00A4A6"), "network": ("#FAFDF7", "#248814"),
    "public": ("#EEF6E6", "#7AA116"), "private": ("#E8F4F8", "#147EBA"),
    "web": ("#FFF8E8", "#D69E2E"), "app": ("#FFFFFF", "#ED7100"), "data": ("#FFFFFF", "#C925D1"),
    "integration": ("#FDF0F6", "#E7157B"), "security": ("#FDEEEE", "#DD344C"),
    "ops": ("#F2F4F5", "#7B8894"),
}
GRAPH_ATTR = {"labelloc": "t", "pad": "0.3", "nodesep": "0.45", "ranksep": "0.8",
              "newrank": "true", "fontname": "Sans-Serif", "splines": "spline"}
EDGE_ATTR = {"fontsize": "10", "fontcolor": "#3B4652"}
GENERIC_NODE = {"shape": "box", "style": "rounded,filled", "fillcolor": "#F5F6F7",
                "color": "#AEB6BE", "labelloc": "c", "height": "0.9", "width": "1.5"}
# fmt: on


class DiagramError(Exception):
    """A diagram cannot be produced; the message says why and what to do."""


@dataclass(frozen=True)
class DiagramNode:
    id: str
    label: str
    caption: str = ""
    """What the component does here (the blueprint's label) when it differs from the service."""
    icon: str | None = None
    """The `diagrams` class path (e.g. diagrams.aws.compute.Lambda), None for a generic box."""
    capability: str = ""


@dataclass(frozen=True)
class DiagramGroup:
    id: str
    label: str
    kind: str
    nodes: tuple[DiagramNode, ...] = ()
    groups: tuple[DiagramGroup, ...] = ()
    icon: str | None = None
    component: str | None = None
    """The role this group stands for (the virtual network), if any."""

    @property
    def side(self) -> bool:
        return self.kind in SIDE_TIERS

    def walk(self) -> Iterator[DiagramGroup]:
        yield self
        for group in self.groups:
            yield from group.walk()


@dataclass(frozen=True)
class DiagramEdge:
    source: str
    target: str
    label: str


@dataclass(frozen=True)
class DiagramModel:
    title: str
    subtitle: str
    provider: str
    outside: tuple[DiagramNode, ...]
    root: DiagramGroup
    edges: tuple[DiagramEdge, ...]

    def nodes(self) -> list[DiagramNode]:
        """Every node, context nodes first, then in group order."""
        return [*self.outside, *(n for g in self.root.walk() for n in g.nodes)]


def diagram_model(
    arch: ResolvedArchitecture, title: str | None = None, needs: Sequence[str] | None = None
) -> DiagramModel:
    """Place every component of `arch` in the cluster tree and keep its flows as edges."""
    network = next((c for c in arch.components if c.capability == NETWORK), None)
    in_flows = {r for f in arch.flows for r in (f.source, f.target)}
    as_cluster = network.role if network and network.role not in in_flows else None
    inside = ("network", "public", "app", "data")
    if as_cluster and not any(
        _placement(c, True) in inside for c in arch.components if c.role != as_cluster
    ):
        as_cluster = None  # an empty network cluster would vanish: draw the network as a node
    placed: dict[str, list[DiagramNode]] = {}
    for comp in arch.components:
        if comp.role == as_cluster:
            continue  # drawn as the network cluster itself
        placed.setdefault(_placement(comp, network is not None), []).append(_node(comp))

    def group(
        key: str,
        kind: str | None = None,
        *children: DiagramGroup | None,
        label: str | None = None,
        **extra: Any,
    ) -> DiagramGroup | None:
        nodes, groups = tuple(placed.get(key, ())), tuple(g for g in children if g)
        if not nodes and not groups:
            return None
        return DiagramGroup(
            key, label or TIER_NAMES.get(key, key), kind or key, nodes, groups, **extra
        )

    vpc = network and group(
        "network",
        "network",
        group("public"),
        group("private", "private", group("app"), group("data")),
        label=network.service_name,
        icon=network.diagrams,
        component=network.role,
    )
    tiers = ("web", "app", "data", "integration", "security", "ops")
    region_children = [vpc] if vpc else [group("network")]
    region_children += [group(t) for t in tiers if not (vpc and t in ("app", "data"))]
    region = group("region", "region", *region_children, label=_region_label(arch))
    root = group("provider", "provider", group("edge"), region, label=arch.provider_name)
    assert root is not None, "an architecture has at least one component"
    outside, entry_edges = _context(arch)
    wanted = needs if needs is not None else arch.needs
    primary = arch.primary_region
    return DiagramModel(
        title=title or f"{arch.blueprint_name} on {arch.provider_name}",
        subtitle=f"blueprint {arch.blueprint} · needs: {', '.join(wanted) or 'none'} · "
        f"{primary.code} ({primary.city})",
        provider=arch.provider,
        outside=outside,
        root=root,
        edges=(*entry_edges, *(DiagramEdge(f.source, f.target, f.label) for f in arch.flows)),
    )


def _placement(comp: ResolvedComponent, has_network: bool) -> str:
    if comp.capability == NETWORK:
        return "network"
    if comp.capability in LOAD_BALANCERS and has_network:
        return "public"
    if comp.tier == "edge" or comp.capability in EDGE_CAPABILITIES:
        return "edge"
    if comp.tier == "network" and has_network:
        return "network"
    return str(comp.tier)


def _node(comp: ResolvedComponent) -> DiagramNode:
    caption = comp.label if comp.label != comp.service_name else ""
    if comp.control:
        caption = f"{caption} (control)".strip() if caption else "added control"
    return DiagramNode(comp.role, comp.service_name, caption, comp.diagrams, comp.capability)


def _region_label(arch: ResolvedArchitecture) -> str:
    return "  ·  DR: ".join(f"Region {r.code} · {r.name}" for r in arch.regions)


def _context(arch: ResolvedArchitecture) -> tuple[tuple[DiagramNode, ...], list[DiagramEdge]]:
    """Users in front of the entry points (edge tier, else web tier) and on-premises in front
    of hybrid links: without them a reviewer cannot see where traffic comes from."""
    comps = [c for c in arch.components if c.capability != NETWORK]  # a VPC is no entry point
    hybrid = [c for c in comps if c.capability in ("dedicated-interconnect", "site-to-site-vpn")]
    entry = [c for c in comps if c.tier == "edge" and c.capability not in NOT_ENTRY]
    entry = entry or [c for c in comps if c.tier == "web"]
    nodes: list[DiagramNode] = []
    edges: list[DiagramEdge] = []
    for node_id, label, icon, targets in (
        (USERS, "Users", "diagrams.onprem.client.Users", entry),
        (ONPREM, "On-premises", "diagrams.generic.place.Datacenter", hybrid),
    ):
        if targets:
            nodes.append(DiagramNode(node_id, label, "", icon, "context"))
            edges += [
                DiagramEdge(node_id, c.role, ENTRY_LABELS.get(c.capability, "HTTPS"))
                for c in targets
            ]
    return tuple(nodes), edges


# --- Graphviz through the diagrams package -------------------------------------------------

_ICON_PATH = re.compile(r"^diagrams(\.[a-z][a-z0-9_]*){2}\.[A-Z][A-Za-z0-9_]*$")


def icon_class(path: str | None) -> Any:
    """The diagrams Node class at `path`, or None. Only `diagrams.<provider>.<group>.<Class>`
    paths are imported: the path comes from (possibly user-supplied) KB data."""
    if not path or not _ICON_PATH.match(path):
        return None
    import diagrams

    module_name, _, name = path.rpartition(".")
    try:
        cls = getattr(importlib.import_module(module_name), name, None)
    except ImportError:
        return None
    is_icon = (
        isinstance(cls, type) and issubclass(cls, diagrams.Node) and getattr(cls, "_icon", None)
    )
    return cls if is_icon else None


def render_diagram(
    arch: ResolvedArchitecture,
    fmt: str,
    direction: str = "LR",
    title: str | None = None,
    needs: Sequence[str] | None = None,
) -> bytes:
    """The diagram of `arch` as `fmt` bytes (see FORMATS). Image formats need Graphviz."""
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

    if fmt == "png":
        graph.graph_attr["dpi"] = "144"  # sharp on slides; icons are 256 px
    try:
        data: bytes = graph.pipe(format=fmt, quiet=True)
    except (graphviz.ExecutableNotFound, graphviz.CalledProcessError) as exc:
        raise DiagramError(f"Graphviz failed to render {fmt}: {exc}") from None
    return embed_svg_images(data) if fmt == "svg" else data


def _dot_text(text: str) -> str:
    """Plain-text DOT labels keep escape sequences (`\\n`, `\\l`), so a literal backslash must
    be doubled or a label like `a\\` would end the quoted string early."""
    return text.replace("\\", "\\\\")


def graphviz_graph(model: DiagramModel, direction: str = "LR") -> Any:
    """A graphviz.Digraph built with diagrams' Diagram/Cluster/Node/Edge (stable node ids)."""
    from diagrams import Diagram, Edge, Node, setdiagram

    title = (
        f'<<FONT POINT-SIZE="20"><B>{html.escape(model.title)}</B></FONT><BR/>'
        f'<FONT POINT-SIZE="12" COLOR="#55606B">{html.escape(model.subtitle)}</FONT>>'
    )
    diagram = Diagram(
        name=_dot_text(model.title), filename="diagram", direction=direction, outformat="png", show=False,
        graph_attr={**GRAPH_ATTR, "label": title}, node_attr={"fontsize": "12"},
        edge_attr={"color": "#6B7785", "penwidth": "1.2"},
    )  # fmt: skip
    setdiagram(diagram)
    try:
        nodes: dict[str, Any] = {n.id: _graphviz_node(n, Node) for n in model.outside}
        _graphviz_cluster(model.root, nodes, Node, model.provider)
        side = support_nodes(model)
        for edge in model.edges:
            loose = {edge.source, edge.target} & set(side)
            extra = {"constraint": "false"} if loose else {}
            edge_style = Edge(forward=True, label=_dot_text(edge.label), **EDGE_ATTR, **extra)
            nodes[edge.source].connect(nodes[edge.target], edge_style)
        # Ops and security sit in strips of up to STRIP nodes, chained by invisible edges from
        # the entry point, so fan-out to them does not stack the picture into a tall column.
        outside = {n.id for n in model.outside}
        anchor = next((e.target for e in model.edges if e.source in outside), None)
        head = [anchor] if anchor and anchor not in side else []
        for start in range(0, len(side), STRIP):
            for first, second in itertools.pairwise(head + side[start : start + STRIP]):
                nodes[first].connect(nodes[second], Edge(style="invis"))
    finally:
        setdiagram(None)
    return diagram.dot


def support_nodes(model: DiagramModel) -> list[str]:
    """Ops/security nodes that only feed or receive the main flow (secrets, logs, registry…),
    not those on a path through it (a firewall between hub and network)."""
    side = [n.id for g in model.root.walk() if g.side for n in g.nodes]
    sources = {e.source for e in model.edges}
    targets = {e.target for e in model.edges}
    return [n for n in side if not (n in sources and n in targets)]


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
        src = html.escape(os.path.join(_icon_root(), icon._icon_dir, icon._icon))
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
        "penwidth": "1.5" if group.kind in ("provider", "network") else "1",
    }
    with Cluster(group.id, graph_attr=attrs):
        for node in group.nodes:
            nodes[node.id] = _graphviz_node(node, node_cls)
        for child in group.groups:
            _graphviz_cluster(child, nodes, node_cls, provider)


def _graphviz_node(node: DiagramNode, node_cls: Any) -> Any:
    text = textwrap.fill(_dot_text(node.label), 18, break_on_hyphens=False)
    if node.caption:
        caption = textwrap.fill(f"({_dot_text(node.caption)})", 20, break_on_hyphens=False)
        text += "\n" + caption
    cls = icon_class(node.icon)
    if cls is not None:
        return cls(text, nodeid=node.id)
    return node_cls(text, nodeid=node.id, **GENERIC_NODE)


def _icon_root() -> str:
    import diagrams

    return os.path.dirname(os.path.dirname(os.path.abspath(str(diagrams.__file__))))


def dot_source(graph: Any, model: DiagramModel) -> str:
    """DOT text without Graphviz: icon paths made relative to the diagrams install folder so
    the file is the same on every machine."""
    root = _icon_root() + os.sep
    source: str = graph.source.replace(root, "")
    header = (
        f"// {model.title} ({model.provider}): generated by archkb; deterministic.\n"
        "// Icons are relative to the folder that holds the `diagrams` package:\n"
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
