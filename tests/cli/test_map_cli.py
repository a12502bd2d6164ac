"""`archkb map` as users run it: the documented JSON shapes and the exit-2 paths."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import DATA, run_cli


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


def test_bill_from_terraform_json_shape() -> None:
    result = run_cli(
        "map", "--from", "aws", "--to", "azure", str(DATA / "tf" / "aws-serverless"), "--json"
    )
    data = json.loads(result.stdout)
    assert set(data) == {"source_provider", "target_provider", "rows", "summary"}
    assert data["summary"]["total"] == 8 and data["summary"]["unmapped"] == 1
    assert {"item", "resource_type", "source", "target", "fit", "note"} == set(data["rows"][0])


def test_bill_from_list_and_stdin(tmp_path: Path) -> None:
    bill = tmp_path / "bill.txt"
    bill.write_text("# our services\nAmazon S3\nlambda\nAzure Functions\nnot-a-service\n")
    data = json.loads(
        run_cli("map", "--from", "aws", "--to", "gcp", str(bill), "--format", "json").stdout
    )
    fits = [row["fit"] for row in data["rows"]]
    assert fits == ["exact", "exact", "unmapped", "unmapped"]
    assert "azure service" in data["rows"][2]["note"]
    stdin = run_cli(
        "map", "--from", "aws", "--to", "gcp", "-", "--format", "csv", input="DynamoDB\n"
    )
    assert stdin.exit_code == 0 and "Firestore" in stdin.stdout


def test_bill_bad_input_exits_2(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("\n")
    bad = tmp_path / "bad.tf"
    bad.write_text('resource "x" {\n')
    cases = [
        (["--from", "aws", "--to", "gcp", str(tmp_path / "missing.tf")], "no such file"),
        (["--from", "aws", "--to", "gcp", str(bad)], "invalid HCL"),
        (["--from", "aws", "--to", "gcp", str(empty)], "nothing to map"),
        (["--from", "oracle", "--to", "gcp", str(empty)], "unknown provider"),
        (["--from", "aws", "--to", "ibm", str(empty)], "unknown provider"),
        (["--from", "aws", str(empty)], "exactly one target"),
    ]
    for args, text in cases:
        result = run_cli("map", *args)
        assert result.exit_code == 2, (args, result.stderr)
        assert text in result.stderr, (args, result.stderr)


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
