"""The lean read path (plain records from the compiled store, results without pydantic) answers
exactly as the full path (YAML validated by pydantic, `--no-cache`) does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from archkb.engine.kb import KnowledgeBase
from archkb.engine.mapping import ServiceMapping, map_service
from archkb.engine.needs import parse_needs
from archkb.engine.recommend import recommend
from archkb.engine.records import jsonable
from archkb.engine.results import RecommendationSet
from archkb.engine.store import load_knowledge_base
from pydantic import TypeAdapter

from tests.conftest import run_cli

CASES = [
    ["recommend", "--needs", "serverless,eu"],
    ["recommend", "--needs", "serverless,eu", "--json"],
    ["recommend", "--needs", "serverless,eu", "--explain"],
    ["recommend", "--needs", "containers,gdpr,high-availability", "--provider", "aws,azure"],
    ["recommend", "--needs", "hipaa,us,event-driven", "--json"],
    ["recommend", "--needs", "web-app,de,low-cost", "--top", "5"],
    ["recommend", "--needs", "eu"],
    ["recommend", "--needs", "streaming,multi-region,disaster-recovery", "--json"],
    ["map", "AWS Lambda"],
    ["map", "AWS Lambda", "--json"],
    ["map", "Cosmos DB"],
    ["map", "Key Vault", "--json"],
    ["map", "pub/sub", "--to", "aws"],
    ["map", "s3", "--to", "azure,gcp", "--json"],
    ["show", "service/aws-lambda"],
    ["show", "aws-lambda", "--json"],
    ["show", "pattern/cqrs"],
    ["show", "blueprint/serverless-rest-api", "--json"],
    ["show", "region/aws-eu-central-1", "--json"],
    ["show", "need/hipaa", "--json"],
    ["show", "capability/key-management"],
    ["search", "queue"],
    ["search", "queue", "--json"],
    ["search", "lamda"],
    ["search", "database", "--kind", "service", "--json"],
]


@pytest.fixture(scope="module")
def warm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder holding the compiled store of the built-in KB."""
    import os

    path = tmp_path_factory.mktemp("lean-cache")
    before = os.environ["ARCHKB_CACHE_DIR"]
    os.environ["ARCHKB_CACHE_DIR"] = str(path)
    try:
        load_knowledge_base()
    finally:
        os.environ["ARCHKB_CACHE_DIR"] = before
    return path


@pytest.mark.parametrize("args", CASES, ids=[" ".join(c) for c in CASES])
def test_cached_answer_is_the_validated_answer(
    args: list[str], warm: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARCHKB_CACHE_DIR", str(warm))
    lean = run_cli(*args)
    full = run_cli("--no-cache", *args)
    assert lean.exit_code == full.exit_code == 0
    assert lean.stdout == full.stdout
    assert list(warm.glob("kb-*.sqlite")), "the lean run read the store"


@pytest.fixture(scope="module")
def stored(warm: Path) -> KnowledgeBase:
    import os

    before = os.environ["ARCHKB_CACHE_DIR"]
    os.environ["ARCHKB_CACHE_DIR"] = str(warm)
    try:
        kb, warnings = load_knowledge_base()
    finally:
        os.environ["ARCHKB_CACHE_DIR"] = before
    assert warnings == [] and kb.store_path is not None
    return kb


NEEDS = ["serverless,eu", "containers,gdpr,high-availability", "hipaa,us", "eu", "batch,apac"]


@pytest.mark.parametrize("needs", NEEDS)
def test_results_serialise_as_pydantic_would(
    needs: str, kb: KnowledgeBase, stored: KnowledgeBase
) -> None:
    """The result dataclasses, checked and dumped by pydantic, give what `jsonable` gives; and
    the store's KB recommends what the YAML KB recommends."""
    lean = recommend(stored, parse_needs(stored, needs))
    full = recommend(kb, parse_needs(kb, needs))
    adapter: TypeAdapter[Any] = TypeAdapter(RecommendationSet)
    checked = adapter.validate_python(lean, strict=True)  # every field of the declared type
    assert adapter.dump_python(checked, mode="json") == jsonable(lean) == jsonable(full)


@pytest.mark.parametrize("service", ["aws-lambda", "azure-key-vault", "gcp-pubsub", "aws-s3"])
def test_mappings_serialise_as_pydantic_would(
    service: str, kb: KnowledgeBase, stored: KnowledgeBase
) -> None:
    targets = ["aws", "azure", "gcp"]
    lean = map_service(stored, service, stored.services[service], targets)
    full = map_service(kb, service, kb.services[service], targets)
    adapter: TypeAdapter[Any] = TypeAdapter(ServiceMapping)
    checked = adapter.validate_python(lean, strict=True)
    assert adapter.dump_python(checked, mode="json") == jsonable(lean) == jsonable(full)
