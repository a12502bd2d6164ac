"""Diagram layout model and the text formats (DOT, Mermaid, draw.io): structure, goldens."""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pydot
import pytest
from archkb.engine.kb import KnowledgeBase
from archkb.engine.needs import parse_needs
from archkb.engine.resolve import resolve_architecture
from archkb.engine.results import ResolvedArchitecture
from archkb.exports.diagram import (
    FORMATS,
    SECONDARY,
    DiagramModel,
    DiagramNode,
    diagram_model,
    render_diagram,
)
from archkb.exports.iconset import icon_file
from archkb.exports.mermaid import mermaid_id

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "diagram"
GOLDEN_CASES = [("serverless-rest-api", "aws"), ("three-tier-web-vms", "azure")]
DOT_CASES = [
    *GOLDEN_CASES,
    ("hybrid-connectivity", "gcp"),  # flows through the network itself, on-premises node
    ("serverless-containers-web-app", "gcp"),  # a role named `edge` (a DOT keyword)
    ("static-website-cdn", "azure"),  # no network: edge services and a bare region
]
"""pydot parses ~1 s per graph, so the DOT parse runs on these; the model test covers all."""
TEXT_EXTENSIONS = {"dot": "dot", "mermaid": "mmd", "drawio": "drawio"}
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:pydot.dot_parser")
UPDATE = os.environ.get("ARCHKB_UPDATE_GOLDEN") == "1"
"""Regenerate the golden files after a deliberate change: ARCHKB_UPDATE_GOLDEN=1 pytest …"""


def architecture(
    kb: KnowledgeBase, blueprint: str, provider: str, needs: str = "eu"
) -> ResolvedArchitecture:
    arch = resolve_architecture(kb, kb.blueprints[blueprint], provider, parse_needs(kb, needs))
    if not isinstance(arch, ResolvedArchitecture):
        pytest.skip(f"not resolvable in the KB: {arch.reason}")
    return arch


def expected_nodes(arch: ResolvedArchitecture) -> set[str]:
    """Every component is on a node, except a network no flow touches (it is the VPC
    cluster); roles on the same service in the same place share one node."""
    touched = {r for f in arch.flows for r in (f.source, f.target)}
    return {c.role for c in arch.components if not c.network or c.role in touched}


def placements(model: DiagramModel) -> Counter[str]:
    """How often each component role is drawn (a node may stand for several roles)."""
    return Counter(r for n in model.nodes() if not n.context for r in n.roles)


def drawn_flows(model: DiagramModel, secondary: bool = False) -> Counter[tuple[str, str, str]]:
    """Blueprint flows drawn by the model's edges (in the primary region unless asked)."""
    return Counter(
        f for e in model.edges if (SECONDARY in e.source + e.target) == secondary for f in e.flows
    )


REPO = Path(__file__).resolve().parent.parent.parent
CASES = [
    (path.stem, provider)
    for path in sorted((REPO / "kb" / "blueprints").glob("*.yaml"))  # file name = blueprint id
    for provider in ("aws", "azure", "gcp")
]


@pytest.fixture(params=CASES, ids=[f"{b}-{p}" for b, p in CASES])
def case(request: pytest.FixtureRequest) -> tuple[str, str]:
    """Every built-in blueprint on every provider."""
    return request.param


def test_model_draws_every_component_and_flow_once(
    kb: KnowledgeBase, case: tuple[str, str]
) -> None:
    arch = architecture(kb, *case)
    model = diagram_model(arch)
    ids = [n.id for n in model.nodes()]
    assert len(ids) == len(set(ids))
    assert placements(model) == Counter(expected_nodes(arch))
    network = [c for c in arch.components if c.network]
    clusters = {g.component for g in model.root.walk() if g.component}
    assert clusters == {network[0].role} if network else not clusters
    assert drawn_flows(model) == Counter((f.source, f.target, f.label) for f in arch.flows)
    known, groups = set(ids), {g.id for g in model.root.walk()}
    for edge in model.edges:
        assert edge.source in known
        assert edge.target in (groups if edge.kind == "telemetry" else known)
    services = [(n.label, n.region, g) for g, nodes in groups_of(model) for n in nodes]
    assert len(services) == len(set(services))  # one node per service instance


def groups_of(model: DiagramModel) -> list[tuple[str, tuple[DiagramNode, ...]]]:
    return [(g.id, g.nodes) for g in model.root.walk()]


