"""Contracts between the rooms (DESIGN.md): the engine stays pure; heavy imports stay lazy."""

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
