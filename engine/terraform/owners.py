"""Which KB service owns a Terraform resource: attribute rules first (flavours, azapi types),
then the one service listing the type; registry modules by their `namespace/name/provider`.

What decides this is KB data (`iac.terraform`, `iac.when`, `iac.modules`); the only facts kept
here are about providers, not services: which providers are utilities (glue) and how module
sources are spelled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..records import AttributeRule, Fit, Service

if TYPE_CHECKING:
    from ..kb import KnowledgeBase
    from .inventory import InventoryItem

UTILITY_PREFIXES = (
    "random_",
    "null_",
    "time_",
    "local_",
    "tls_",
    "archive_",
    "template_",
    "kubernetes_",
    "helm_",
    "rabbitmq_",
    "external",
    "http",
    "cloudinit_",
    "docker_",
    "kind_",
    "modtm_",
)
"""Providers that configure or compute rather than deploy cloud services: their resources are
glue. Utilities (`random` … `cloudinit`; `external` and `http` are data-only); software inside
a service the code deploys (`kubernetes` and `helm` inside a cluster, `rabbitmq` queues inside
a broker: they move with it); build and test tools (`docker` builds and pushes an image to a
registry that is a row of its own, `kind` runs a throw-away cluster on the machine running
Terraform); `modtm`, the telemetry Azure Verified Modules send. Other third-party providers
(github, gitlab, mongodbatlas …) deploy real things outside the KB's clouds: they stay
`unknown`, counted against coverage."""

UTILITY_TYPES = frozenset({"terraform_data", "terraform_remote_state"})

UTILITY_MODULES = re.compile(
    r"^(?:Azure/naming/|Azure/avm-utl-|terraform-google-modules/gcloud/|lonegunmanb/public-ip/)",
    re.IGNORECASE,
)
"""Registry modules that deploy nothing: they compute names, regions or interfaces (Azure's
naming and `avm-utl-*`), look up the public IP of the machine running Terraform
(`lonegunmanb/public-ip`), or run the gcloud / kubectl command line there (`gcloud`,
`gcloud//modules/kubectl-wrapper`, like a `null_resource` with `local-exec`): glue."""

CONFIGURING_TYPES = {
    "azapi_update_resource": "azapi_resource",
    "azapi_resource_action": "azapi_resource",
}
"""Generic types that change a resource another block (or another tool) made: they belong to
whatever the `type` they name belongs to, as configuration."""

_IAM_OF_RESOURCE = re.compile(r"^(?P<base>google_[a-z0-9_]+?)_iam_(?:member|binding|policy)$")
"""google's per-resource IAM types (`google_pubsub_topic_iam_member`) configure the resource
type they extend: their owner is that type's owner."""

_REGISTRY = re.compile(
    r"^(?:[a-z0-9.-]+\.[a-z]+/)?(?P<ns>[A-Za-z0-9_.-]+)/(?P<name>[A-Za-z0-9_.-]+)/(?P<provider>[a-z0-9]+)(?://(?P<sub>.*))?$"
)
_REPOSITORY = re.compile(r"terraform-(?P<provider>[a-z0-9]+)-(?P<name>[A-Za-z0-9_.-]+?)(?:\.git)?$")
_GIT_HOSTED = re.compile(
    r"^(?:git::)?(?:https://|ssh://git@|git@)?(?:github\.com|gitlab\.com|bitbucket\.org)[/:](?P<ns>[A-Za-z0-9_.-]+)/(?P<repo>[A-Za-z0-9_.-]+?)(?:\.git)?(?://(?P<sub>[^?]*))?(?:\?.*)?$"
)


@dataclass(frozen=True)
class Owner:
    service: Service
    how: str
    """`type`, `rule` (an attribute rule chose a flavour) or `module`."""
    main: bool
    """The resource is its service's main type (or chosen by a rule), not a configuration type."""


def is_glue(resource_type: str) -> bool:
    return resource_type in UTILITY_TYPES or resource_type.startswith(UTILITY_PREFIXES)


def is_utility_module(source: str) -> bool:
    found = registry_module(source)
    return found is not None and bool(UTILITY_MODULES.match(found[0]))


def owner_of(kb: KnowledgeBase, item: InventoryItem) -> Owner | None:
    """The service a resource (or a registry module call) deploys, or None when unknown."""
    if item.kind == "module":
        module = registry_module(item.type)
        if module is None:
            return None
        service = _module_index(kb).get(module[0].lower())
        return Owner(service, "module", True) if service else None
    ruled_type = CONFIGURING_TYPES.get(item.type, item.type)
    for rule, service in _rule_index(kb).get(ruled_type, []):
        value = item.attributes.get(rule.attribute)
        if _matches(rule, value):
            assert value is not None
            main = ruled_type == item.type and not _arm_child(rule, value)
            return Owner(service, "rule", main)
    services = kb.services_by_terraform_type.get(item.type, [])
    if not services:
        return _owner_of_iam_type(kb, item.type)
    # One owner per type in the shipped KB (a test enforces it); ranking is for overlays.
    service = services[0] if len(services) == 1 else _first(kb, services, item.type)
    return Owner(service, "type", service.iac.is_main(item.type))