@pytest.mark.parametrize("provider", ["aws", "azure", "gcp"])
@pytest.mark.parametrize("blueprint", ["dr-warm-standby", "multi-region-active-active"])
def test_two_regions_draw_two_stacks_joined_by_replication(
    kb: KnowledgeBase, blueprint: str, provider: str
) -> None:
    arch = architecture(kb, blueprint, provider, "eu,dr")
    model = diagram_model(arch)
    regions = [g for g in model.root.groups if g.kind == "region"]
    assert [g.id for g in regions] == ["region", f"region{SECONDARY}"]
    primary, secondary = arch.regions
    assert primary.code in regions[0].label and "primary" in regions[0].label
    assert secondary.code in regions[1].label and "secondary" in regions[1].label
    first = {n.id for n in regions[0].walk_nodes()}
    second = {n.id for n in regions[1].walk_nodes()}
    assert second == {f"{n}{SECONDARY}" for n in first}  # the same stack, once more
    replicated = {(e.source, e.target, e.label) for e in model.edges if e.kind == "replication"}
    db = next(c for c in arch.components if c.role == "db")
    if db.scope == "regional":
        assert ("db", f"db{SECONDARY}", "database replica") in replicated
    assert all(s in first and t == s + SECONDARY for s, t, _ in replicated)
    failover = [e for e in model.edges if e.kind == "failover"]
    assert failover and all(e.target in second for e in failover)
    assert drawn_flows(model)  # the secondary copies come on top of the primary's flows
    assert any("replication" in note for note in model.notes)


def test_single_region_has_no_secondary_stack(kb: KnowledgeBase) -> None:
    model = diagram_model(architecture(kb, "dr-warm-standby", "aws", "eu"))
    assert not any(SECONDARY in n.id for n in model.nodes())
    assert not any(e.kind in ("replication", "failover") for e in model.edges)


def test_zone_redundancy_is_marked_when_highly_available(kb: KnowledgeBase) -> None:
    plain = diagram_model(architecture(kb, "three-tier-web-vms", "aws", "eu"))
    assert not any(n.zone_redundant for n in plain.nodes())
    ha = diagram_model(architecture(kb, "three-tier-web-vms", "aws", "eu,ha"))
    zoned = {n.id for n in ha.nodes() if n.zone_redundant}
    assert {"lb", "web", "db", "cache"} <= zoned
    assert not zoned & {"secrets", "logs", "_users"}
    assert (
        "zone-redundant"
        in render_diagram(
            architecture(kb, "three-tier-web-vms", "aws", "eu,ha"), "mermaid"
        ).decode()
    )


def test_request_path_is_numbered_with_a_legend(kb: KnowledgeBase) -> None:
    model = diagram_model(architecture(kb, "serverless-rest-api", "aws", "serverless,eu"))
    steps = sorted((e for e in model.edges if e.step), key=lambda e: e.step or 0)
    assert [e.step for e in steps] == [1, 2, 3]
    assert [(e.source, e.target) for e in steps] == [
        ("_users", "api"),
        ("api", "handler"),
        ("handler", "table"),
    ]
    assert model.legend[0] == "Users → Amazon API Gateway: HTTPS"
    assert len(model.legend) == 3


def test_pipelines_get_producers(kb: KnowledgeBase) -> None:
    model = diagram_model(architecture(kb, "streaming-analytics", "gcp"))
    assert "_producers" in {n.id for n in model.outside}
    first = next(e for e in model.edges if e.step == 1)
    assert (first.source, first.target) == ("_producers", "ingest")


def test_roles_on_one_service_share_a_node(kb: KnowledgeBase) -> None:
    model = diagram_model(architecture(kb, "data-warehouse-elt", "azure"))
    vault = [n for n in model.nodes() if n.label == "Azure Key Vault"]
    assert len(vault) == 1 and set(vault[0].roles) == {"keys", "secrets"}
    assert "Source credentials" in vault[0].caption


def test_telemetry_is_one_grouped_edge_per_operations_cluster(kb: KnowledgeBase) -> None:
    arch = architecture(kb, "microservices-on-kubernetes", "aws")
    model = diagram_model(arch)
    grouped = [e for e in model.edges if e.kind == "telemetry"]
    assert len(grouped) == 1 and grouped[0].target == "ops"
    assert {f[1] for f in grouped[0].flows} == {"metrics", "logs", "tracing"}
    assert not any(e.kind != "telemetry" and e.target in ("metrics", "logs") for e in model.edges)


