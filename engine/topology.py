"""Deployment facts about a resolved component that drawings and reviews need: where it lives
(one region or global), whether it stores data, how its state reaches a second region, and
whether it spans availability zones. Derived from KB data (capability category and traits,
the service's recorded availability scope), so no renderer has to know capability ids.
"""

from __future__ import annotations

from .records import Capability, Quality, Service, Trait

REPLICATION_BY_CATEGORY = {
    "database": "database replica",
    "storage": "storage replication",
    "secrets-keys": "secret replication",
    "backup-dr": "cross-region backup copy",
}
"""How a regional component's state reaches the secondary region, by capability category."""
FAILOVER_BY_CATEGORY = {"dns": "DNS failover", "load-balancing": "health-checked routing"}
"""How a global entry point moves traffic to the secondary region, by capability category."""
TELEMETRY_CATEGORIES = frozenset({"monitoring"})
ZONAL_CATEGORIES = frozenset({"load-balancing"})
"""Categories whose regional services span zones although they neither compute nor store."""
HA_WEIGHT = 2.0
"""An availability weight from the needs at least this high makes the design highly available
(high-availability weighs 3, disaster-recovery and multi-region 2)."""


def is_global(service: Service) -> bool:
    """True when the KB records the service as not deployed into a region (DNS, CDN, IdP…)."""
    return service.availability is not None and service.availability.scope == "global"


def is_data_store(capability: Capability) -> bool:
    """A component that keeps data (databases, storage, caches, streams), not one that computes."""
    traits = set(capability.traits)
    return Trait.data in traits and Trait.compute not in traits


def replication_of(capability: Capability, service: Service, two_regions: bool) -> str | None:
    """How this component's state or traffic reaches the second region, or None.

    Regional stores replicate (database replica, storage replication …); a global entry point
    fails traffic over (DNS failover, health-checked routing). One region: nothing to say.
    """
    if not two_regions:
        return None
    if is_global(service):
        return FAILOVER_BY_CATEGORY.get(capability.category)
    return REPLICATION_BY_CATEGORY.get(capability.category)


def is_zone_redundant(capability: Capability, service: Service, highly_available: bool) -> bool:
    """In a highly available design, regional compute, data stores and load balancers are
    deployed across the region's availability zones."""
    if not highly_available or is_global(service):
        return False
    spans = {Trait.compute, Trait.data} & set(capability.traits)
    return bool(spans) or capability.category in ZONAL_CATEGORIES


def is_highly_available(weights: dict[Quality, float], regions: int) -> bool:
    """High availability is asked for (availability weighed ≥ HA_WEIGHT) or implied by a
    second region."""
    return regions > 1 or weights.get(Quality.availability, 0.0) >= HA_WEIGHT
