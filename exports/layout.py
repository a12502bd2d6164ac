"""The diagram model every renderer draws: what goes where, from a ResolvedArchitecture.

Provider → edge & global services → one region box per chosen region (network → subnets →
tiers, ops/security beside them) → global services. A design with a secondary region gets a
second stack of its regional components, joined to the first by replication edges labelled with
their mechanism (database replica, DNS failover …). One node per service instance: roles that
resolve to the same service in the same place share a node and its label. Flows to telemetry
sinks fold into one grouped edge per region to the operations cluster. The main request path is
numbered. Node ids are component roles (`db`; `db@secondary` in the second region), so output is
deterministic and stable across runs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace

from archkb.engine.results import ResolvedArchitecture, ResolvedComponent

USERS, ONPREM, PRODUCERS = "_users", "_onprem", "_producers"
"""Context nodes drawn outside the cloud; `_` keeps them apart from role ids (slugs)."""
SECONDARY = "@secondary"
"""Suffix of node and group ids in the secondary region's stack."""
SIDE_TIERS = ("security", "ops")
# fmt: off
TIER_NAMES = {"edge": "Edge & global", "web": "Web tier", "app": "App tier", "data": "Data tier",
              "integration": "Integration", "network": "Networking", "security": "Security",
              "ops": "Operations", "public": "Public subnet", "private": "Private subnet",
              "global": "Global services"}
# fmt: on
EDGE_KINDS = ("flow", "entry", "replication", "failover", "telemetry")


@dataclass(frozen=True)
class DiagramNode:
    id: str
    label: str
    caption: str = ""
    """What the component does here (its roles' labels) when that differs from the service."""
    icon: str | None = None
    """The `diagrams` class path (e.g. diagrams.aws.compute.Lambda), None when it has none."""
    capability: str = ""
    """The first role's capability (empty for users, on-premises and producers)."""
    category: str = ""
    """The capability category: picks our own icon when `diagrams` has none."""
    roles: tuple[str, ...] = ()
    """The components this node stands for (several roles on one service instance)."""
    zone_redundant: bool = False
    region: str = ""
    """`primary`, `secondary`, or empty for global and context nodes."""
    context: bool = False
    """Drawn outside the cloud: users, on-premises, producers."""


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

    def walk_nodes(self) -> Iterator[DiagramNode]:
        for group in self.walk():
            yield from group.nodes


@dataclass(frozen=True)
class DiagramEdge:
    source: str
    target: str
    label: str
    kind: str = "flow"
    """One of EDGE_KINDS. `telemetry` ends at a group (`target` is the ops group's id)."""
    step: int | None = None
    """Position on the numbered main request path."""
    flows: tuple[tuple[str, str, str], ...] = ()
    """The blueprint flows (source role, target role, label) this edge draws."""
    reverse: bool = False
    """Telemetry: some grouped flows run from the sink back to the workload (health checks)."""
    tail: str | None = None
    """Telemetry: the group the edge leaves from (it stands for all of its sources)."""

    @property
    def key(self) -> str:
        """A stable id for the edge, derived from its ends (for draw.io cell ids)."""
        return f"{self.kind}:{self.source}>{self.target}"


@dataclass(frozen=True)
class DiagramModel:
    title: str
    subtitle: str
    provider: str
    outside: tuple[DiagramNode, ...]
    root: DiagramGroup
    edges: tuple[DiagramEdge, ...]
    legend: tuple[str, ...] = ()
    """Numbered steps, in order ("Users → Amazon API Gateway: HTTPS")."""
    notes: tuple[str, ...] = field(default=())
    """Key lines for the legend (replication, zones, telemetry) that apply to this picture."""

    def nodes(self) -> list[DiagramNode]:
        """Every node, context nodes first, then in group order."""
        return [*self.outside, *(n for g in self.root.walk() for n in g.nodes)]

    def group_of(self) -> dict[str, DiagramGroup]:
        return {n.id: g for g in self.root.walk() for n in g.nodes}


