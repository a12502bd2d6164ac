"""The engine keeps no hidden process-wide state: typed caches per KB, the garbage collector left
alone, no temporary files left behind."""

from __future__ import annotations

import gc
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from archkb.engine.kb import KnowledgeBase
from archkb.engine.load import builtin_kb_root, load_records
from archkb.engine.search import resolve_name, search_text


def test_loading_leaves_the_garbage_collector_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every collector switch is recorded (and still done): loading and resolving call none.

    (Comparing `gc.get_freeze_count()` before and after is not enough on its own: it also falls
    whenever objects an earlier test froze are freed.)"""
    calls: list[str] = []
    for name in ("disable", "enable", "freeze", "unfreeze"):
        real = getattr(gc, name)
        monkeypatch.setattr(gc, name, lambda real=real, name=name: (calls.append(name), real())[1])
    frozen = gc.get_freeze_count()
    assert gc.isenabled()
    kb = KnowledgeBase.from_records(load_records([builtin_kb_root()]))
    resolve_name(kb, "lamda", ("service",))
    search_text(kb, "queue")
    assert calls == []
    assert gc.isenabled() and gc.get_freeze_count() <= frozen


def test_no_library_module_touches_the_garbage_collector() -> None:
    """Only the applications' runtime policy (archkb/runtime.py) may import `gc`."""
    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root))
        for room in ("engine", "exports")
        for path in sorted((root / room).rglob("*.py"))
        if re.search(r"^\s*(import gc\b|from gc import)", path.read_text(), re.MULTILINE)
    ]
    assert offenders == []


def test_search_without_a_store_leaves_no_temporary_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A KB read from YAML (`--no-cache`) searches an in-memory copy of the store."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # a temp dir of this test alone
    kb = KnowledgeBase.from_records(load_records([builtin_kb_root()]))
    assert kb.store_path is None
    assert search_text(kb, "queue", "service")
    kb.close()
    assert kb.caches.store_connection is None
    assert list(tmp_path.iterdir()) == []


def test_no_cache_cli_run_leaves_no_temporary_files(tmp_path: Path) -> None:
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "archkb", "--no-cache", "search", "queue"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert list(tmp_path.iterdir()) == []


def test_caches_are_per_knowledge_base() -> None:
    records = load_records([builtin_kb_root()])
    first, second = KnowledgeBase.from_records(records), KnowledgeBase.from_records(records)
    resolve_name(first, "lamda", ("service",))
    assert first.caches.name_indexes and not second.caches.name_indexes
