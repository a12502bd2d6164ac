"""In-process measurements for `run.py`, one task per subprocess so every task starts clean.

    python benchmarks/worker.py TASK JSON-ARGS  → prints one JSON object (timings in seconds)

A fresh process per task keeps tasks from skewing each other (warm imports, a heap full of an
earlier KB that the garbage collector keeps re-scanning). Within a task, each repetition of a
query runs on a KB whose memoised indexes were dropped (`_forget`), so a repetition costs what
the first call in a fresh `archkb` process costs; the KB itself is loaded once per task.
"""

from __future__ import annotations

import gc
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HEADLINE_NEEDS = "serverless,eu"
SEARCH_WORDS = ("queue", "serverless database", "kubernetes", "object storage", "cdn")
"""Queries for `search`: one word, two words, and common words that match many records."""
KEYSTROKE_WORDS = ("lambda", "cosmos db", "pub sub", "queue", "bigqeury")
"""Typed letter by letter into the TUI search box (the last one misspelt on purpose)."""

Result = dict[str, Any]


def _timed(
    func: Callable[[], Any], repeat: int, before: Callable[[], None] | None = None
) -> list[float]:
    """Wall time of `func` per repetition; `before` runs untimed (a full collection first, so a
    collection left over from setup does not land inside a timed run)."""
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        gc.collect()
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return times


def _forget(kb: Any) -> None:
    """Drop every memoised index of `kb` (cached properties, name indexes, store connection)."""
    from archkb.engine.caches import KbCaches

    kb.close()
    kb.caches = KbCaches()
    for name in (
        "services_by_capability",
        "regions_by_provider",
        "regions_by_jurisdiction",
        "services_by_terraform_type",
        "graph",
    ):
        kb.__dict__.pop(name, None)


def _load_yaml(root: Path) -> Any:
    from archkb.engine.kb import KnowledgeBase
    from archkb.engine.load import load_records

    from archkb.runtime import long_lived

    with long_lived():  # as the CLI loads
        return KnowledgeBase.from_records(load_records([root]))


def _load_cache(root: Path, store: Path) -> Any:
    """What `load_knowledge_base` does on a warm cache: stat the KB files (hash them when the
    store's noted stats do not vouch for them), read the store."""
    from archkb.engine.store import file_stats, read_current

    from archkb.runtime import long_lived

    with long_lived():  # as the CLI loads
        kb, _ = read_current(store, [root], file_stats([root]))
    if kb is None:
        raise RuntimeError(f"{store} does not hold {root}")
    return kb


def task_load(args: Result) -> Result:
    """KB load from YAML (parse + validate + integrity), the store build, the cached load."""
    from archkb.engine.store import file_stats, write_store

    root, store = Path(args["root"]), Path(args["store"])
    kb_holder: list[Any] = []
    yaml_times = _timed(
        lambda: kb_holder.append(_load_yaml(root)), args["yaml_repeat"], before=kb_holder.clear
    )
    kb = kb_holder.pop()
    stats = file_stats([root])  # before hashing, as `load_knowledge_base` takes them
    kb.fingerprint = _fingerprint(root)
    build = _timed(lambda: write_store(kb, store, stats), 1)[0]  # the first run after an edit
    del kb
    cache_times = _timed(
        lambda: kb_holder.append(_load_cache(root, store)),
        args["cache_repeat"],
        before=kb_holder.clear,
    )
    kb = kb_holder[-1]
    return {
        "yaml": yaml_times,
        "cache": cache_times,
        "store_build": build,
        "counts": kb.counts(),
        "store_bytes": store.stat().st_size,
    }


def _fingerprint(root: Path) -> str:
    from archkb.engine.store import fingerprint

    key: str = fingerprint([root])
    return key