def diagram_model(
    arch: ResolvedArchitecture, title: str | None = None, needs: Sequence[str] | None = None
) -> DiagramModel:
    """Place every component of `arch`, keep its flows as edges, number the request path."""
    network = next((c for c in arch.components if c.network), None)
    in_flows = {r for f in arch.flows for r in (f.source, f.target)}
    as_cluster = network.role if network and network.role not in in_flows else None
    inside = ("network", "public", "app", "data")
    if as_cluster and not any(
        c.placement in inside for c in arch.components if c.role != as_cluster
    ):
        as_cluster = None  # an empty network cluster would vanish: draw the network as a node
    two = len(arch.regions) > 1
    shared = {
        c.role for c in arch.components if two and c.scope == "global" and c.role != as_cluster
    }
    nodes, alias = _merge(arch, as_cluster, shared)
    placed: dict[str, list[DiagramNode]] = {}
    for key, node in nodes:
        placed.setdefault(key, []).append(node)
    regions = [_region(arch, placed, network, as_cluster, "")]
    if two:
        regions.append(_region(arch, placed, network, as_cluster, SECONDARY))
    glob = _tiers("global", "global", placed, "", label=TIER_NAMES["global"])
    root = DiagramGroup(
        "provider",
        arch.provider_name,
        "provider",
        groups=tuple(g for g in (_group("edge", "edge", placed), *regions, glob) if g),
    )
    outside, entry = _context(arch, alias)
    regional = {n.id for g in root.walk() for n in g.nodes if n.region}
    edges = _edges(arch, alias, entry, regional, two, root)
    edges, legend = _number(edges, {n.id: n for n in (*outside, *_all(root))}, root)
    wanted = needs if needs is not None else arch.needs
    where = " · ".join(f"{r.code} ({r.city})" for r in arch.regions)
    return DiagramModel(
        title=title or f"{arch.blueprint_name} on {arch.provider_name}",
        subtitle=f"blueprint {arch.blueprint} · needs: {', '.join(wanted) or 'none'} · {where}",
        provider=arch.provider,
        outside=outside,
        root=root,
        edges=tuple(edges),
        legend=tuple(legend),
        notes=tuple(_notes(edges, root)),
    )


def _all(root: DiagramGroup) -> list[DiagramNode]:
    return [n for g in root.walk() for n in g.nodes]


def _merge(
    arch: ResolvedArchitecture, as_cluster: str | None, shared: set[str]
) -> tuple[list[tuple[str, DiagramNode]], dict[str, str]]:
    """One node per (service, place): (placement key, node) in component order, and
    role → node id. Global services of a two-region design go to the `global` group."""
    by_place: dict[tuple[str, str], list[ResolvedComponent]] = {}
    for comp in arch.components:
        if comp.role == as_cluster:
            continue  # drawn as the network cluster itself
        key = comp.placement
        if comp.role in shared and key != "edge":
            key = f"global:{key}"
        by_place.setdefault((key, comp.service), []).append(comp)
    nodes: list[tuple[str, DiagramNode]] = []
    alias: dict[str, str] = {}
    for (key, _), comps in by_place.items():
        first = comps[0]
        captions = [c.label for c in comps if c.label != c.service_name]
        if any(c.control for c in comps):
            captions.append("control" if captions else "added control")
        caption = " · ".join(dict.fromkeys(captions))
        scope = "" if key == "edge" or key.startswith("global:") else "primary"
        node = DiagramNode(
            first.role,
            first.service_name,
            caption,
            first.diagrams,
            first.capability,
            first.category,
            tuple(c.role for c in comps),
            any(c.zone_redundant for c in comps),
            scope,
        )
        nodes.append((key, node))
        alias.update({c.role: first.role for c in comps})
    return nodes, alias


def _group(
    key: str,
    kind: str,
    placed: dict[str, list[DiagramNode]],
    suffix: str = "",
    *children: DiagramGroup | None,
    label: str | None = None,
    **extra: str | None,
) -> DiagramGroup | None:
    nodes = tuple(_in_region(n, suffix) for n in placed.get(key.split("@")[0], ()))
    groups = tuple(g for g in children if g)
    if not nodes and not groups:
        return None
    name = label or TIER_NAMES.get(key.split(":")[-1], key)
    return DiagramGroup(key.replace(":", "-") + suffix, name, kind, nodes, groups, **extra)


def _in_region(node: DiagramNode, suffix: str) -> DiagramNode:
    if not suffix or not node.region:
        return node
    return replace(node, id=node.id + suffix, region="secondary")


def _tiers(
    prefix: str, kind: str, placed: dict[str, list[DiagramNode]], suffix: str, label: str
) -> DiagramGroup | None:
    """The global services of a two-region design, by tier."""
    tiers = ("web", "app", "data", "integration", "network", "security", "ops")
    children = [_group(f"{prefix}:{t}", t, placed, suffix) for t in tiers]
    return _group(prefix, kind, {}, suffix, *children, label=label)


