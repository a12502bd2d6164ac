"""Inventory → migration rows: owners from KB data (types, attribute rules, registry modules),
configuration folded into its parent, glue and unparsed rows outside the coverage figure."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from archkb.engine.caches import KbCaches
from archkb.engine.kb import KnowledgeBase
from archkb.engine.migration import (
    MigrationRow,
    map_inventory,
    map_names,
    sniff_providers,
    table_json,
)
from archkb.engine.records import AttributeRule
from archkb.engine.terraform import inventory_from_text, read_inventory

TF = Path(__file__).resolve().parent.parent / "data" / "tf"


def overlay(kb: KnowledgeBase, **changes: dict[str, Any]) -> KnowledgeBase:
    """The KB with some services' `iac` fields (and `feature_of`) replaced; keyword = service id
    with `_` for `-`."""
    services = dict(kb.services)
    for key, update in changes.items():
        service = services[key.replace("_", "-")]
        top = {k: update.pop(k) for k in ("feature_of",) if k in update}
        services[service.id] = service._replace(iac=service.iac._replace(**update), **top)
    return dataclasses.replace(kb, services=services, caches=KbCaches())


@pytest.fixture(scope="module")
def tree_kb(kb: KnowledgeBase) -> KnowledgeBase:
    return overlay(
        kb,
        aws_aurora={
            "when": [
                AttributeRule(
                    type="aws_db_instance", attribute="engine", values=["postgres"], match="equals"
                )
            ],
            "feature_of": "aws-rds",  # stands in for a flavour such as RDS for PostgreSQL
        },
        aws_eks={"modules": ["terraform-aws-modules/eks/aws"]},
        aws_sqs={"modules": ["terraform-aws-modules/sqs/aws"]},
    )


@pytest.fixture(scope="module")
def rows(tree_kb: KnowledgeBase) -> dict[str, MigrationRow]:
    table = map_inventory(tree_kb, read_inventory(TF / "modules-tree"), "aws", ["gcp"])
    return {r.item: r for r in table.rows}


def test_attribute_rules_choose_the_flavour(rows: dict[str, MigrationRow]) -> None:
    db = rows["module.network.module.db.aws_db_instance.main"]
    assert db.source is not None and db.source.id == "aws-aurora"
    assert db.status in ("exact", "partial") and db.targets["gcp"].target is not None


def test_registry_modules_map_as_their_service(rows: dict[str, MigrationRow]) -> None:
    cluster = rows["module.cluster"]
    assert cluster.source is not None and cluster.source.id == "aws-eks"
    assert cluster.targets["gcp"].target is not None
    assert cluster.targets["gcp"].target.id == "gcp-gke"
    assert "registry module terraform-aws-modules/eks/aws" in cluster.note
    assert "submodule modules/karpenter" in rows["module.karpenter"].note
    queue = rows["module.queue_from_git"]
    assert queue.source is not None and queue.source.id == "aws-sqs"


def test_unreadable_modules_are_unknown_rows_never_dropped(rows: dict[str, MigrationRow]) -> None:
    assert rows["module.unknown_remote"].status == "unknown"
    assert "not read" in rows["module.unknown_remote"].note
    assert "not found" in rows["module.missing"].note
    assert "cycle" in rows["module.ping.module.pong.module.ping"].note


def test_configuration_folds_into_its_parent(rows: dict[str, MigrationRow]) -> None:
    subnet = rows["module.network.aws_subnet.private"]
    assert (subnet.status, subnet.folded_into) == ("folded", "module.network.aws_vpc.this")
    assert subnet.targets == {} and "repeated by count" in subnet.note
    # no reference, but the only database of its module
    group = rows["module.network.module.db.aws_db_subnet_group.main"]
    assert group.folded_into == "module.network.module.db.aws_db_instance.main"


def test_configuration_without_its_parent_maps_itself(kb: KnowledgeBase) -> None:
    # a rule on the default event bus: the bus is not in the code
    text = 'resource "aws_cloudwatch_event_rule" "nightly" {\n  schedule_expression = "rate(1 day)"\n}\n'
    table = map_inventory(kb, inventory_from_text(text), "aws", ["azure"])
    (rule,) = table.rows
    assert rule.status != "folded" and rule.source and rule.source.id == "aws-eventbridge"
    assert "not in this code" in rule.note


def test_a_service_with_several_products(kb: KnowledgeBase) -> None:
    """An HTTP API and a REST API are both API Gateway products: each is a row of its own,
    and their routes and methods fold into the API they belong to."""
    text = """
