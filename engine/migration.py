"""Migration maps: an inventory of existing Terraform (or a list of service names) → one row per
resource with its source service and its counterpart on each target provider.

Row statuses: `exact` / `partial` / `no-equivalent` (the source service is known; how it maps),
`unknown` (no KB service owns it), `folded` (configures a parent resource, counted in its row),
`glue` (utility providers and data sources), `unparsed` (a file or block that could not be read).
Coverage counts the rows a migration has to decide on: everything but folded, glue and unparsed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict

from .mapping import equivalents_of
from .terraform.owners import (
    Owner,
    is_glue,
    is_utility_module,
    owner_of,
    provider_of_type,
    registry_module,
)

if TYPE_CHECKING:
    from .kb import KnowledgeBase
    from .records import Service
    from .terraform.inventory import Inventory, InventoryItem

Status = Literal["exact", "partial", "no-equivalent", "unknown", "folded", "glue", "unparsed"]
TargetStatus = Literal["exact", "partial", "no-equivalent"]
STATUSES: tuple[Status, ...] = (
    "exact",
    "partial",
    "no-equivalent",
    "unknown",
    "folded",
    "glue",
    "unparsed",
)
_WORST: dict[str, int] = {"exact": 0, "partial": 1, "no-equivalent": 2}
_MAX_FOLD_CHAIN = 8


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class SourceRef(_Out):
    id: str
    name: str
    provider: str
    capability: str


class TargetRef(_Out):
    id: str
    name: str
    fit: str
    caveat: str | None
    terraform_types: list[str]


class AlternativeRef(_Out):
    id: str
    name: str
    fit: str


class TargetMapping(_Out):
    """How a source service maps onto one target provider."""

    status: TargetStatus
    target: TargetRef | None
    alternatives: list[AlternativeRef]
    note: str


@dataclass(frozen=True, slots=True)
class MigrationRow:
    """One row of a migration map. A plain dataclass (one per resource, built here from typed
    parts): pydantic's construction cost a third of mapping 6,000 resources."""

    item: str
    """The resource address (module path included), module call, list line, or `file:line`."""
    resource_type: str | None
    file: str | None
    line: int | None
    module: str
    status: Status
    source: SourceRef | None
    targets: dict[str, TargetMapping]
    """Per target provider; empty unless the status is exact, partial or no-equivalent."""
    folded_into: str | None
    note: str


class ServiceRollup(_Out):
    """One source service: how many resources it accounts for and where it goes."""

    source: SourceRef
    rows: int
    folded: int
    targets: dict[str, TargetMapping]


class MigrationTable(_Out):
    input: Literal["terraform", "list"]
    source_provider: str
    target_providers: list[str]
    rows: list[MigrationRow]
    summary: dict[str, int | float | None]
    by_target: dict[str, dict[str, int | float | None]]
    by_service: list[ServiceRollup]


def _new_row(**fields: Any) -> MigrationRow:
    return MigrationRow(**fields)


# --- Terraform ---------------------------------------------------------------------------------


def sniff_providers(kb: KnowledgeBase, inventory: Inventory) -> dict[str, int]:
    """Resources per KB provider, read from the resource type prefixes (glue not counted)."""
    counts: Counter[str] = Counter()
    for item in inventory.items:
        if item.kind == "resource" and not is_glue(item.type):
            provider = provider_of_type(kb, item.type)
            if provider:
                counts[provider] += 1
        elif item.kind == "module":
            found = registry_module(item.type)
            if found:
                owner = owner_of(kb, item)
                if owner:
                    counts[owner.service.provider] += 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


class ProviderChoiceError(ValueError):
    """The source or target providers do not fit the code; the message says what was found."""


def settle_providers(
    kb: KnowledgeBase,
    inventory: Inventory,
    source: str | None,
    targets: Sequence[str] | None,
    name: str,
) -> tuple[str, list[str]]:
    """The source provider (read from the code when None) and the targets (default: the other
    providers), checked against what the code holds.

    Raises:
        ProviderChoiceError: nothing of a known provider in the code and no source given; the
            code holds none of `source`'s resources but others; or a target is the source.
    """
    found = sniff_providers(kb, inventory)
    described = ", ".join(f"{n} {p}" for p, n in found.items())
    if source is None:
        if not found:
            known = ", ".join(sorted(kb.providers))
            raise ProviderChoiceError(
                f"{name}: cannot tell the provider (no resources of {known} found); give --from"
            )
        source = next(iter(found))
    elif found and source not in found:
        raise ProviderChoiceError(
            f"--from {source}: {name} holds {described} resources, no {source}"
        )
    if targets and source in targets:
        raise ProviderChoiceError(
            f"--to {source}: the code is already on {source} ({described or 'no'} resources)"
        )
    return source, list(targets) if targets else [p for p in sorted(kb.providers) if p != source]


