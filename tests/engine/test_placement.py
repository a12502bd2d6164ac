"""The engine places every component (network, public subnet, edge, entry, hybrid link) and
names its kind of compute and backing store, so exporters never decide from capability ids."""

from __future__ import annotations

import pytest
from archkb.engine.kb import KnowledgeBase
from archkb.engine.needs import parse_needs
from archkb.engine.resolve import resolve_architecture
from archkb.engine.results import ResolvedArchitecture, ResolvedComponent


def _resolve(
    kb: KnowledgeBase, blueprint: str, provider: str = "aws"
) -> dict[str, ResolvedComponent]:
    arch = resolve_architecture(kb, kb.blueprints[blueprint], provider, parse_needs(kb, "eu"))
    assert isinstance(arch, ResolvedArchitecture)
    return {c.role: c for c in arch.components}


def test_three_tier_vms(kb: KnowledgeBase) -> None:
    comps = _resolve(kb, "three-tier-web-vms")
    assert [r for r, c in comps.items() if c.network] == ["network"]
    assert comps["network"].placement == "network"
    assert comps["lb"].placement == "public"  # a regional load balancer in the public subnet
    assert [r for r, c in comps.items() if c.entry] == ["lb"]  # no edge tier: the web tier
    assert comps["web"].traits == ["compute", "vm"]
    assert comps["web"].compute == "vm" and comps["web"].autoscaled
    assert comps["db"].backing_store == "database" and comps["cache"].backing_store == "cache"
    assert comps["secrets"].secret_store and not comps["db"].secret_store
    assert comps["db"].compute is None and comps["db"].placement == "data"
    assert all(c.reached_over == "HTTPS" for c in comps.values())


def test_edge_entries_and_filters(kb: KnowledgeBase) -> None:
    comps = _resolve(kb, "static-website-cdn")
    assert {r for r, c in comps.items() if c.entry} == {"dns", "cdn"}
    assert comps["dns"].reached_over == "DNS"
    # a WAF is drawn at the edge whatever its tier, but traffic does not enter there
    assert comps["waf"].placement == "edge" and not comps["waf"].entry


def test_hybrid_links(kb: KnowledgeBase) -> None:
    comps = _resolve(kb, "hybrid-connectivity", "azure")
    assert {r for r, c in comps.items() if c.hybrid} == {"interconnect", "vpn"}
    assert comps["interconnect"].reached_over == "private line"
    assert comps["vpn"].reached_over == "IPsec"
    assert comps["hub"].placement == "network"  # a network tier sits inside the network


@pytest.mark.parametrize("provider", ["aws", "azure", "gcp"])
def test_kubernetes_workloads(kb: KnowledgeBase, provider: str) -> None:
    comps = _resolve(kb, "microservices-on-kubernetes", provider)
    assert comps["cluster"].compute == "kubernetes"
    assert comps["ingress"].entry and comps["ingress"].placement == "public"
    assert comps["registry"].compute is None


def test_serverless_containers_are_containers(kb: KnowledgeBase) -> None:
    comps = _resolve(kb, "serverless-containers-web-app")
    assert "container" in {c.compute for c in comps.values()}


def test_the_placement_tables_name_real_capabilities(kb: KnowledgeBase) -> None:
    """A renamed capability would silently drop out of placement: every id must exist."""
    from archkb.engine import topology

    tables = [
        topology.NETWORK_CAPABILITIES,
        topology.REGIONAL_LOAD_BALANCERS,
        topology.EDGE_CAPABILITIES,
        topology.FILTERS,
        set(topology.REACHED_OVER),
        set(topology.BACKING_STORES),
        topology.SECRET_STORES,
        topology.AUTOSCALED,
        topology.PRIVATE_ACCESS,
    ]
    named = set().union(*tables)
    assert named and named <= set(kb.capabilities), sorted(named - set(kb.capabilities))
    assert topology.FILTERS <= topology.EDGE_CAPABILITIES
