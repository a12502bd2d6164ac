"""Regression tests for the defects issue 16 found in the generated Terraform.

Each renders the stacks that had the defect and checks the corrected form directly in the
HCL, and that the validator rule that names the defect finds nothing there.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from archkb.engine.kb import KnowledgeBase
from archkb.engine.resolve import resolve_architecture
from archkb.engine.results import ResolvedArchitecture
from archkb.exports.iac.render import ExportMeta, render_tool
from archkb.exports.iac.validate import validate_modules
from archkb.exports.iac.validate.config import Module, read_folder
from archkb.exports.iac.validate.rules import max_length

from tests.exports.tfschema_helpers import schemas

META = ExportMeta("0.0-test", "0" * 64, (), "archkb export iac (test)")
STACKS = (
    "cicd-platform/azure", "serverless-rest-api/azure", "static-website-cdn/azure",
    "zero-trust-internal-app/azure", "data-warehouse-elt/azure", "serverless-rest-api/gcp",
    "zero-trust-internal-app/gcp", "serverless-event-processing/gcp", "three-tier-web-vms/aws",
    "three-tier-web-vms/azure", "three-tier-web-vms/gcp",
)  # fmt: skip


@pytest.fixture(scope="module")
def stacks(kb: KnowledgeBase, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("defects")
    for stack in STACKS:
        blueprint, provider = stack.split("/")
        arch = resolve_architecture(kb, kb.blueprints[blueprint], provider)
        assert isinstance(arch, ResolvedArchitecture)
        for relative, text in render_tool("terraform", arch, META).items():
            path = root / stack / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    return {stack: root / stack for stack in STACKS}


@pytest.fixture(scope="module")
def modules(stacks: dict[str, Path]) -> dict[str, list[Module]]:
    return {stack: read_folder(path) for stack, path in stacks.items()}


def _checks(modules: list[Module]) -> set[str]:
    return {v.check for v in validate_modules(modules, schemas()).violations}


def _resources(modules: list[Module], type_: str) -> list[Any]:
    return [b for m in modules for b in m.of_kind("resource") if b.type == type_]


def _module_call(modules: list[Module], root: str, name: str) -> dict[str, Any]:
    module = next(m for m in modules if m.path == root)
    call = next(b for b in module.of_kind("module") if b.name == name)
    return call.body


AZURE = [s for s in STACKS if s.endswith("/azure")]


@pytest.mark.parametrize("stack", AZURE)
def test_azure_storage_has_no_insights_and_no_queue_properties(
    modules: dict[str, list[Module]], stack: str
) -> None:
    """Insights need a shared key the accounts disable; queue_properties are deprecated and
    fail with 403 on accounts without public access. Logs go through diagnostic settings."""
    found = modules[stack]
    assert not _resources(found, "azurerm_log_analytics_storage_insights")
    accounts = _resources(found, "azurerm_storage_account")
    assert accounts
    for account in accounts:
        assert "queue_properties" not in account.body
        assert account.body["shared_access_key_enabled"] is False
    targets = [
        d.body["target_resource_id"]
        for d in _resources(found, "azurerm_monitor_diagnostic_setting")
    ]
    for account in accounts:
        assert any(f"{account.address}.id}}/queueServices/default" in t for t in targets), (
            account.address
        )
    assert not _checks(found) & {
        "missing-argument",
        "deprecated",
        "insights-without-shared-key",
        "queue-properties-private-account",
    }


@pytest.mark.parametrize("stack", ["cicd-platform/azure", "zero-trust-internal-app/azure"])
def test_no_data_lookup_of_the_resource_group_the_root_creates(
    modules: dict[str, list[Module]], stack: str
) -> None:
    found = modules[stack]
    assert not [b for m in found for b in m.of_kind("data") if b.type == "azurerm_resource_group"]
    assert "data-reads-own-resource" not in _checks(found)


def test_cosmos_disables_keys_with_the_current_argument(modules: dict[str, list[Module]]) -> None:
    (cosmos,) = _resources(modules["serverless-rest-api/azure"], "azurerm_cosmosdb_account")
    assert cosmos.body["local_authentication_enabled"] is False
    assert "local_authentication_disabled" not in cosmos.body


def test_api_management_is_not_developer_tier_in_prod(modules: dict[str, list[Module]]) -> None:
    found = modules["serverless-rest-api/azure"]
    # A serverless blueprint: Standard v2 in both, larger in prod (test_iac_profiles.py).
    assert _module_call(found, "envs/prod", "api")["sku_name"] == "StandardV2_2"
    assert _module_call(found, "envs/dev", "api")["sku_name"] == "StandardV2_1"
    assert "developer-tier-in-prod" not in _checks(found)


def test_gcp_function_behind_api_gateway_admits_it_and_grants_it_invoker(
    modules: dict[str, list[Module]],
) -> None:
    found = modules["serverless-rest-api/gcp"]
    (function,) = _resources(found, "google_cloudfunctions2_function")
    assert function.body["service_config"][0]["ingress_settings"] == "ALLOW_ALL"
    (invoker,) = _resources(found, "google_cloud_run_service_iam_member")
    assert invoker.body["role"] == "roles/run.invoker"
    for env in ("dev", "prod"):
        assert _module_call(found, f"envs/{env}", "handler")["members"] == ["${module.api.member}"]
    assert not _checks(found) & {"internal-only-behind-gateway", "gateway-without-invoker"}


def test_gcp_function_without_gateway_stays_internal(modules: dict[str, list[Module]]) -> None:
    found = modules["serverless-event-processing/gcp"]
    for function in _resources(found, "google_cloudfunctions2_function"):
        assert function.body["service_config"][0]["ingress_settings"] == "ALLOW_INTERNAL_ONLY"


def test_psc_forwarding_rule_name_fits_20_characters(modules: dict[str, list[Module]]) -> None:
    found = modules["zero-trust-internal-app/gcp"]
    rules = [
        (m, b)
        for m in found
        for b in m.of_kind("resource")
        if b.type == "google_compute_global_forwarding_rule" and b.body.get("target") == "all-apis"
    ]
    assert rules
    for module, rule in rules:
        bound = max_length(found, module, rule.body["name"])
        assert bound is not None and bound <= 20, (rule.body["name"], bound)
        assert re.fullmatch(r"[a-z0-9]*", re.sub(r"\$\{[^}]*\}\)?\}?", "", rule.body["name"]))
    assert "psc-name" not in _checks(found)


@pytest.mark.parametrize(
    ("stack", "module", "var"),
    [
        ("three-tier-web-vms/aws", "db", "instance_class"),
        ("three-tier-web-vms/azure", "db", "sku_name"),
        ("three-tier-web-vms/gcp", "db", "tier"),
        ("serverless-rest-api/azure", "api", "sku_name"),
    ],
)
def test_dev_and_prod_differ_in_size(
    modules: dict[str, list[Module]], stack: str, module: str, var: str
) -> None:
    found = modules[stack]
    dev = _module_call(found, "envs/dev", module)[var]
    prod = _module_call(found, "envs/prod", module)[var]
    assert dev != prod, (stack, module, var, dev)
