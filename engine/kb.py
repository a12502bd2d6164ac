"""The `KnowledgeBase`: typed records plus the indexes queries need, and a lazily built graph.

Records are the plain types of `records.py` whichever way the KB was loaded (YAML or the
compiled cache), so nothing here imports pydantic."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from .caches import KbCaches
from .datatypes import Data, field
from .kinds import KINDS
from .records import (
    Blueprint,
    Capability,
    Category,
    Jurisdiction,
    Need,
    Pattern,
    Provider,
    Region,
    Service,
    Tool,
    Trait,
    plain,
)

if TYPE_CHECKING:
    import networkx as nx

    from .load import LoadedRecord


class Origin(NamedTuple):
    """Where a record was defined (for messages and `show`)."""

    file: str
    line: int | None


class StoredOrigins(Mapping[str, Origin]):
    """The origins as the compiled store keeps them — per kind, the record ids, their files and
    their lines (`array('i')` bytes, 0 for none), in one order — as a `kind/id` → `Origin`
    mapping built on first use.

    Only `show`, a few messages and store builds read origins; building a key string and an
    `Origin` per record for every command cost a third of reading a 100× store and 18 MB.
    """

    def __init__(self, parts: Mapping[str, tuple[list[str], list[str], bytes]]) -> None:
        self._parts = parts
        self._built: dict[str, Origin] | None = None

    def _origins(self) -> dict[str, Origin]:
        if self._built is None:
            from array import array

            built: dict[str, Origin] = {}
            for kind, (ids, files, line_bytes) in self._parts.items():
                lines = array("i")
                lines.frombytes(line_bytes)
                prefix = kind + "/"
                for record_id, file, line in zip(ids, files, lines, strict=True):
                    built[prefix + record_id] = Origin(file, line or None)
            self._built = built
        return self._built

    def __getitem__(self, key: str) -> Origin:
        return self._origins()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._origins())

    def __len__(self) -> int:
        return len(self._origins())


class KnowledgeBase(Data):
    """All records of a loaded KB. Build with `from_records`; treat as read-only."""

    providers: dict[str, Provider] = field(default_factory=dict)
    jurisdictions: dict[str, Jurisdiction] = field(default_factory=dict)
    regions: dict[str, Region] = field(default_factory=dict)
    categories: dict[str, Category] = field(default_factory=dict)
    capabilities: dict[str, Capability] = field(default_factory=dict)
    services: dict[str, Service] = field(default_factory=dict)
    patterns: dict[str, Pattern] = field(default_factory=dict)
    blueprints: dict[str, Blueprint] = field(default_factory=dict)
    tools: dict[str, Tool] = field(default_factory=dict)
    needs: dict[str, Need] = field(default_factory=dict)
    origins: Mapping[str, Origin] = field(default_factory=dict)
    fingerprint: str = ""
    store_path: Path | None = None
    """The compiled SQLite store this KB was read from or written to, if any."""
    caches: KbCaches = field(default_factory=KbCaches, repr=False, compare=False)
    """Derived data engine modules compute once per KB (name indexes, resolution choices)."""

    def close(self) -> None:
        """Release what queries opened (the store connection); the KB stays usable."""
        self.caches.close()

    @classmethod
    def from_records(cls, records: Sequence[LoadedRecord]) -> KnowledgeBase:
        """A KB of validated records (pydantic models), kept as plain records (`records.py`)."""
        kb = cls()
        origins: dict[str, Origin] = {}
        for item in sorted(records, key=lambda r: (r.kind, r.record.id)):
            kb.table(item.kind)[item.record.id] = plain(item.record, item.kind)
            origins[item.key] = Origin(item.file, item.line)
        kb.origins = origins
        return kb

    def table(self, kind: str) -> dict[str, Any]:
        """The id → record dict of one kind (`service`, `pattern`, …)."""
        if kind not in KINDS:
            raise KeyError(f"unknown kind {kind!r}; kinds: {', '.join(KINDS)}")
        table: dict[str, Any] = getattr(
            self,
            "categories"
            if kind == "category"
            else "capabilities"
            if kind == "capability"
            else kind + "s",
        )
        return table

    def get(self, key: str) -> Any:
        """A record by `kind/id` key; KeyError when absent."""
        kind, _, record_id = key.partition("/")
        return self.table(kind)[record_id]

    def records(self) -> Iterator[tuple[str, Any]]:
        """Every (kind, record), kinds in display order, ids sorted."""
        for kind in KINDS:
            for record_id in sorted(self.table(kind)):
                yield kind, self.table(kind)[record_id]

    def counts(self) -> dict[str, int]:
        return {kind: len(self.table(kind)) for kind in KINDS}

    # --- indexes -------------------------------------------------------------------------

    @cached_property
    def services_by_capability(self) -> dict[tuple[str, str], list[Service]]:
        """(provider, capability) → services implementing it, primary implementers first."""
        index: dict[tuple[str, str], list[Service]] = defaultdict(list)
        by_id = [self.services[service_id] for service_id in sorted(self.services)]
        for service in by_id:
            index[(service.provider, service.capability)].append(service)
        for service in by_id:
            for extra in service.also_implements:
                index[(service.provider, extra.capability)].append(service)
        return dict(index)

    def implementers(self, provider: str, capability: str) -> list[Service]:
        return self.services_by_capability.get((provider, capability), [])

    @cached_property
    def regions_by_provider(self) -> dict[str, list[Region]]:
        index: dict[str, list[Region]] = defaultdict(list)
        for region in sorted(self.regions.values(), key=lambda r: r.code):
            index[region.provider].append(region)
        return dict(index)

    @cached_property
    def regions_by_jurisdiction(self) -> dict[tuple[str, str], list[Region]]:
        """(provider, jurisdiction) → its regions there, by code.

        Resolution asks this for every blueprint × provider; scanning all of a provider's regions
        each time made `recommend` quadratic in the KB size.
        """
        index: dict[tuple[str, str], list[Region]] = defaultdict(list)
        for provider, regions in self.regions_by_provider.items():
            for region in regions:
                for jurisdiction in dict.fromkeys(region.jurisdictions):
                    index[(provider, jurisdiction)].append(region)
        return dict(index)

    def regions_in(self, provider: str, jurisdiction: str) -> list[Region]:
        """The provider's regions inside the jurisdiction, by code (empty when none)."""
        return self.regions_by_jurisdiction.get((provider, jurisdiction), [])

    def region(self, provider: str, code: str) -> Region | None:
        return self.regions.get(f"{provider}-{code}")

    @cached_property
    def services_by_terraform_type(self) -> dict[str, list[Service]]:
        index: dict[str, list[Service]] = defaultdict(list)
        for service in sorted(self.services.values(), key=lambda s: s.id):
            for resource_type in service.iac.terraform:
                index[resource_type].append(service)
        return dict(index)

    def is_compute(self, capability_id: str) -> bool:
        capability = self.capabilities.get(capability_id)
        return bool(capability and Trait.compute in capability.traits)

    @cached_property
    def graph(self) -> nx.MultiDiGraph:
        """The typed graph (built on first use: only graph commands pay for networkx)."""
        from .graph import build_graph

        return build_graph(self)
