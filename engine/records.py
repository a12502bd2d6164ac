"""Plain record types: what a `KnowledgeBase` holds and every query reads.

The pydantic models in `schema.py` check what people write (YAML, overlays); once a record has
passed them, the KB keeps it as one of these named tuples with the same attribute names, types
and properties, so reading the compiled cache needs neither pydantic nor re-validation
(`to_row` / `from_row`), and a headline command does not import pydantic at all.

Named tuples rather than dataclasses: immutable like the frozen models, and built from a row in
about 0.2 µs where a frozen slotted dataclass of a service's 23 fields takes 5 µs (each field is
an `object.__setattr__` call) — the difference between meeting the 100× load goal and not.
They are still tuples: compare and serialise them as records (`present.jsonable`), never as
sequences.

`tests/engine/test_records.py` holds both families to the same fields, order and properties.
"""

import datetime as dt
from collections.abc import Callable
from enum import StrEnum
from typing import Any, Literal, NamedTuple


class Quality(StrEnum):
    """Quality attributes that patterns affect and blueprints are profiled on."""

    availability = "availability"
    scalability = "scalability"
    cost = "cost"
    latency = "latency"
    security = "security"
    operability = "operability"
    portability = "portability"


class Fit(StrEnum):
    """How closely a service matches its capability's neutral definition."""

    exact = "exact"
    partial = "partial"


class Trait(StrEnum):
    """Traits of a capability that needs can demand (e.g. all compute must be serverless)."""

    compute = "compute"
    serverless = "serverless"
    container = "container"
    kubernetes = "kubernetes"
    vm = "vm"
    managed = "managed"
    data = "data"
    network = "network"


class NeedKind(StrEnum):
    capability = "capability"
    residency = "residency"
    quality = "quality"
    compliance = "compliance"
    security = "security"
    provider = "provider"


LifecycleStatus = Literal["ga", "preview", "closed-to-new", "retiring", "retired"]


class Provider(NamedTuple):
    id: str
    name: str
    aliases: list[str]
    summary: str
    sources: list[str]
    override: bool
    kind: Literal["provider"]
    short_name: str
    terraform_provider: str
    resource_prefix: str
    official_domains: list[str]


class Jurisdiction(NamedTuple):
    id: str
    name: str
    aliases: list[str]
    summary: str
    sources: list[str]
    override: bool
    kind: Literal["jurisdiction"]
    geography: str


class Region(NamedTuple):
    """A public cloud region. Its id is derived: `<provider>-<code>`."""

    kind: Literal["region"]
    provider: str
    code: str
    name: str
    city: str
    country: str
    geography: str
    jurisdictions: list[str]
    default_for: list[str]
    secondary_for: list[str]
    opt_in: bool
    verified: dt.date
    sources: list[str]
    override: bool

    @property
    def id(self) -> str:
        return f"{self.provider}-{self.code}"

    @property
    def aliases(self) -> list[str]:
        return [self.code]

    @property
    def summary(self) -> str:
        return f"{self.name} — {self.city}, {self.country}"


class Category(NamedTuple):
    id: str
    name: str
    aliases: list[str]
    summary: str
    sources: list[str]
    override: bool
    kind: Literal["category"]
    applies_to: list[Literal["capability", "pattern", "tool"]]


class NoEquivalent(NamedTuple):
    note: str
    closest: str | None
    """A service id (of that provider) that comes closest, if any."""


class Capability(NamedTuple):
    id: str
    name: str
    aliases: list[str]
    summary: str
    sources: list[str]
    override: bool
    kind: Literal["capability"]
    category: str
    traits: list[Trait]
    no_equivalent: dict[str, NoEquivalent]
    preferred: dict[str, str]
    """Provider → the service to pick when several implement this capability."""


class AttributeRule(NamedTuple):
    """A Terraform resource of `type` is this record when `attribute` has one of `values`
    (see `schema.AttributeRule`)."""

    type: str
    attribute: str
    values: list[str]
    match: Literal["equals", "prefix"]


class IacTypes(NamedTuple):
    terraform: list[str]
    cloudformation: list[str]
    when: list[AttributeRule]
    modules: list[str]
    main: list[str]

    def is_main(self, resource_type: str) -> bool:
        """Does this type deploy the product (not configure one)?"""
        if self.main:
            return resource_type in self.main
        return bool(self.terraform) and self.terraform[0] == resource_type


