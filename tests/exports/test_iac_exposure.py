"""Generated Terraform exposes nothing by accident, for every blueprint × provider.

- No ingress from anywhere (0.0.0.0/0, ::/0, `*`, `Internet`) except HTTPS (443) on a public
  load balancer; deny rules and egress are fine.
- No public buckets: every bucket / storage account blocks public access.
(Encryption and secrets are covered by the checkov scan in test_iac_terraform.py.)
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest
from archkb.engine.kb import KnowledgeBase
from archkb.engine.resolve import resolve_architecture
from archkb.engine.results import ResolvedArchitecture
from archkb.exports.iac.render import ExportMeta, render_tool

from tests.exports import hcl_cache

PROVIDERS = ("aws", "azure", "gcp")
BLUEPRINTS = sorted(
    p.stem for p in (Path(__file__).parents[2] / "kb" / "blueprints").glob("*.yaml")
)
OPEN = {"0.0.0.0/0", "::/0", "*", "Internet", "internet", "Any"}
META = ExportMeta("0.0-test", "0" * 64, (), "test")


FRONT_DOORS = {
    "application-load-balancer": ("gateway",),
    "network-load-balancer": (),
    "global-load-balancer": (),
    "cdn": (),
    "web-application-firewall": (),
    "api-management": ("apim",),
    "graphql-api": ("apim",),
    "bastion-access": ("azurebastionsubnet",),
}
"""Capabilities whose module may take HTTPS from anywhere, and the names of the subnet security
groups that the network module creates for them (Azure requires 443 from the internet on the
API Management and Bastion subnets)."""


def _front_doors(kb: KnowledgeBase, blueprint: str, provider: str) -> tuple[set[str], set[str]]:
    """(module folders, network security group names) allowed to accept HTTPS from anywhere."""
    arch = resolve_architecture(kb, kb.blueprints[blueprint], provider)
    assert isinstance(arch, ResolvedArchitecture)
    doors = [c for c in arch.components if c.capability in FRONT_DOORS]
    folders = {f"modules/{c.role}/" for c in doors}
    groups = {name for c in doors for name in FRONT_DOORS[c.capability]}
    return folders, groups


@functools.cache
def _parsed(text: str) -> dict[str, Any]:
    """python-hcl2's reading of one file; stacks share many identical module files, so each
    distinct text is parsed once per session (python-hcl2 takes ~10 ms a file; hcl_cache.py
    shares the reading with the other worker)."""
    parsed: dict[str, Any] = hcl_cache.loads(text)
    return parsed


_RESOURCES: dict[tuple[str, str], list[tuple[str, str, str, dict[str, Any]]]] = {}


def _resources(
    kb: KnowledgeBase, blueprint: str, provider: str
) -> list[tuple[str, str, str, dict[str, Any]]]:
    """Every resource block of the stack (path, type, name, body); rendered once per stack for
    both tests."""
    if (blueprint, provider) not in _RESOURCES:
        _RESOURCES[blueprint, provider] = _read_resources(kb, blueprint, provider)
    return _RESOURCES[blueprint, provider]


def _read_resources(
    kb: KnowledgeBase, blueprint: str, provider: str
) -> list[tuple[str, str, str, dict[str, Any]]]:
    arch = resolve_architecture(kb, kb.blueprints[blueprint], provider)
    assert isinstance(arch, ResolvedArchitecture)
    found = []
    for path, text in render_tool("terraform", arch, META).items():
        if not path.endswith(".tf") or "resource" not in text:
            continue
        for block in _parsed(text).get("resource", []):
            for rtype, instances in block.items():
                for name, body in instances.items():
                    found.append((path, rtype.strip('"'), name.strip('"'), body))
    return found


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value.strip('"')]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    return []


def _first(body: dict[str, Any], key: str) -> Any:
    """A scalar attribute, unwrapped from one-item lists and python-hcl2's kept quotes."""
    value = body.get(key)
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    return value.strip('"') if isinstance(value, str) else value


def _open_ingress(rtype: str, body: dict[str, Any]) -> list[str]:
    """Describe every allow-from-anywhere ingress in one resource (empty when none)."""
    problems = []
    if rtype == "aws_security_group":
        for rule in body.get("ingress", []) or []:
            rules = rule if isinstance(rule, list) else [rule]
            for r in rules:
                if OPEN & set(
                    _strings(r.get("cidr_blocks", [])) + _strings(r.get("ipv6_cidr_blocks", []))
                ):
                    problems.append(f"ingress {r.get('from_port')}-{r.get('to_port')}")
    if (
        rtype in ("aws_vpc_security_group_ingress_rule",)
        or (rtype == "aws_security_group_rule" and _first(body, "type") == "ingress")
    ) and OPEN & set(_strings(body.get("cidr_ipv4")) + _strings(body.get("cidr_blocks"))):
        problems.append(f"ingress {_first(body, 'from_port')}-{_first(body, 'to_port')}")
    if rtype in ("azurerm_network_security_rule",) or rtype == "azurerm_network_security_group":
        rules = (
            [body]
            if rtype == "azurerm_network_security_rule"
            else body.get("security_rule", []) or []
        )
        for r in rules:
            if (
                _first(r, "direction") == "Inbound"
                and _first(r, "access") == "Allow"
                and OPEN
                & set(
                    _strings(r.get("source_address_prefix"))
                    + _strings(r.get("source_address_prefixes"))
                )
            ):
                problems.append(f"inbound {_first(r, 'destination_port_range')}")
    if rtype == "google_compute_firewall" and (
        _first(body, "direction") in (None, "INGRESS")
        and body.get("allow")
        and OPEN & set(_strings(body.get("source_ranges")))
    ):
        ports = _strings([a.get("ports") for a in body["allow"]])
        problems.append(f"allow {ports or 'all ports'}")
    return problems


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_no_open_ingress_except_https_on_a_public_load_balancer(
    kb: KnowledgeBase, blueprint: str, provider: str
) -> None:
    folders, groups = _front_doors(kb, blueprint, provider)
    for path, rtype, name, body in _resources(kb, blueprint, provider):
        for problem in _open_ingress(rtype, body):
            https_only = problem in ("ingress 443-443", "inbound 443", "allow ['443']")
            allowed = path.startswith(tuple(folders)) or name in groups
            assert https_only and allowed, f"{path}: {rtype}.{name}: {problem}"


BUCKET_GUARDS = {
    "aws_s3_bucket": ("aws_s3_bucket_public_access_block",),
    "google_storage_bucket": (),
    "azurerm_storage_account": (),
}


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_no_public_buckets(kb: KnowledgeBase, blueprint: str, provider: str) -> None:
    resources = _resources(kb, blueprint, provider)
    by_file: dict[str, set[str]] = {}
    for path, rtype, _, _ in resources:
        by_file.setdefault(path, set()).add(rtype)
    for path, rtype, name, body in resources:
        where = f"{path}: {rtype}.{name}"
        if rtype == "aws_s3_bucket":
            assert "aws_s3_bucket_public_access_block" in by_file[path], where
        elif rtype == "aws_s3_bucket_public_access_block":
            for flag in (
                "block_public_acls",
                "block_public_policy",
                "ignore_public_acls",
                "restrict_public_buckets",
            ):
                assert _first(body, flag) is True, f"{where}: {flag}"
        elif rtype == "google_storage_bucket":
            assert _first(body, "public_access_prevention") == "enforced", where
            assert _first(body, "uniform_bucket_level_access") is True, where
        elif rtype == "azurerm_storage_account":
            assert _first(body, "allow_nested_items_to_be_public") is False, where
