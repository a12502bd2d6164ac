"""`archkb validate-iac`: schema checks and behaviour rules on small Terraform folders of our own.

Each defect issue 16 found in the generated Terraform has a fixture here that reproduces it in
a few lines; the validator must name it (check, address, argument), and stay quiet on the
corrected form.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from archkb.exports.iac.validate import validate_folder
from archkb.exports.iac.validate.checks import Violation

from tests.conftest import run_cli
from tests.exports.tfschema_helpers import tfschema_dir, write_tree

STORAGE = """
resource "azurerm_storage_account" "this" {
  name                          = "stexample"
  location                      = "westeurope"
  resource_group_name           = "rg-example"
  account_tier                  = "Standard"
  account_replication_type      = "GZRS"
  shared_access_key_enabled     = false
  public_network_access_enabled = false
%s
}
"""
QUEUE_PROPERTIES = """
  queue_properties {
    logging {
      delete  = true
      read    = true
      write   = true
      version = "1.0"
    }
  }
"""
INSIGHTS = """
resource "azurerm_log_analytics_storage_insights" "this" {
  name                 = "insights"
  resource_group_name  = "rg-example"
  workspace_id         = "/subscriptions/0/workspaces/logs"
  storage_account_id   = azurerm_storage_account.this.id
  blob_container_names = ["data"]
}
"""
ROOT_WITH_GROUP = """
resource "azurerm_resource_group" "this" {
  name     = "rg-example"
  location = "westeurope"
}

module "deliver" {
  source              = "../../modules/deliver"
  resource_group_name = azurerm_resource_group.this.name
}
"""
MODULE_LOOKUP = """
variable "resource_group_name" {
  type = string
}

data "azurerm_resource_group" "this" {
  name = var.resource_group_name
}

output "id" {
  value = data.azurerm_resource_group.this.id
}
"""
APIM_MODULE = """
variable "sku_name" {
  type    = string
  default = "Developer_1"
}

resource "azurerm_api_management" "this" {
  name                = "apim-example"
  location            = "westeurope"
  resource_group_name = "rg-example"
  publisher_name      = "Platform team"
  publisher_email     = "platform@example.com"
  sku_name            = var.sku_name
}
"""
GATEWAY = """
resource "google_api_gateway_api_config" "this" {
  provider             = google-beta
  api                  = "api"
  api_config_id_prefix = "api-"

  gateway_config {
    backend_config {
      google_service_account = "gw@example.iam.gserviceaccount.com"
    }
  }
}
"""
FUNCTION = """
resource "google_cloudfunctions2_function" "this" {
  name     = "handler"
  location = "europe-west1"

  service_config {
    ingress_settings = "%s"
  }
}
"""
INVOKER = """
resource "google_cloud_run_service_iam_member" "gateway" {
  location = "europe-west1"
  service  = google_cloudfunctions2_function.this.service_config[0].service
  role     = "roles/run.invoker"
  member   = "serviceAccount:gw@example.iam.gserviceaccount.com"
}
"""
PSC = """
variable "name" {
  type = string
}

resource "google_compute_global_forwarding_rule" "this" {
  name                  = "${substr(replace(var.name, "-", ""), 0, %d)}psc"
  target                = "all-apis"
  network               = "default"
  load_balancing_scheme = ""
}
"""


def _found(tmp_path: Path, files: dict[str, str]) -> set[tuple[str, str, str]]:
    report = validate_folder(write_tree(tmp_path, files), tfschema_dir())
    return {(v.check, v.address, v.argument) for v in report.violations}


# --- schema checks -------------------------------------------------------------------------


def test_clean_configuration_has_no_findings(tmp_path: Path) -> None:
    assert _found(tmp_path, {"main.tf": STORAGE % ""}) == set()


def test_unknown_type_argument_block_and_missing_required(tmp_path: Path) -> None:
    text = """
resource "aws_s3_bukket" "typo" {}

resource "aws_s3_bucket" "this" {
  bucket_name = "typo"

  versioning_config {
    enabled = true
  }
}

