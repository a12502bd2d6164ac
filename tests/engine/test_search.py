"""One name resolver for every command; full-text search."""

from __future__ import annotations

import pytest
from archkb.engine.kb import KnowledgeBase
from archkb.engine.search import normalize, resolve_name, search_text


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("aws-lambda", "service/aws-lambda"),
        ("AWS Lambda", "service/aws-lambda"),
        ("lambda", "service/aws-lambda"),
        ("lamda", "service/aws-lambda"),
        ("Azure Functions", "service/azure-functions"),
        ("cosmos", "service/azure-cosmos-db"),
        ("big query", "service/gcp-bigquery"),
        ("Cloud Functions", "service/gcp-cloud-run-functions"),
        ("Azure AD", "service/azure-entra-id"),
        ("pattern/cqrs", "pattern/cqrs"),
        ("Command Query Responsibility Segregation", "pattern/cqrs"),
        ("GKE", "service/gcp-gke"),
    ],
)
def test_resolves_names_aliases_and_near_misses(kb: KnowledgeBase, query: str, key: str) -> None:
    assert resolve_name(kb, query).key == key


def test_ambiguous_query_lists_candidates(kb: KnowledgeBase) -> None:
    found = resolve_name(kb, "serverless")
    assert found.key is None
    assert {"need/serverless", "category/serverless"} <= set(found.matches)


def test_unknown_query_suggests(kb: KnowledgeBase) -> None:
    found = resolve_name(kb, "dynamodbb", ("service",))
    assert found.key == "service/aws-dynamodb" or "service/aws-dynamodb" in found.suggestions
    assert resolve_name(kb, "zzzzqqqq").matches == []


def test_kind_filter(kb: KnowledgeBase) -> None:
    assert resolve_name(kb, "kubernetes", ("tool",)).key == "tool/kubernetes"
    assert resolve_name(kb, "kubernetes", ("need",)).key == "need/kubernetes"


def test_normalize_drops_provider_prefixes() -> None:
    assert normalize("Amazon S3") == "s3"
    assert normalize("Google Cloud Pub/Sub") == "pub sub"
    assert normalize("Microsoft Azure Cosmos DB") == "cosmos db"


def test_full_text_search_ranks_queues(kb: KnowledgeBase) -> None:
    hits = search_text(kb, "queue", kind="service")
    keys = [h.key for h in hits]
    assert "service/aws-sqs" in keys and "service/azure-service-bus" in keys
    assert all(h.kind == "service" for h in hits)


def test_search_handles_punctuation_and_empty(kb: KnowledgeBase) -> None:
    injected = search_text(kb, '"; drop table records; --')
    assert all(
        h.kind
        in {
            "service",
            "pattern",
            "capability",
            "tool",
            "need",
            "blueprint",
            "category",
            "provider",
            "region",
            "jurisdiction",
        }
        for h in injected
    )
    assert search_text(kb, "table")  # the records table is still there
    assert search_text(kb, "   ") == []
    assert search_text(kb, "serverl")  # prefix match
