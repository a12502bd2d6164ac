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
    traits: list[str] = []
    """The capability's traits in the KB (compute, serverless, container, vm, data …)."""
    network: bool = False
    """The private network (VPC, VNet) the other components run in."""
    placement: str = ""
    """Where it is drawn and deployed: `network` (inside the network, or the network itself),
    `public` (the network's public subnet), `edge` (in front of the regions), else its tier."""
    entry: bool = False
    """Where users' traffic enters the architecture (an edge service, else the web tier)."""
    hybrid: bool = False
    """Links the architecture to on-premises (a private line, a VPN)."""
    reached_over: str = "HTTPS"
    """How traffic from outside reaches it when it is an entry or hybrid link (DNS, IPsec …)."""
    compute: str | None = None
    """Its kind of compute: `kubernetes`, `container`, `vm`, `serverless`, `other`; None when
    it does not run workloads."""
    autoscaled: bool = False
    """A compute group that scales its instances (a VM scale set)."""
    backing_store: str | None = None
    """A data store workloads reach over a private TCP port: `database`, `cache`, `documents`."""
    secret_store: bool = False
    """Holds the secrets workloads read at run time."""
    private_access: bool = False
    """Reaches other services privately on a workload's behalf (private endpoints)."""

    @property
    def warning(self) -> str | None:
        """The caveat a reviewer must see: a partial fit's. An exact fit's caveat is a remark
        (how to configure it), shown with the service, not as a warning."""
        return self.caveat if self.fit == "partial" and self.caveat else None


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


class ScoreTerm(_Result):
    """One term of a blueprint's score: its value and the sentence that explains it."""

    value: float
    sentence: str


class Recommendation(_Result):
    rank: int
    blueprint: str
    name: str
    summary: str
    score: float
    reasons: list[str]
    """One plain sentence per need: what the design gives for it (in the order of the needs)."""
    tradeoffs: list[str]
    patterns: list[str]
    providers: dict[str, ResolvedArchitecture]
    score_terms: list[ScoreTerm] = []
    """Every score term, strongest first (what `--explain` shows)."""
    dropped: dict[str, str] = {}
    """Provider asked for → why this blueprint cannot run there."""
    what_would_change: list[str] = []
    """Which added need would put another option first (or this one, below #1)."""


class RecommendationSet(_Result):
    needs: list[str]
    constraints: dict[str, object]
    recommendations: list[Recommendation]
    excluded: list[Exclusion]
    ranked: bool = True
    """False when only constraint needs were given: the options are listed by id, unranked."""
    qualifying: int = 0
    """How many blueprints qualify (the recommendations may be fewer: `top`)."""
    notice: str | None = None
    """Something the reader must know about the whole answer (e.g. why it is unranked)."""
    suggestions: list[str] = []
    """Workload need ids that would narrow an unranked answer."""


class WhyNot(_Result):
    """Why a blueprint is or is not recommended: its rank when it qualifies, else the reasons."""

    blueprint: str
    needs: list[str]
    rank: int | None
    """Its place among the qualifying blueprints (1 = first), None when it does not qualify."""
    qualifying: int
    ranked: bool
    qualifies_on: list[str]
    reasons: list[Exclusion]
