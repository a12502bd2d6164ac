"""Terraform for aws, azurerm and google: one module per component role, dev and prod roots.

Python only decides *which* modules exist and how they are wired; every line of HCL lives in
the templates under `exports/iac/terraform/`. Its `catalog.yaml` says, per capability and
provider, what a module needs from the shared pieces (network, key, log destination), what it
outputs, and what it takes from or gives to its neighbours along the blueprint's flows. A
shared piece the blueprint lacks (a network for a function that must run inside one) is added
as a module of its own, so every module stays small and both roots wire them the same way.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from archkb.engine.results import ResolvedArchitecture, ResolvedComponent

from ..catalog import (
    TERRAFORM_CATALOG,
    Condition,
    Link,
    ModuleSpec,
    ProviderPin,
    ProviderSpec,
    SharedPiece,
    TerraformCatalog,
    load_catalog,
)
from ..render import ExportMeta
from .terraform_profile import (
    apply_profiles,
    pass_zone_redundancy,
    plan_second_region,
    profile_fields,
    profiles,
)
from .terraform_profile import secondary_region as secondary_region

ENVIRONMENTS = ("dev", "prod")
PROJECT_MAX = 14
"""Longest default project name: it prefixes every resource name, and some names are short."""
SLUG = re.compile(r"[^a-z0-9]+")

Module = dict[str, Any]
"""The template-facing record of one module (`item` in the module templates)."""


def fits(arch: ResolvedArchitecture) -> str | None:
    """Terraform fits every architecture on a provider it has templates for (a capability
    without a template gets a module that says so)."""
    if arch.provider not in catalog().providers:
        return f"archkb has no Terraform templates for {arch.provider}"
    return None


@functools.cache
def catalog() -> TerraformCatalog:
    """The capability → module catalog (package data, read and validated once)."""
    return load_catalog(TERRAFORM_CATALOG, TerraformCatalog)


def context(arch: ResolvedArchitecture, meta: ExportMeta) -> dict[str, Any]:
    """Template variables: provider settings, regions, the planned modules, the environments."""
    cat = catalog()
    provider = cat.providers[arch.provider]
    modules = plan_modules(arch, cat)
    extra = sorted({p for m in modules for p in m["providers"]})
    return {
        "provider": provider.record(),
        "terraform_version": cat.terraform_version,
        "required_providers": [_requirement(provider.name, provider)]
        + [_requirement(name, cat.extra_providers[name]) for name in extra],
        "modules": modules,
        "envs": [{"name": env} for env in ENVIRONMENTS],
        "project_default": project_default(arch.blueprint),
        "project_max": PROJECT_MAX,
        "region_default": arch.primary_region.code,
        "allowed_regions": sorted({*arch.allowed_regions, arch.primary_region.code}),
        "secondary_region": secondary_region(arch),
        "replica_region": secondary_region(arch),
        "state_key": arch.blueprint,
        "checkov_stale": stale_checkov_checks(arch.provider),
        "unsupported": [m for m in modules if not m["supported"]],
        "aliases": sorted({a for m in modules for a in m["aliases"]}),
        "required_inputs": [
            {**req, "root_var": f"{m['ident']}_{req['var']}", "module": m["name"]}
            for m in modules
            for req in m["required"]
        ],
    }


def stale_checkov_checks(provider: str) -> list[dict[str, str]]:
    """checkov checks that read only a deprecated argument on `provider` (see catalog.yaml)."""
    return [check.record() for check in catalog().checkov_stale.get(provider, [])]


def project_default(blueprint: str) -> str:
    """A short project name: the blueprint id, or its initials when the id is long."""
    if len(blueprint) <= PROJECT_MAX:
        return blueprint
    return "".join(word[0] for word in blueprint.split("-"))


def hcl_ident(name: str) -> str:
    """A Terraform block label from a role slug (`dead-letter` → `dead_letter`)."""
    ident = SLUG.sub("_", name.lower()).strip("_")
    return ident if ident[:1].isalpha() else f"m_{ident}"


def _requirement(name: str, spec: ProviderSpec | ProviderPin) -> dict[str, str]:
    return {"name": name, "source": spec.source, "version": spec.version}


def plan_modules(arch: ResolvedArchitecture, cat: TerraformCatalog) -> list[Module]:
    """One module per component, plus the shared pieces they use that the blueprint lacks.

    Order matters and is stable: flows first (they decide links, grants and which optional
    inputs apply), then the shared pieces, then what the network must offer. The result lists
    the blueprint's components in its order, then the added shared pieces by name.
    """
    modules = [_component_module(arch, c, cat) for c in arch.components]
    _wire_flows(arch, modules)
    for module in modules:
        _settle_conditionals(module)
    added = _add_shared_pieces(arch.provider, modules, cat)
    for module in added:
        module.update(profile_fields(arch, None))
    for module in modules + added:
        pass_zone_redundancy(module)
    plan_second_region(arch, modules + added, cat)
    _collect_network_needs(modules + added, cat.shared[arch.provider].get("network"))
    return modules + sorted(added, key=lambda m: m["name"])


def _component_module(
    arch: ResolvedArchitecture, comp: ResolvedComponent, cat: TerraformCatalog
) -> Module:
    spec = apply_profiles(
        cat.capabilities.get(comp.capability, {}).get(arch.provider), profiles(arch)
    )
    return _module_record(
        arch.provider, cat, spec, name=comp.role, capability=comp.capability, title=comp.capability_name,
        service=comp.service_name, label=comp.label, resource_types=comp.terraform,
        caveat=comp.caveat, control=comp.control, added_for=None,
        **profile_fields(arch, comp, spec),
    )  # fmt: skip


def _module_record(
    provider: str, cat: TerraformCatalog, spec: ModuleSpec | None, **fields: Any
) -> Module:
    """The template-facing record of a module. Conditional entries (uses, required, variables,
    outputs, extra inputs) stay typed until `_settle_conditionals` decides which apply."""
    supported = spec is not None
    spec = spec or ModuleSpec()
    return {
        **fields,
        "ident": hcl_ident(fields["name"]),
        "supported": supported,
        "template": cat.template_path(provider, fields["capability"])
        if supported
        else "fallback.tf.j2",
        "uses": list(spec.uses),
        "providers": list(spec.providers),
        "outputs": list(spec.outputs),
        "variables": list(spec.variables),
        "notes": list(spec.notes),
        "fill_in": list(spec.fill_in),
        "links": list(spec.links),
        "aliases": list(spec.aliases),
        "required": list(spec.required),
        "per_env": [entry.record() for entry in spec.per_env],
        "extra_inputs": dict(spec.extra_inputs),
        "network": spec.network.record(),
        "skip_inputs": list(spec.network.skip_inputs or []),
        "grant": spec.grant,
        "grantee": spec.grantee,
        "owns_endpoints": spec.owns_endpoints,
        "grant_readers": spec.grant_readers,
        "fails_over_regions": spec.fails_over_regions,
        "replica_inputs": [entry.record() for entry in spec.replica_inputs],
        "public": False,
        "inputs": [],
        "linked": [],
        "upstream": [],
        "grants_from": [],
        "granted_to": [],
        "used_by": [],
        "network_needs": {},
    }


def _wire_flows(arch: ResolvedArchitecture, modules: list[Module]) -> None:
    """Wire modules along the blueprint's flows.

    Least privilege: a workload (`grantee`) gets exactly the access each of its targets offers
    (`grant`), nothing else. Links: a module whose catalog entry links to (or from) the
    capability at the other end of a flow takes that module's output as an input (an API's
    backend function, a function's event source, a CDN's origin).
    """
    by_role = {m["name"]: m for m in modules}
    for flow in sorted(arch.flows, key=lambda f: (f.source, f.target)):
        source, target = by_role.get(flow.source), by_role.get(flow.target)
        if source is None or target is None or source is target:
            continue
        target["upstream"].append(source["capability"])
        # Either way round: a workload writing to a resource, or a resource feeding a
        # workload (messages to their consumer, a stream to its processor), needs its access.
        for user, used in ((source, target), (target, source)):
            if user is target and not used["grant_readers"]:
                continue
            if user["grantee"] and used["grant"] and used["ident"] not in user["grants_from"]:
                user["grants_from"].append(used["ident"])
                used["granted_to"].append(user["ident"])
        for link in source["links"]:
            if target["capability"] in (link.to or []):
                _link(source, link, target)
        for link in target["links"]:
            if source["capability"] in (link.from_ or []):
                _link(target, link, source)


def _link(module: Module, link: Link, other: Module) -> None:
    """Add `other`'s output as `module`'s input `link.var` (a list input gathers several)."""
    ref = {"module": other["ident"], "output": link.output}
    existing = next((i for i in module["inputs"] if i["var"] == link.var), None)
    if existing is None:
        module["inputs"].append({**link.record(), "refs": [ref]})
        module["linked"].append(link.var)
    elif link.list_:
        existing["refs"].append(ref)


def _settle_conditionals(module: Module) -> None:
    """Decide what applies now that the flows are known.

    A catalog entry (a shared piece it uses, a required input, a defaulted variable) may say
    `if_linked: VAR` / `unless_linked: VAR` (kept only when VAR did / did not come from a
    flow) or `if_public: BOOL`. A module with `network.public_unless_from` is internet-facing
    unless one of those capabilities sits in front of it.
    """
    fronts = module["network"].get("public_unless_from")
    module["public"] = bool(fronts) and not set(fronts) & set(module["upstream"])
    for key in ("required", "variables", "outputs"):
        module[key] = [e.record() for e in module[key] if _applies(module, e)]
    module["uses"] = [
        u if isinstance(u, str) else u.kind for u in module["uses"] if _applies(module, u)
    ]
    module["skip_inputs"] = {
        s if isinstance(s, str) else s.var for s in module["skip_inputs"] if _applies(module, s)
    }
    module["extra_inputs"] = {
        kind: [f.record() for f in fields if _applies(module, f)]
        for kind, fields in module["extra_inputs"].items()
    }


def _applies(module: Module, entry: str | Condition) -> bool:
    """Whether a conditional catalog entry applies to this module (plain strings always do)."""
    return isinstance(entry, str) or entry.applies(module["linked"], module["public"])


def _add_shared_pieces(provider: str, modules: list[Module], cat: TerraformCatalog) -> list[Module]:
    """Give every module the shared pieces it uses, adding a module for each one missing.

    Returns the added modules (they may use shared pieces themselves, like the network's
    flow logs using the key).
    """
    shared = cat.shared[provider]
    owners = {
        kind: next((m for m in modules if m["capability"] == dep.capability), None)
        for kind, dep in shared.items()
    }
    added: list[Module] = []
    pending = list(modules)
    while pending:
        module = pending.pop(0)
        for kind in module["uses"]:
            owner = owners.get(kind)
            if owner is None:
                owner = _shared_module(provider, kind, shared[kind], cat, modules + added)
                owners[kind] = owner
                added.append(owner)
                pending.append(owner)
            if owner is module:
                raise ValueError(f"catalog: {module['capability']} on {provider} uses itself")
            owner["used_by"].append(module["name"])
            fields = [i.record() for i in shared[kind].inputs]
            fields += module["extra_inputs"].get(kind, [])
            module["inputs"] += [
                {**field, "refs": [{"module": owner["ident"], "output": field["output"]}]}
                for field in fields
                if field["var"] not in module["skip_inputs"]
            ]
    return added


def _shared_module(
    provider: str, kind: str, dep: SharedPiece, cat: TerraformCatalog, taken: list[Module]
) -> Module:
    spec = cat.capabilities[dep.capability][provider]
    names = {m["name"] for m in taken}
    name = dep.module if dep.module not in names else f"shared-{dep.module}"
    module = _module_record(
        provider, cat, spec, name=name, capability=dep.capability, title=dep.title,
        service=dep.service, label=dep.title, resource_types=[], caveat=None,
        control=False, added_for=kind,
    )  # fmt: skip
    _settle_conditionals(module)
    return module


def _collect_network_needs(modules: list[Module], network_dep: SharedPiece | None) -> None:
    """What the network module must provide: public subnets, endpoints, subnets.

    Every module counts, not only those inside the network: a workload in a private subnet
    reaches the architecture's other services (a table, a queue) only through endpoints. A
    private-endpoints module, when there is one, owns the interface endpoints instead.
    """
    network = next(
        (m for m in modules if network_dep and m["capability"] == network_dep.capability), None
    )
    if network is None:
        return
    needs: dict[str, Any] = {"public_subnets": any(m["public"] for m in modules)}
    for module in modules:
        if module is network:
            continue
        for key, value in module["network"].items():
            if key in ("public_unless_from", "skip_inputs"):
                continue
            if isinstance(value, list):
                needs[key] = sorted({*needs.get(key, []), *value})
            elif isinstance(value, dict):
                needs[key] = {**needs.get(key, {}), **value}
            else:
                needs[key] = value
    owner = next((m for m in modules if m["owns_endpoints"]), None)
    if owner is not None and "endpoints" in needs:
        owner["network_needs"] = {"endpoints": needs.pop("endpoints")}
    network["network_needs"] = {key: needs[key] for key in sorted(needs)}