def map_inventory(
    kb: KnowledgeBase, inventory: Inventory, source_provider: str, targets: Sequence[str]
) -> MigrationTable:
    """Map every inventory item of `source_provider` onto each of `targets`."""
    mapper = _Mapper(kb, targets)
    owners = {
        item.address: owner_of(kb, item)
        for item in inventory.items
        if item.kind == "resource" and not is_glue(item.type)
    }
    by_address = {item.address: item for item in inventory.items if item.kind == "resource"}
    folds = _fold_targets(owners, by_address)
    rows = [_row(kb, mapper, item, source_provider, owners, folds) for item in inventory.items]
    return _table("terraform", source_provider, targets, rows, inventory.files)


def _row(
    kb: KnowledgeBase,
    mapper: _Mapper,
    item: InventoryItem,
    source_provider: str,
    owners: dict[str, Owner | None],
    folds: dict[str, str],
) -> MigrationRow:
    base: dict[str, Any] = {
        "item": item.address,
        "resource_type": item.type if item.kind in ("resource", "data") else None,
        "file": item.file,
        "line": item.line,
        "module": item.module,
        "source": None,
        "targets": {},
        "folded_into": None,
    }
    notes = [item.message] if item.message else []
    if item.repeat:
        notes.append(f"repeated by {item.repeat}")
    if item.kind == "unparsed":
        return _new_row(**base, status="unparsed", note="; ".join(notes))
    if item.kind == "data":
        notes.insert(0, "data source: reads existing infrastructure, deploys nothing")
        return _new_row(**base, status="glue", note="; ".join(notes))
    if item.kind == "module":
        return _module_row(kb, mapper, item, source_provider, base, notes)
    if is_glue(item.type):
        notes.insert(0, f"utility provider {item.type.split('_', 1)[0]}")
        return _new_row(**base, status="glue", note="; ".join(notes))
    owner = owners.get(item.address)
    if owner is None:
        return _new_row(**base, status="unknown", note="; ".join([_unknown(kb, item), *notes]))
    service = owner.service
    base["source"] = _source(service)
    if service.provider != source_provider:
        notes.insert(0, f"a {service.provider} resource; this map reads {source_provider}")
        return _new_row(**base, status="unknown", note="; ".join(notes))
    if not owner.main:
        parent = folds.get(item.address)
        if parent is not None:
            base["folded_into"] = parent
            notes.insert(0, f"configures {parent}")
            return _new_row(**base, status="folded", note="; ".join(notes))
        notes.insert(0, f"configures a resource of {service.name} that is not in this code")
    return mapper.row(base, service, notes)


def _module_row(
    kb: KnowledgeBase,
    mapper: _Mapper,
    item: InventoryItem,
    source_provider: str,
    base: dict[str, Any],
    notes: list[str],
) -> MigrationRow:
    found = registry_module(item.type)
    if found and is_utility_module(item.type):
        notes.insert(0, f"utility module {found[0]}: computes values, deploys nothing")
        return _new_row(**base, status="glue", note="; ".join(notes))
    owner = owner_of(kb, item) if found else None
    if owner is None or owner.service.provider != source_provider:
        if owner is not None:
            notes.insert(0, f"a {owner.service.provider} module; this map reads {source_provider}")
        elif not item.message:  # else the reader's reason (cycle, not found) is notes[0]
            notes.insert(
                0,
                f"module {item.type} is not read (registry or remote source) and is not a "
                "well-known module in the KB; its resources are not listed",
            )
        return _new_row(**base, status="unknown", note="; ".join(notes))
    assert found is not None
    sub = f" (submodule {found[1]})" if found[1] else ""
    notes = [f"registry module {found[0]}{sub}, not expanded", *notes]
    base["resource_type"] = None
    base["source"] = _source(owner.service)
    return mapper.row(base, owner.service, notes)


def _parent(
    item: InventoryItem,
    owner: Owner,
    owners: dict[str, Owner | None],
    mains: dict[tuple[str, str], list[str]],
) -> str | None:
    """The resource a configuration resource belongs to: one it references that the same
    service (or its product) owns; else the only main resource of that family in its module."""
    family = {owner.service.id, owner.service.feature_of}

    def related(other: Owner | None) -> bool:
        return other is not None and (
            other.service.id in family or other.service.feature_of == owner.service.id
        )

    candidates = [ref for ref in item.refs if related(owners.get(ref))]
    if not candidates:
        product = owner.service.feature_of or owner.service.id
        local = mains.get((item.module, product), [])
        candidates = local if len(local) == 1 else []
    if not candidates:
        return None
    return min(candidates, key=lambda ref: (not _is_main(owners.get(ref)), ref))


