"""`make bench`: measure archkb and write docs/benchmarks.md.

    python benchmarks/run.py [--quick] [--out docs/benchmarks.md]

Needs only the app's venv (the interpreter running this file) and the standard library. Every
figure is the median of repeated runs with its min–max, next to a baseline measured in the same
run and the ratio between the two, so the numbers can be compared across machines; every goal of
issue 9 is marked met or not. Synthetic KBs (`synth.py`) are kept in `benchmarks/.synth/` and
reused while the built-in KB is unchanged; their compiled stores are rebuilt every run (the
build time is one of the figures).

Whole processes (the CLI, the baselines) are timed from here; in-process figures come from
`worker.py`, one fresh subprocess per task. `--quick` cuts repetitions and the 100× scale for a
smoke run (its figures are not worth publishing).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from report import STACK_IMPORT, Series, render_report

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = HERE / ".synth"
PY = sys.executable
HEADLINE = ["recommend", "--needs", "serverless,eu"]
RECOMMEND_FLOOR = (
    "import archkb.cli, archkb.cli.headline, archkb.cli.recommend_render, archkb.cli.plain, "
    "archkb.engine.recommend, archkb.engine.store, archkb.engine.needs"
)
"""The modules `archkb recommend` cannot avoid (the click-free CLI path, the engine's plain
records, results and query modules, the plain-text printer for piped output), imported and
nothing done: the floor under the CLI figure."""
HEAVY = (
    "pydantic",
    "networkx",
    "textual",
    "diagrams",
    "sqlite_utils",
    "yaml",
    "jinja2",
    "graphviz",
)
SCALES = (1, 10, 100)


# --- measuring -----------------------------------------------------------------------------


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "ARCHKB_PATH"}


def run_process(cmd: Sequence[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, max RSS in MB) of one run; raises when the command fails.

    Max RSS comes from `os.wait4`. Linux carries the parent's resident size into a child's
    max RSS across fork + exec, so this process imports nothing big (no archkb, no pydantic):
    its own ~20 MB is below every child's real peak. In-process memory figures are read by
    the workers themselves (`VmHWM`, which exec resets).
    """
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read()
    proc.stderr.close()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {err.decode()[-500:]}")
    return elapsed, usage.ru_maxrss / 1024