class Implementation(NamedTuple):
    capability: str
    fit: Fit
    caveat: str | None


class Lifecycle(NamedTuple):
    status: LifecycleStatus
    date: dt.date | None
    successor: str | None
    note: str | None
    source: str | None

    @property
    def is_current(self) -> bool:
        """True for services a new design may pick (ga or preview)."""
        return self.status in ("ga", "preview")


class Availability(NamedTuple):
    scope: Literal["regional", "global"]
    basis: Literal["region-list", "endpoints", "price-meters", "resource-types", "service-docs"]
    checked: dt.date
    source: str
    note: str | None


class Service(NamedTuple):
    id: str
    name: str
    aliases: list[str]
    summary: str
    sources: list[str]
    override: bool
    kind: Literal["service"]
    provider: str
    capability: str
    also_implements: list[Implementation]
    fit: Fit
    caveat: str | None
    facets: list[str]
    lifecycle: Lifecycle
    feature_of: str | None
    pair_notes: dict[str, str]
    diagrams: str | None
    iac: IacTypes
    pricing: Literal["pay-per-use", "provisioned", "free", "mixed"]
    unavailable_in: list[str]
    available_in: list[str] | None
    availability: Availability | None
    verified: dt.date

    @property
    def capability_ids(self) -> list[str]:
        """The primary capability, then every further one."""
        return [self.capability, *(i.capability for i in self.also_implements)]

    @property
    def is_feature(self) -> bool:
        return self.feature_of is not None


class PatternRelations(NamedTuple):
    complements: list[str]
    conflicts_with: list[str]
    alternative_to: list[str]
    specializes: list[str]


class Pattern(NamedTuple):
    id: str
    name: str
    aliases: list[str]
    summary: str
    sources: list[str]
    override: bool
    kind: Literal["pattern"]
    category: str
    problem: str
    solution: str
    when_to_use: list[str]
    when_to_avoid: list[str]
    tradeoffs: list[str]
    effects: dict[Quality, int]
    requires: list[str]
    relations: PatternRelations
    satisfies: list[str]


class Component(NamedTuple):
    role: str
    capability: str
    tier: Literal["edge", "web", "app", "data", "integration", "network", "security", "ops"]
    label: str | None


class Flow(NamedTuple):
    source: str
    target: str
    label: str


class Blueprint(NamedTuple):
    id: str
    name: str
    aliases: list[str]
    summary: str
    sources: list[str]
    override: bool
    kind: Literal["blueprint"]
    patterns: list[str]
    components: list[Component]
    flows: list[Flow]
    quality: dict[Quality, int]
    suits: list[str]
    tradeoffs: list[str]


class Tool(NamedTuple):
    id: str
    name: str
    aliases: list[str]
    summary: str
    sources: list[str]
    override: bool
    kind: Literal["tool"]
    category: str
    related: list[str]
    managed_equivalents: dict[str, list[str]]
    practices: list[str]


class ServiceScope(NamedTuple):
    services: list[str]
    source: str
    checked: dt.date
    exempt: list[str]
    note: str | None
    verified_against: str | None
    unverified: list[str]
    excluded_features: list[str]


class NeedEffects(NamedTuple):
    jurisdiction: str | None
    country: str | None
    in_scope: dict[str, ServiceScope]
    provider_notes: dict[str, str]
    providers: list[str]
    compute_traits: list[Trait]
    any_capability: list[str]
    any_pattern: list[str]
    controls: list[str]
    weights: dict[Quality, float]
    secondary_region: bool


class Need(NamedTuple):
    id: str
    name: str
    aliases: list[str]
    summary: str
    sources: list[str]
    override: bool
    kind: Literal["need"]
    need_kind: NeedKind
    effects: NeedEffects
    conflicts_with: list[str]


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

RECORD_TYPES: dict[str, type[Any]] = {
    "provider": Provider,
    "jurisdiction": Jurisdiction,
    "region": Region,
    "category": Category,
    "capability": Capability,
    "service": Service,
    "pattern": Pattern,
    "blueprint": Blueprint,
    "tool": Tool,
    "need": Need,
}
"""Kind → plain record type."""

