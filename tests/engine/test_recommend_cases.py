"""Table-driven recommendation scenarios: tests/cases/<name>/{needs.yaml, expected.yaml}.

Adding a case needs no code. expected.yaml keys (all optional):
top, services {provider: {role: service id}} (of the top recommendation), dropped {provider:
text in the reason it is not possible there}, ranked (false: only constraint needs), includes,
excludes, providers, jurisdiction, all_compute_traits, top_has_capability, controls,
secondary_region, why_not {blueprint: {provider: text}}, error.
Every need is covered by at least one ranked case with `top` and `services`.
Every case also checks, for every recommendation: regions inside the residency, reasons
present, deterministic output.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from archkb.engine.kb import KnowledgeBase
from archkb.engine.needs import NeedsError, ParsedNeeds, parse_needs
from archkb.engine.recommend import recommend, why_not
from archkb.engine.records import jsonable
from archkb.engine.results import RecommendationSet

CASES = Path(__file__).resolve().parent.parent / "cases"


def load_case(name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    folder = CASES / name
    return (
        yaml.safe_load((folder / "needs.yaml").read_text()),
        yaml.safe_load((folder / "expected.yaml").read_text()),
    )


CASE_NAMES = sorted(p.name for p in CASES.iterdir() if (p / "needs.yaml").exists())


def run(kb: KnowledgeBase, spec: dict[str, Any]) -> tuple[ParsedNeeds, RecommendationSet]:
    parsed = parse_needs(kb, spec["needs"])
    providers = [spec["provider"]] if spec.get("provider") else None
    return parsed, recommend(kb, parsed, providers, top=5)


def test_there_are_enough_cases() -> None:
    assert len(CASE_NAMES) >= 25


def test_every_need_has_a_case_with_top_and_services(kb: KnowledgeBase) -> None:
    covered: set[str] = set()
    for name in CASE_NAMES:
        spec, expected = load_case(name)
        if "top" in expected and "services" in expected:
            covered |= set(parse_needs(kb, spec["needs"]).ids)
    assert not sorted(set(kb.needs) - covered)


@pytest.mark.parametrize("name", CASE_NAMES)
def test_case(kb: KnowledgeBase, name: str) -> None:
    spec, expected = load_case(name)
    if "error" in expected:
        with pytest.raises(NeedsError, match=expected["error"]):
            parse_needs(kb, spec["needs"])
        return
    parsed, result = run(kb, spec)
    assert result.recommendations, f"no recommendations; excluded: {result.excluded[:5]}"
    assert result.ranked is expected.get("ranked", True), result.notice
    ranked = [r.blueprint for r in result.recommendations]
    top = result.recommendations[0]
    if "top" in expected:
        assert ranked[0] == expected["top"], ranked
    for blueprint in expected.get("includes", []):
        assert blueprint in ranked, ranked
    for blueprint in expected.get("excludes", []):
        assert blueprint not in ranked, ranked
    for provider, roles in expected.get("services", {}).items():
        assert provider in top.providers, (provider, top.dropped)
        chosen = {c.role: c.service for c in top.providers[provider].components}
        for role, service in roles.items():
            assert chosen.get(role) == service, (provider, role, chosen.get(role))
    if "services" in expected:
        assert sorted(top.providers) == sorted(expected["services"]), top.dropped
    for provider, text in expected.get("dropped", {}).items():
        assert text in top.dropped.get(provider, ""), (provider, top.dropped)
    if "providers" in expected:
        assert sorted(top.providers) == sorted(expected["providers"])
    jurisdiction = expected.get("jurisdiction") or parsed.jurisdiction
    for rec in result.recommendations:
        assert rec.reasons
        for provider, arch in rec.providers.items():
            for region in arch.regions:
                record = kb.region(provider, region.code)
                assert record is not None
                if jurisdiction:
                    assert jurisdiction in record.jurisdictions, (rec.blueprint, region)
            assert all(kb.services[c.service].provider == provider for c in arch.components)
    for trait in expected.get("all_compute_traits", []):
        for arch in top.providers.values():
            compute = [c for c in arch.components if kb.is_compute(c.capability)]
            assert all(
                trait in {t.value for t in kb.capabilities[c.capability].traits} for c in compute
            )
    if "top_has_capability" in expected:
        for arch in top.providers.values():
            assert expected["top_has_capability"] in {c.capability for c in arch.components}
    for capability in expected.get("controls", []):
        for arch in top.providers.values():
            assert capability in {c.capability for c in arch.components}, (
                capability,
                arch.provider,
            )
    if expected.get("secondary_region"):
        for arch in top.providers.values():
            assert [r.role for r in arch.regions] == ["primary", "secondary"]
            assert arch.regions[0].city != arch.regions[1].city
    for blueprint, per_provider in expected.get("why_not", {}).items():
        reasons = {e.provider: e.reason for e in why_not(kb, blueprint, parsed)}
        for provider, text in per_provider.items():
            assert text in reasons.get(provider, ""), reasons
    _, again = run(kb, spec)
    assert jsonable(again) == jsonable(result)
