"""Cross-cloud mapping, derived from the graph: services are equivalent when they implement the
same capability. (Bills and Terraform inventories are mapped in `migration.py`.)"""

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
