"""Providers side by side for one recommendation: the service per role, and the regions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import DataTable

if TYPE_CHECKING:
    from archkb.engine.results import Recommendation, RegionChoice

ROLE_WIDTH = 14


class ProviderTable(DataTable[Text]):
    """Rows are roles (plus regions); columns are the providers the blueprint resolved on.

    Columns share the given width and long service names wrap, so three providers fit in 80
    columns without sideways scrolling.
    """

    DEFAULT_CSS = "ProviderTable { height: auto; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="none", zebra_stripes=True, show_cursor=False)

    def show(self, rec: Recommendation, width: int, names: Mapping[str, str] | None = None) -> None:
        """Fill the table for `rec`, laid out for `width` cells; `names`: provider → header."""
        self.clear(columns=True)
        providers = sorted(rec.providers)
        role_width = min(
            ROLE_WIDTH, max(len(c.role) for a in rec.providers.values() for c in a.components)
        )
        padding = 2 * self.cell_padding * (len(providers) + 1)
        column = max(10, (width - role_width - padding - 1) // max(len(providers), 1))
        self.add_column(Text("Role"), key="role", width=role_width)
        for provider in providers:
            header = (names or {}).get(provider) or rec.providers[provider].provider_name
            self.add_column(Text(header), key=provider, width=column)
        roles: list[str] = []
        for provider in providers:
            roles += [c.role for c in rec.providers[provider].components if c.role not in roles]
        for role in roles:
            cells = [Text(role, "bold")]
            for provider in providers:
                component = next(
                    (c for c in rec.providers[provider].components if c.role == role), None
                )
                if component is None:
                    cells.append(Text("—", "dim"))
                else:
                    partial = " ~" if component.fit == "partial" else ""
                    cells.append(Text(component.service_name + partial))
            self.add_row(*cells, key=role, height=None)
        for index, label in ((0, "region"), (1, "2nd region")):
            if any(len(rec.providers[p].regions) > index for p in providers):
                self.add_row(
                    Text(label, "italic"),
                    *[
                        Text(f"{r.code} ({r.city})") if (r := _region(rec, p, index)) else Text("")
                        for p in providers
                    ],
                    key=label,
                    height=None,
                )


def _region(rec: Recommendation, provider: str, index: int) -> RegionChoice | None:
    regions = rec.providers[provider].regions
    return regions[index] if len(regions) > index else None
