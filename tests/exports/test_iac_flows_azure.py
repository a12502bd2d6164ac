"""The Azure flows wired in round 5 (issue 16, point 3): each test reads the generated Terraform
of one stack and asserts the resources and arguments that make the grant or network path, so
the path cannot quietly become a module reference that does nothing.

Cheap by design: each stack is rendered once for the module and parsed with python-hcl2; no
checkov and no schema run here (tests/exports/test_iac_terraform.py does those).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from archkb.engine.kb import KnowledgeBase
from archkb.engine.resolve import resolve_architecture
from archkb.engine.results import ResolvedArchitecture
from archkb.exports.iac.render import ExportMeta, render_tool
from archkb.exports.iac.validate.config import Module, read_folder

META = ExportMeta("0.0-test", "0" * 64, (), "archkb export iac (test)")
STACKS = (
    "dr-pilot-light",
    "dr-warm-standby",
    "three-tier-web-vms",
    "hybrid-connectivity",
    "landing-zone-hub-spoke",
    "static-website-cdn",
    "microservices-on-kubernetes",
    "zero-trust-internal-app",
    "event-driven-microservices",
)
GAPS = Path(__file__).with_name("unwired_flows.txt")

Stack = dict[str, Module]

# One xdist worker builds the module's renders once (tests/conftest.py, SHARED_SETUP).
pytestmark = pytest.mark.xdist_group(name="tests/exports/test_iac_flows_azure.py")


@pytest.fixture(scope="module")
def rendered(kb: KnowledgeBase) -> dict[str, dict[str, str]]:
    """Every stack above rendered once: relative path -> text (roots, modules, READMEs)."""
    files = {}
    for blueprint in STACKS:
        arch = resolve_architecture(kb, kb.blueprints[blueprint], "azure")
        assert isinstance(arch, ResolvedArchitecture)
        files[blueprint] = render_tool("terraform", arch, META)
    return files


@pytest.fixture(scope="module")
def stacks(
    rendered: dict[str, dict[str, str]], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Stack]:
    """Those stacks written out and read back as modules (python-hcl2)."""
    root = tmp_path_factory.mktemp("azure-flows")
    read: dict[str, Stack] = {}
    for blueprint, files in rendered.items():
        for relative, text in files.items():
            path = root / blueprint / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        read[blueprint] = {module.path: module for module in read_folder(root / blueprint)}
    return read


def _resource(module: Module, type_: str, name: str = "") -> dict[str, Any]:
    block = module.find("resource", type_, name)
    assert block is not None, f"{module.path}: no {type_} {name}"
    return block.body


def _call(stack: Stack, name: str) -> dict[str, Any]:
    """The prod root's `module "name"` block."""
    calls = {b.name: b.body for b in stack["envs/prod"].of_kind("module")}
    return calls[name]


def _roles(module: Module) -> dict[str, dict[str, Any]]:
    """The module's fixed role assignments (not the `grants` loop) by role name."""
    found: dict[str, dict[str, Any]] = {}
    for block in module.of_kind("resource"):
        if block.type == "azurerm_role_assignment" and block.name != "grants":
            found.setdefault(block.body["role_definition_name"], block.body)
    return found


def _blocks(body: dict[str, Any], name: str) -> list[dict[str, Any]]:
    value = body.get(name, [])
    return value if isinstance(value, list) else [value]


