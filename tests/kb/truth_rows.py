"""The equivalence truth table: claims written by the team from the providers' own comparison
pages (`tests/data/equivalence/*.yaml`, one source URL per row), and the check of `map` against
one row. Shared by the test and `scripts/equivalence_accuracy.py`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml
from archkb.engine.kb import KnowledgeBase
from archkb.engine.mapping import equivalents_for
from archkb.engine.search import resolve_service

TRUTH_DIR = Path(__file__).resolve().parents[1] / "data" / "equivalence"

COMPARISON_DOMAINS = {
    "learn.microsoft.com",
    "azure.microsoft.com",
    "cloud.google.com",
    "docs.cloud.google.com",
    "aws.amazon.com",
    "docs.aws.amazon.com",
}
"""Where comparison and migration pages live: the providers' own documentation."""


@dataclass(frozen=True)
class TruthRow:
    file: str
    index: int
    source: str
    provider: str
    url: str
    expect: dict[str, list[str]]
    capability: str | None = None
    fit: dict[str, str] = field(default_factory=dict)
    not_first: dict[str, list[str]] = field(default_factory=dict)
    issue14: bool = False

    @property
    def id(self) -> str:
        return f"{self.file}:{self.index}:{self.source}"


def _as_lists(value: dict[str, Any] | None) -> dict[str, list[str]]:
    return {p: [v] if isinstance(v, str) else list(v) for p, v in (value or {}).items()}


def load_rows(directory: Path = TRUTH_DIR) -> list[TruthRow]:
    rows = []
    for path in sorted(directory.glob("*.yaml")):
        for index, raw in enumerate(yaml.safe_load(path.read_text()) or [], start=1):
            rows.append(
                TruthRow(
                    file=path.name,
                    index=index,
                    source=raw["source"],
                    provider=raw["provider"],
                    url=raw["url"],
                    expect=_as_lists(raw["expect"]),
                    capability=raw.get("capability"),
                    fit=dict(raw.get("fit") or {}),
                    not_first=_as_lists(raw.get("not_first")),
                    issue14=bool(raw.get("issue14", False)),
                )
            )
    return rows


def problems_with(kb: KnowledgeBase, row: TruthRow) -> list[str]:
    """What `map` gets wrong on this row (empty when it answers as the row says)."""
    if urlparse(row.url).hostname not in COMPARISON_DOMAINS or not row.url.startswith("https://"):
        return [f"{row.url} is not a provider's own page"]
    found = resolve_service(kb, row.source, source=row.provider)
    if found.key is None:
        return [f"{row.source!r} does not resolve to one {row.provider} service ({found.matches})"]
    service = kb.services[found.key.split("/", 1)[1]]
    capability = row.capability or service.capability
    if capability not in service.capability_ids:
        return [f"{service.id} does not implement {capability}"]
    out = []
    for provider, wanted in row.expect.items():
        unknown = [w for w in wanted if w not in kb.services]
        if unknown:
            out.append(f"{provider}: expected ids not in the KB: {unknown}")
            continue
        answers = equivalents_for(kb, service, provider, capability)
        first = answers[0] if answers else None
        if first is None or first.id not in wanted:
            got = first.id if first else "nothing"
            out.append(f"{provider}: first answer {got}, expected one of {wanted}")
            continue
        if provider in row.fit and first.fit != row.fit[provider]:
            out.append(f"{provider}: {first.id} is {first.fit}, expected {row.fit[provider]}")
        if first.id in row.not_first.get(provider, []):
            out.append(f"{provider}: {first.id} must not come first")
    return out
