"""Cross-cloud mapping: every seed service maps to its counterparts (bills and Terraform:
test_terraform_*.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from archkb.engine.kb import KnowledgeBase
from archkb.engine.mapping import map_service
from archkb.engine.records import Service
from archkb.engine.search import resolve_name

DATA = Path(__file__).resolve().parent.parent / "data"
ROWS = yaml.safe_load((DATA / "seed_services.yaml").read_text())["rows"]
PROVIDERS = ("aws", "azure", "gcp")


def seed_service(kb: KnowledgeBase, provider: str, name: str) -> Service:
    """Resolve a seed name on one provider (seed names are often bare: 'Functions', 'VPC')."""
    for query in (name, f"{provider} {name}", f"{kb.providers[provider].short_name} {name}"):
        found = resolve_name(kb, query, ("service",))
        for key in [found.key] if found.key else found.matches:
            service = kb.services[key.split("/", 1)[1]]
            if service.provider == provider:
                return service
    raise AssertionError(f"seed service {name!r} not found for {provider}")


CASES = [(row, src, dst) for row in ROWS for src in PROVIDERS for dst in PROVIDERS if src != dst]


@pytest.mark.parametrize(
    ("row", "source", "target"),
    CASES,
    ids=[f"{r[source]}->{target}" for r, source, target in CASES],
)
def test_seed_service_maps_to_its_counterpart(
    kb: KnowledgeBase, row: dict[str, str], source: str, target: str
) -> None:
    src = seed_service(kb, source, row[source])
    expected = seed_service(kb, target, row[target])
    mapping = map_service(kb, row[source], src, [target])
    named = [e.id for e in mapping.equivalents[target]]
    if target in mapping.alternatives:
        named.append(mapping.alternatives[target].closest or "")
    if row.get("via") == "closest":
        assert named, f"{src.id} has neither equivalent nor closest on {target}"
        return
    assert expected.id in named, (src.id, named)


def test_partial_fits_say_why(kb: KnowledgeBase) -> None:
    """A partial answer names what differs: the target's caveat, or a remark on facets,
    lifecycle or the source's own partial fit."""
    for service in kb.services.values():
        for target in PROVIDERS:
            if target == service.provider:
                continue
            for equivalent in map_service(kb, service.id, service, [target]).equivalents[target]:
                if equivalent.fit == "partial":
                    assert equivalent.caveat or equivalent.note, (service.id, equivalent.id)


def test_no_equivalent_gives_closest_and_note(kb: KnowledgeBase) -> None:
    ecs = kb.services["aws-ecs"]
    mapping = map_service(kb, "ecs", ecs, ["azure", "gcp"])
    assert mapping.equivalents["azure"] == []
    assert mapping.alternatives["azure"].closest == "azure-container-apps"
    assert mapping.alternatives["gcp"].note
