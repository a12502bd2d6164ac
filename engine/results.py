"""Engine results: what renderers (CLI, TUI, exporters) consume. Pure data, JSON-serialisable
(`records.jsonable`).

Frozen data classes (`datatypes.Data`: dataclasses without the `dataclasses` module's cost at
import), not pydantic models: the engine builds them from records it already trusts, and a
headline command should not import pydantic to print them. Fields keep the names, types,
order and defaults the models had, so `--json` output is unchanged
(`tests/engine/test_lean_path.py` compares with pydantic's serialisation of the same results).
"""

from __future__ import annotations

from .datatypes import Data, field


class RegionChoice(Data, frozen=True, slots=True, kw_only=True):
    code: str
    name: str
    city: str
    country: str
    role: str
    """`primary` or `secondary`."""


class ResolvedComponent(Data, frozen=True, slots=True, kw_only=True):
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
    terraform: list[str] = field(default_factory=list)
    cloudformation: list[str] = field(default_factory=list)
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
    traits: list[str] = field(default_factory=list)
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


class ResolvedFlow(Data, frozen=True, slots=True, kw_only=True):
    source: str
    target: str
    label: str


class ResolvedArchitecture(Data, frozen=True, slots=True, kw_only=True):
    """Blueprint + provider + regions + one concrete service per component + flows.

    Every exporter consumes this and nothing else from the engine.
    """

    blueprint: str
    blueprint_name: str
    provider: str
    provider_name: str
    jurisdiction: str | None
    regions: list[RegionChoice]
    allowed_regions: list[str] = field(default_factory=list)
    """Codes of every region of this provider inside the jurisdiction (for IaC validation)."""
    components: list[ResolvedComponent]
    flows: list[ResolvedFlow]
    patterns: list[str]
    needs: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    highly_available: bool = False
    """Availability was asked for (needs) or a second region was chosen."""

    @property
    def primary_region(self) -> RegionChoice:
        return self.regions[0]


class Exclusion(Data, frozen=True, slots=True, kw_only=True):
    blueprint: str
    provider: str
    """A provider id, or `all` when the blueprint itself fails the needs."""
    reason: str


class ScoreTerm(Data, frozen=True, slots=True, kw_only=True):
    """One term of a blueprint's score: its value and the sentence that explains it."""

    value: float
    sentence: str

    def __post_init__(self) -> None:
        _as_float(self, "value")


class Recommendation(Data, frozen=True, slots=True, kw_only=True):
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
    score_terms: list[ScoreTerm] = field(default_factory=list)
    """Every score term, strongest first (what `--explain` shows)."""
    dropped: dict[str, str] = field(default_factory=dict)
    """Provider asked for → why this blueprint cannot run there."""
    what_would_change: list[str] = field(default_factory=list)
    """Which added need would put another option first (or this one, below #1)."""

    def __post_init__(self) -> None:
        _as_float(self, "score")


class RecommendationSet(Data, frozen=True, slots=True, kw_only=True):
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
    suggestions: list[str] = field(default_factory=list)
    """Workload need ids that would narrow an unranked answer."""


class WhyNot(Data, frozen=True, slots=True, kw_only=True):
    """Why a blueprint is or is not recommended: its rank when it qualifies, else the reasons."""

    blueprint: str
    needs: list[str]
    rank: int | None
    """Its place among the qualifying blueprints (1 = first), None when it does not qualify."""
    qualifying: int
    ranked: bool
    qualifies_on: list[str]
    reasons: list[Exclusion]


def _as_float(result: object, name: str) -> None:
    """Store an int given for a float field as a float, as the pydantic models did (`--json`
    prints 0.0, not 0)."""
    value = getattr(result, name)
    if type(value) is not float:
        object.__setattr__(result, name, float(value))
