"""The typed graph: node and edge kinds as docs/architecture.md describes them; neighbourhoods."""

from __future__ import annotations

from archkb.engine.graph import EDGE_KINDS, neighbours
from archkb.engine.kb import KnowledgeBase


def test_every_record_is_a_node_with_a_kind(kb: KnowledgeBase) -> None:
    graph = kb.graph
    assert sum(kb.counts().values()) + 7 == graph.number_of_nodes()  # + quality attributes
    assert graph.nodes["service/aws-lambda"]["kind"] == "service"


def test_edge_kinds(kb: KnowledgeBase) -> None:
    kinds = {d["kind"] for _, _, d in kb.graph.edges(data=True)}
    assert kinds <= set(EDGE_KINDS)
    for expected in (
        "offered_by",
        "located_in",
        "implements",
        "requires",
        "uses",
        "has_component",
        "flows_to",
        "complements",
        "alternative_to",
        "satisfies",
        "managed_equivalent",
        "feature_of",
        "succeeded_by",
    ):
        assert expected in kinds


def test_equivalence_is_derived_through_capabilities(kb: KnowledgeBase) -> None:
    graph = kb.graph
    capability = "capability/function-as-a-service"
    implementers = {
        s for s, _, d in graph.in_edges(capability, data=True) if d["kind"] == "implements"
    }
    assert {
        "service/aws-lambda",
        "service/azure-functions",
        "service/gcp-cloud-run-functions",
    } <= implementers


def test_neighbours_grouped_by_edge_kind(kb: KnowledgeBase) -> None:
    groups = neighbours(kb.graph, "pattern/circuit-breaker")
    assert ("->", "pattern/retry", "Retry") in groups["complements"]
    deeper = neighbours(kb.graph, "pattern/circuit-breaker", depth=2)
    assert sum(map(len, deeper.values())) > sum(map(len, groups.values()))