resource "aws_api_gateway_rest_api" "rest" { name = "rest" }
resource "aws_api_gateway_resource" "items" {
  rest_api_id = aws_api_gateway_rest_api.rest.id
  parent_id   = aws_api_gateway_rest_api.rest.root_resource_id
  path_part   = "items"
}
resource "aws_apigatewayv2_api" "http" {
  name          = "http"
  protocol_type = "HTTP"
}
resource "aws_apigatewayv2_route" "get" {
  api_id    = aws_apigatewayv2_api.http.id
  route_key = "GET /items"
}
resource "aws_apigatewayv2_api" "ws" {
  name          = "ws"
  protocol_type = "WEBSOCKET"
}
"""
    table = map_inventory(kb, inventory_from_text(text), "aws", ["gcp"])
    rows = {r.item: r for r in table.rows}
    for api in ("aws_api_gateway_rest_api.rest", "aws_apigatewayv2_api.http"):
        assert rows[api].status in ("exact", "partial"), rows[api]
        assert rows[api].source and rows[api].source.id == "aws-api-gateway"
        assert rows[api].note == ""
    assert rows["aws_apigatewayv2_route.get"].folded_into == "aws_apigatewayv2_api.http"
    assert rows["aws_api_gateway_resource.items"].folded_into == "aws_api_gateway_rest_api.rest"
    ws = rows["aws_apigatewayv2_api.ws"].source
    assert ws and ws.id == "aws-api-gateway-websocket-apis"
    assert kb.services["aws-api-gateway"].iac.is_main("aws_apigatewayv2_api")
    assert not kb.services["aws-api-gateway"].iac.is_main("aws_apigatewayv2_route")


def test_main_types_must_be_owned_and_include_the_first() -> None:
    from archkb.engine.schema import IacTypes
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match=r"not in iac\.terraform: aws_x"):
        IacTypes(terraform=["aws_a"], main=["aws_a", "aws_x"])
    with pytest.raises(ValidationError, match="must include the first type, aws_a"):
        IacTypes(terraform=["aws_a", "aws_b"], main=["aws_b"])
    from archkb.engine.records import IacTypes as Plain

    plain = Plain(terraform=["aws_a", "aws_b"], cloudformation=[], when=[], modules=[], main=[])
    assert plain.is_main("aws_a")
    assert not plain.is_main("aws_b")


def test_glue_and_data_sources(rows: dict[str, MigrationRow]) -> None:
    assert rows["random_id.suffix"].status == "glue"
    assert "utility provider random" in rows["random_id.suffix"].note
    assert rows["data.aws_caller_identity.me"].status == "glue"
    assert rows["aws_s3_bucket.logs"].status == "exact"


def test_rows_carry_file_line_and_module(rows: dict[str, MigrationRow]) -> None:
    vpc = rows["module.network.aws_vpc.this"]
    assert (vpc.file, vpc.line, vpc.module, vpc.resource_type) == (
        "modules/network/main.tf",
        9,
        "module.network",
        "aws_vpc",
    )


def test_summary_and_coverage_leave_out_folded_glue_unparsed(kb: KnowledgeBase) -> None:
    table = map_inventory(kb, read_inventory(TF / "traps"), "aws", ["gcp"])
    s = table.summary
    statuses = ("exact", "partial", "no_equivalent", "unknown", "folded", "glue", "unparsed")
    assert s["total"] == sum(s[k] for k in statuses) == len(table.rows)  # type: ignore[misc]
    assert s["unparsed"] == 3 and s["files"] == 9
    counted = s["total"] - s["folded"] - s["glue"] - s["unparsed"]  # type: ignore[operator]
    decided = s["exact"] + s["partial"] + s["no_equivalent"]  # type: ignore[operator]
    assert s["coverage"] == round(decided / counted, 4)


def test_several_targets_give_a_mapping_per_provider(kb: KnowledgeBase) -> None:
    table = map_inventory(kb, read_inventory(TF / "aws-serverless"), "aws", ["azure", "gcp"])
    lam = next(r for r in table.rows if r.item == "aws_lambda_function.orders")
    assert set(lam.targets) == {"azure", "gcp"}
    assert set(table.by_target) == {"azure", "gcp"}
    data = table_json(table)
    row = next(r for r in data["rows"] if r["item"] == "aws_lambda_function.orders")
    assert "targets" in row and "target" not in row
    assert row["targets"]["gcp"]["target"]["id"] == "gcp-cloud-run-functions"


def test_single_target_json_shape(kb: KnowledgeBase) -> None:
    data = table_json(map_inventory(kb, read_inventory(TF / "aws-serverless"), "aws", ["gcp"]))
    expected = {
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
    for row in data["rows"]:
        assert set(row) == expected
        if row["target"]:
            assert set(row["target"]) == {"id", "name", "fit", "caveat", "terraform_types"}
    assert set(data["summary"]) == {
        "exact",
        "partial",
        "no_equivalent",
        "unknown",
        "folded",
        "glue",
        "unparsed",
        "total",
        "files",
        "coverage",
    }


EXPECTED = {
    ("aws-serverless", "aws", "azure"): {
        "aws_lambda_function.orders": ("azure-functions", "exact"),
        "aws_dynamodb_table.orders": ("azure-cosmos-db", "partial"),
        "aws_sqs_queue.dead_letters": ("azure-service-bus", "exact"),
        "aws_s3_bucket.archive": ("azure-blob-storage", "exact"),
    },
    ("azure-web", "azure", "gcp"): {
        "azurerm_kubernetes_cluster.web": ("gcp-gke", "exact"),
        "azurerm_key_vault.web": ("gcp-secret-manager", "exact"),
    },
    ("gcp-data", "gcp", "aws"): {
        "google_bigquery_dataset.analytics": ("aws-redshift", "exact"),
        "google_storage_bucket.raw": ("aws-s3", "exact"),
        "google_cloud_run_v2_service.api": ("aws-fargate", "partial"),
    },
}


@pytest.mark.parametrize("case", sorted(EXPECTED), ids=lambda c: f"{c[0]}:{c[1]}->{c[2]}")
def test_fixture_maps_as_expected(kb: KnowledgeBase, case: tuple[str, str, str]) -> None:
    folder, source, target = case
    inventory = read_inventory(TF / folder)
    assert next(iter(sniff_providers(kb, inventory))) == source
    table = map_inventory(kb, inventory, source, [target])
    rows = {r.item: r for r in table.rows}
    assert len(rows) == len(inventory.items)  # every item is a row, none dropped
    for address, (service, status) in EXPECTED[case].items():
        mapping = rows[address].targets[target]
        assert (mapping.target.id if mapping.target else None) == service, address
        assert rows[address].status == status, address


def test_resources_of_another_provider_are_not_mapped_as_the_source(kb: KnowledgeBase) -> None:
    inventory = inventory_from_text(
        'resource "google_storage_bucket" "b" {}\nresource "aws_s3_bucket" "a" {}\n'
        'resource "github_repository" "r" {}\n'
    )
    assert sniff_providers(kb, inventory) == {"aws": 1, "gcp": 1}
    rows = {r.item: r for r in map_inventory(kb, inventory, "aws", ["azure"]).rows}
    assert rows["google_storage_bucket.b"].status == "unknown"
    assert "a gcp resource" in rows["google_storage_bucket.b"].note
    assert "provider github is outside the KB" in rows["github_repository.r"].note


def test_name_lists_map_with_the_same_rows(kb: KnowledgeBase) -> None:
    table = map_names(kb, ["Amazon S3", "Azure Functions", "nope"], "aws", ["gcp"])
    assert [r.status for r in table.rows] == ["exact", "unknown", "unknown"]
    assert table.summary["total"] == 3 and table.input == "list"


def test_by_service_rollup_counts_folded_rows(
    rows: dict[str, MigrationRow], tree_kb: KnowledgeBase
) -> None:
    table = map_inventory(tree_kb, read_inventory(TF / "modules-tree"), "aws", ["gcp"])
    vpc = next(s for s in table.by_service if s.source.id == "aws-vpc")
    folded = [
        r for r in table.rows if r.status == "folded" and r.source and r.source.id == "aws-vpc"
    ]
    assert vpc.rows == 1 and vpc.folded == len(folded) >= 1  # at least the subnet


def test_while_a_type_has_several_owners_the_product_wins(kb: KnowledgeBase) -> None:
    from archkb.engine.records import Fit
    from archkb.engine.terraform.owners import owner_of

    lam = kb.services["aws-lambda"]
    sibling = lam._replace(id="aws-orchestrated-functions", fit=Fit.partial, caveat="a sibling")
    flavour = lam._replace(id="aws-lambda-flavour")
    services = {**kb.services, sibling.id: sibling, flavour.id: flavour}
    crowded = dataclasses.replace(kb, services=services, caches=KbCaches())
    item = inventory_from_text('resource "aws_lambda_function" "f" {}\n').items[0]
    owner = owner_of(crowded, item)
    assert owner is not None and owner.service.id == "aws-lambda"


def test_build_test_and_telemetry_providers_are_glue_other_third_parties_unknown(
    kb: KnowledgeBase,
) -> None:
    text = """