def time_processes(
    commands: Mapping[str, Sequence[str]], repeat: int, env: dict[str, str], warmup: int = 1
) -> dict[str, Series]:
    """Run the commands round-robin (`warmup` untimed rounds first): drift hits all alike."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for round_ in range(warmup + repeat):
        for name, cmd in commands.items():
            elapsed, _ = run_process(cmd, env)
            if round_ >= warmup:
                times[name].append(elapsed)
    return {name: Series(values) for name, values in times.items()}


def worker(task: str, args: dict[str, Any], env: dict[str, str]) -> dict[str, Any]:
    """Run a `worker.py` task in a fresh process; its JSON result."""
    cmd = [PY, str(HERE / "worker.py"), task, json.dumps(args)]
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tempfile.gettempdir()
    )
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"worker {task} failed:\n{err.decode()[-2000:]}")
    result: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    return result


# --- the run -------------------------------------------------------------------------------


@dataclass
class Plan:
    """Repetitions per figure (halved and 100× dropped by --quick)."""

    cli: int = 15
    load_yaml: dict[int, int] = field(default_factory=lambda: {1: 9, 10: 3, 100: 2})
    load_cache: dict[int, int] = field(default_factory=lambda: {1: 15, 10: 9, 100: 5})
    queries: dict[int, int] = field(default_factory=lambda: {1: 15, 10: 9, 100: 5})
    exports: int = 7
    scales: tuple[int, ...] = SCALES


def quick_plan() -> Plan:
    return Plan(
        cli=3,
        load_yaml={1: 2, 10: 1},
        load_cache={1: 3, 10: 2},
        queries={1: 3, 10: 2},
        exports=2,
        scales=(1, 10),
    )


def cpu_busy_seconds() -> float | None:
    """CPU seconds all processes have spent busy since boot (/proc/stat), or None."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return None
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    """CPU seconds of this process and its finished children (every measured command)."""
    import resource

    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def machine() -> list[tuple[str, str]]:
    """What the figures were measured on."""
    from importlib import metadata

    cpu = "unknown"
    with _suppress():
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    with _suppress():
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    versions = []
    for name in (
        "pydantic",
        "pydantic-core",
        "networkx",
        "PyYAML",
        "click",
        "rich",
        "sqlite-utils",
        "diagrams",
        "Jinja2",
        "textual",
    ):
        with _suppress():
            versions.append(f"{name} {metadata.version(name)}")
    libyaml = "unknown"
    with _suppress():
        libyaml = subprocess.run(
            [PY, "-c", "import yaml; print(yaml.__with_libyaml__)"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    commit = "unknown"
    with _suppress():
        commit = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        commit += " (with uncommitted changes)" if dirty else ""
    dot = "not found"
    with _suppress():
        dot = subprocess.run(["dot", "-V"], capture_output=True, text=True).stderr.strip()
    return [
        ("date (UTC)", dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M")),
        ("commit", commit),
        ("CPU", f"{cpu}, {os.cpu_count()} logical cores"),
        ("memory", memory),
        ("OS", platform.platform()),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("SQLite", sqlite3.sqlite_version),
        ("libyaml (C loader)", "yes" if libyaml == "True" else f"no ({libyaml})"),
        ("Graphviz", dot),
        ("packages", ", ".join(versions)),
    ]


class _suppress:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        return True


def import_graph(script: list[str], env: dict[str, str]) -> dict[str, Any]:
    """`python -X importtime` of the headline commands and --help.

    Returns, per command: modules imported, total import time (sum of the top-level imports'
    cumulative times), the costliest top-level imports and which heavy packages were imported.
    """
    out: dict[str, Any] = {}
    for label, args in (
        ("recommend", HEADLINE),
        ("--help", ["--help"]),
        ("map", ["map", "AWS Lambda"]),
        ("show", ["show", "aws-lambda"]),
        ("search", ["search", "queue"]),
    ):
        proc = subprocess.run(
            [PY, "-X", "importtime", *script, *args],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        names: list[str] = []
        top: list[tuple[str, int]] = []
        for line in proc.stderr.splitlines():
            parts = line.split("|")
            if len(parts) != 3 or not line.startswith("import time:") or "cumulative" in line:
                continue
            name = parts[2].rstrip()
            depth = (len(name) - len(name.lstrip()) - 1) // 2
            names.append(name.strip())
            if depth == 0:
                top.append((name.strip(), int(parts[1])))
        heavy = sorted({h for h in HEAVY for n in names if n == h or n.startswith(h + ".")})
        out[label] = {
            "count": len(names),
            "total_us": sum(us for _, us in top),
            "top": sorted(top, key=lambda item: -item[1])[:8],
            "heavy": heavy,
        }
    return out


def archkb_command() -> list[str]:
    script = Path(PY).with_name("archkb")
    return [str(script)] if script.exists() else [PY, "-m", "archkb"]


TUI_FIRST_PAINT = """
import asyncio, time
from archkb.engine.store import load_knowledge_base
from archkb.tui.app import ArchkbApp

async def main():
    app = ArchkbApp(loader=load_knowledge_base)  # what `archkb tui` does
    async with app.run_test(size=(80, 24)) as pilot:
        while app.ready_seconds is None:
            await pilot.pause(0.002)
        print(time.time())  # the first paint (Textual's Ready), on the wall clock

asyncio.run(main())
"""


def tui_first_paint(repeat: int, env: dict[str, str]) -> Series:
    """Process start to the TUI's first paint (headless Textual at 80×24, warm cache).

    The child prints the wall-clock time of its Ready event; the parent subtracts the time it
    started the process, so interpreter start-up and every import are included.
    """
    values = []
    for round_ in range(repeat + 1):
        start = time.time()
        out = subprocess.run(
            [PY, "-c", TUI_FIRST_PAINT], env=env, capture_output=True, text=True, check=True
        ).stdout
        if round_:  # the first round only warms the OS caches
            values.append(float(out.strip().splitlines()[-1]) - start)
    return Series(values)


TUI_EXPORT_DIALOG = """
import asyncio, time
from archkb.engine.store import load_knowledge_base
from archkb.tui.app import ArchkbApp
from archkb.tui.screens import export

painted = []
mount = export.ExportDialog.on_mount

def on_mount(self):
    mount(self)
    self.call_after_refresh(lambda: painted.append(time.perf_counter()))

export.ExportDialog.on_mount = on_mount

async def main():
    app = ArchkbApp(load_knowledge_base()[0])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r", *"serverless,eu", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        start = time.perf_counter()
        await pilot.press("e")
        while not painted:
            await pilot.pause(0.001)
        print(painted[0] - start)

asyncio.run(main())
"""


def tui_export_dialog(repeat: int, env: dict[str, str]) -> Series:
    """Key `e` on a fresh recommendation to the export dialog's first paint, the first time in
    the process (nothing from the exporters imported yet): headless Textual at 80×24."""
    values = []
    for _ in range(repeat):
        out = subprocess.run(
            [PY, "-c", TUI_EXPORT_DIALOG], env=env, capture_output=True, text=True, check=True
        ).stdout
        values.append(float(out.strip().splitlines()[-1]))
    return Series(values)


def cli_figures(plan: Plan, env: dict[str, str]) -> dict[str, Any]:
    archkb = archkb_command()
    run_process([*archkb, *HEADLINE], env)  # builds the cache: the figures are warm-cache
    commands = {
        "bare": [PY, "-c", "pass"],
        "stack": [PY, "-c", STACK_IMPORT],
        "floor": [PY, "-c", RECOMMEND_FLOOR],
        "recommend": [*archkb, *HEADLINE],
        "help": [*archkb, "--help"],
        "map": [*archkb, "map", "AWS Lambda"],
    }
    series = time_processes(commands, plan.cli, env)
    series["tui"] = tui_first_paint(max(plan.cli // 2, 3), env)
    series["export_dialog"] = tui_export_dialog(max(plan.cli // 2, 3), env)
    rss = {name: run_process(cmd, env)[1] for name, cmd in commands.items()}
    script = archkb[1:] if archkb[0] == PY else archkb  # run by `PY -X importtime …`
    return {"series": series, "rss": rss, "imports": import_graph(script, env)}


def export_figures(plan: Plan, env: dict[str, str], tmp: Path) -> dict[str, Any]:
    """Diagram (process and in-process, each against the hand-written script) and IaC.

    The exporters are optional here: a missing or failing one (no Graphviz, unfinished code)
    becomes a "not measured" row with the reason, never a failed benchmark run.
    """
    out: dict[str, Any] = {}
    spec = tmp / "diagram-spec.json"
    worker("diagram-spec", {"out": str(spec)}, env)
    diagram_cmd = [*archkb_command(), "export", "diagram", "--needs", "serverless,eu",
                   "--provider", "aws", "--format", "png", "-o", str(tmp / "exporter.png"),
                   "--force"]  # fmt: skip
    baseline_cmd = [PY, str(HERE / "diagram_baseline.py"), str(spec), str(tmp / "baseline.png")]
    try:
        run_process(diagram_cmd, env)
        run_process(baseline_cmd, env)
    except RuntimeError as exc:
        out["diagram_process"] = f"not measured: exporter not present or failing ({exc})"[:400]
    else:
        commands = {"exporter": diagram_cmd, "baseline": baseline_cmd}
        out["diagram_process"] = time_processes(commands, plan.exports, env)
    for key, task, args in (
        ("diagram_inprocess", "diagram", {"spec": str(spec), "repeat": plan.exports}),
        ("iac", "iac", {"repeat": plan.exports}),
    ):
        try:
            out[key] = worker(task, args, env)
        except RuntimeError as exc:
            out[key] = {"missing": f"exporter failed: {str(exc)[-300:]}"}
    return out


def scale_figures(plan: Plan, env: dict[str, str], log: Any) -> dict[int, dict[str, Any]]:
    WORK.mkdir(exist_ok=True)
    (WORK / ".gitignore").write_text("*\n")
    out: dict[int, dict[str, Any]] = {}
    for scale in plan.scales:
        root = WORK / f"scale-{scale}-seed-1"
        store = WORK / f"scale-{scale}-seed-1.sqlite"
        started = time.perf_counter()
        manifest = generate(root, scale, env)
        log(
            f"  {scale}×: KB {'reused' if manifest['reused'] else 'generated'} "
            f"({time.perf_counter() - started:.1f} s)"
        )
        args = {"root": str(root), "store": str(store)}
        load = worker(
            "load",
            {**args, "yaml_repeat": plan.load_yaml[scale], "cache_repeat": plan.load_cache[scale]},
            env,
        )
        log(f"  {scale}×: load done")
        queries = worker("queries", {**args, "repeat": plan.queries[scale]}, env)
        log(f"  {scale}×: queries done")
        out[scale] = {"manifest": manifest, "load": load, "queries": queries}
        if scale in (min(plan.scales), max(plan.scales)):
            out[scale]["rss"] = worker("memory", args, env)["vmhwm_mb"]
    import_only = {"import_only": True, "root": "", "store": ""}
    out[0] = {"rss": worker("memory", import_only, env)["vmhwm_mb"]}
    return out


def generate(root: Path, scale: int, env: dict[str, str]) -> dict[str, Any]:
    """Run `synth.py` (in its own process: this one stays small, see `run_process`)."""
    proc = subprocess.run(
        [
            PY,
            str(HERE / "synth.py"),
            "--scale",
            str(scale),
            "--seed",
            "1",
            "--out",
            str(root),
            "--json",
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    manifest: dict[str, Any] = json.loads(proc.stdout)
    return manifest


def builtin_load(plan: Plan, env: dict[str, str], tmp: Path) -> dict[str, Any]:
    """The built-in KB from YAML and from its compiled cache (the CLI's own load path)."""
    root = Path(
        subprocess.run(
            [PY, "-c", "from archkb.engine.load import builtin_kb_root; print(builtin_kb_root())"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    result = worker(
        "load",
        {
            "root": str(root),
            "store": str(tmp / "builtin.sqlite"),
            "yaml_repeat": plan.load_yaml[1] + 6,
            "cache_repeat": plan.load_cache[1],
        },
        env,
    )
    return result


def _keep_tf_read_section(out: Path, text: str) -> str:
    """Keep the section `benchmarks/tf_read.py --write` maintains (issue 15) when rewriting."""
    old = out.read_text(encoding="utf-8") if out.exists() else ""
    start, end = "<!-- tf-read:start -->", "<!-- tf-read:end -->"
    if start not in old or end not in old:
        return text
    section = start + old.split(start, 1)[1].split(end, 1)[0] + end
    return text.rstrip("\n") + "\n\n" + section + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="few repetitions, no 100× scale")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "benchmarks.md")
    args = parser.parse_args(argv)
    plan = quick_plan() if args.quick else Plan()
    started = time.perf_counter()
    busy_before, ours_before = cpu_busy_seconds(), own_cpu_seconds()

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f} s] {message}", flush=True)

    with tempfile.TemporaryDirectory(prefix="archkb-bench-") as tmp_name:
        tmp = Path(tmp_name)
        env = _env()
        env["ARCHKB_CACHE_DIR"] = str(tmp / "cache")
        # Bytecode as an installed wheel has it (pip compiles on install): a private pycache
        # that the first run of each process fills, for archkb and the stack baseline alike.
        env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        log("CPU yardstick")
        yardstick = worker("yardstick", {"repeat": 9}, env)
        log("CLI processes")
        cli = cli_figures(plan, env)
        log("built-in KB load")
        builtin = builtin_load(plan, env, tmp)
        log("scales")
        scales = scale_figures(plan, env, log)
        log("exports")
        exports = export_figures(plan, env, tmp)
        elapsed = time.perf_counter() - started
        others = None
        busy_after = cpu_busy_seconds()
        if busy_before is not None and busy_after is not None:
            others = max(0.0, busy_after - busy_before - (own_cpu_seconds() - ours_before))
            others /= elapsed
        text = render_report(
            others=others,
            yardstick=Series(yardstick["times"]),
            cli=cli,
            builtin=builtin,
            scales=scales,
            exports=exports,
            elapsed=elapsed,
            quick=args.quick,
            machine=machine(),
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    text = _keep_tf_read_section(args.out, text)
    tmp_out = args.out.with_suffix(".md.tmp")
    tmp_out.write_text(text, encoding="utf-8")
    os.replace(tmp_out, args.out)
    log(f"wrote {args.out} in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