def test_every_node_has_a_real_icon(kb: KnowledgeBase, case: tuple[str, str]) -> None:
    """With two regions where the blueprint has a second European region; App Engine and
    Cloud Scheduler are missing from GCP's standby region (europe-west4), and the engine
    does not yet look for another one, so those blueprints are drawn with one region."""
    blueprint, provider = case
    needs = parse_needs(kb, "eu,dr")
    arch = resolve_architecture(kb, kb.blueprints[blueprint], provider, needs)
    if not isinstance(arch, ResolvedArchitecture):
        arch = architecture(kb, blueprint, provider, "eu")
    model = diagram_model(arch)
    for node in model.nodes():
        path, _ = icon_file(node.icon, node.category)
        assert path.is_file() and path.name != "generic.png", node.id


def test_tiers_land_in_their_clusters(kb: KnowledgeBase) -> None:
    model = diagram_model(architecture(kb, "three-tier-web-vms", "aws"))
    where = {n.id: g.id for g in model.root.walk() for n in g.nodes}
    assert where["lb"] == "public"  # load balancer in the public subnet
    assert where["web"] == "app" and where["db"] == "data"
    assert where["secrets"] == "security" and where["logs"] == "ops"
    path = [g.id for g in model.root.walk()]
    assert path[:6] == ["provider", "region", "network", "public", "private", "app"]
    static = diagram_model(architecture(kb, "static-website-cdn", "gcp"))
    edge = next(g for g in static.root.walk() if g.id == "edge")
    assert {n.id for n in edge.nodes} == {"dns", "cdn", "waf"}  # global services, no network
    assert [n.id for n in static.outside] == ["_users"]


def test_title_names_blueprint_needs_and_region(kb: KnowledgeBase) -> None:
    model = diagram_model(architecture(kb, "serverless-rest-api", "gcp", "serverless,eu"))
    assert model.title == "Serverless REST API on Google Cloud"
    assert "serverless-rest-api" in model.subtitle and "serverless, eu" in model.subtitle
    assert "europe-west1" in model.subtitle


def dot_graph(text: str) -> pydot.Dot:
    graphs = pydot.graph_from_dot_data(text)
    assert graphs and len(graphs) == 1
    return graphs[0]


def dot_nodes(graph: pydot.Graph) -> dict[str, pydot.Node]:
    """Node statements by id, in every subgraph (not the `node [...]` defaults; a role called
    `edge` is quoted, so it is kept)."""
    found = {
        n.get_name().strip('"'): n
        for n in graph.get_nodes()
        if n.get_name() not in ("graph", "node", "edge")
    }
    for sub in graph.get_subgraphs():
        found.update(dot_nodes(sub))
    return found


@pytest.mark.parametrize("case", DOT_CASES, ids=[f"{b}-{p}" for b, p in DOT_CASES])
def test_dot_draws_every_component_and_flow_once(kb: KnowledgeBase, case: tuple[str, str]) -> None:
    arch = architecture(kb, *case)
    model = diagram_model(arch)
    graph = dot_graph(render_diagram(arch, "dot").decode())
    nodes = dot_nodes(graph)
    assert set(nodes) == {n.id for n in model.nodes()}
    edges = [e for e in dot_edges(graph) if e.get("style") != "invis"]
    assert len(edges) == len(model.edges)  # one DOT edge per model edge, none twice
    comments = Counter(
        part for e in edges for part in (e.get("comment") or "").strip('"').split("; ") if part
    )
    assert comments == Counter(f"{f.source}>{f.target}" for f in arch.flows)  # each flow once
    for name, node in nodes.items():
        image = (node.get("image") or "").strip('"')
        assert image.endswith(".png"), name  # every node has an icon
        assert not image.startswith("/")  # portable paths


def dot_edges(graph: pydot.Graph) -> list[pydot.Edge]:
    found = list(graph.get_edges())
    for sub in graph.get_subgraphs():
        found += dot_edges(sub)
    return found


def drawio_cells(text: str) -> list[ET.Element]:
    root = ET.fromstring(text)
    assert root.tag == "mxfile"
    return root.findall("./diagram/mxGraphModel/root/mxCell")


