"""What existing Terraform deploys, as a `ResolvedArchitecture` the diagram exporters draw: one
component per source service (its configuration resources counted in), flows from references,
the region where the code names it; or, with a target provider, the mapped design.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from ..datatypes import replace
from ..results import RegionChoice, ResolvedArchitecture, ResolvedComponent, ResolvedFlow
from ..topology import placement_facts

if TYPE_CHECKING:
    from ..kb import KnowledgeBase
    from ..migration import MigrationTable, ServiceRollup
    from .inventory import Inventory

FALLBACK_TIERS = {
    "compute": "app",
    "containers": "app",
    "serverless": "app",
    "ai-ml": "app",
    "database": "data",
    "storage": "data",
    "cache": "data",
    "analytics": "data",
    "data-management": "data",
    "messaging": "integration",
    "integration": "integration",
    "iot": "integration",
    "communication": "integration",
    "api-management": "edge",
    "content-delivery": "edge",
    "dns": "edge",
    "load-balancing": "web",
    "networking": "network",
    "hybrid-connectivity": "network",
    "identity": "security",
    "security": "security",
    "secrets-keys": "security",
}
"""Tier of a category no blueprint uses yet; otherwise the blueprints decide (see `_tiers`)."""
_QUIET_TIERS = ("security", "ops")
"""References into these tiers (roles, policies, logs) are everywhere; drawing them hides the
flows that matter."""


def existing_architecture(
    kb: KnowledgeBase, inventory: Inventory, table: MigrationTable, target: str | None = None
) -> ResolvedArchitecture:
    """The inventory drawn on its own provider, or (with `target`) mapped onto `target`.

    `table` is `map_inventory(kb, inventory, source, [target or any other provider])`.
    """
    provider = target or table.source_provider
    tiers = _tiers(kb)
    components: list[ResolvedComponent] = []
    roles: dict[str, str] = {}
    for rollup in table.by_service:
        component = _component(kb, rollup, target, tiers)
        components.append(component)
        roles[rollup.source.id] = component.role
    role_of: dict[str, str] = {}
    for row in table.rows:
        if row.source is not None and row.source.id in roles:
            role_of[row.item] = roles[row.source.id]
    tier_of = {c.role: c.tier for c in components}
    flows: dict[tuple[str, str], ResolvedFlow] = {}
    for item in inventory.items:
        start = role_of.get(item.address)
        for ref in item.refs:
            end = role_of.get(ref)
            if start and end and start != end and tier_of[end] not in _QUIET_TIERS:
                flows.setdefault((start, end), ResolvedFlow(source=start, target=end, label="uses"))
    if not components:
        raise ValueError("nothing to draw: no resource of the code maps to a KB service")
    facts = placement_facts([(c.role, kb.capabilities[c.capability], c.tier) for c in components])
    components = [replace(c, **facts[c.role]) for c in components]
    name = _slug(inventory.root)
    source_name = kb.providers[table.source_provider].name
    notes = _notes(table)
    return ResolvedArchitecture(
        blueprint=f"existing-{name}",
        blueprint_name=(
            f"{name} (existing)"
            if target is None
            else f"{name} (existing on {source_name}, mapped)"
        ),
        provider=provider,
        provider_name=kb.providers[provider].name,
        jurisdiction=None,
        regions=[_region(kb, inventory, provider, target is not None)],
        components=components,
        flows=sorted(flows.values(), key=lambda f: (f.source, f.target)),
        patterns=[],
        notes=notes,
    )


def _component(
    kb: KnowledgeBase, rollup: ServiceRollup, target: str | None, tiers: dict[str, str]
) -> ResolvedComponent:
    source = kb.services[rollup.source.id]
    capability = kb.capabilities[source.capability]
    tier = tiers.get(capability.category, "app")
    count = f"{rollup.rows} resource{'s' if rollup.rows != 1 else ''}"
    if rollup.folded:
        count += f" + {rollup.folded} config"
    mapping = rollup.targets.get(target) if target else None
    if target is None or mapping is None:
        service, fit, caveat, label = source, "exact", None, count
    elif mapping.target is None:
        service, fit, caveat = source, "none", mapping.note
        label = f"{count}; no {target} equivalent"
    else:
        service = kb.services[mapping.target.id]
        fit, caveat = mapping.status, mapping.target.caveat
        label = f"{count} of {source.name}"
    return ResolvedComponent(
        role=source.id,
        capability=source.capability,
        capability_name=capability.name,
        tier=tier,
        label=label,
        service=service.id,
        service_name=service.name,
        fit=fit,
        caveat=caveat,
        diagrams=service.diagrams,
        terraform=list(service.iac.terraform),
        cloudformation=list(service.iac.cloudformation),
    )


def _tiers(kb: KnowledgeBase) -> dict[str, str]:
    """Category → the tier blueprints most often give its capabilities (fallback: a table)."""
    memo = kb.caches.terraform_tiers
    if memo is None:
        votes: dict[str, Counter[str]] = {}
        for blueprint in kb.blueprints.values():
            for component in blueprint.components:
                capability = kb.capabilities.get(component.capability)
                if capability is not None:
                    votes.setdefault(capability.category, Counter())[component.tier] += 1
        memo = dict(FALLBACK_TIERS)
        for category, counter in votes.items():
            memo[category] = min(counter.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        kb.caches.terraform_tiers = memo
    return memo


def _region(kb: KnowledgeBase, inventory: Inventory, provider: str, mapped: bool) -> RegionChoice:
    if not mapped:
        for code in inventory.regions:
            region = kb.region(provider, code)
            if region is not None:
                return RegionChoice(
                    code=region.code,
                    name=region.name,
                    city=region.city,
                    country=region.country,
                    role="primary",
                )
        if inventory.regions:
            code = inventory.regions[0]
            return RegionChoice(code=code, name=code, city="?", country="?", role="primary")
    return RegionChoice(
        code="?",
        name="region not set in the code" if not mapped else "region to choose",
        city="?",
        country="?",
        role="primary",
    )


def _notes(table: MigrationTable) -> list[str]:
    s = table.summary
    notes = [
        f"{s['total']} rows from {s['files']} files: {s['exact']} exact, {s['partial']} partial, "
        f"{s['no_equivalent']} no equivalent, {s['unknown']} unknown (not drawn), "
        f"{s['folded']} folded, {s['glue']} glue, {s['unparsed']} unparsed"
    ]
    return notes


def _slug(root: str) -> str:
    name = root.rstrip("/").rsplit("/", 1)[-1] or "infrastructure"
    name = re.sub(r"\.(tf|tofu)(\.json)?$", "", name)
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "infrastructure"
