"""`archkb map` as users run it: the documented JSON shapes and the exit-2 paths."""

from __future__ import annotations

import json

from tests.conftest import run_cli


def test_headline_mapping() -> None:
    result = run_cli("map", "AWS Lambda", "--to", "azure,gcp")
    assert result.exit_code == 0
    assert "Azure Functions" in result.stdout and "Cloud Run functions" in result.stdout


def test_map_json_shape() -> None:
    for query in ("AWS Lambda", "lamda", "cosmos", "big query", "ecs"):
        data = json.loads(run_cli("map", query, "--json").stdout)
        assert set(data) == {
            "query",
            "source",
            "equivalents",
            "alternatives",
            "by_capability",
            "gaps",
            "lifecycle_note",
        }
        assert set(data["source"]) == {
            "id",
            "name",
            "provider",
            "capability",
            "capabilities",
            "lifecycle",
            "facets",
            "feature_of",
        }
        assert data["source"]["capabilities"][0] == data["source"]["capability"]
        assert list(data["by_capability"]) == data["source"]["capabilities"]
        for provider, items in data["equivalents"].items():
            assert provider != data["source"]["provider"]
            for item in items:
                assert set(item) == {
                    "id",
                    "name",
                    "fit",
                    "caveat",
                    "capability",
                    "facets_match",
                    "lifecycle",
                    "note",
                    "feature_of",
                }
                assert item["fit"] in ("exact", "partial")
                assert item["capability"] in data["by_capability"]
        for alternative in data["alternatives"].values():
            assert set(alternative) == {"closest", "closest_name", "note"}


def test_ambiguous_and_unknown_exit_1() -> None:
    assert run_cli("map", "qqqzzz").exit_code == 1
    result = run_cli("map", "sql")
    assert result.exit_code == 1 and "candidates" in result.stderr


def test_blueprint_mapping() -> None:
    data = json.loads(
        run_cli(
            "map", "--blueprint", "serverless-rest-api", "--to", "azure", "--needs", "eu", "--json"
        ).stdout
    )
    azure = data["azure"]
    assert azure["provider"] == "azure" and azure["regions"][0]["code"] == "westeurope"
    assert {c["service"] for c in azure["components"]} >= {
        "azure-functions",
        "azure-api-management",
    }