resource "aws_lambda_function" "this" {
  role = "arn:aws:iam::123456789012:role/x"
}
"""
    found = _found(tmp_path, {"main.tf": text})
    assert found == {
        ("unknown-type", "aws_s3_bukket.typo", ""),
        ("unknown-argument", "aws_s3_bucket.this", "bucket_name"),
        ("unknown-block", "aws_s3_bucket.this", "versioning_config"),
        ("missing-argument", "aws_lambda_function.this", ""),
    }


def test_nested_blocks_are_checked_inside(tmp_path: Path) -> None:
    text = STORAGE % "  blob_properties {\n    versioning = true\n  }\n"
    assert _found(tmp_path, {"main.tf": text}) == {
        ("unknown-argument", "azurerm_storage_account.this", "blob_properties.versioning")
    }


def test_dynamic_blocks_are_checked_as_their_block(tmp_path: Path) -> None:
    text = STORAGE % (
        '  dynamic "blob_properties" {\n    for_each = [1]\n    content {\n'
        "      versionin_enabled = true\n    }\n  }\n"
    )
    assert _found(tmp_path, {"main.tf": text}) == {
        ("unknown-argument", "azurerm_storage_account.this", "blob_properties.versionin_enabled")
    }


def test_reference_to_missing_attribute(tmp_path: Path) -> None:
    text = (STORAGE % "") + (
        'output "endpoint" {\n  value = azurerm_storage_account.this.primary_blob_url\n}\n'
        'output "good" {\n  value = azurerm_storage_account.this.primary_blob_endpoint\n}\n'
    )
    assert _found(tmp_path, {"main.tf": text}) == {
        (
            "unknown-attribute",
            "output.endpoint",
            "azurerm_storage_account.this.primary_blob_url",
        )
    }


def test_deprecated_cosmos_local_authentication_disabled(tmp_path: Path) -> None:
    text = """