JSON_ALIASES: dict[type[Any], dict[str, str]] = {Flow: {"source": "from", "target": "to"}}
"""Field → the name KB files (and `show --json`) use for it."""


# --- rows: a record as nested tuples of str, int, float, bool, None, lists and dicts ---------
#
# A row holds each field in declaration order; enums as their values, dates as ISO strings,
# nested records as rows. `to_row` reads attributes only, so it takes a pydantic model or a plain
# record alike; `from_row` builds the plain record without checking anything: rows come only
# from `to_row` of records that passed validation (the compiled store), and a row of the wrong
# length or shape raises TypeError/ValueError/KeyError, which the store answers by rebuilding.

Encode = Callable[[Any], Any]
Decode = Callable[[Any], Any]


def _optional(encode: Encode) -> Encode:
    return lambda value: None if value is None else encode(value)


def _list_of(encode: Encode) -> Encode:
    return lambda values: [encode(v) for v in values]


def _dict_of(encode: Encode, key: Encode | None = None) -> Encode:
    if key is None:
        return lambda values: {k: encode(v) for k, v in values.items()}
    return lambda values: {key(k): encode(v) for k, v in values.items()}


def _enum(cls: type[StrEnum]) -> Decode:
    members = cls._value2member_map_
    return members.__getitem__


def _enum_value(value: Any) -> str:
    return str(value.value)


def _date(value: dt.date) -> str:
    return value.isoformat()


def _ident(value: Any) -> Any:
    return value


_to_date: Decode = dt.date.fromisoformat


def _nested_encode(cls: type[Any]) -> Encode:
    return lambda value: to_row(value, cls)


def _nested_decode(cls: type[Any]) -> Decode:
    return lambda row: from_row(cls, row)


def _codec(cls: type[Any], spec: dict[str, tuple[Encode, Decode]]) -> None:
    names = list(cls._fields)
    unknown = set(spec) - set(names)
    if unknown:  # pragma: no cover - a programming error, caught on import
        raise TypeError(f"{cls.__name__} has no fields {sorted(unknown)}")
    _FIELDS[cls] = tuple(names)
    _LENGTHS[cls] = len(names)
    _ENCODERS[cls] = tuple((names.index(n), enc) for n, (enc, _) in spec.items())
    _DECODERS[cls] = tuple((names.index(n), dec) for n, (_, dec) in spec.items())


_FIELDS: dict[type[Any], tuple[str, ...]] = {}
_LENGTHS: dict[type[Any], int] = {}
_ENCODERS: dict[type[Any], tuple[tuple[int, Encode], ...]] = {}
_DECODERS: dict[type[Any], tuple[tuple[int, Decode], ...]] = {}


def to_row(record: Any, cls: type[Any]) -> tuple[Any, ...]:
    """`record` (plain or pydantic, of the kind `cls` describes) as a row."""
    values = [getattr(record, name) for name in _FIELDS[cls]]
    for index, encode in _ENCODERS[cls]:
        values[index] = encode(values[index])
    return tuple(values)


def from_row(cls: type[Any], row: Any) -> Any:
    """The plain record of `cls` a `to_row` row describes (ValueError on a wrong length)."""
    if len(row) != _LENGTHS[cls]:
        raise ValueError(f"a {cls.__name__} row has {len(row)} fields, not {_LENGTHS[cls]}")
    decoders = _DECODERS[cls]
    if not decoders:
        return _new(cls, row)
    values = list(row)
    for index, decode in decoders:
        values[index] = decode(values[index])
    return _new(cls, values)


_new = tuple.__new__
"""Builds a named tuple without its Python-level `__new__` (half the cost); `from_row` checks
the length that `__new__` would have checked."""


def new_record(cls: type[Any], values: tuple[Any, ...]) -> Any:
    """The record of `cls` holding `values`, as `tuple.__new__` builds it: what the compiled
    store's pickle names for each record. Its unpickler calls `tuple.__new__` itself for this
    name (no Python frame per record); the store is only written from whole records, so the
    length `__new__` would check is right."""
    return _new(cls, values)


