"""Property tests for the exporters: random valid resolved architectures → parseable output.

Architectures are drawn from real KB services (any capability, any tier, random roles, labels
with awkward characters and random flows), so every exporter sees shapes no blueprint has.
"""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import diagrams
import hcl2
from archkb.engine.results import (
    RegionChoice,
    ResolvedArchitecture,
    ResolvedComponent,
    ResolvedFlow,
)
from archkb.engine.topology import placement_facts
from archkb.exports.diagram import render_diagram
from archkb.exports.iac.render import ExportMeta, render_tool
from archkb.exports.layout import diagram_model
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.builtin_kb import builtin_kb

KB = builtin_kb()
ICON_ROOT = Path(diagrams.__file__).resolve().parent.parent
"""DOT names the `diagrams` package's icons by paths relative to its installation."""
TIERS = ["edge", "web", "app", "data", "integration", "network", "security", "ops"]
ROLE = st.from_regex(r"[a-z][a-z0-9-]{0,12}", fullmatch=True)
LABEL = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=24
)
META = ExportMeta("0.0-fuzz", "0" * 64, ("fuzz",), "fuzz")


@st.composite
def architectures(draw: st.DrawFn) -> ResolvedArchitecture:
    provider = draw(st.sampled_from(sorted(KB.providers)))
    services = sorted(
        (s for s in KB.services.values() if s.provider == provider), key=lambda s: s.id
    )
    roles = draw(st.lists(ROLE, min_size=1, max_size=8, unique=True))
    components = []
    for role in roles:
        service = draw(st.sampled_from(services))
        components.append(
            ResolvedComponent(
                role=role,
                capability=service.capability,
                capability_name=KB.capabilities[service.capability].name,
                tier=draw(st.sampled_from(TIERS)),
                label=draw(LABEL),
                service=service.id,
                service_name=service.name,
                fit=service.fit.value,
                caveat=service.caveat,
                diagrams=service.diagrams,
                terraform=list(service.iac.terraform),
                cloudformation=list(service.iac.cloudformation),
            )
        )
    facts = placement_facts([(c.role, KB.capabilities[c.capability], c.tier) for c in components])
    components = [replace(c, **facts[c.role]) for c in components]
    flows = draw(
        st.lists(st.tuples(st.sampled_from(roles), st.sampled_from(roles), LABEL), max_size=10)
    )
    regions = KB.regions_by_provider[provider]
    region = draw(st.sampled_from(regions))
    return ResolvedArchitecture(
        blueprint="fuzzed",
        blueprint_name=draw(LABEL),
        provider=provider,
        provider_name=KB.providers[provider].name,
        jurisdiction=region.jurisdictions[0],
        regions=[
            RegionChoice(
                code=region.code,
                name=region.name,
                city=region.city,
                country=region.country,
                role="primary",
            )
        ],
        allowed_regions=[r.code for r in regions if region.jurisdictions[0] in r.jurisdictions],
        components=components,
        flows=[ResolvedFlow(source=a, target=b, label=label) for a, b, label in flows if a != b],
        patterns=[],
        needs=["fuzz"],
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(architectures())
def test_text_diagrams_parse(arch: ResolvedArchitecture) -> None:
    dot = render_diagram(arch, "dot")
    # Graphviz itself reads the DOT (pydot's parser took seconds per example)
    parsed = subprocess.run(
        ["dot", "-Tcanon"], input=dot, capture_output=True, check=False, cwd=ICON_ROOT
    )
    assert parsed.returncode == 0, (parsed.stderr.decode()[:500], dot[:500])
    root = ET.fromstring(render_diagram(arch, "drawio"))
    ids = [cell.get("id") for cell in root.iter("mxCell")]
    assert len(ids) == len(set(ids))
    drawn = {role for node in diagram_model(arch).nodes() for role in node.roles}
    for component in arch.components:
        if component.capability == "virtual-network":
            continue  # may be drawn as the network group itself rather than as a node
        # each component is drawn, alone or merged with the other roles of one service instance
        assert component.role in drawn, component.role
    mermaid = render_diagram(arch, "mermaid").decode()
    lines = [line.strip() for line in mermaid.splitlines()]
    assert "flowchart LR" in lines
    opened = sum(1 for line in lines if line.startswith("subgraph "))
    assert opened == lines.count("end")
    assert render_diagram(arch, "mermaid") == render_diagram(arch, "mermaid")


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(architectures())
def test_terraform_parses(arch: ResolvedArchitecture) -> None:
    files = render_tool("terraform", arch, META)
    for path, text in files.items():
        if path.endswith((".tf", ".hcl")):
            hcl2.loads(text)
