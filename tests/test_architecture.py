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