def _first(kb: KnowledgeBase, services: list[Service], resource_type: str) -> Service:
    return min(services, key=lambda s: _rank(kb, s, resource_type, services))


def _owner_of_iam_type(kb: KnowledgeBase, resource_type: str) -> Owner | None:
    iam = _IAM_OF_RESOURCE.match(resource_type)
    if iam is None:
        return None
    base_type = iam["base"]
    base = kb.services_by_terraform_type.get(base_type, [])
    if not base:
        return None
    return Owner(base[0] if len(base) == 1 else _first(kb, base, base_type), "type", False)


def registry_module(source: str) -> tuple[str, str] | None:
    """`namespace/name/provider` and the submodule path of a registry or git-hosted source."""
    found = _REGISTRY.match(source)
    if found and not source.startswith((".", "/", "git::", "github.com", "s3::", "gcs::")):
        return f"{found['ns']}/{found['name']}/{found['provider']}", found["sub"] or ""
    hosted = _GIT_HOSTED.match(source)
    if hosted:
        repository = _REPOSITORY.match(hosted["repo"])
        if repository:
            key = f"{hosted['ns']}/{repository['name']}/{repository['provider']}"
            return key, hosted["sub"] or ""
    return None


def _arm_child(rule: AttributeRule, value: str) -> bool:
    """An azapi `type` below the one the rule names is a child resource in Azure Resource
    Manager (`Microsoft.Storage/storageAccounts/localUsers` under a rule for
    `Microsoft.Storage/storageAccounts`): configuration of its parent, as `azurerm_subnet` is
    of a virtual network."""
    if not rule.type.startswith("azapi_"):
        return False
    depth = value.split("@", 1)[0].rstrip("/").count("/")
    named = [v for v in rule.values if value.lower().startswith(v.lower())]
    return bool(named) and depth > max(v.split("@", 1)[0].rstrip("/").count("/") for v in named)


def _matches(rule: AttributeRule, value: str | None) -> bool:
    if value is None:
        return False
    if rule.match == "prefix":
        return any(value.lower().startswith(v.lower()) for v in rule.values)
    return any(value.lower() == v.lower() for v in rule.values)


def _rank(
    kb: KnowledgeBase, service: Service, resource_type: str, others: list[Service]
) -> tuple[bool, bool, bool, bool, bool, str]:
    """While a type still has several owners in the KB: the product whose id the others extend
    (`azure-cosmos-db` before `azure-cosmos-db-for-mongodb`), the capability's preferred service
    (Blob Storage among the storage-account services, Cosmos DB among its APIs), then exact fits
    (the product) before partial ones (a sibling that also uses the type: Durable Functions,
    BigLake, Spanner Graph, Cloud HSM), products before features, the service listing the type
    first, then by id."""
    capability = kb.capabilities.get(service.capability)
    preferred = bool(capability and capability.preferred.get(service.provider) == service.id)
    stem = any(o.id.startswith(service.id + "-") for o in others)
    return (
        not stem,
        not preferred,
        service.fit is not Fit.exact,
        service.is_feature,
        not service.iac.is_main(resource_type),
        service.id,
    )


def _rule_index(kb: KnowledgeBase) -> dict[str, list[tuple[AttributeRule, Service]]]:
    index = kb.caches.terraform_rules
    if index is None:
        index = {}
        for service in sorted(kb.services.values(), key=lambda s: s.id):
            for rule in service.iac.when:
                index.setdefault(rule.type, []).append((rule, service))
        for rules in index.values():
            # equals before prefix, longer prefixes first: the most specific rule wins
            rules.sort(key=lambda r: (r[0].match != "equals", -max(len(v) for v in r[0].values)))
        kb.caches.terraform_rules = index
    return index


def rule_types(kb: KnowledgeBase) -> frozenset[str]:
    """Resource types some attribute rule looks into: the reader keeps their attributes."""
    ruled = frozenset(_rule_index(kb))
    return ruled | {t for t, ruled_type in CONFIGURING_TYPES.items() if ruled_type in ruled}


def _module_index(kb: KnowledgeBase) -> dict[str, Service]:
    index = kb.caches.terraform_modules
    if index is None:
        index = {}
        for service in sorted(kb.services.values(), key=lambda s: s.id):
            for module in service.iac.modules:
                index.setdefault(module.lower(), service)
        kb.caches.terraform_modules = index
    return index


def provider_of_type(kb: KnowledgeBase, resource_type: str) -> str | None:
    """The KB provider whose Terraform providers use this type's prefix (`azapi_` → azure)."""
    return _prefix_index(kb).get(resource_type.split("_", 1)[0] + "_")


def _prefix_index(kb: KnowledgeBase) -> dict[str, str]:
    index = kb.caches.terraform_prefixes
    if index is None:
        index = {p.resource_prefix: p.id for p in kb.providers.values()}
        for resource_type, services in kb.services_by_terraform_type.items():
            index.setdefault(resource_type.split("_", 1)[0] + "_", services[0].provider)
        kb.caches.terraform_prefixes = index
    return index
