"""One name resolver: a name means the same record through `show`, `--needs`, `map`, a bill and
the TUI's lookup (engine/search.py is the only place that decides)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from archkb.engine.kb import KnowledgeBase
from archkb.engine.migration import map_names
from archkb.tui.lookup import find_records

from tests.conftest import run_cli

KEY = re.compile(r"`([a-z]+/[a-z0-9][a-z0-9-]*)`")


def shown_key(name: str) -> str:
    result = run_cli("show", name)
    assert result.exit_code == 0, result.stderr
    found = KEY.search(result.stdout)
    assert found, result.stdout[:200]
    return found.group(1)


@pytest.mark.parametrize(
    "name",
    [
        "high availability",  # the need's name: `show` took it, `--needs` did not
        "High Availability",
        "high-availability",
        "ha",
        "EU data residency",
        "uptime",  # an alias
        "Serverless compute",
        "need/low-cost",
    ],
)
def test_a_need_name_means_the_same_need_everywhere(kb: KnowledgeBase, name: str) -> None:
    key = shown_key(name)
    assert key.startswith("need/")
    result = run_cli("recommend", "--needs", name, "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["needs"] == [key.partition("/")[2]]
    assert find_records(kb, name)[0].key == key


@pytest.mark.parametrize(
    "name", ["AWS Lambda", "lamda", "Cloud Run", "amazon s3", "Azure Functions"]
)
def test_a_service_name_means_the_same_service_everywhere(
    kb: KnowledgeBase, name: str, tmp_path: Path
) -> None:
    key = shown_key(name)
    assert key.startswith("service/")
    service = kb.services[key.partition("/")[2]]
    mapped = run_cli("map", name, "--json")
    assert mapped.exit_code == 0, mapped.stderr
    assert json.loads(mapped.stdout)["source"]["id"] == service.id
    assert find_records(kb, name)[0].key == key
    target = next(p for p in sorted(kb.providers) if p != service.provider)
    (row,) = map_names(kb, [name], service.provider, [target]).rows
    assert row.source is not None and row.source.id == service.id


def test_a_bill_line_resolves_as_map_from_does(kb: KnowledgeBase) -> None:
    """'VPC' names a service on every provider; with --from aws both `map` and a bill take
    Amazon VPC (the bill used to call it unknown)."""
    mapped = run_cli("map", "VPC", "--from", "aws", "--to", "gcp", "--json")
    assert mapped.exit_code == 0, mapped.stderr
    source = json.loads(mapped.stdout)["source"]["id"]
    (row,) = map_names(kb, ["VPC"], "aws", ["gcp"]).rows
    assert row.source is not None and row.source.id == source
    assert row.status != "unknown"


@pytest.mark.parametrize(
    ("word", "message"),
    [
        ("serverlss", "unknown need 'serverlss'; did you mean 'serverless'"),
        ("high availabilty", "did you mean 'high-availability'"),
        ("residency", "ambiguous need 'residency'; did you mean"),
    ],
)
def test_a_near_miss_need_is_suggested_never_taken(word: str, message: str) -> None:
    result = run_cli("recommend", "--needs", word)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "archkb list need" in result.stderr


def test_a_near_miss_service_is_suggested_alike_in_show_and_map() -> None:
    show = run_cli("show", "serverles")
    mapped = run_cli("map", "lambada functions")
    for result in (show, mapped):
        assert result.exit_code == 1
        assert "did you mean" in result.stderr or "candidates" in result.stderr