def _fold_targets(
    owners: dict[str, Owner | None], by_address: dict[str, InventoryItem]
) -> dict[str, str]:
    """Configuration resource → the top resource it folds into (a child of a child goes to the
    top); resources whose parent is not in the code are left out."""
    mains: dict[tuple[str, str], list[str]] = {}
    for address, owner in owners.items():
        if owner is not None and owner.main:
            product = owner.service.feature_of or owner.service.id
            mains.setdefault((by_address[address].module, product), []).append(address)
    direct = {}
    for address, owner in owners.items():
        if owner is not None and not owner.main:
            parent = _parent(by_address[address], owner, owners, mains)
            if parent is not None and parent != address:
                direct[address] = parent
    out = {}
    for address, parent in direct.items():
        seen = {address}
        while parent in direct and direct[parent] not in seen and len(seen) < _MAX_FOLD_CHAIN:
            seen.add(parent)
            parent = direct[parent]
        out[address] = parent
    return out


def _is_main(owner: Owner | None) -> bool:
    return owner is not None and owner.main


def _unknown(kb: KnowledgeBase, item: InventoryItem) -> str:
    if provider_of_type(kb, item.type) is None:
        prefix = item.type.split("_", 1)[0]
        known = ", ".join(sorted(p.terraform_provider for p in kb.providers.values()))
        return f"provider {prefix} is outside the KB (it covers {known})"
    return f"resource type {item.type} is not in the KB"


# --- lists of service names ------------------------------------------------------------------


def map_names(
    kb: KnowledgeBase, names: Sequence[str], source_provider: str, targets: Sequence[str]
) -> MigrationTable:
    """Map a list of service names (one per line of a bill) onto each of `targets`."""
    from .search import resolve_service

    mapper = _Mapper(kb, targets)
    rows = []
    for name in names:
        base: dict[str, Any] = {
            "item": name,
            "resource_type": None,
            "file": None,
            "line": None,
            "module": "",
            "source": None,
            "targets": {},
            "folded_into": None,
        }
        # The resolver of `map NAME --from PROVIDER`, so a line means what the same name means
        # on the command line ("VPC" from aws is Amazon VPC, not an ambiguity).
        found = resolve_service(kb, name, source=source_provider, targets=tuple(targets))
        if found.key:
            service = kb.services[found.key.split("/", 1)[1]]
            base["source"] = _source(service)
            rows.append(mapper.row(base, service, []))
        elif len(found.elsewhere) == 1:
            service = kb.services[found.elsewhere[0].split("/", 1)[1]]
            base["source"] = _source(service)
            note = f"{service.name} is a {service.provider} service, not {source_provider}"
            rows.append(_new_row(**base, status="unknown", note=note))
        else:
            rows.append(_new_row(**base, status="unknown", note="not a known service name"))
    return _table("list", source_provider, targets, rows, 0)


# --- shared ----------------------------------------------------------------------------------


class _Mapper:
    """Target mappings per (service, provider), computed once per table."""

    def __init__(self, kb: KnowledgeBase, targets: Sequence[str]) -> None:
        self.kb = kb
        self.targets = list(targets)
        self.cache: dict[tuple[str, str], TargetMapping] = {}

    def mapping(self, service: Service, provider: str) -> TargetMapping:
        key = (service.id, provider)
        if key not in self.cache:
            self.cache[key] = _target_mapping(self.kb, service, provider)
        return self.cache[key]

    def row(self, base: dict[str, Any], service: Service, notes: list[str]) -> MigrationRow:
        targets = {p: self.mapping(service, p) for p in self.targets}
        status = max((t.status for t in targets.values()), key=_WORST.__getitem__)
        return _new_row(**{**base, "targets": targets}, status=status, note="; ".join(notes))


def _target_mapping(kb: KnowledgeBase, service: Service, provider: str) -> TargetMapping:
    found = equivalents_of(kb, service, provider)
    if found:
        best = found[0]
        record = kb.services.get(best.id)
        notes = [best.caveat or ""]
        pair = service.pair_notes.get(best.id) or getattr(best, "note", None)
        if pair:
            notes.append(str(pair))
        return TargetMapping(
            status="exact" if best.fit == "exact" else "partial",
            target=TargetRef(
                id=best.id,
                name=best.name,
                fit=best.fit,
                caveat=best.caveat,
                terraform_types=list(record.iac.terraform) if record else [],
            ),
            alternatives=[AlternativeRef(id=e.id, name=e.name, fit=e.fit) for e in found[1:4]],
            note="; ".join(n for n in notes if n),
        )
    capability = kb.capabilities[service.capability]
    gap = capability.no_equivalent.get(provider)
    closest = kb.services.get(gap.closest) if gap and gap.closest else None
    return TargetMapping(
        status="no-equivalent",
        target=None,
        alternatives=[AlternativeRef(id=closest.id, name=closest.name, fit="partial")]
        if closest
        else [],
        note=gap.note if gap else f"the KB records no {provider} service for {capability.name}",
    )