@pytest.mark.parametrize(
    ("blueprint", "backup", "db"),
    [
        ("dr-pilot-light", "backups", "db"),
        ("dr-warm-standby", "backups", "db"),
        ("three-tier-web-vms", "backup", "db"),
    ],
)
def test_backups_protect_the_postgresql_server(
    stacks: dict[str, Stack], blueprint: str, backup: str, db: str
) -> None:
    stack = stacks[blueprint]
    assert _call(stack, backup)["postgresql_server_id"] == f"${{module.{db}.server_id}}"
    outputs = {b.name: b.body for b in stack[f"modules/{db}"].of_kind("output")}
    assert outputs["server_id"]["value"] == "${azurerm_postgresql_flexible_server.this.id}"

    module = stack[f"modules/{backup.replace('_', '-')}"]
    vault = _resource(module, "azurerm_data_protection_backup_vault", "this")
    assert vault["datastore_type"] == "VaultStore"
    assert _blocks(vault, "identity")[0]["type"] == "SystemAssigned"
    instance = _resource(
        module, "azurerm_data_protection_backup_instance_postgresql_flexible_server"
    )
    assert instance["server_id"] == "${var.postgresql_server_id}"
    assert instance["vault_id"] == "${azurerm_data_protection_backup_vault.this.id}"
    policy = _resource(module, "azurerm_data_protection_backup_policy_postgresql_flexible_server")
    assert instance["backup_policy_id"].startswith(
        "${azurerm_data_protection_backup_policy_postgresql_flexible_server."
    )
    assert policy["vault_id"] == instance["vault_id"]

    # What Microsoft's docs require of the vault's identity, on the server and on its group.
    roles = _roles(module)
    vault_identity = "${azurerm_data_protection_backup_vault.this.identity[0].principal_id}"
    backup_role = roles["PostgreSQL Flexible Server Long Term Retention Backup Role"]
    assert backup_role["scope"] == "${var.postgresql_server_id}"
    assert backup_role["principal_id"] == vault_identity
    reader = roles["Reader"]
    assert "var.postgresql_server_id" in reader["scope"] and "0, 5" in reader["scope"]
    assert reader["principal_id"] == vault_identity
    assert len(instance["depends_on"]) == 2  # both roles exist before Azure checks access


def test_hub_feeds_its_traffic_through_the_firewall(stacks: dict[str, Stack]) -> None:
    stack = stacks["hybrid-connectivity"]
    call = _call(stack, "firewall")
    assert call["virtual_hub_id"] == "${module.hub.hub_id}"
    assert call["address_space"] == "${module.network.address_space}"
    assert "subnet_id" not in call

    module = stack["modules/firewall"]
    firewall = _resource(module, "azurerm_firewall", "this")
    assert firewall["sku_name"] == "AZFW_Hub"
    assert _blocks(firewall, "virtual_hub")[0]["virtual_hub_id"] == "${var.virtual_hub_id}"
    assert "ip_configuration" not in firewall
    intent = _resource(module, "azurerm_virtual_hub_routing_intent", "this")
    assert intent["virtual_hub_id"] == "${var.virtual_hub_id}"
    policies = _blocks(intent, "routing_policy")
    assert {d for p in policies for d in p["destinations"]} == {"Internet", "PrivateTraffic"}
    assert {p["next_hop"] for p in policies} == {"${azurerm_firewall.this.id}"}
    policy = _resource(module, "azurerm_firewall_policy", "this")
    assert policy["threat_intelligence_mode"] == "Deny"  # the hub SKU takes it from here


def test_a_firewall_without_a_hub_stays_in_its_subnet(stacks: dict[str, Stack]) -> None:
    firewall = _resource(
        stacks["landing-zone-hub-spoke"]["modules/firewall"], "azurerm_firewall", "this"
    )
    assert firewall["sku_name"] == "AZFW_VNet"
    assert firewall["threat_intel_mode"] == "Deny"
    assert _blocks(firewall, "ip_configuration")[0]["subnet_id"] == "${var.subnet_id}"


def test_workload_joins_the_managed_domain_without_a_secret_in_state(
    stacks: dict[str, Stack],
) -> None:
    stack = stacks["hybrid-connectivity"]
    call = _call(stack, "workload")
    assert call["directory_domain_name"] == "${module.directory.domain_name}"
    assert call["directory_dns_servers"] == "${module.directory.dns_servers}"

    module = stack["modules/workload"]
    nic = _resource(module, "azurerm_network_interface", "this")
    assert nic["dns_servers"] == "${var.directory_dns_servers}"
    vm = _resource(module, "azurerm_linux_virtual_machine", "this")
    assert vm["custom_data"] == "${base64encode(local.domain_join)}"
    assert vm["allow_extension_operations"] is False
    secret_reader = _roles(module)["Key Vault Secrets User"]
    assert secret_reader["scope"] == (
        "${var.domain_join_vault_id}/secrets/${var.domain_join_secret_name}"
    )
    assert secret_reader["principal_id"] == "${azurerm_user_assigned_identity.this.principal_id}"
    script = next(b.body for b in module.of_kind("locals") if "domain_join" in b.body)
    assert "realm join" in script["domain_join"]
    assert "169.254.169.254/metadata/identity" in script["domain_join"]
    # Terraform never reads the join password: no secret data source, no password input.
    assert not [b for b in module.of_kind("data") if b.type == "azurerm_key_vault_secret"]
    assert not [b for b in module.of_kind("variable") if "password" in b.name]


