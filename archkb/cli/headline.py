"""`archkb recommend` without click: the command's logic (shared with the click command in
`recommend.py`) and a parser for its plain forms.

Click is a fifth of what the headline command would import (click, inspect, uuid, …), so
`main` tries `run_headline` first. It takes only argument lists it can read exactly as the click
group would — global `--kb DIR` / `--no-cache`, then `recommend` with `--needs`, `--provider`,
`--top`, `--explain`, `--json`, each at most once — and returns False for anything else (help,
an unknown or repeated option, a value that looks like an option, a `--top` click would
reject), which click then parses and answers, errors included.
"""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING, Any

from .base import EXIT_NOT_FOUND, AppContext, CliProblem, print_json, provider_list

if TYPE_CHECKING:
    from archkb.engine.kb import KnowledgeBase
    from archkb.engine.needs import ParsedNeeds
    from archkb.engine.results import RecommendationSet

_VALUES = ("--needs", "--provider", "--top")
_FLAGS = ("--explain", "--json")
_TOP = re.compile(r"[0-9]{1,3}")
TOP_DEFAULT = 3


def parse_or_fail(kb: KnowledgeBase, needs: str) -> ParsedNeeds:
    from archkb.engine.needs import NeedsError, parse_needs

    try:
        return parse_needs(kb, needs)
    except NeedsError as exc:
        raise CliProblem(f"--needs: {exc}") from None


def run_recommend(
    context: AppContext,
    needs: str,
    provider: str,
    top: int,
    top_given: bool,
    explain: bool,
    as_json: bool,
) -> None:
    """`archkb recommend`: recommend, then print text or JSON; CliProblem for exit 1 and 2."""
    from archkb.engine.needs import NeedsError
    from archkb.engine.recommend import only_constraints, recommend

    from .recommend_render import render_exclusions, render_recommendations

    kb = context.kb()
    parsed = parse_or_fail(kb, needs)
    providers = provider_list(kb, provider, "--provider")
    if not top_given and only_constraints(kb, parsed):
        top = 0
    try:
        result = recommend(kb, parsed, providers, top)
    except NeedsError as exc:
        raise CliProblem(f"--needs: {exc}") from None
    if as_json:
        print_json(recommendation_json(result))
    elif result.recommendations:
        render_recommendations(kb, result, explain, provider_given=provider != "all")
    else:
        render_exclusions(result, limit=None)
    if not result.recommendations:
        raise CliProblem(
            "no blueprint meets these needs" + ("" if as_json else " (see the exclusions above)"),
            EXIT_NOT_FOUND,
        )


def recommendation_json(result: RecommendationSet) -> dict[str, Any]:
    """The documented, stable JSON shape of `recommend --json`."""
    from archkb.engine.records import jsonable

    return {
        "needs": result.needs,
        "constraints": result.constraints,
        "ranked": result.ranked,
        "qualifying": result.qualifying,
        "notice": result.notice,
        "suggestions": result.suggestions,
        "recommendations": [
            {
                "rank": r.rank,
                "blueprint": r.blueprint,
                "name": r.name,
                "score": r.score,
                "reasons": r.reasons,
                "score_terms": [jsonable(t) for t in r.score_terms],
                "what_would_change": r.what_would_change,
                "tradeoffs": r.tradeoffs,
                "patterns": r.patterns,
                "providers": {
                    provider: {
                        "regions": [region.code for region in arch.regions],
                        "components": [
                            {
                                "role": c.role,
                                "capability": c.capability,
                                "service": c.service,
                                "service_name": c.service_name,
                            }
                            for c in arch.components
                        ],
                        "notes": arch.notes,
                    }
                    for provider, arch in r.providers.items()
                },
                "dropped": r.dropped,
            }
            for r in result.recommendations
        ],
        "excluded": [jsonable(e) for e in result.excluded],
    }


def _value(value: str) -> bool:
    """A value the parser takes as click would (empty or option-like values go to click)."""
    return bool(value) and not value.startswith("-")


def parse_headline(argv: list[str]) -> dict[str, Any] | None:
    """The options of a plain `recommend` command line, or None when click should parse it."""
    overlays: list[str] = []
    no_cache = False
    i = 0
    while i < len(argv) and argv[i] != "recommend":
        arg = argv[i]
        if arg == "--no-cache" and not no_cache:
            no_cache = True
        elif arg == "--kb" and i + 1 < len(argv) and _value(argv[i + 1]):
            i += 1
            overlays.append(argv[i])
        elif arg.startswith("--kb=") and _value(arg[5:]):
            overlays.append(arg[5:])
        else:
            return None
        i += 1
    values: dict[str, str] = {}
    flags: set[str] = set()
    i += 1
    if i > len(argv):
        return None
    while i < len(argv):
        name, eq, value = argv[i].partition("=")
        if name in _VALUES and name not in values:
            if not eq:
                if i + 1 == len(argv):
                    return None
                i += 1
                value = argv[i]
            if not _value(value):
                return None
            values[name] = value
        elif not eq and name in _FLAGS and name not in flags:
            flags.add(name)
        else:
            return None
        i += 1
    if "--needs" not in values:
        return None
    top = values.get("--top")
    if top is not None and not (_TOP.fullmatch(top) and int(top) <= 100):
        return None
    return {
        "context": AppContext(overlays=tuple(overlays), use_cache=not no_cache),
        "needs": values["--needs"],
        "provider": values.get("--provider", "all"),
        "top": TOP_DEFAULT if top is None else int(top),
        "top_given": top is not None,
        "explain": "--explain" in flags,
        "as_json": "--json" in flags,
    }


def run_headline(argv: list[str]) -> bool:
    """Run a plain `recommend` command line as the click group would (output, messages and exit
    codes); False, having done nothing, when it is not one."""
    options = parse_headline(argv)
    if options is None:
        return False
    try:
        run_recommend(**options)
    except CliProblem as problem:
        problem.show()
        sys.exit(problem.exit_code)
    except (KeyboardInterrupt, EOFError):
        sys.stderr.write("\nAborted!\n")
        sys.exit(1)
    return True
