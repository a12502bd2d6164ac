"""Diagram layout model and the text formats (DOT, Mermaid, draw.io): structure, goldens."""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pydot
import pytest
from archkb.engine.kb import KnowledgeBase
from archkb.engine.needs import parse_needs
from archkb.engine.resolve import resolve_architecture
from archkb.engine.results import ResolvedArchitecture
from archkb.exports.diagram import FORMATS, NETWORK, diagram_model, render_diagram
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
    """Every component is a node, except a network no flow touches (it is the VPC cluster)."""
    touched = {r for f in arch.flows for r in (f.source, f.target)}
    return {c.role for c in arch.components if c.capability != NETWORK or c.role in touched}


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


def test_model_places_every_component_once(kb: KnowledgeBase, case: tuple[str, str]) -> None:
    arch = architecture(kb, *case)
    model = diagram_model(arch)
    ids = [n.id for n in model.nodes() if not n.id.startswith("_")]
    assert len(ids) == len(set(ids))
    assert set(ids) == expected_nodes(arch)
    network = [c for c in arch.components if c.capability == NETWORK]
    clusters = {g.component for g in model.root.walk() if g.component}
    assert clusters == {network[0].role} if network else not clusters
    known = {n.id for n in model.nodes()}
    assert all(e.source in known and e.target in known for e in model.edges)


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
def test_dot_matches_the_architecture(kb: KnowledgeBase, case: tuple[str, str]) -> None:
    arch = architecture(kb, *case)
    graph = dot_graph(render_diagram(arch, "dot").decode())
    nodes = dot_nodes(graph)
    assert set(nodes) - {"_users", "_onprem"} == expected_nodes(arch)
    edges = {
        (e.get_source().strip('"'), e.get_destination().strip('"'), e.get("label").strip('"'))
        for e in graph.get_edges()
        if e.get("style") != "invis"
    }
    flows = {(f.source, f.target, f.label) for f in arch.flows}
    assert flows <= edges
    assert {(s, t) for s, t, _ in edges - flows} <= {
        (s, t) for s, t, _ in edges if s in ("_users", "_onprem")
    }
    for comp in arch.components:
        if comp.role in nodes:  # a network no flow touches is the cluster, not a node
            image = nodes[comp.role].get("image")
            assert (image is not None) == bool(comp.diagrams), comp.role
            assert image is None or not image.strip('"').startswith("/")  # portable paths


def drawio_cells(text: str) -> list[ET.Element]:
    root = ET.fromstring(text)
    assert root.tag == "mxfile"
    return root.findall("./diagram/mxGraphModel/root/mxCell")


def test_drawio_matches_the_architecture(kb: KnowledgeBase, case: tuple[str, str]) -> None:
    arch = architecture(kb, *case)
    cells = drawio_cells(render_diagram(arch, "drawio").decode())
    ids = [c.get("id") for c in cells]
    assert len(ids) == len(set(ids))
    assert all(c.get("parent") in ids for c in cells if c.get("id") != "0")
    vertices = {c.get("id") for c in cells if c.get("vertex") == "1"}
    assert {f"n-{r}" for r in expected_nodes(arch)} <= vertices
    edges = {(c.get("source"), c.get("target"), c.get("value")) for c in cells if c.get("edge")}
    assert {(f"n-{f.source}", f"n-{f.target}", f.label) for f in arch.flows} <= edges
    groups = [c for c in cells if "container=1" in (c.get("style") or "")]
    assert any(c.get("id") == "g-provider" for c in groups)
    for cell in cells:
        geometry = cell.find("mxGeometry")
        if cell.get("vertex") == "1":
            assert geometry is not None and float(geometry.get("width", "0")) > 0


def test_drawio_uses_cloud_stencils(kb: KnowledgeBase) -> None:
    for provider, family in (
        ("aws", "mxgraph.aws4."),
        ("azure", "mxgraph.azure."),
        ("gcp", "mxgraph.gcp2."),
    ):
        text = render_diagram(architecture(kb, "three-tier-web-vms", provider), "drawio").decode()
        assert family in text


def test_mermaid_is_a_flowchart_with_subgraphs(kb: KnowledgeBase, case: tuple[str, str]) -> None:
    arch = architecture(kb, *case)
    text = render_diagram(arch, "mermaid", "TB").decode()
    lines = text.splitlines()
    assert lines[0] == "---" and "flowchart TB" in lines
    opened = sum(1 for line in lines if line.strip().startswith("subgraph "))
    assert opened >= 2 and opened == sum(1 for line in lines if line.strip() == "end")
    for role in expected_nodes(arch):
        assert re.search(rf"^\s+{mermaid_id(role)}\[", text, re.M), role
    for flow in arch.flows:
        assert f'{mermaid_id(flow.source)} -->|"{flow.label}"| {mermaid_id(flow.target)}' in text


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