def test_front_door_serves_the_key_vault_certificate(stacks: dict[str, Stack]) -> None:
    stack = stacks["static-website-cdn"]
    call = _call(stack, "cdn")
    assert call["certificate_id"] == "${module.certificate.certificate_id}"
    assert call["certificate_vault_id"] == "${module.certificate.key_vault_id}"
    assert call["custom_domain_name"] == "${module.certificate.domain_name}"

    module = stack["modules/cdn"]
    profile = _resource(module, "azurerm_cdn_frontdoor_profile", "this")
    assert _blocks(profile, "identity")[0]["type"] == "SystemAssigned"
    reader = _roles(module)["Key Vault Secrets User"]
    assert reader["scope"] == "${var.certificate_vault_id}"
    assert (
        reader["principal_id"] == "${azurerm_cdn_frontdoor_profile.this.identity[0].principal_id}"
    )
    secret = _resource(module, "azurerm_cdn_frontdoor_secret", "certificate")
    customer = _blocks(_blocks(secret, "secret")[0], "customer_certificate")[0]
    assert customer["key_vault_certificate_id"] == "${var.certificate_id}"
    domain = _resource(module, "azurerm_cdn_frontdoor_custom_domain", "this")
    tls = _blocks(domain, "tls")[0]
    assert tls["certificate_type"] == "CustomerCertificate"
    assert tls["cdn_frontdoor_secret_id"] == "${azurerm_cdn_frontdoor_secret.certificate.id}"
    route = _resource(module, "azurerm_cdn_frontdoor_route", "this")
    assert route["cdn_frontdoor_custom_domain_ids"] == [
        "${azurerm_cdn_frontdoor_custom_domain.this.id}"
    ]
    policy = _resource(module, "azurerm_cdn_frontdoor_security_policy", "this")
    association = _blocks(
        _blocks(_blocks(policy, "security_policies")[0], "firewall")[0], "association"
    )[0]
    domains = {d["cdn_frontdoor_domain_id"] for d in _blocks(association, "domain")}
    assert "${azurerm_cdn_frontdoor_custom_domain.this.id}" in domains  # the WAF covers it too

    # Front Door rejects EC certificates, and reads the private vault as a trusted service.
    certificate = stack["modules/certificate"]
    cert = _resource(certificate, "azurerm_key_vault_certificate", "this")
    keys = _blocks(_blocks(cert, "certificate_policy")[0], "key_properties")[0]
    assert keys["key_type"] == "RSA"
    vault = _resource(certificate, "azurerm_key_vault", "this")
    assert vault["public_network_access_enabled"] is False
    assert _blocks(vault, "network_acls")[0]["bypass"] == "AzureServices"


def test_operators_reach_the_web_tier_through_bastion_with_entra_id(
    stacks: dict[str, Stack],
) -> None:
    stack = stacks["three-tier-web-vms"]
    assert _call(stack, "web")["bastion_id"] == "${module.bastion.bastion_id}"
    module = stack["modules/web"]
    scale_set = _resource(module, "azurerm_linux_virtual_machine_scale_set", "this")
    assert "SystemAssigned" in _blocks(scale_set, "identity")[0]["type"]
    extensions = {e["type"] for e in _blocks(scale_set, "extension")}
    assert "AADSSHLoginForLinux" in extensions
    roles = _roles(module)
    assert roles["Virtual Machine User Login"]["scope"] == (
        "${azurerm_linux_virtual_machine_scale_set.this.id}"
    )
    assert roles["Virtual Machine User Login"]["principal_id"] == "${var.operators_group_object_id}"
    readers = [
        b.body["scope"]
        for b in module.of_kind("resource")
        if b.type == "azurerm_role_assignment" and b.body["role_definition_name"] == "Reader"
    ]
    assert "${var.bastion_id}" in readers