resource "docker_image" "app" { name = "app" }
resource "kind_cluster" "test" { name = "test" }
resource "modtm_telemetry" "t" { tags = {} }
resource "rabbitmq_queue" "jobs" { name = "jobs" }
resource "github_repository" "infra" { name = "infra" }
resource "mongodbatlas_cluster" "db" { name = "db" }
module "runner_ip" { source = "lonegunmanb/public-ip/lonegunmanb" }
module "kubectl" { source = "terraform-google-modules/gcloud/google//modules/kubectl-wrapper" }
resource "aws_s3_bucket" "b" { bucket = "b" }
"""
    rows = {r.item: r for r in map_inventory(kb, inventory_from_text(text), "aws", ["gcp"]).rows}
    for glue in (
        "docker_image.app",
        "kind_cluster.test",
        "modtm_telemetry.t",
        "rabbitmq_queue.jobs",
        "module.runner_ip",
        "module.kubectl",
    ):
        assert rows[glue].status == "glue", glue
    for real in ("github_repository.infra", "mongodbatlas_cluster.db"):
        assert rows[real].status == "unknown" and "outside the KB" in rows[real].note


def test_a_computed_azapi_type_with_a_literal_head_maps(kb: KnowledgeBase) -> None:
    text = """
resource "azurerm_kubernetes_cluster" "main" { name = "aks" }
resource "azapi_update_resource" "post" {
  resource_id = azurerm_kubernetes_cluster.main.id
  type        = "Microsoft.ContainerService/managedClusters@${local.api_version}"
}
"""
    rows = {r.item: r for r in map_inventory(kb, inventory_from_text(text), "azure", ["aws"]).rows}
    post = rows["azapi_update_resource.post"]
    assert (post.status, post.folded_into) == ("folded", "azurerm_kubernetes_cluster.main")


def test_an_azapi_child_resource_type_configures_its_parent(kb: KnowledgeBase) -> None:
    text = """
resource "azapi_resource" "account" {
  type      = "Microsoft.Storage/storageAccounts@2023-05-01"
  parent_id = "rg"
}
resource "azapi_resource" "sftp_user" {
  type      = "Microsoft.Storage/storageAccounts/localUsers@2023-05-01"
  parent_id = azapi_resource.account.id
}
"""
    rows = {r.item: r for r in map_inventory(kb, inventory_from_text(text), "azure", ["aws"]).rows}
    assert rows["azapi_resource.account"].status in ("exact", "partial")
    user = rows["azapi_resource.sftp_user"]
    assert (user.status, user.folded_into) == ("folded", "azapi_resource.account")
