"""Pydantic models for every kind of record in the knowledge base, and for engine results.

Records are strict (`extra="forbid"`) so that a typo in a KB file is an error with a location,
not a silently ignored field.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .facets import unknown_facets
from .records import Fit as Fit
from .records import LifecycleStatus
from .records import NeedKind as NeedKind
from .records import Quality as Quality
from .records import Trait as Trait

# The enums live with the plain records (no pydantic); they are re-exported here for authoring.

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
_SLUG_RE = re.compile(SLUG_PATTERN)

Slug = Annotated[str, Field(pattern=SLUG_PATTERN, max_length=80)]
Text = Annotated[str, Field(min_length=1, max_length=2000)]
Name = Annotated[str, Field(min_length=1, max_length=120)]


SOURCE_URL_PATTERN = r"^https://[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:[0-9]+)?(/[^\s]*)?$"

SourceUrl = Annotated[str, Field(pattern=SOURCE_URL_PATTERN, max_length=2000)]
"""An https URL with a host name. A checked string rather than pydantic's `HttpUrl`: the cached
KB validates every record again on load, and URL objects cost about 1 µs each there (a tenth of
a service record) while adding nothing the pattern and the truth tests do not check."""


class Record(BaseModel):
    """Fields every KB record shares."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)

    id: Slug
    name: Name
    aliases: list[Name] = []
    summary: Text
    sources: list[SourceUrl] = Field(min_length=1)
    override: bool = False
    """An overlay record may replace a built-in one only when it says so."""


class Provider(Record):
    kind: Literal["provider"] = "provider"
    short_name: Name
    terraform_provider: Slug
    resource_prefix: Annotated[str, Field(pattern=r"^[a-z]+_$")]
    official_domains: list[str] = Field(min_length=1)


class Jurisdiction(Record):
    kind: Literal["jurisdiction"] = "jurisdiction"
    geography: Slug


class Region(BaseModel):
    """A public cloud region. Its id is derived: `<provider>-<code>`."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: Literal["region"] = "region"
    provider: Slug
    code: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=40)]
    name: Name
    city: Name
    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
    geography: Slug
    jurisdictions: list[Slug] = Field(min_length=1)
    default_for: list[Slug] = []
    secondary_for: list[Slug] = []
    opt_in: bool = False
    verified: dt.date
    sources: list[SourceUrl] = Field(min_length=1)
    override: bool = False

    @property
    def id(self) -> str:
        return f"{self.provider}-{self.code}"

    @property
    def aliases(self) -> list[str]:
        return [self.code]

    @property
    def summary(self) -> str:
        return f"{self.name} — {self.city}, {self.country}"

    @model_validator(mode="after")
    def _defaults_are_own_jurisdictions(self) -> Region:
        stray = [j for j in self.default_for + self.secondary_for if j not in self.jurisdictions]
        if stray:
            raise ValueError(
                f"default_for/secondary_for {stray} is not among this region's jurisdictions"
            )
        return self


class Category(Record):
    kind: Literal["category"] = "category"
    applies_to: list[Literal["capability", "pattern", "tool"]] = Field(min_length=1)


class NoEquivalent(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    note: Text
    closest: Slug | None = None
    """A service id (of that provider) that comes closest, if any."""


class Capability(Record):
    kind: Literal["capability"] = "capability"
    category: Slug
    traits: list[Trait] = []
    no_equivalent: dict[Slug, NoEquivalent] = {}
    preferred: dict[Slug, Slug] = {}
    """Provider → the service to pick when several implement this capability."""


TerraformType = Annotated[str, Field(pattern=r"^[a-z]+_[a-z0-9_]+$")]


class AttributeRule(BaseModel):
    """A Terraform resource of `type` is this record when `attribute` has one of `values`.

    How a flavour (RDS for PostgreSQL) or a sibling product that shares a resource type with its
    owner (an `azapi_resource` of some `type`) is told apart when reading existing Terraform.
    `attribute` is a dotted path into the resource block (`settings.tier`).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    type: TerraformType
    attribute: Annotated[str, Field(pattern=r"^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*$")]
    values: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(min_length=1)
    match: Literal["equals", "prefix"] = "equals"
    """`prefix`: the value starts with one of `values` (engine versions such as `POSTGRES_15`)."""