def _region(
    arch: ResolvedArchitecture,
    placed: dict[str, list[DiagramNode]],
    network: ResolvedComponent | None,
    as_cluster: str | None,
    suffix: str,
) -> DiagramGroup:
    vpc = network and _group(
        "network",
        "network",
        placed,
        suffix,
        _group("public", "public", placed, suffix),
        _group(
            "private",
            "private",
            placed,
            suffix,
            _group("app", "app", placed, suffix),
            _group("data", "data", placed, suffix),
        ),
        label=network.service_name,
        icon=network.diagrams,
        component=network.role + suffix,
    )
    tiers = ("web", "app", "data", "integration", "security", "ops")
    children = [vpc] if vpc else [_group("network", "network", placed, suffix)]
    children += [_group(t, t, placed, suffix) for t in tiers if not (vpc and t in ("app", "data"))]
    region = arch.regions[1 if suffix else 0]
    label = f"Region {region.code} · {region.name}"
    if len(arch.regions) > 1:
        label += f" · {region.role}"
    group = _group("region", "region", {}, suffix, *children, label=label)
    return group or DiagramGroup("region" + suffix, label, "region")


def _context(
    arch: ResolvedArchitecture, alias: dict[str, str]
) -> tuple[tuple[DiagramNode, ...], list[DiagramEdge]]:
    """Users in front of the entry points (edge tier, else web tier), on-premises in front of
    hybrid links, producers in front of a pipeline's first stage: without them a reviewer
    cannot see where traffic comes from."""
    comps = [c for c in arch.components if not c.network]  # a VPC is no entry point
    hybrid = [c for c in comps if c.hybrid]
    entry = [c for c in comps if c.entry]
    targets = {f.target for f in arch.flows}
    fed = {c.role for c in entry + hybrid}
    # a pipeline's first stage (stream, queue, ETL) has no incoming flow: producers feed it
    roots = [
        c
        for c in comps
        if c.role not in targets | fed and c.tier in ("integration", "app") and not hybrid
    ]
    nodes: list[DiagramNode] = []
    edges: list[DiagramEdge] = []
    for node_id, label, icon, found in (
        (USERS, "Users", "diagrams.onprem.client.Users", entry),
        (ONPREM, "On-premises", "diagrams.generic.place.Datacenter", hybrid),
        (PRODUCERS, "Producers", "diagrams.onprem.client.Client", roots),
    ):
        if not found:
            continue
        nodes.append(DiagramNode(node_id, label, "", icon, context=True))
        seen: set[str] = set()
        for c in found:
            target = alias.get(c.role, c.role)
            if target in seen:
                continue
            seen.add(target)
            text = c.reached_over
            if node_id == PRODUCERS:
                text = "events" if c.data_store else "requests"
            edges.append(DiagramEdge(node_id, target, text, "entry"))
    return tuple(nodes), edges


def _edges(
    arch: ResolvedArchitecture,
    alias: dict[str, str],
    entry: list[DiagramEdge],
    regional: set[str],
    two: bool,
    root: DiagramGroup,
) -> list[DiagramEdge]:
    """Flows mapped onto nodes (merged roles, parallel flows joined), the secondary region's
    copies, replication/failover edges and one telemetry edge per region."""
    comps = {c.role: c for c in arch.components}
    sink = {alias.get(c.role, c.role) for c in arch.components if c.telemetry}
    suffixes = ["", SECONDARY] if two else [""]
    joined: dict[tuple[str, str, str], list[tuple[tuple[str, str, str], str]]] = {}
    parents = _parents(root)
    telemetry: dict[tuple[str, str], list[tuple[str, str, bool, tuple[str, str, str]]]] = {}
    for flow in arch.flows:
        src, dst = alias.get(flow.source, flow.source), alias.get(flow.target, flow.target)
        original = (flow.source, flow.target, flow.label)
        if (src in sink) != (dst in sink):  # a workload reporting to (or probed by) a sink
            work, sunk = (src, dst) if dst in sink else (dst, src)
            for suffix in suffixes:
                if suffix and work not in regional:
                    continue
                ops = parents[_at(sunk, suffix, regional)]
                telemetry.setdefault((suffix, ops), []).append(
                    (_at(work, suffix, regional), flow.label, src in sink, original)
                )
            continue
        for suffix in suffixes:
            a, b = _at(src, suffix, regional), _at(dst, suffix, regional)
            if suffix and a == src and b == dst:
                continue  # global to global: drawn once
            kind, label = "flow", flow.label
            mechanism = comps[flow.source].replication
            if suffix and a == src and mechanism:
                kind, label = "failover", f"{flow.label} ({mechanism})"
            joined.setdefault((a, b, kind), []).append((original, label))
    edges = list(entry)
    if two:
        edges += [
            replace(e, target=e.target + SECONDARY, label=f"{e.label} (failover)", kind="failover")
            for e in entry
            if e.target in regional
        ]
    for (a, b, kind), flows in joined.items():
        label = " / ".join(dict.fromkeys(f[1] for f in flows))
        edges.append(DiagramEdge(a, b, label, kind, flows=tuple(f[0] for f in flows)))
    if two:
        edges += _replication(arch, alias, regional)
    for (_, ops), items in telemetry.items():
        edges.append(
            DiagramEdge(
                items[0][0],
                ops,
                " · ".join(dict.fromkeys(i[1] for i in items)),
                "telemetry",
                flows=tuple(i[3] for i in items),
                reverse=any(i[2] for i in items),
                tail=_common_group([i[0] for i in items], ops, parents),
            )
        )
    return edges


