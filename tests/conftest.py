"""Shared fixtures: one loaded KB per session, a private cache dir, a CLI runner."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from archkb.engine.kb import KnowledgeBase
from archkb.engine.load import builtin_kb_root, load_records
from click.testing import CliRunner, Result
from hypothesis import settings

# Property tests explore new inputs on every local run; in CI (CI=true) they replay a fixed
# sequence, so a submission never fails on a draw nobody has seen.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data"


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Never touch the user's cache; no overlays from the environment."""
    os.environ["ARCHKB_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    os.environ.pop("ARCHKB_PATH", None)


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    """The built-in KB, loaded from YAML (validated, integrity-checked)."""
    return KnowledgeBase.from_records(load_records([builtin_kb_root()]))


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty cache folder for this test (ARCHKB_CACHE_DIR points at it)."""
    path = tmp_path / "cache"
    monkeypatch.setenv("ARCHKB_CACHE_DIR", str(path))
    return path


def run_cli(*args: str, input: str | None = None) -> Result:
    """Invoke the CLI in-process (standalone mode: exit codes as users see them)."""
    from archkb.cli import cli

    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)