def plain(record: Any, kind: str) -> Any:
    """A validated pydantic record as the plain record the KB keeps."""
    cls = RECORD_TYPES[kind]
    return from_row(cls, to_row(record, cls))


def _nested(cls: type[Any]) -> tuple[Encode, Decode]:
    return _nested_encode(cls), _nested_decode(cls)


def _nested_list(cls: type[Any]) -> tuple[Encode, Decode]:
    return _list_of(_nested_encode(cls)), _list_of(_nested_decode(cls))


def _nested_dict(cls: type[Any]) -> tuple[Encode, Decode]:
    return _dict_of(_nested_encode(cls)), _dict_of(_nested_decode(cls))


def _optional_nested(cls: type[Any]) -> tuple[Encode, Decode]:
    return _optional(_nested_encode(cls)), _optional(_nested_decode(cls))


_DATE = (_date, _to_date)
_OPTIONAL_DATE = (_optional(_date), _optional(_to_date))
for _cls in (Provider, Jurisdiction, Category, Tool, NoEquivalent, AttributeRule, Component, Flow):
    _codec(_cls, {})
_codec(PatternRelations, {})
_codec(Region, {"verified": _DATE})
_codec(
    Capability,
    {
        "traits": (_list_of(_enum_value), _list_of(_enum(Trait))),
        "no_equivalent": _nested_dict(NoEquivalent),
    },
)
_codec(
    IacTypes,
    {"when": _nested_list(AttributeRule)},
)
_codec(Implementation, {"fit": (_enum_value, _enum(Fit))})
_codec(Lifecycle, {"date": _OPTIONAL_DATE})
_codec(Availability, {"checked": _DATE})
_codec(
    Service,
    {
        "also_implements": _nested_list(Implementation),
        "fit": (_enum_value, _enum(Fit)),
        "lifecycle": _nested(Lifecycle),
        "iac": _nested(IacTypes),
        "availability": _optional_nested(Availability),
        "verified": _DATE,
    },
)
_QUALITY_KEYS = (_dict_of(_ident, _enum_value), _dict_of(_ident, _enum(Quality)))
_codec(Pattern, {"effects": _QUALITY_KEYS, "relations": _nested(PatternRelations)})
_codec(
    Blueprint,
    {
        "components": _nested_list(Component),
        "flows": _nested_list(Flow),
        "quality": _QUALITY_KEYS,
    },
)
_codec(ServiceScope, {"checked": _DATE})
_codec(
    NeedEffects,
    {
        "in_scope": _nested_dict(ServiceScope),
        "compute_traits": (_list_of(_enum_value), _list_of(_enum(Trait))),
        "weights": _QUALITY_KEYS,
    },
)
_codec(Need, {"need_kind": (_enum_value, _enum(NeedKind)), "effects": _nested(NeedEffects)})

ROW_LAYOUT = ";".join(
    f"{cls.__name__}:{','.join(names)}"
    for cls, names in sorted(_FIELDS.items(), key=lambda item: item[0].__name__)
)
"""Every plain type's fields in order: part of the store's cache key, so a cache written by a
build with other fields is never read as rows of this one."""


# --- JSON ------------------------------------------------------------------------------------


def jsonable(value: Any) -> Any:
    """`value` as JSON data, the way pydantic's `model_dump(mode="json", by_alias=True)` gave it:
    records and results as objects (fields in order; `Flow` as `from`/`to`), enums as their
    values, dates as ISO strings, tuples as lists."""
    cls = type(value)
    names = _FIELDS.get(cls)
    if names is not None:
        aliases = JSON_ALIASES.get(cls, {})
        return {aliases.get(n, n): jsonable(v) for n, v in zip(names, value, strict=True)}
    if cls is str or cls is int or cls is float or cls is bool or value is None:
        return value
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {jsonable(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, dt.date):
        return value.isoformat()
    slots = getattr(cls, "_data_fields", None) or getattr(cls, "__dataclass_fields__", None)
    if slots is not None:  # a `datatypes.Data` class (results) or a dataclass
        return {name: jsonable(getattr(value, name)) for name in slots}
    if hasattr(value, "model_dump"):  # a pydantic model (migration tables, authoring)
        return value.model_dump(mode="json", by_alias=True)
    return value
