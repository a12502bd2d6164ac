"""Build the typed networkx MultiDiGraph of a knowledge base, and the queries that walk it.

Nodes are `kind/id` keys with `kind` and `name` attributes; every edge has a `kind` attribute
from `EDGE_KINDS`.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

import networkx as nx

from .records import Quality

if TYPE_CHECKING:
    from .kb import KnowledgeBase

EDGE_KINDS = (
    "offered_by",
    "located_in",
    "implements",
    "requires",
    "uses",
    "has_component",
    "flows_to",
    "complements",
    "conflicts_with",
    "alternative_to",
    "specializes",
    "satisfies",
    "managed_equivalent",
    "in_category",
    "affects",
    "related_to",
    "practises",
    "unavailable_in",
    "constrains",
    "feature_of",
    "succeeded_by",
)


def build_graph(kb: KnowledgeBase) -> nx.MultiDiGraph:
    """All records as nodes and all their references as typed edges."""
    g = nx.MultiDiGraph()
    for kind, record in kb.records():
        g.add_node(f"{kind}/{record.id}", kind=kind, name=record.name)
    for quality in Quality:
        g.add_node(f"quality/{quality.value}", kind="quality", name=quality.value)

    def edge(source: str, target: str, kind: str, **attrs: object) -> None:
        if target in g:
            g.add_edge(source, target, kind=kind, **attrs)

    for region in kb.regions.values():
        key = f"region/{region.id}"
        edge(key, f"provider/{region.provider}", "offered_by")
        for jurisdiction in region.jurisdictions:
            edge(key, f"jurisdiction/{jurisdiction}", "located_in")
    for capability in kb.capabilities.values():
        edge(f"capability/{capability.id}", f"category/{capability.category}", "in_category")
    for service in kb.services.values():
        key = f"service/{service.id}"
        edge(key, f"provider/{service.provider}", "offered_by")
        edge(key, f"capability/{service.capability}", "implements", fit=service.fit.value)
        for extra in service.also_implements:
            edge(key, f"capability/{extra.capability}", "implements", fit=extra.fit.value)
        if service.feature_of:
            edge(key, f"service/{service.feature_of}", "feature_of")
        if service.lifecycle.successor:
            edge(key, f"service/{service.lifecycle.successor}", "succeeded_by")
        for code in service.unavailable_in:
            edge(key, f"region/{service.provider}-{code}", "unavailable_in")
    for pattern in kb.patterns.values():
        key = f"pattern/{pattern.id}"
        edge(key, f"category/{pattern.category}", "in_category")
        for capability_id in pattern.requires:
            edge(key, f"capability/{capability_id}", "requires")
        for relation in ("complements", "conflicts_with", "alternative_to", "specializes"):
            for other in getattr(pattern.relations, relation):
                edge(key, f"pattern/{other}", relation)
        for need in pattern.satisfies:
            edge(key, f"need/{need}", "satisfies")
        for quality, effect in pattern.effects.items():
            edge(key, f"quality/{quality.value}", "affects", weight=effect)
    for blueprint in kb.blueprints.values():
        key = f"blueprint/{blueprint.id}"
        for pattern_id in blueprint.patterns:
            edge(key, f"pattern/{pattern_id}", "uses")
        capability_of = {c.role: c.capability for c in blueprint.components}
        for component in blueprint.components:
            edge(key, f"capability/{component.capability}", "has_component", role=component.role)
        for flow in blueprint.flows:
            edge(
                f"capability/{capability_of[flow.source]}",
                f"capability/{capability_of[flow.target]}",
                "flows_to",
                blueprint=blueprint.id,
                label=flow.label,
            )
        for need in blueprint.suits:
            edge(key, f"need/{need}", "satisfies")
    for tool in kb.tools.values():
        key = f"tool/{tool.id}"
        edge(key, f"category/{tool.category}", "in_category")
        for other in tool.related:
            edge(key, f"tool/{other}", "related_to")
        for pattern_id in tool.practices:
            edge(key, f"pattern/{pattern_id}", "practises")
        for services in tool.managed_equivalents.values():
            for service_id in services:
                edge(key, f"service/{service_id}", "managed_equivalent")
    for need_record in kb.needs.values():
        key = f"need/{need_record.id}"
        effects = need_record.effects
        for target in [f"jurisdiction/{effects.jurisdiction}"] if effects.jurisdiction else []:
            edge(key, target, "constrains")
        for capability_id in [*effects.any_capability, *effects.controls]:
            edge(key, f"capability/{capability_id}", "constrains")
        for provider in effects.providers:
            edge(key, f"provider/{provider}", "constrains")
    return g


def neighbours(
    graph: nx.MultiDiGraph, key: str, depth: int = 1
) -> dict[str, list[tuple[str, str, str]]]:
    """Nodes within `depth` hops of `key` (either direction), grouped by edge kind.

    Returns:
        edge kind → sorted (direction, node key, node name) triples, direction `->` or `<-`.
    """
    groups: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
    frontier = {key}
    seen = {key}
    for _ in range(max(depth, 1)):
        next_frontier: set[str] = set()
        for node in frontier:
            for _, target, data in graph.out_edges(node, data=True):
                groups[data["kind"]].add(("->", target, graph.nodes[target]["name"]))
                next_frontier.add(target)
            for source, _, data in graph.in_edges(node, data=True):
                groups[data["kind"]].add(("<-", source, graph.nodes[source]["name"]))
                next_frontier.add(source)
        frontier = next_frontier - seen
        seen |= next_frontier
    return {kind: sorted(items) for kind, items in sorted(groups.items())}


def graph_as_json(graph: nx.MultiDiGraph) -> str:
    """Node-link JSON (networkx's format), keys sorted for byte-identical output."""
    import json

    data = nx.node_link_data(graph, edges="edges")
    return json.dumps(data, indent=1, sort_keys=True, default=str) + "\n"


def graph_as_graphml(graph: nx.MultiDiGraph) -> str:
    """GraphML text; attribute values that are not scalars are stringified."""
    clean = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        clean.add_node(node, **{k: str(v) for k, v in data.items()})
    for source, target, key, data in graph.edges(keys=True, data=True):
        clean.add_edge(source, target, key=key, **{k: str(v) for k, v in data.items()})
    return '<?xml version="1.0" encoding="utf-8"?>\n' + "\n".join(nx.generate_graphml(clean)) + "\n"
