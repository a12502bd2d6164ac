"""Deployment facts about a resolved component that drawings and reviews need: where it lives
(one region or global), whether it stores data, how its state reaches a second region, and
whether it spans availability zones. Derived from KB data (capability category and traits,
the service's recorded availability scope), so no renderer has to know capability ids.
"""

from __future__ import annotations

from typing import Any

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


# Placement: the engine's knowledge of where a component sits and what it is to its neighbours.
# Exporters read these facts from `ResolvedComponent` and never name a capability themselves.
NETWORK_CAPABILITIES = frozenset({"virtual-network"})
"""The private network (VPC, VNet) the other components run in."""
REGIONAL_LOAD_BALANCERS = frozenset({"application-load-balancer", "network-load-balancer"})
"""Load balancers that sit in the network's public subnet, in front of the app tier."""
EDGE_CAPABILITIES = frozenset(
    {
        "cdn",
        "global-load-balancer",
        "web-application-firewall",
        "ddos-protection",
        "api-management",
        "zero-trust-access",
    }
)
"""Served at the edge, in front of the regions, whatever tier the blueprint gives them."""
FILTERS = frozenset({"web-application-firewall", "ddos-protection"})
"""Edge services that filter traffic on its way in but are not where it enters."""
REACHED_OVER = {"dns": "DNS", "dedicated-interconnect": "private line", "site-to-site-vpn": "IPsec"}
"""How traffic from outside reaches an entry point, where it is not HTTPS."""
BACKING_STORES = {
    "relational-database": "database",
    "in-memory-cache": "cache",
    "document-database": "documents",
}
"""Data stores a workload reaches over a private TCP port, by the kind of client they need."""
SECRET_STORES = frozenset({"secrets-management"})
AUTOSCALED = frozenset({"vm-autoscaling"})
PRIVATE_ACCESS = frozenset({"private-endpoints"})
"""Reach other services privately on a workload's behalf (one hop further along the flows)."""
COMPUTE_KINDS = (
    (Trait.kubernetes, "kubernetes"),
    (Trait.container, "container"),
    (Trait.vm, "vm"),
    (Trait.serverless, "serverless"),
)
"""The first trait a compute capability has, in this order, names its kind of compute."""


def is_network(capability: Capability) -> bool:
    return capability.id in NETWORK_CAPABILITIES


def is_hybrid(capability: Capability) -> bool:
    """Links the architecture to on-premises (a private line, a VPN)."""
    return capability.category == "hybrid-connectivity" and Trait.network in capability.traits


def compute_kind(capability: Capability) -> str | None:
    """`kubernetes`, `container`, `vm`, `serverless` or `other` for compute; None otherwise."""
    if Trait.compute not in capability.traits:
        return None
    return next((kind for trait, kind in COMPUTE_KINDS if trait in capability.traits), "other")


def placement(capability: Capability, tier: str, has_network: bool) -> str:
    """Where the component is drawn and deployed: `network` (the network itself, or a network
    tier inside it), `public` (a load balancer in the public subnet), `edge`, or its tier."""
    if is_network(capability):
        return "network"
    if capability.id in REGIONAL_LOAD_BALANCERS and has_network:
        return "public"
    if tier == "edge" or capability.id in EDGE_CAPABILITIES:
        return "edge"
    if tier == "network" and has_network:
        return "network"
    return tier


def placement_facts(members: list[tuple[str, Capability, str]]) -> dict[str, dict[str, Any]]:
    """Role → the placement facts of its `ResolvedComponent` (network, placement, entry …),
    from every component's (role, capability, tier): entries and placements depend on the
    whole architecture (is there a network, an edge tier)."""
    has_network = any(is_network(capability) for _, capability, _ in members)
    entries = entry_points(members)
    return {
        role: {
            "traits": [trait.value for trait in capability.traits],
            "network": is_network(capability),
            "placement": placement(capability, tier, has_network),
            "entry": role in entries,
            "hybrid": is_hybrid(capability),
            "reached_over": REACHED_OVER.get(capability.id, "HTTPS"),
            "compute": compute_kind(capability),
            "autoscaled": capability.id in AUTOSCALED,
            "backing_store": BACKING_STORES.get(capability.id),
            "secret_store": capability.id in SECRET_STORES,
            "private_access": capability.id in PRIVATE_ACCESS,
        }
        for role, capability, tier in members
    }


def entry_points(members: list[tuple[str, Capability, str]]) -> set[str]:
    """Roles where users' traffic enters, from (role, capability, tier): the edge tier's
    services that do not merely filter, else the web tier. A network is never an entry."""
    comps = [(role, cap, tier) for role, cap, tier in members if not is_network(cap)]
    entry = {role for role, cap, tier in comps if tier == "edge" and cap.id not in FILTERS}
    return entry or {role for role, _, tier in comps if tier == "web"}
