"""Property tests over random need sets: no traceback, residency always holds, deterministic."""

from __future__ import annotations

from archkb.engine.kb import KnowledgeBase
from archkb.engine.needs import NeedsError, parse_needs
from archkb.engine.recommend import recommend
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.builtin_kb import builtin_kb

KB = builtin_kb()
WORDS = sorted({w for n in KB.needs.values() for w in (n.id, *n.aliases)})


def check_result(kb: KnowledgeBase, words: list[str]) -> None:
    try:
        parsed = parse_needs(kb, ",".join(words))
    except NeedsError as exc:
        assert str(exc)
        return
    result = recommend(kb, parsed, top=0)
    for rec in result.recommendations:
        for provider, arch in rec.providers.items():
            if parsed.providers is not None:
                assert provider in parsed.providers
            for region in arch.regions:
                record = kb.region(provider, region.code)
                assert record is not None
                if parsed.jurisdiction:
                    assert parsed.jurisdiction in record.jurisdictions
                for component in arch.components:
                    service = kb.services[component.service]
                    assert region.code not in service.unavailable_in
                    if service.available_in is not None:
                        assert region.code in service.available_in
    assert recommend(kb, parsed, top=0) == result


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=5))
def test_random_known_needs(words: list[str]) -> None:
    check_result(KB, words)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=12), min_size=0, max_size=4))
def test_random_text_never_tracebacks(words: list[str]) -> None:
    check_result(KB, words)