def _source(service: Service) -> SourceRef:
    return SourceRef(
        id=service.id, name=service.name, provider=service.provider, capability=service.capability
    )


def summarize(rows: Sequence[MigrationRow], files: int) -> dict[str, int | float | None]:
    """Counts per status, total, files and coverage = decided / (total − folded − glue − unparsed)."""
    counts: Counter[str] = Counter(str(row.status) for row in rows)
    return _summary(counts, len(rows), files)


def _summary(counts: Counter[str], total: int, files: int) -> dict[str, int | float | None]:
    out: dict[str, int | float | None] = {s.replace("-", "_"): counts[s] for s in STATUSES}
    out["total"] = total
    out["files"] = files
    counted = total - counts["folded"] - counts["glue"] - counts["unparsed"]
    decided = counts["exact"] + counts["partial"] + counts["no-equivalent"]
    out["coverage"] = round(decided / counted, 4) if counted else None
    return out


def _table(
    kind: Literal["terraform", "list"],
    source: str,
    targets: Sequence[str],
    rows: list[MigrationRow],
    files: int,
) -> MigrationTable:
    by_target = {}
    for provider in targets:
        counts: Counter[str] = Counter(
            str(row.targets[provider].status if row.targets else row.status) for row in rows
        )
        by_target[provider] = _summary(counts, len(rows), files)
    return MigrationTable(
        input=kind,
        source_provider=source,
        target_providers=list(targets),
        rows=rows,
        summary=summarize(rows, files),
        by_target=by_target,
        by_service=_rollup(rows),
    )


def _rollup(rows: Sequence[MigrationRow]) -> list[ServiceRollup]:
    mapped: dict[str, MigrationRow] = {}
    counts: Counter[str] = Counter()
    folded: Counter[str] = Counter()
    for row in rows:
        if row.source is None:
            continue
        if row.status == "folded":
            folded[row.source.id] += 1
        elif row.targets:
            mapped.setdefault(row.source.id, row)
            counts[row.source.id] += 1
    return [
        ServiceRollup(
            source=row.source,
            rows=counts[sid],
            folded=folded[sid],
            targets=row.targets,
        )
        for sid, row in sorted(mapped.items(), key=lambda kv: (-counts[kv[0]], kv[0]))
        if row.source is not None
    ]


def table_json(table: MigrationTable) -> dict[str, Any]:
    """The documented JSON shape: with one target each row has `target` and `alternatives`;
    with several, `targets` holds them per provider. Rows mapped through the same service share
    those dicts (serialise, don't mutate)."""
    single = table.target_providers[0] if len(table.target_providers) == 1 else None
    dumped: dict[int, dict[str, Any]] = {}  # rows of one service share their mapping objects

    def dump(mapping: TargetMapping) -> dict[str, Any]:
        if id(mapping) not in dumped:
            dumped[id(mapping)] = mapping.model_dump()
        return dumped[id(mapping)]

    rows = []
    for row in table.rows:
        out: dict[str, Any] = {
            "item": row.item,
            "resource_type": row.resource_type,
            "file": row.file,
            "line": row.line,
            "module": row.module,
            "status": row.status,
            "source": row.source.model_dump() if row.source else None,
        }
        if single is not None:
            mapping = row.targets.get(single)
            whole = dump(mapping) if mapping else None
            out["target"] = whole["target"] if whole else None
            out["alternatives"] = whole["alternatives"] if whole else []
            note = "; ".join(n for n in (row.note, mapping.note if mapping else "") if n)
        else:
            out["targets"] = {p: dump(m) for p, m in row.targets.items()}
            note = row.note
        out["folded_into"] = row.folded_into
        out["note"] = note
        rows.append(out)
    return {
        "input": table.input,
        "source_provider": table.source_provider,
        "target_providers": table.target_providers,
        "rows": rows,
        "summary": table.summary,
        "by_target": table.by_target,
        "by_service": [
            {
                "source": r.source.model_dump(),
                "rows": r.rows,
                "folded": r.folded,
                "targets": {
                    p: {
                        "status": m.status,
                        "id": m.target.id if m.target else None,
                        "name": m.target.name if m.target else None,
                    }
                    for p, m in r.targets.items()
                },
            }
            for r in table.by_service
        ],
    }
