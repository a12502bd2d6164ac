"""What a recommendation says: plain reasons per need, what would change it, unranked answers."""

from __future__ import annotations

import re

import pytest
from archkb.engine.kb import KnowledgeBase
from archkb.engine.needs import NeedsError, parse_needs
from archkb.engine.recommend import explain_why_not, only_constraints, recommend


@pytest.mark.parametrize("needs", ["serverless,eu", "kubernetes,high-availability,us", "api,hipaa"])
def test_one_plain_reason_per_need(kb: KnowledgeBase, needs: str) -> None:
    parsed = parse_needs(kb, needs)
    for rec in recommend(kb, parsed, top=0).recommendations:
        assert [r.split(":", 1)[0] for r in rec.reasons] == parsed.ids
        for reason in rec.reasons:
            assert "rated" not in reason and "weighted" not in reason and ".;" not in reason
        assert rec.score_terms  # the numbers stay available for --explain


def test_reasons_differ_between_blueprints(kb: KnowledgeBase) -> None:
    recs = recommend(kb, parse_needs(kb, "serverless,eu"), top=3).recommendations
    assert len({rec.reasons[0] for rec in recs}) == len(recs)


def test_what_would_change_is_true(kb: KnowledgeBase) -> None:
    parsed = parse_needs(kb, "serverless,eu")
    result = recommend(kb, parsed, top=3)
    first = result.recommendations[0]
    assert first.what_would_change
    for sentence in first.what_would_change:
        match = re.match(r"Adding `([a-z0-9-]+)`.* would put (.+) first\.$", sentence)
        assert match, sentence
        need, name = match.groups()
        again = recommend(kb, parse_needs(kb, f"serverless,eu,{need}"), top=1)
        assert again.recommendations[0].name == name


def test_unranked_when_only_constraints(kb: KnowledgeBase) -> None:
    parsed = parse_needs(kb, "hipaa,us")
    assert only_constraints(kb, parsed)
    result = recommend(kb, parsed, top=0)
    assert not result.ranked and result.notice and "unranked" in result.notice
    ids = [r.blueprint for r in result.recommendations]
    assert ids == sorted(ids) and len(ids) == result.qualifying
    assert all(r.score == 0 and not r.what_would_change for r in result.recommendations)
    assert "serverless" in result.suggestions
    # a need some blueprint is made for still ranks, although it only constrains
    assert not only_constraints(kb, parse_needs(kb, "zero-trust,eu"))


def test_equal_scores_prefer_the_cheaper_design(kb: KnowledgeBase) -> None:
    ranked = [
        r.blueprint for r in recommend(kb, parse_needs(kb, "vms,web-app,us"), top=3).recommendations
    ]
    assert ranked.index("three-tier-web-vms") < ranked.index("dr-warm-standby")


def test_why_not_knows_the_rank(kb: KnowledgeBase) -> None:
    answer = explain_why_not(kb, "serverless-rest-api", parse_needs(kb, "serverless,eu"))
    assert answer.rank == 1 and answer.qualifies_on == ["aws", "azure", "gcp"]
    failed = explain_why_not(kb, "three-tier-web-vms", parse_needs(kb, "serverless,eu"))
    assert failed.rank is None and failed.reasons


def test_provider_need_and_filter_clash(kb: KnowledgeBase) -> None:
    with pytest.raises(NeedsError, match="clash"):
        recommend(kb, parse_needs(kb, "serverless,eu,aws"), ["gcp"])


def test_dropped_providers_are_part_of_the_recommendation(kb: KnowledgeBase) -> None:
    rec = recommend(kb, parse_needs(kb, "vms,uk,disaster-recovery"), top=1).recommendations[0]
    assert set(rec.providers) == {"azure"}
    assert set(rec.dropped) == {"aws", "gcp"}
    assert all("only one location" in why for why in rec.dropped.values())