class IacTypes(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    terraform: list[TerraformType] = []
    """Resource types this record owns. Each type has exactly one owner in the whole KB."""
    cloudformation: list[Annotated[str, Field(pattern=r"^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$")]] = []
    when: list[AttributeRule] = []
    """Resources of another record's type that are this record (flavours, azapi types)."""
    modules: list[
        Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+/[a-z0-9]+$")]
    ] = []
    """Well-known registry modules (`namespace/name/provider`) that deploy this record."""
    main: list[TerraformType] = []
    """The types of `terraform` that deploy the product itself when more than one does (a REST
    API and an HTTP API); the first type included. Empty: the first type alone. The other
    types configure a resource of one of these."""

    @model_validator(mode="after")
    def _main_types_are_owned(self) -> IacTypes:
        stray = [t for t in self.main if t not in self.terraform]
        if stray:
            raise ValueError(f"iac.main lists types not in iac.terraform: {', '.join(stray)}")
        if self.main and self.terraform[0] not in self.main:
            raise ValueError(f"iac.main must include the first type, {self.terraform[0]}")
        return self


class Implementation(BaseModel):
    """A further capability a service offers besides its primary one.

    Written as a bare capability id (a side job: partial) or as a mapping when the service does
    that job fully (`{capability: key-management, fit: exact}` for Key Vault keys).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    capability: Slug
    fit: Fit = Fit.partial
    caveat: Text | None = None


class Lifecycle(BaseModel):
    """Where a service stands: generally available, in preview, closed to new customers,
    announced for retirement (with the date) or retired; with the successor to use instead."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    status: LifecycleStatus = "ga"
    date: dt.date | None = None
    """Retiring/retired: the end of service; closed-to-new: when it closed."""
    successor: Slug | None = None
    note: Text | None = None
    source: SourceUrl | None = None

    @model_validator(mode="after")
    def _changes_are_sourced(self) -> Lifecycle:
        if self.status in ("retiring", "retired") and self.date is None:
            raise ValueError(f"a {self.status} service needs the date it ends")
        if self.status not in ("ga", "preview") and self.source is None:
            raise ValueError(f"a {self.status} lifecycle needs the provider's source URL")
        return self

    @property
    def is_current(self) -> bool:
        """True for services a new design may pick (ga or preview)."""
        return self.status in ("ga", "preview")


class Availability(BaseModel):
    """How a service's regional availability was established.

    Present when someone compared the provider's official regional data with every European
    (eu/uk/ch) and US region in the KB; then `unavailable_in` (or `available_in`) is complete for
    those regions. Without it, those lists hold only gaps noticed in passing.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    scope: Literal["regional", "global"]
    """`global`: not deployed into a region at all (DNS, CDN, identity, global edge)."""
    basis: Literal["region-list", "endpoints", "price-meters", "resource-types", "service-docs"]
    """Where the statement comes from: the service's official list of regions, the provider's
    published endpoint data, its price sheet (a region with no price meter), its per-region
    registry of resource types (CloudFormation), or the service's documentation (what it says
    about being global or region-bound)."""
    checked: dt.date
    """The date of the source data (a page's "last updated" date, or the data snapshot's)."""
    source: SourceUrl
    note: Text | None = None


class Service(Record):
    kind: Literal["service"] = "service"
    provider: Slug
    capability: Slug
    also_implements: list[Implementation] = []
    """Further capabilities (Key Vault: keys and certificates besides secrets)."""
    fit: Fit = Fit.exact
    caveat: Text | None = None
    facets: list[Annotated[str, Field(pattern=SLUG_PATTERN, max_length=40)]] = []
    """Engines, protocols and APIs it is compatible with (vocabulary: engine/facets.py)."""
    lifecycle: Lifecycle = Lifecycle()
    feature_of: Slug | None = None
    """Set on a feature or flavour of a product (security groups, RDS for PostgreSQL): the
    product's id. Features map like services but are not counted as products."""
    pair_notes: dict[Slug, Text] = {}
    """Target service id → what an architect must know about that particular pair."""
    diagrams: Annotated[str, Field(pattern=r"^diagrams(\.[a-z0-9_]+)+\.[A-Za-z0-9_]+$")] | None = (
        None
    )
    iac: IacTypes = IacTypes()
    pricing: Literal["pay-per-use", "provisioned", "free", "mixed"] = "mixed"
    unavailable_in: list[Annotated[str, Field(max_length=40)]] = []
    available_in: list[Annotated[str, Field(max_length=40)]] | None = None
    availability: Availability | None = None
    verified: dt.date

    @field_validator("also_implements", mode="before")
    @classmethod
    def _bare_ids_are_side_jobs(cls, value: object) -> object:
        if isinstance(value, list):
            return [{"capability": v} if isinstance(v, str) else v for v in value]
        return value

    @field_validator("facets")
    @classmethod
    def _facets_are_known(cls, value: list[str]) -> list[str]:
        unknown = unknown_facets(value)
        if unknown:
            raise ValueError(f"unknown facets {unknown} (vocabulary: engine/facets.py)")
        return value

    @property
    def capability_ids(self) -> list[str]:
        """The primary capability, then every further one."""
        return [self.capability, *(i.capability for i in self.also_implements)]

    @property
    def is_feature(self) -> bool:
        return self.feature_of is not None

    @model_validator(mode="after")
    def _partial_needs_caveat(self) -> Service:
        if self.fit is Fit.partial and not self.caveat:
            raise ValueError("a partial fit needs a caveat saying what differs")
        extra = [i.capability for i in self.also_implements]
        if self.capability in extra or len(set(extra)) != len(extra):
            raise ValueError("also_implements repeats a capability")
        if self.available_in is not None and self.unavailable_in:
            raise ValueError("give either available_in or unavailable_in, not both")
        is_global = self.availability is not None and self.availability.scope == "global"
        if is_global and (self.unavailable_in or self.available_in is not None):
            raise ValueError("a global service has no available_in or unavailable_in")
        return self


