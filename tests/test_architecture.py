"""Contracts between the rooms (docs/architecture.md): the engine stays pure; heavy imports stay lazy."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FORBIDDEN_IN_ENGINE = (
    "archkb.tui",
    "archkb.exports",
    "archkb.cli",
    "click",
    "textual",
    "rich",
    "diagrams",
    "jinja2",
)


def _imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def test_engine_imports_no_ui_renderer_or_cli() -> None:
    for path in sorted((REPO / "engine").rglob("*.py")):
        for name in _imports(path):
            assert not name.startswith(FORBIDDEN_IN_ENGINE), f"{path.name} imports {name}"
            assert name != "archkb", f"{path.name} imports the application package"


def test_engine_never_prints() -> None:
    for path in sorted((REPO / "engine").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in ("print", "input"), f"{path.name}:{node.lineno}"


def test_no_module_is_named_resources() -> None:
    """diagrams installs a top-level package `resources`; a module of ours would shadow it."""
    for room in ("engine", "exports", "tui", "archkb"):
        assert not list((REPO / room).rglob("resources.py"))
        assert not (REPO / room / "resources").exists()


def test_cli_modules_import_heavy_packages_lazily() -> None:
    heavy = ("textual", "diagrams", "networkx", "sqlite_utils", "archkb.tui", "archkb.exports")
    for path in sorted((REPO / "archkb" / "cli").glob("*.py")):
        tree = ast.parse(path.read_text())
        for node in tree.body:  # module level only; imports inside functions are fine
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                )
                for name in names:
                    assert not name.startswith(heavy), f"{path.name} imports {name} at module level"


def test_one_version() -> None:
    """The package metadata and the cache key carry the same version."""
    import tomllib

    from archkb.engine.version import VERSION

    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert project["version"] == VERSION


def _capability_ids() -> set[str]:
    """Every capability id of the built-in KB (read from its YAML: no engine needed)."""
    import yaml

    ids = set()
    for path in sorted((REPO / "kb" / "capabilities").glob("*.yaml")):
        ids |= {r["id"] for r in yaml.safe_load(path.read_text(encoding="utf-8"))["records"]}
    return ids


def _capability_literals(source: str, ids: set[str]) -> list[tuple[int, str]]:
    return [
        (node.lineno, node.value)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in ids
    ]


def test_the_literal_finder_finds_capability_ids() -> None:
    """The check below would pass vacuously if it could not see a literal."""
    ids = _capability_ids()
    assert {"virtual-network", "managed-kubernetes", "secrets-management"} <= ids
    source = 'NETWORK = "virtual-network"\nok = "network"\nif c.capability == "cdn": pass\n'
    assert _capability_literals(source, ids) == [(1, "virtual-network"), (3, "cdn")]


def test_exporters_name_no_capability() -> None:
    """Exporters read placement and traits from `ResolvedComponent` (the engine decides them
    from the KB); a capability id in their Python re-encodes KB knowledge that then drifts.
    Data files keyed by capability (the IaC catalogues) are data and are not checked."""
    ids = _capability_ids()
    found = [
        f"{path.relative_to(REPO)}:{line}: {value!r}"
        for path in sorted((REPO / "exports").rglob("*.py"))
        for line, value in _capability_literals(path.read_text(encoding="utf-8"), ids)
    ]
    assert not found, "exporters name capabilities:\n" + "\n".join(found)


# --- the lean read path (issue 20) -----------------------------------------------------------

_RUNNER = """
import json, os, runpy, sys
sys.argv = ["archkb", *json.loads(os.environ["LEAN_ARGS"])]
try:
    runpy.run_module("archkb", run_name="__main__", alter_sys=True)
except SystemExit as exc:
    code = exc.code or 0
else:
    code = 0
with open(os.environ["LEAN_OUT"], "w") as out:
    json.dump({"code": code, "modules": sorted(sys.modules)}, out)
"""

NEVER_ON_THE_READ_PATH = ("pydantic", "networkx", "yaml", "sqlite_utils", "textual", "diagrams")
"""What a headline command on a warm cache must not import (checked per top-level package)."""

HEADLINE = [
    (["recommend", "--needs", "serverless,eu"], ("rich", "click", "dataclasses", "inspect")),
    (["recommend", "--needs", "serverless,eu", "--json"], ("rich", "click", "dataclasses")),
    (["map", "AWS Lambda"], ()),
    (["map", "AWS Lambda", "--json"], ("rich",)),
    (["show", "service/aws-lambda"], ()),
    (["show", "aws-lambda", "--json"], ("rich",)),
    (["search", "queue"], ()),
    (["search", "queue", "--json"], ("rich",)),
]
"""Headline commands, and what each answer does not need besides NEVER_ON_THE_READ_PATH (JSON is
written without rich; text output on a terminal needs it for colour and layout; `recommend`'s
plain forms are parsed without click, `archkb.cli.headline`, and its text, piped as here, is
printed without rich, `archkb.cli.plain`; the engine's data classes on its path are built
without the `dataclasses` module, `engine/datatypes.py`)."""


def _modules_after(args: list[str], cache: Path) -> set[str]:
    """Top-level packages a fresh `archkb ARGS` process has imported when it ends."""
    import json
    import os
    import subprocess
    import sys

    out = cache / "modules.json"
    env = {**os.environ, "ARCHKB_CACHE_DIR": str(cache), "LEAN_ARGS": json.dumps(args)}
    env["LEAN_OUT"] = str(out)
    env.pop("ARCHKB_PATH", None)
    subprocess.run([sys.executable, "-c", _RUNNER], env=env, check=True, capture_output=True)
    result = json.loads(out.read_text())
    assert result["code"] == 0, (args, result["code"])
    return {name.split(".")[0] for name in result["modules"]}


def test_headline_commands_on_a_warm_cache_import_only_what_they_need(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    # Cold: builds the store (pydantic, yaml, sqlite_utils and networkx are all used) — which
    # also shows the check sees them when they are imported, so the assertions below can fail.
    cold = _modules_after(["recommend", "--needs", "serverless,eu"], cache)
    assert {"pydantic", "yaml", "sqlite_utils", "networkx"} <= cold
    for args, not_needed in HEADLINE:
        imported = _modules_after(args, cache)
        unwanted = sorted(imported & {*NEVER_ON_THE_READ_PATH, *not_needed})
        assert not unwanted, f"archkb {' '.join(args)} imports {unwanted}"


def test_no_cache_still_validates_with_pydantic(tmp_path: Path) -> None:
    """`--no-cache` reads YAML, so pydantic checks it: the full path stays the full path."""
    imported = _modules_after(["--no-cache", "show", "aws-lambda", "--json"], tmp_path)
    assert {"pydantic", "yaml"} <= imported
