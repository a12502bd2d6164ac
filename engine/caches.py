"""Derived data the engine computes once per KB: typed tables, not a grab bag.

A `KnowledgeBase` is read-only, so anything computed from it stays valid for its lifetime. The
store connection is here too because search opens it lazily; `close()` releases it.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from .datatypes import Data, field

if TYPE_CHECKING:
    from .records import AttributeRule, Region, Service
    from .search import NameIndex

RegionKey = tuple[str, "str | None", bool, "str | None"]
"""(provider, jurisdiction, with a secondary region, country)"""
ServiceChoiceKey = tuple[str, str, tuple[str, ...], tuple[str, ...]]
"""(provider, capability, region ids, compliance needs whose scope lists apply)"""


class KbCaches(Data):
    regions: dict[RegionKey, list[Region] | str] = field(default_factory=dict)
    """Region choice per RegionKey: the regions, or why there are none."""
    candidates: dict[tuple[str, str], list[Service]] = field(default_factory=dict)
    """(provider, capability) → the services a design may use, best first."""
    service_choice: dict[ServiceChoiceKey, Service | str] = field(default_factory=dict)
    """The service picked for a capability in a set of regions, or why none fits."""
    name_indexes: dict[tuple[tuple[str, ...], bool], NameIndex] = field(default_factory=dict)
    """(kinds, exact only) → the name index over those kinds."""
    terraform_rules: dict[str, list[tuple[AttributeRule, Service]]] | None = None
    """Terraform type → the attribute rules that claim its resources, most specific first."""
    terraform_modules: dict[str, Service] | None = None
    """Registry module source (lower case) → the service it deploys."""
    terraform_prefixes: dict[str, str] | None = None
    """Resource type prefix (`aws_`, `azapi_`) → provider."""
    terraform_tiers: dict[str, str] | None = None
    """Capability category → the diagram tier blueprints give it (drawing existing code)."""
    names_in_store: bool = True
    """False once the compiled store turned out to have no `names` table."""
    store_connection: sqlite3.Connection | None = None

    def close(self) -> None:
        """Close the store connection, if one was opened."""
        if self.store_connection is not None:
            self.store_connection.close()
            self.store_connection = None