def _parents(root: DiagramGroup) -> dict[str, str]:
    """Node id, or `/` + group id (the two may be equal: role `app`, tier `app`) → id of the
    group holding it."""
    found: dict[str, str] = {}
    for group in root.walk():
        found.update({n.id: group.id for n in group.nodes})
        found.update({f"/{g.id}": group.id for g in group.groups})
    return found


def _common_group(members: list[str], target: str, parents: dict[str, str]) -> str | None:
    """The innermost group holding every member but not `target`: the grouped edge's tail."""

    def chain(item: str) -> list[str]:
        out = []
        while item in parents:
            out.append(parents[item])
            item = f"/{parents[item]}"
        return out

    if len(set(members)) < 2:
        return None
    shared = set.intersection(*(set(chain(m)) for m in members)) - set(chain(f"/{target}"))
    return next((g for g in chain(members[0]) if g in shared), None)


def _at(node: str, suffix: str, regional: set[str]) -> str:
    return node + suffix if suffix and node in regional else node


def _replication(
    arch: ResolvedArchitecture, alias: dict[str, str], regional: set[str]
) -> list[DiagramEdge]:
    """Primary → secondary for every regional store with a replication mechanism."""
    edges: list[DiagramEdge] = []
    seen: set[str] = set()
    for comp in arch.components:
        node = alias.get(comp.role)
        if not node or node in seen or node not in regional or not comp.replication:
            continue
        seen.add(node)
        edges.append(DiagramEdge(node, node + SECONDARY, comp.replication, "replication"))
    return edges


def _number(
    edges: list[DiagramEdge], nodes: dict[str, DiagramNode], root: DiagramGroup
) -> tuple[list[DiagramEdge], list[str]]:
    """Number the main request path: from a context node along the longest chain of flows
    through the primary region, leaving out support nodes (secrets, logs) and telemetry."""
    support = set(support_nodes_of(root, edges))
    usable = [
        e
        for e in edges
        if e.kind in ("flow", "entry") and e.target not in support and e.source != e.target
    ]
    best: list[DiagramEdge] = []

    def walk(at: str, path: list[DiagramEdge], seen: set[str]) -> None:
        nonlocal best
        if len(path) > len(best):
            best = list(path)
        for edge in usable:
            if edge.source == at and edge.target not in seen:
                walk(edge.target, [*path, edge], seen | {edge.target})

    for start in (n.id for n in nodes.values() if n.context):
        walk(start, [], {start})
    steps = {id(e): i for i, e in enumerate(best, 1)}
    legend = [
        f"{nodes[e.source].label} → {nodes[e.target].label}: {e.label}"
        for e in best
        if e.source in nodes and e.target in nodes
    ]
    return [replace(e, step=steps[id(e)]) if id(e) in steps else e for e in edges], legend


def support_nodes_of(root: DiagramGroup, edges: Sequence[DiagramEdge]) -> list[str]:
    """Ops/security nodes that only feed or receive the main flow (secrets, logs, registry…),
    not those on a path through it (a firewall between hub and network)."""
    side = [n.id for g in root.walk() if g.side for n in g.nodes]
    sources = {e.source for e in edges}
    targets = {e.target for e in edges}
    return [n for n in side if not (n in sources and n in targets)]


def _notes(edges: Sequence[DiagramEdge], root: DiagramGroup) -> list[str]:
    kinds = {e.kind for e in edges}
    notes = []
    if "replication" in kinds or "failover" in kinds:
        notes.append("dashed: replication and failover to the secondary region")
    if any(n.zone_redundant for n in _all(root)):
        notes.append("zone-redundant: deployed across the region's availability zones")
    if "telemetry" in kinds:
        notes.append("dotted: telemetry (logs, metrics, traces) to Operations")
    return notes
