"""`archkb map` on existing Terraform and on lists of names: shapes, provider sniffing, --all,
several targets, exit 2 on bad input, output that never wraps mid-word."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import DATA, run_cli

TF = DATA / "tf"


def test_from_is_read_from_the_code() -> None:
    result = run_cli("map", str(TF / "aws-serverless"), "--to", "gcp", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["source_provider"] == "aws" and data["target_providers"] == ["gcp"]
    assert data["summary"]["total"] == len(data["rows"]) == 8
    row = data["rows"][0]
    assert set(row) == {
        "item",
        "resource_type",
        "file",
        "line",
        "module",
        "status",
        "source",
        "target",
        "alternatives",
        "folded_into",
        "note",
    }
    assert (row["file"], row["line"]) == ("main.tf", 2)


def test_several_targets_give_targets_per_provider() -> None:
    data = json.loads(run_cli("map", str(TF / "gcp-data"), "--to", "aws,azure", "--json").stdout)
    assert set(data["by_target"]) == {"aws", "azure"}
    for row in data["rows"]:
        assert "target" not in row and set(row["targets"]) == {"aws", "azure"}


def test_default_targets_are_the_other_providers() -> None:
    data = json.loads(run_cli("map", str(TF / "azure-web"), "--json").stdout)
    assert data["target_providers"] == ["aws", "gcp"]


def test_all_shows_folded_and_glue_rows() -> None:
    tree = str(TF / "modules-tree")
    short = run_cli("map", tree, "--to", "gcp", "--format", "csv").stdout
    full = run_cli("map", tree, "--to", "gcp", "--format", "csv", "--all").stdout
    assert "random_id.suffix" not in short and "random_id.suffix" in full
    assert "module.network.aws_subnet.private" in full
    assert "module.network.aws_subnet.private" not in short
    assert "module.cluster" in short  # unread registry modules are rows, never dropped


def test_a_broken_file_does_not_abort_the_folder() -> None:
    result = run_cli("map", str(TF / "traps"), "--to", "azure", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["summary"]["unparsed"] == 3
    unparsed = [r for r in data["rows"] if r["status"] == "unparsed"]
    assert {r["item"] for r in unparsed} == {"hopeless.tf:1", "latin1.tf:1", "broken.tf:7"}
    mapped = {r["item"] for r in data["rows"] if r["status"] != "unparsed"}
    assert {"aws_s3_bucket.before", "aws_s3_bucket.half", "aws_dynamodb_table.after"} <= mapped


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "gcp", "--to", "azure"], "holds 8 aws resources, no gcp"),
        (["--from", "aws", "--to", "aws"], "the source cannot be a target"),
        (["--to", "aws"], "already on aws"),
        (["--from", "oracle"], "unknown provider"),
        (["--to", "ibm"], "unknown provider"),
    ],
)
def test_provider_mistakes_exit_2(args: list[str], message: str) -> None:
    result = run_cli("map", str(TF / "aws-serverless"), *args)
    assert result.exit_code == 2 and message in result.stderr, result.stderr


def test_bad_paths_exit_2(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "notes.md").write_text("x\n")
    (tmp_path / "only-vars.tf").write_text('variable "x" {}\n')
    cases = [
        (["--from", "aws", str(tmp_path / "missing.tf")], "no such file"),
        (["--from", "aws", str(tmp_path / "empty")], "no .tf, .tf.json or .tofu files"),
        ([str(tmp_path / "only-vars.tf")], "nothing to map"),
    ]
    for args, text in cases:
        result = run_cli("map", *args)
        assert result.exit_code == 2 and text in result.stderr, (args, result.stderr)


def test_unknown_provider_code_needs_from(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('resource "github_repository" "r" {}\n')
    result = run_cli("map", str(tmp_path))
    assert result.exit_code == 2 and "give --from" in result.stderr


def test_lists_of_names_and_stdin(tmp_path: Path) -> None:
    bill = tmp_path / "bill.txt"
    bill.write_text("# our services\nAmazon S3\nlambda\nAzure Functions\nnot-a-service\n")
    data = json.loads(run_cli("map", "--from", "aws", "--to", "gcp", str(bill), "--json").stdout)
    assert [r["status"] for r in data["rows"]] == ["exact", "exact", "unknown", "unknown"]
    assert "azure service" in data["rows"][2]["note"]
    stdin = run_cli(
        "map", "--from", "aws", "--to", "gcp", "-", "--format", "csv", input="DynamoDB\n"
    )
    assert stdin.exit_code == 0 and "Firestore" in stdin.stdout
    hcl = run_cli(
        "map",
        "--from",
        "aws",
        "--to",
        "gcp",
        "-",
        "--json",
        input='resource "aws_sqs_queue" "q" {}\n',
    )
    assert json.loads(hcl.stdout)["rows"][0]["item"] == "aws_sqs_queue.q"
    assert run_cli("map", "--from", "aws", "--to", "gcp", str(tmp_path / "none.txt")).exit_code == 2
    empty = tmp_path / "empty.txt"
    empty.write_text("\n")
    result = run_cli("map", "--from", "aws", "--to", "gcp", str(empty))
    assert result.exit_code == 2 and "nothing to map" in result.stderr


def test_piped_table_never_wraps_mid_word() -> None:
    result = run_cli("map", str(TF / "aws-serverless"), "--to", "azure")
    assert result.exit_code == 0
    data = json.loads(run_cli("map", str(TF / "aws-serverless"), "--to", "azure", "--json").stdout)
    for row in data["rows"]:
        if row["status"] in ("folded", "glue"):
            continue  # listed with --all
        # each cell's full text sits on one line of the table
        assert any(
            row["item"] in line and row["note"] in line for line in result.stdout.splitlines()
        )
    assert "by service" in result.stdout and "coverage" in result.stdout


def test_markdown_has_rows_and_rollup() -> None:
    out = run_cli("map", str(TF / "aws-serverless"), "--to", "gcp,azure", "--format", "md").stdout
    assert "| item | where | source service | → gcp | → azure | status | note |" in out
    assert "| source service | resources | folded | → gcp | → azure |" in out


def test_diagram_of_existing_terraform(tmp_path: Path) -> None:
    out = tmp_path / "as-is.mmd"
    result = run_cli(
        "export", "diagram", "--from-terraform", str(TF / "modules-tree"), "-o", str(out)
    )
    assert result.exit_code == 0, result.stderr
    text = out.read_text()
    assert "Region eu-west-1" in text and "Amazon VPC" in text and "Amazon RDS" in text
    mapped = tmp_path / "to-gcp.mmd"
    result = run_cli(
        "export",
        "diagram",
        "--from-terraform",
        str(TF / "aws-serverless"),
        "--to",
        "gcp",
        "-o",
        str(mapped),
    )
    assert result.exit_code == 0, result.stderr
    assert "Cloud Run functions" in mapped.read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from-terraform", str(TF / "aws-serverless"), "--needs", "eu"], "leave out --needs"),
        (["--from-terraform", str(TF / "aws-serverless"), "--to", "aws"], "already on aws"),
        (["--from-terraform", str(TF / "aws-serverless"), "--to", "gcp,azure"], "one target"),
        (["--blueprint", "serverless-rest-api", "--to", "gcp"], "--to works with"),
        (["--from-terraform", str(DATA / "seed_services.yaml")], "not Terraform"),
    ],
)
def test_diagram_mistakes_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    result = run_cli("export", "diagram", *args, "-o", str(tmp_path / "x.mmd"))
    assert result.exit_code == 2 and message in result.stderr, result.stderr
    assert not (tmp_path / "x.mmd").exists()


def test_a_folder_named_like_a_service_does_not_hide_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "lambda").mkdir()
    (tmp_path / "lambda" / "notes.txt").write_text("not terraform\n")
    monkeypatch.chdir(tmp_path)
    data = json.loads(run_cli("map", "lambda", "--json").stdout)
    assert data["source"]["id"] == "aws-lambda"