def test_the_ingress_controller_configures_the_gateway(stacks: dict[str, Stack]) -> None:
    stack = stacks["microservices-on-kubernetes"]
    assert _call(stack, "cluster")["application_gateway_id"] == "${module.ingress.gateway_id}"
    assert _call(stack, "ingress")["ingress_controller_principal_id"] == (
        "${module.cluster.ingress_controller_principal_id}"
    )
    cluster = _resource(stack["modules/cluster"], "azurerm_kubernetes_cluster", "this")
    assert _blocks(cluster, "ingress_application_gateway")[0]["gateway_id"] == (
        "${var.application_gateway_id}"
    )

    module = stack["modules/ingress"]
    roles = _roles(module)
    assert roles["Contributor"]["scope"] == "${azurerm_application_gateway.this.id}"
    assert roles["Network Contributor"]["scope"] == "${var.subnet_id}"
    assert (
        roles["Managed Identity Operator"]["scope"] == "${azurerm_user_assigned_identity.this.id}"
    )
    for role in ("Contributor", "Network Contributor", "Managed Identity Operator"):
        assert roles[role]["principal_id"] == "${var.ingress_controller_principal_id}"
    gateway = _resource(module, "azurerm_application_gateway", "this")
    ignored = " ".join(map(str, _blocks(gateway, "lifecycle")[0]["ignore_changes"]))
    for written_by_the_controller in (
        "http_listener",
        "backend_address_pool",
        "request_routing_rule",
    ):
        assert written_by_the_controller in ignored


def test_app_telemetry_goes_through_the_private_link_scope(stacks: dict[str, Stack]) -> None:
    stack = stacks["zero-trust-internal-app"]
    assert _call(stack, "app")["private_link_scope_id"] == (
        "${module.private_link.private_link_scope_id}"
    )
    module = stack["modules/app"]
    insights = _resource(module, "azurerm_application_insights", "this")
    assert insights["internet_ingestion_enabled"] is False
    assert insights["local_authentication_enabled"] is False
    scoped = _resource(module, "azurerm_monitor_private_link_scoped_service", "telemetry")
    assert scoped["linked_resource_id"] == "${azurerm_application_insights.this.id}"
    assert "var.private_link_scope_id" in scoped["scope_name"]
    publisher = _roles(module)["Monitoring Metrics Publisher"]
    assert publisher["scope"] == "${azurerm_application_insights.this.id}"


def _gap_reasons() -> dict[str, str]:
    reasons = {}
    for line in GAPS.read_text().splitlines():
        gap, _, reason = line.partition("#")
        reasons[gap.strip()] = reason.strip()
    return reasons


@pytest.mark.parametrize(
    ("gap", "module", "step"),
    [
        ("event-driven-microservices azure services -> store", "store", "readWrite"),
        ("hybrid-connectivity azure workload -> dns", "workload", "conditional forwarders"),
    ],
)
def test_manual_steps_are_cannot_lines_the_readme_states(
    rendered: dict[str, dict[str, str]], stacks: dict[str, Stack], gap: str, module: str, step: str
) -> None:
    """A flow left to a human after deploy is a `cannot` line, and the module README says how."""
    assert _gap_reasons()[gap].startswith("cannot: ")
    blueprint = gap.split()[0]
    assert step in rendered[blueprint][f"modules/{module}/README.md"]


def test_workloads_get_no_root_user_on_the_document_database(stacks: dict[str, Stack]) -> None:
    """azurerm 4.81 grants only `root`, so the services' identity is not made a cluster user."""
    store = stacks["event-driven-microservices"]["modules/store"]
    users = [b.name for b in store.of_kind("resource") if b.type == "azurerm_mongo_cluster_user"]
    assert users == ["admin"]