def test_drawio_draws_every_component_and_flow_once(
    kb: KnowledgeBase, case: tuple[str, str]
) -> None:
    arch = architecture(kb, *case)
    model = diagram_model(arch)
    cells = drawio_cells(render_diagram(arch, "drawio").decode())
    ids = [c.get("id") for c in cells]
    assert len(ids) == len(set(ids))
    assert all(c.get("parent") in ids for c in cells if c.get("id") != "0")
    shapes = {c.get("id"): c for c in cells if (c.get("id") or "").startswith("n-")}
    assert set(shapes) == {f"n-{n.id}" for n in model.nodes()}
    for cell in shapes.values():  # the same icons as the PNG, embedded
        assert "shape=image;" in (cell.get("style") or "")
        assert "image=data:image/png," in (cell.get("style") or "")
    edges = {c.get("id"): c for c in cells if c.get("edge") == "1"}
    assert set(edges) == {f"e-{e.kind}-{e.source}-{e.target}" for e in model.edges}
    for cell in edges.values():
        assert cell.get("source") in ids and cell.get("target") in ids
    groups = [c for c in cells if "container=1" in (c.get("style") or "")]
    assert any(c.get("id") == "g-provider" for c in groups)
    for cell in cells:
        geometry = cell.find("mxGeometry")
        if cell.get("vertex") == "1":
            assert geometry is not None and float(geometry.get("width", "0")) > 0


def test_drawio_ids_are_stable_across_architectures(kb: KnowledgeBase) -> None:
    """Cell ids come from roles, not positions: adding a control keeps the others' ids."""
    plain = render_diagram(architecture(kb, "serverless-rest-api", "aws", "eu"), "drawio")
    more = render_diagram(architecture(kb, "serverless-rest-api", "aws", "eu,encryption"), "drawio")
    before = {c.get("id") for c in drawio_cells(plain.decode())}
    assert before <= {c.get("id") for c in drawio_cells(more.decode())}


def test_mermaid_is_a_flowchart_with_subgraphs(kb: KnowledgeBase, case: tuple[str, str]) -> None:
    arch = architecture(kb, *case)
    text = render_diagram(arch, "mermaid", "TB").decode()
    lines = text.splitlines()
    assert lines[0] == "---" and "flowchart TB" in lines
    opened = sum(1 for line in lines if line.strip().startswith("subgraph "))
    assert opened >= 2 and opened == sum(1 for line in lines if line.strip() == "end")
    model = diagram_model(arch)
    for node in model.nodes():
        assert len(re.findall(rf"^\s+{mermaid_id(node.id)}[\[(]", text, re.M)) == 1, node.id
    arrows = [line for line in lines if re.search(r"(-->|==>|-\.->)\|", line)]
    assert len(arrows) == len(model.edges)


def test_mermaid_ids_never_collide_or_close_subgraphs() -> None:
    assert mermaid_id("end") == "n_end" and mermaid_id("hot-store") == "n_hot_store"
    assert mermaid_id("_users") != mermaid_id("users")


@pytest.mark.parametrize("fmt", ["dot", "mermaid", "drawio"])
@pytest.mark.parametrize(("blueprint", "provider"), GOLDEN_CASES)
def test_text_formats_match_golden_files(
    kb: KnowledgeBase, blueprint: str, provider: str, fmt: str
) -> None:
    arch = architecture(
        kb, blueprint, provider, "serverless,eu" if "serverless" in blueprint else "eu"
    )
    first = render_diagram(arch, fmt)
    assert first == render_diagram(arch, fmt)  # deterministic
    golden = GOLDEN / f"{blueprint}-{provider}.{TEXT_EXTENSIONS[fmt]}"
    if UPDATE:
        golden.write_bytes(first)
    assert golden.exists(), f"missing {golden}; run with ARCHKB_UPDATE_GOLDEN=1"
    assert first.decode() == golden.read_text(), (
        f"{golden.name} differs; see the docstring of UPDATE"
    )


def test_text_formats_do_not_need_graphviz(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    arch = architecture(kb, "serverless-rest-api", "gcp")
    for fmt in ("dot", "mermaid", "drawio"):
        assert render_diagram(arch, fmt)


def test_cli_format_list_matches_the_exporter() -> None:
    from archkb.cli.export_diagram import FORMATS as CLI_FORMATS

    assert CLI_FORMATS == FORMATS
