"""Recommendations explained as Markdown: reasons, trade-offs, notes and exclusions."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from archkb.engine.kb import KnowledgeBase
    from archkb.engine.results import Recommendation, RecommendationSet


def recommendation_markdown(
    kb: KnowledgeBase, result: RecommendationSet, rec: Recommendation | None
) -> str:
    """One recommendation explained, then why the other candidates were left out."""
    lines: list[str] = [f"> {result.notice}", ""] if result.notice else []
    if rec is not None:
        lines += [
            f"## #{rec.rank} [{rec.name}](archkb:blueprint/{rec.blueprint}) — score {rec.score:g}",
            "",
            rec.summary,
            "",
            "`~` marks a partial fit (m maps a service and shows why).",
            "",
            "### Why",
            *[f"- {r}" for r in rec.reasons],
            "",
            "### Trade-offs",
            *[f"- {t}" for t in rec.tradeoffs],
        ]
        if rec.what_would_change:
            lines += [
                "",
                "### What would change the answer",
                *[f"- {w}" for w in rec.what_would_change],
            ]
        notes = sorted({n for arch in rec.providers.values() for n in arch.notes})
        if notes:
            lines += ["", "### Notes", *[f"- {n}" for n in notes]]
        own = [e for e in result.excluded if e.blueprint == rec.blueprint]
        if own:
            lines += ["", "### Not offered on", *[f"- **{e.provider}**: {e.reason}" for e in own]]
    others: dict[str, list[str]] = defaultdict(list)
    for exclusion in result.excluded:
        if rec is None or exclusion.blueprint != rec.blueprint:
            where = "every provider" if exclusion.provider == "all" else exclusion.provider
            others[exclusion.blueprint].append(f"{where}: {exclusion.reason}")
    if others:
        lines += ["", "### Why not the others (w for any blueprint)"]
        for blueprint, reasons in sorted(others.items()):
            name = kb.blueprints[blueprint].name if blueprint in kb.blueprints else blueprint
            lines.append(f"- **{name}** — {'; '.join(reasons)}")
    return "\n".join(lines) or "Nothing to show."
