"""Engine results: what renderers (CLI, TUI, exporters) consume. Pure data, JSON-serialisable."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True)


class RegionChoice(_Result):
    code: str
    name: str
    city: str
    country: str
    role: str
    """`primary` or `secondary`."""


class ResolvedComponent(_Result):
    role: str
    capability: str
    capability_name: str
    tier: str
    label: str
    service: str
    service_name: str
    fit: str
    caveat: str | None = None
    diagrams: str | None = None
    terraform: list[str] = []
    cloudformation: list[str] = []
    control: bool = False
    """True when added by a compliance/security need rather than by the blueprint."""
    category: str = ""
    """The capability's category (drawings pick a fallback icon by it)."""
    scope: str = "regional"
    """`global` when the service is not deployed into a region (one instance serves all)."""
    data_store: bool = False
    """Keeps data (database, storage, cache, stream) rather than computing."""
    replication: str | None = None
    """With two regions: how its state (replication) or traffic (failover) reaches the
    secondary region, e.g. `database replica`, `DNS failover`; else None."""
    zone_redundant: bool = False
    """Deployed across availability zones (highly available designs)."""
    telemetry: bool = False
    """A telemetry sink (metrics, logs, traces) the workload reports to."""


class ResolvedFlow(_Result):
    source: str
    target: str
    label: str


class ResolvedArchitecture(_Result):
    """Blueprint + provider + regions + one concrete service per component + flows.

    Every exporter consumes this and nothing else from the engine.
    """

    blueprint: str
    blueprint_name: str
    provider: str
    provider_name: str
    jurisdiction: str | None
    regions: list[RegionChoice]
    allowed_regions: list[str] = []
    """Codes of every region of this provider inside the jurisdiction (for IaC validation)."""
    components: list[ResolvedComponent]
    flows: list[ResolvedFlow]
    patterns: list[str]
    needs: list[str] = []
    notes: list[str] = []
    highly_available: bool = False
    """Availability was asked for (needs) or a second region was chosen."""

    @property
    def primary_region(self) -> RegionChoice:
        return self.regions[0]


class Exclusion(_Result):
    blueprint: str
    provider: str
    """A provider id, or `all` when the blueprint itself fails the needs."""
    reason: str


class Recommendation(_Result):
    rank: int
    blueprint: str
    name: str
    summary: str
    score: float
    reasons: list[str]
    """Every score term as a sentence, strongest first."""
    tradeoffs: list[str]
    patterns: list[str]
    providers: dict[str, ResolvedArchitecture]


class RecommendationSet(_Result):
    needs: list[str]
    constraints: dict[str, object]
    recommendations: list[Recommendation]
    excluded: list[Exclusion]