class PatternRelations(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    complements: list[Slug] = []
    conflicts_with: list[Slug] = []
    alternative_to: list[Slug] = []
    specializes: list[Slug] = []


Effect = Annotated[int, Field(ge=-2, le=2)]


class Pattern(Record):
    kind: Literal["pattern"] = "pattern"
    category: Slug
    problem: Text
    solution: Text
    when_to_use: list[Text] = Field(min_length=1)
    when_to_avoid: list[Text] = Field(min_length=1)
    tradeoffs: list[Text] = Field(min_length=1)
    effects: dict[Quality, Effect] = {}
    requires: list[Slug] = []
    """Capabilities the pattern needs from a platform."""
    relations: PatternRelations = PatternRelations()
    satisfies: list[Slug] = []


class Component(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    role: Slug
    capability: Slug
    tier: Literal["edge", "web", "app", "data", "integration", "network", "security", "ops"]
    label: Name | None = None


class Flow(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    source: Slug = Field(alias="from")
    target: Slug = Field(alias="to")
    label: Annotated[str, Field(min_length=1, max_length=40)]


Score = Annotated[int, Field(ge=1, le=5)]


class Blueprint(Record):
    kind: Literal["blueprint"] = "blueprint"
    patterns: list[Slug] = Field(min_length=1)
    components: list[Component] = Field(min_length=1)
    flows: list[Flow] = []
    quality: dict[Quality, Score]
    suits: list[Slug] = []
    tradeoffs: list[Text] = Field(min_length=1)

    @model_validator(mode="after")
    def _flows_join_components(self) -> Blueprint:
        roles = [c.role for c in self.components]
        duplicates = sorted({r for r in roles if roles.count(r) > 1})
        if duplicates:
            raise ValueError(f"duplicate component roles: {duplicates}")
        for flow in self.flows:
            for end in (flow.source, flow.target):
                if end not in roles:
                    raise ValueError(f"flow end {end!r} is not a component role")
        missing = [q.value for q in Quality if q not in self.quality]
        if missing:
            raise ValueError(f"quality profile lacks {missing}")
        return self


class Tool(Record):
    kind: Literal["tool"] = "tool"
    category: Slug
    related: list[Slug] = []
    """Other tools it is used with."""
    managed_equivalents: dict[Slug, list[Slug]] = {}
    """Per provider, the services that offer this tool (or its job) as a managed service."""
    practices: list[Slug] = []
    """Patterns (practices) that apply to this tool, e.g. Terraform → module composition."""


class ServiceScope(BaseModel):
    """The services of one provider that a compliance programme covers (a BAA, an attestation)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    services: list[Slug] = Field(min_length=1)
    """Service ids of that provider in scope; a design under the need may use only these."""
    source: SourceUrl
    """The provider's own list of services in scope."""
    checked: dt.date
    exempt: list[Slug] = []
    """Services the list leaves out because they hold no regulated data (access policies), which
    a design under the need may still use; say why in `note`."""
    note: Text | None = None
    verified_against: SourceUrl | None = None
    """Where the entries were read when not off the live `source` page: a dated copy of the
    provider's own list (its date is `checked`). None when no copy of the list could be read."""
    unverified: list[Slug] = []
    """Entries of `services` that the list read at `verified_against` does not name (kept from an
    earlier compilation, or parts the list does not name on their own). The recommender uses
    them but says they are unverified; with no `verified_against`, every entry is unverified."""
    excluded_features: list[Slug] = []
    """Features of a listed product that the list leaves out, because it names the product for
    some features only (AWS's HIPAA list names five RDS engines, not RDS for Db2). A feature
    otherwise counts with its product; these may not be used under the need."""

    @model_validator(mode="after")
    def _unverified_entries_are_listed(self) -> ServiceScope:
        stray = sorted(set(self.unverified) - set(self.services))
        if stray:
            raise ValueError(f"unverified entries not in services: {', '.join(stray)}")
        if self.verified_against is None and set(self.unverified) != set(self.services):
            raise ValueError(
                "no verified_against: every entry of services must be listed as unverified"
            )
        listed = sorted(set(self.excluded_features) & {*self.services, *self.exempt})
        if listed:
            raise ValueError(f"excluded features also listed as in scope: {', '.join(listed)}")
        return self


class NeedEffects(BaseModel):
    """What a need does to the recommendation: hard constraints and soft weights."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    jurisdiction: Slug | None = None
    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] | None = None
    """ISO 3166 code: regions must be in this country (inside `jurisdiction`)."""
    in_scope: dict[Slug, ServiceScope] = {}
    """Provider → the services its compliance programme covers (HIPAA BAA, PCI DSS)."""
    provider_notes: dict[Slug, Text] = {}
    """Provider → what to know under this need (sovereign-cloud offerings, partitions)."""
    providers: list[Slug] = []
    compute_traits: list[Trait] = []
    any_capability: list[Slug] = []
    any_pattern: list[Slug] = []
    controls: list[Slug] = []
    weights: dict[Quality, Annotated[float, Field(ge=0, le=3)]] = {}
    secondary_region: bool = False


class Need(Record):
    kind: Literal["need"] = "need"
    need_kind: NeedKind
    effects: NeedEffects = NeedEffects()
    conflicts_with: list[Slug] = []

    @model_validator(mode="after")
    def _kind_matches_effects(self) -> Need:
        e = self.effects
        if self.need_kind is NeedKind.residency and not e.jurisdiction:
            raise ValueError("a residency need must name a jurisdiction in effects")
        if self.need_kind is NeedKind.provider and not e.providers:
            raise ValueError("a provider need must name providers in effects")
        if e.country and not e.jurisdiction:
            raise ValueError("a country need must also name the jurisdiction the country is in")
        return self


AnyRecord = (
    Provider
    | Jurisdiction
    | Region
    | Category
    | Capability
    | Service
    | Pattern
    | Blueprint
    | Tool
    | Need
)

KIND_MODELS: dict[str, type[BaseModel]] = {
    "providers": Provider,
    "jurisdictions": Jurisdiction,
    "regions": Region,
    "categories": Category,
    "capabilities": Capability,
    "services": Service,
    "patterns": Pattern,
    "blueprints": Blueprint,
    "tools": Tool,
    "needs": Need,
}
"""KB folder name → record model. The folder decides the kind; records do not repeat it."""


def is_slug(text: str) -> bool:
    return bool(_SLUG_RE.match(text))