def task_queries(args: Result) -> Result:
    """recommend, map, search and the TUI keystroke on a KB read from its store."""
    from archkb.engine.mapping import map_service
    from archkb.engine.needs import parse_needs
    from archkb.engine.recommend import recommend
    from archkb.engine.search import resolve_name, search_text

    root, store = Path(args["root"]), Path(args["store"])
    repeat = args["repeat"]
    kb = _load_cache(root, store)
    out: Result = {}

    def do_recommend() -> None:
        result = recommend(kb, parse_needs(kb, HEADLINE_NEEDS), None, 3)
        assert result.recommendations, "recommend returned nothing"

    def do_map() -> None:
        found = resolve_name(kb, "AWS Lambda", ("service",))
        assert found.key == "service/aws-lambda", found
        service = kb.services[found.key.split("/", 1)[1]]
        map_service(kb, "AWS Lambda", service, ["azure", "gcp"])

    def do_search() -> None:
        for word in SEARCH_WORDS:
            assert search_text(kb, word), word

    out["recommend"] = _timed(do_recommend, repeat, before=lambda: _forget(kb))
    out["recommend_warm"] = _timed(do_recommend, repeat)
    out["map"] = _timed(do_map, repeat, before=lambda: _forget(kb))
    out["search"] = [
        t / len(SEARCH_WORDS) for t in _timed(do_search, repeat, before=lambda: _forget(kb))
    ]
    keystroke, how = _keystroke_function(kb, engine_only=bool(args.get("engine_keystroke")))
    prefixes = [word[:i] for word in KEYSTROKE_WORDS for i in range(1, len(word) + 1)]
    _forget(kb)
    first = _timed(lambda: keystroke(prefixes[0]), 1)
    per_key: list[float] = []
    for _ in range(max(1, repeat // 2)):
        for prefix in prefixes:
            per_key += _timed(lambda p=prefix: keystroke(p), 1)  # type: ignore[misc]
    out["keystroke"] = per_key
    out["keystroke_first"] = first
    out["keystroke_how"] = how
    out["graph"] = _timed(lambda: kb.graph, max(1, repeat // 2), before=lambda: _forget(kb))
    graph = kb.graph
    out["nodes"], out["edges"] = graph.number_of_nodes(), graph.number_of_edges()
    return out


def _keystroke_function(kb: Any, engine_only: bool = False) -> tuple[Callable[[str], Any], str]:
    """What the TUI search box calls per keystroke: `tui.lookup.find_records` when the TUI is
    installed, else the engine calls it is made of (resolve_name + search_text)."""
    from archkb.engine.search import resolve_name, search_text

    def engine_calls(text: str) -> Any:
        return resolve_name(kb, text), search_text(kb, text, limit=30)

    if engine_only:
        return engine_calls, "engine: resolve_name + search_text"
    try:
        from archkb.tui.lookup import find_records
    except ImportError:
        return engine_calls, "engine: resolve_name + search_text (tui.lookup not present)"
    return (lambda text: find_records(kb, text)), "tui.lookup.find_records"


def task_memory(args: Result) -> Result:
    """Load (cache) and recommend; the parent reads this process's max RSS."""
    root, store = Path(args["root"]), Path(args["store"])
    if args.get("import_only"):
        import archkb.engine.needs
        import archkb.engine.recommend
        import archkb.engine.store  # noqa: F401

        return {}
    from archkb.engine.needs import parse_needs
    from archkb.engine.recommend import recommend

    kb = _load_cache(root, store)
    result = recommend(kb, parse_needs(kb, HEADLINE_NEEDS), None, 3)
    return {"recommendations": len(result.recommendations)}


def headline_architecture(provider: str = "aws") -> Any:
    """The top recommendation for the headline needs on `provider` (built-in KB, via the cache)."""
    from archkb.engine.needs import parse_needs
    from archkb.engine.recommend import recommend
    from archkb.engine.store import load_knowledge_base

    kb, _ = load_knowledge_base()
    result = recommend(kb, parse_needs(kb, HEADLINE_NEEDS), [provider], 1)
    return kb, result.recommendations[0].providers[provider]


def task_diagram_spec(args: Result) -> Result:
    """Write the headline architecture's nodes and edges as JSON for the hand-written script."""
    _, arch = headline_architecture()
    spec = {
        "title": arch.blueprint_name,
        "nodes": [
            {"id": c.role, "label": c.label, "icon": c.diagrams, "tier": c.tier}
            for c in arch.components
        ],
        "edges": [{"source": f.source, "target": f.target, "label": f.label} for f in arch.flows],
    }
    Path(args["out"]).write_text(json.dumps(spec, indent=1))
    return {"nodes": len(spec["nodes"]), "edges": len(spec["edges"])}


def task_diagram(args: Result) -> Result:
    """The exporter's PNG against the hand-written drawing of the same nodes, in one process."""
    try:
        from archkb.exports.diagram import render_diagram
    except ImportError as exc:
        return {"missing": f"exporter not present ({exc})"}
    sys.path.insert(0, str(Path(__file__).parent))
    from diagram_baseline import draw

    _, arch = headline_architecture()
    spec = json.loads(Path(args["spec"]).read_text())
    try:
        render_diagram(arch, "png")
    except Exception as exc:  # no Graphviz, unfinished exporter: report, do not fail the run
        return {"missing": f"exporter failed: {type(exc).__name__}: {exc}"}
    exporter: list[float] = []
    baseline: list[float] = []
    sizes: dict[str, int] = {}
    for _ in range(args["repeat"]):  # interleaved, so drift hits both alike
        exporter += _timed(
            lambda: sizes.__setitem__("exporter", len(render_diagram(arch, "png"))), 1
        )
        baseline += _timed(lambda: sizes.__setitem__("baseline", len(draw(spec))), 1)
    return {"exporter": exporter, "baseline": baseline, "bytes": sizes}


def task_iac(args: Result) -> Result:
    """Every IaC target that fits the headline architecture, rendered in memory."""
    try:
        from archkb.exports.iac.render import ExportMeta, fitting_tools, render_tool

        from archkb import __version__
    except ImportError as exc:
        return {"missing": f"exporter not present ({exc})"}
    kb, arch = headline_architecture()
    meta = ExportMeta(
        archkb_version=__version__,
        kb_fingerprint=kb.fingerprint,
        needs=tuple(HEADLINE_NEEDS.split(",")),
        command="benchmark",
    )
    try:
        tools = fitting_tools(arch)
    except Exception as exc:
        return {"missing": f"exporter failed: {type(exc).__name__}: {exc}"}
    files: dict[str, int] = {}
    errors: dict[str, str] = {}

    def render_all() -> None:
        for tool in tools:
            try:
                files[tool] = len(render_tool(tool, arch, meta))
            except Exception as exc:
                errors[tool] = f"{type(exc).__name__}: {exc}"

    times = _timed(render_all, args["repeat"])
    return {"times": times, "tools": tools, "files": files, "errors": errors}


def task_yardstick(args: Result) -> Result:
    """A fixed pure-Python workload: the CPU baseline for in-process figures."""
    return {"times": _timed(_yardstick, args["repeat"])}


def _yardstick() -> None:
    data = [
        {"id": f"record-{i}", "name": f"Record {i}", "tags": [str(i % 7), str(i % 11)]}
        for i in range(20_000)
    ]
    text = json.dumps(data)
    loaded = json.loads(text)
    sorted(loaded, key=lambda r: (r["tags"][1], r["name"]))


TASKS: dict[str, Callable[[Result], Result]] = {
    "load": task_load,
    "queries": task_queries,
    "memory": task_memory,
    "diagram-spec": task_diagram_spec,
    "diagram": task_diagram,
    "iac": task_iac,
    "yardstick": task_yardstick,
}


def vmhwm_mb() -> float:
    """This process's peak resident size (`VmHWM`: per address space, so exec resets it, unlike
    the max RSS the parent sees, which starts at the parent's own size)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    task, raw = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "{}"
    result = TASKS[task](json.loads(raw))
    result["vmhwm_mb"] = vmhwm_mb()
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
