"""Cross-cloud mapping, derived from the graph: services are equivalent when they implement the
same capability. One service, a bill of services, or Terraform resources."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from .resolve import candidate_services
from .schema import Fit, Service

if TYPE_CHECKING:
    from .kb import KnowledgeBase


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class Equivalent(_Out):
    id: str
    name: str
    fit: str
    caveat: str | None


class Alternative(_Out):
    closest: str | None
    closest_name: str | None
    note: str


class ServiceRef(_Out):
    id: str
    name: str
    provider: str
    capability: str


class ServiceMapping(_Out):
    query: str
    source: ServiceRef
    capability_name: str
    equivalents: dict[str, list[Equivalent]]
    alternatives: dict[str, Alternative]


class MigrationRow(_Out):
    item: str
    """The input line or Terraform resource address."""
    resource_type: str | None
    source: ServiceRef | None
    target: Equivalent | None
    fit: str
    """exact | partial | unmapped"""
    note: str


class MigrationTable(_Out):
    source_provider: str
    target_provider: str
    rows: list[MigrationRow]
    summary: dict[str, int]


def equivalents_of(kb: KnowledgeBase, service: Service, provider: str) -> list[Equivalent]:
    """Services of `provider` implementing the same capability, best first, with fit/caveat."""
    out = []
    for other in candidate_services(kb, provider, service.capability):
        if other.id == service.id:
            continue
        primary = other.capability == service.capability
        exact = primary and other.fit is Fit.exact and service.fit is Fit.exact
        caveat = (
            other.caveat
            if primary
            else (
                f"{other.name} is mainly for {other.capability}; it also covers {service.capability}"
            )
        )
        if primary and service.fit is Fit.partial and other.fit is Fit.exact:
            caveat = f"the source is itself a partial fit: {service.caveat}"
        out.append(
            Equivalent(
                id=other.id, name=other.name, fit="exact" if exact else "partial", caveat=caveat
            )
        )
    return out


def map_service(
    kb: KnowledgeBase, query: str, service: Service, targets: Sequence[str]
) -> ServiceMapping:
    """Map one service to `targets` providers."""
    capability = kb.capabilities[service.capability]
    equivalents: dict[str, list[Equivalent]] = {}
    alternatives: dict[str, Alternative] = {}
    for provider in targets:
        found = equivalents_of(kb, service, provider)
        equivalents[provider] = found
        if not found:
            gap = capability.no_equivalent.get(provider)
            closest = kb.services.get(gap.closest) if gap and gap.closest else None
            alternatives[provider] = Alternative(
                closest=closest.id if closest else None,
                closest_name=closest.name if closest else None,
                note=gap.note
                if gap
                else f"the KB records no {provider} service for {capability.name}",
            )
    return ServiceMapping(
        query=query,
        source=_ref(service),
        capability_name=capability.name,
        equivalents=equivalents,
        alternatives=alternatives,
    )


def _ref(service: Service) -> ServiceRef:
    return ServiceRef(
        id=service.id, name=service.name, provider=service.provider, capability=service.capability
    )


def migration_row(
    kb: KnowledgeBase,
    item: str,
    source: Service | None,
    target_provider: str,
    resource_type: str | None = None,
    unmapped_note: str = "",
) -> MigrationRow:
    """One row of a migration table for a resolved (or unresolved) source service."""
    if source is None:
        return MigrationRow(
            item=item,
            resource_type=resource_type,
            source=None,
            target=None,
            fit="unmapped",
            note=unmapped_note,
        )
    found = equivalents_of(kb, source, target_provider)
    if not found:
        gap = kb.capabilities[source.capability].no_equivalent.get(target_provider)
        note = gap.note if gap else f"no {target_provider} service for {source.capability}"
        return MigrationRow(
            item=item,
            resource_type=resource_type,
            source=_ref(source),
            target=None,
            fit="unmapped",
            note=note,
        )
    best = found[0]
    return MigrationRow(
        item=item,
        resource_type=resource_type,
        source=_ref(source),
        target=best,
        fit=best.fit,
        note=best.caveat or "",
    )


def summarize(rows: Sequence[MigrationRow]) -> dict[str, int]:
    counts = {"exact": 0, "partial": 0, "unmapped": 0}
    for row in rows:
        counts[row.fit] += 1
    counts["total"] = len(rows)
    return counts


def services_for_resource_type(
    kb: KnowledgeBase, resource_type: str, provider: str
) -> list[Service]:
    """Services of `provider` that use a Terraform resource type, the most likely first:
    the capability's preferred service, then services listing the type first, then exact fits."""
    services = [
        s for s in kb.services_by_terraform_type.get(resource_type, []) if s.provider == provider
    ]

    def rank(service: Service) -> tuple[bool, bool, bool, str]:
        capability = kb.capabilities.get(service.capability)
        preferred = bool(capability and capability.preferred.get(provider) == service.id)
        return (
            not preferred,
            service.iac.terraform[0] != resource_type,
            service.fit is not Fit.exact,
            service.id,
        )

    return sorted(services, key=rank)


def map_resource_types(
    kb: KnowledgeBase,
    addresses: Sequence[tuple[str, str]],
    source_provider: str,
    target_provider: str,
) -> MigrationTable:
    """Map Terraform resources (address, type) of `source_provider` to `target_provider`."""
    rows = []
    for address, resource_type in addresses:
        services = services_for_resource_type(kb, resource_type, source_provider)
        if not services:
            rows.append(
                migration_row(
                    kb,
                    address,
                    None,
                    target_provider,
                    resource_type,
                    f"resource type {resource_type} is not in the KB",
                )
            )
            continue
        row = migration_row(kb, address, services[0], target_provider, resource_type)
        if len(services) > 1:
            others = ", ".join(s.name for s in services[1:])
            row = row.model_copy(
                update={
                    "note": (row.note + "; " if row.note else "")
                    + f"the same resource type also backs {others}"
                }
            )
        rows.append(row)
    return MigrationTable(
        source_provider=source_provider,
        target_provider=target_provider,
        rows=rows,
        summary=summarize(rows),
    )
