"""Pick the architecture an export is about: a ranked recommendation or a named blueprint.

Shared by the exporters (diagram, IaC) so `--needs … --rank N` and `--blueprint ID` mean the
same thing everywhere: rank N counts exactly as `archkb recommend --needs … --provider …` does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .common import EXIT_BAD_INPUT, EXIT_NOT_FOUND, CliProblem

if TYPE_CHECKING:
    from archkb.engine.kb import KnowledgeBase
    from archkb.engine.needs import ParsedNeeds
    from archkb.engine.results import ResolvedArchitecture


def select_architectures(
    kb: KnowledgeBase,
    needs: str | None,
    rank: int | None,
    blueprint: str | None,
    providers: Sequence[str],
) -> list[ResolvedArchitecture]:
    """One resolved architecture per provider, in the order of `providers`.

    With `needs` (and no `blueprint`): the `rank`-th recommendation (default 1). With
    `blueprint`: that blueprint, placed by `needs` when given (region, DR, controls).
    Raises CliProblem (exit 2, or 1 when no blueprint meets the needs) with the reason.
    """
    from .recommend import parse_or_fail

    if blueprint and rank is not None:
        raise CliProblem("--rank picks among recommendations for --needs; drop it with --blueprint")
    if not blueprint and not needs:
        raise CliProblem("give --needs LIST (the ranked recommendation) or --blueprint ID")
    parsed = parse_or_fail(kb, needs) if needs else None
    if blueprint:
        return _blueprint_architectures(kb, blueprint, parsed, providers)
    assert parsed is not None
    from archkb.engine.needs import NeedsError
    from archkb.engine.recommend import recommend

    wanted = rank or 1
    # Only the first `wanted` recommendations are needed; the count for the error message below
    # is exact whenever fewer than `wanted` qualify.
    try:
        result = recommend(kb, parsed, providers, top=wanted)
    except NeedsError as exc:
        raise CliProblem(f"--needs: {exc}") from None
    where = ", ".join(providers)
    if not result.recommendations:
        raise CliProblem(
            f"no blueprint meets {','.join(parsed.ids)} on {where} "
            f"(see `archkb recommend --needs {','.join(parsed.ids)} --explain`)",
            EXIT_NOT_FOUND,
        )
    if wanted > len(result.recommendations):
        raise CliProblem(
            f"--rank {wanted}: only {len(result.recommendations)} blueprint(s) meet these needs "
            f"on {where}"
        )
    chosen = result.recommendations[wanted - 1]
    for provider in providers:
        if provider not in chosen.providers:
            reason = next(
                (
                    e.reason
                    for e in result.excluded
                    if e.blueprint == chosen.blueprint and e.provider in (provider, "all")
                ),
                "it does not resolve there",
            )
            raise CliProblem(
                f"recommendation #{wanted} ({chosen.blueprint}) is not possible on {provider}: "
                f"{reason}; choose --provider among {', '.join(sorted(chosen.providers))}"
            )
    return [chosen.providers[p] for p in providers]


def _blueprint_architectures(
    kb: KnowledgeBase, query: str, needs: ParsedNeeds | None, providers: Sequence[str]
) -> list[ResolvedArchitecture]:
    from archkb.engine.resolve import resolve_architecture
    from archkb.engine.results import Exclusion

    from .core import resolve_or_fail

    try:
        key = resolve_or_fail(kb, query, ("blueprint",))
    except CliProblem as exc:  # an option value, so bad input (exit 2) rather than "not found"
        raise CliProblem(f"--blueprint: {exc.message}", EXIT_BAD_INPUT) from None
    record = kb.blueprints[key.split("/", 1)[1]]
    found: list[ResolvedArchitecture] = []
    for provider in providers:
        outcome = resolve_architecture(kb, record, provider, needs)
        if isinstance(outcome, Exclusion):
            raise CliProblem(f"{record.id} is not possible on {provider}: {outcome.reason}")
        found.append(outcome)
    return found