resource "azurerm_cosmosdb_account" "this" {
  name                          = "cosmos-example"
  location                      = "westeurope"
  resource_group_name           = "rg-example"
  offer_type                    = "Standard"
  local_authentication_disabled = true

  consistency_policy {
    consistency_level = "Session"
  }

  geo_location {
    location          = "westeurope"
    failover_priority = 0
  }
}
"""
    assert _found(tmp_path, {"main.tf": text}) == {
        ("deprecated", "azurerm_cosmosdb_account.this", "local_authentication_disabled")
    }
    fixed = text.replace(
        "local_authentication_disabled = true", "local_authentication_enabled = false"
    )
    assert _found(tmp_path / "fixed", {"main.tf": fixed}) == set()


# --- the defects of issue 16 ---------------------------------------------------------------


def test_storage_insights_without_key_on_keyless_account(tmp_path: Path) -> None:
    found = _found(tmp_path, {"main.tf": STORAGE % "" + INSIGHTS})
    assert found == {
        ("missing-argument", "azurerm_log_analytics_storage_insights.this", ""),
        (
            "insights-without-shared-key",
            "azurerm_log_analytics_storage_insights.this",
            "storage_account_id",
        ),
    }


def test_queue_properties_on_private_account(tmp_path: Path) -> None:
    found = _found(tmp_path, {"main.tf": STORAGE % QUEUE_PROPERTIES})
    assert found == {
        ("deprecated", "azurerm_storage_account.this", "queue_properties"),
        ("queue-properties-private-account", "azurerm_storage_account.this", "queue_properties"),
    }


def test_data_lookup_of_the_group_the_root_creates(tmp_path: Path) -> None:
    files = {"envs/prod/main.tf": ROOT_WITH_GROUP, "modules/deliver/main.tf": MODULE_LOOKUP}
    assert _found(tmp_path, files) == {
        ("data-reads-own-resource", "data.azurerm_resource_group.this", "name")
    }


def test_data_lookup_of_a_group_created_elsewhere_is_fine(tmp_path: Path) -> None:
    root = 'module "deliver" {\n  source              = "../../modules/deliver"\n  resource_group_name = "rg-shared"\n}\n'
    files = {"envs/prod/main.tf": root, "modules/deliver/main.tf": MODULE_LOOKUP}
    assert _found(tmp_path, files) == set()


def test_developer_tier_in_prod_through_the_module_default(tmp_path: Path) -> None:
    call = 'module "api" {\n  source = "../../modules/api"\n%s}\n'
    files = {
        "envs/dev/main.tf": call % "",
        "envs/prod/main.tf": call % "",
        "modules/api/main.tf": APIM_MODULE,
    }
    assert _found(tmp_path, files) == {
        ("developer-tier-in-prod", "azurerm_api_management.this", "sku_name")
    }
    files["envs/prod/main.tf"] = call % '  sku_name = "Premium_1"\n'
    assert _found(tmp_path / "fixed", files) == set()


def test_internal_only_function_behind_api_gateway_without_invoker(tmp_path: Path) -> None:
    found = _found(tmp_path, {"main.tf": GATEWAY + FUNCTION % "ALLOW_INTERNAL_ONLY"})
    assert found == {
        (
            "internal-only-behind-gateway",
            "google_cloudfunctions2_function.this",
            "service_config.ingress_settings",
        ),
        ("gateway-without-invoker", "google_api_gateway_api_config.this", ""),
    }
    fixed = GATEWAY + FUNCTION % "ALLOW_ALL" + INVOKER
    assert _found(tmp_path / "fixed", {"main.tf": fixed}) == set()


def test_internal_only_function_without_gateway_is_fine(tmp_path: Path) -> None:
    assert _found(tmp_path, {"main.tf": FUNCTION % "ALLOW_INTERNAL_ONLY"}) == set()


def test_internal_only_function_beside_the_gateway_is_fine(tmp_path: Path) -> None:
    """Only the modules a root wires into the gateway's call are its backends: an event-driven
    function in the same stack keeps internal-only ingress."""
    root = (
        'module "api" {\n  source      = "../../modules/api"\n  backend_url = module.handler.url\n}\n'
        'module "handler" {\n  source = "../../modules/handler"\n}\n'
        'module "projector" {\n  source = "../../modules/projector"\n}\n'
    )
    files = {
        "envs/prod/main.tf": root,
        "modules/api/main.tf": GATEWAY + INVOKER,
        "modules/handler/main.tf": FUNCTION % "ALLOW_INTERNAL_ONLY",
        "modules/projector/main.tf": FUNCTION % "ALLOW_INTERNAL_ONLY",
    }
    found = {(check, address) for check, address, _ in _found(tmp_path, files)}
    assert ("internal-only-behind-gateway", "google_cloudfunctions2_function.this") in found
    behind = [
        v.file
        for v in validate_folder(tmp_path, tfschema_dir()).violations
        if v.check == "internal-only-behind-gateway"
    ]
    assert behind and all("handler" in f for f in behind)


def test_psc_forwarding_rule_name_longer_than_20(tmp_path: Path) -> None:
    assert _found(tmp_path, {"main.tf": PSC % 18}) == {
        ("psc-name", "google_compute_global_forwarding_rule.this", "name")
    }
    assert _found(tmp_path / "fixed", {"main.tf": PSC % 17}) == set()


# --- the command ---------------------------------------------------------------------------


def _cli(*args: str) -> tuple[int, str, str]:
    result = run_cli("validate-iac", *args, "--schemas", str(tfschema_dir()))
    return result.exit_code, result.stdout, result.stderr


def test_cli_lists_findings_with_file_line_address_argument_and_exits_1(tmp_path: Path) -> None:
    write_tree(tmp_path, {"modules/data/main.tf": STORAGE % QUEUE_PROPERTIES})
    code, out, err = _cli(str(tmp_path))
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 2
    assert all(
        line.startswith("modules/data/main.tf:11 azurerm_storage_account.this queue_properties ")
        for line in lines
    ), out
    assert "2 finding(s)" in err


def test_cli_clean_folder_exits_0(tmp_path: Path) -> None:
    write_tree(tmp_path, {"main.tf": STORAGE % ""})
    code, out, err = _cli(str(tmp_path))
    assert (code, out) == (0, "")
    assert "OK: 1 file(s), blocks checked: 1 azurerm" in err


def test_cli_json(tmp_path: Path) -> None:
    write_tree(tmp_path, {"main.tf": PSC % 18})
    code, out, _ = _cli(str(tmp_path), "--json")
    data = json.loads(out)
    assert code == 1
    assert data["violations"] == [
        Violation(
            "main.tf",
            7,
            "google_compute_global_forwarding_rule.this",
            "name",
            "psc-name",
            "name can be 21 characters; Private Service Connect allows 20",
        ).__dict__
    ]


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "no .tf files"),
        ({"main.tf": 'resource "aws_s3_bucket" "x" {\n  bucket = \n}\n'}, "main.tf"),
    ],
    ids=["empty", "unparsable"],
)
def test_cli_bad_input_exits_2(tmp_path: Path, files: dict[str, str], message: str) -> None:
    write_tree(tmp_path, files)
    code, out, err = _cli(str(tmp_path))
    assert code == 2 and out == ""
    assert message in err


def test_cli_missing_schemas_exit_2_and_say_how_to_set_up(tmp_path: Path) -> None:
    write_tree(tmp_path / "tf", {"main.tf": STORAGE % ""})
    result = run_cli("validate-iac", str(tmp_path / "tf"), "--schemas", str(tmp_path / "none"))
    assert result.exit_code == 2
    assert "validate.fetch" in result.stderr and "make tfschema" in result.stderr


def test_module_interfaces_are_checked_like_terraform_validate(tmp_path: Path) -> None:
    root = """
module "api" {
  source  = "../../modules/api"
  name    = "api"
  colour  = "blue"
}

output "url" {
  value = module.api.address
}

output "other" {
  value = module.db.url
}

output "tags" {
  value = merge(var.tags, local.extra)
}
"""
    api = """
variable "name" {
  type = string
}

variable "region" {
  type = string
}

output "url" {
  value = "https://${var.name}.example.com"
}
"""
    found = _found(tmp_path, {"envs/prod/main.tf": root, "modules/api/main.tf": api})
    assert found == {
        ("unknown-module-input", "module.api", "colour"),
        ("missing-module-input", "module.api", ""),
        ("unknown-module-output", "output.url", "module.api.address"),
        ("unknown-module", "output.other", "module.db.url"),
        ("undeclared-variable", "output.tags", "var.tags"),
        ("undeclared-local", "output.tags", "local.extra"),
    }
