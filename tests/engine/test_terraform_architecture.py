"""Existing Terraform as a ResolvedArchitecture: components per service, flows from references,
the region the code names; mapped onto a target provider with --to."""

from __future__ import annotations

from pathlib import Path

import pytest
from archkb.engine.kb import KnowledgeBase
from archkb.engine.migration import map_inventory
from archkb.engine.terraform import read_inventory
from archkb.engine.terraform.architecture import existing_architecture
from archkb.exports.diagram import diagram_model

APP = """
provider "aws" {
  region = "eu-central-1"
}

resource "aws_s3_bucket" "uploads" {}

resource "aws_sqs_queue" "jobs" {}

resource "aws_iam_role" "worker" {
  name = "worker"
}

resource "aws_lambda_function" "worker" {
  function_name = "worker"
  role          = aws_iam_role.worker.arn
  environment {
    variables = {
      BUCKET = aws_s3_bucket.uploads.bucket
      QUEUE  = aws_sqs_queue.jobs.url
    }
  }
}

resource "aws_vpc" "main" {}

resource "aws_subnet" "a" {
  vpc_id = aws_vpc.main.id
}

resource "random_id" "x" {
  byte_length = 2
}
"""


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("app")
    (path / "main.tf").write_text(APP)
    return path


def test_the_code_as_it_is(kb: KnowledgeBase, folder: Path) -> None:
    inventory = read_inventory(folder)
    arch = existing_architecture(kb, inventory, map_inventory(kb, inventory, "aws", ["gcp"]))
    assert arch.provider == "aws" and arch.primary_region.code == "eu-central-1"
    components = {c.role: c for c in arch.components}
    assert {"aws-lambda", "aws-s3", "aws-sqs", "aws-iam-roles", "aws-vpc"} <= set(components)
    assert components["aws-lambda"].service == "aws-lambda"
    assert components["aws-vpc"].label == "1 resource + 1 config"  # the subnet is folded in
    flows = {(f.source, f.target) for f in arch.flows}
    assert {("aws-lambda", "aws-s3"), ("aws-lambda", "aws-sqs")} <= flows
    assert ("aws-lambda", "aws-iam-roles") not in flows  # references into security are not drawn
    model = diagram_model(arch)  # the exporter accepts it as it is
    assert model.provider == "aws" and "eu-central-1" in model.subtitle


def test_the_code_mapped_to_a_target(kb: KnowledgeBase, folder: Path) -> None:
    inventory = read_inventory(folder)
    table = map_inventory(kb, inventory, "aws", ["gcp"])
    arch = existing_architecture(kb, inventory, table, "gcp")
    components = {c.role: c for c in arch.components}
    assert arch.provider == "gcp"
    assert components["aws-lambda"].service == "gcp-cloud-run-functions"
    assert components["aws-s3"].service_name == "Cloud Storage"
    assert "of AWS Lambda" in components["aws-lambda"].label


def test_nothing_drawable_is_an_error(kb: KnowledgeBase, tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('resource "aws_no_such_thing" "p" {}\n')
    inventory = read_inventory(tmp_path)
    table = map_inventory(kb, inventory, "aws", ["gcp"])
    with pytest.raises(ValueError, match="nothing to draw"):
        existing_architecture(kb, inventory, table)
