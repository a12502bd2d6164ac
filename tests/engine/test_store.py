"""The compiled cache: built once, reused, rebuilt on change, survives corruption."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from archkb.engine.load import builtin_kb_root
from archkb.engine.store import cache_dir, load_knowledge_base, read_store


def test_cache_dir_honours_env(cache: Path) -> None:
    assert cache_dir() == cache


def test_first_load_writes_cache_second_reads_it(cache: Path) -> None:
    kb, warnings = load_knowledge_base()
    assert warnings == []
    files = list(cache.glob("kb-*.sqlite"))
    assert len(files) == 1 and kb.store_path == files[0]
    again, warnings = load_knowledge_base()
    assert warnings == []
    assert again.counts() == kb.counts()
    assert again.services["aws-lambda"] == kb.services["aws-lambda"]
    assert again.regions["aws-eu-central-1"] == kb.regions["aws-eu-central-1"]


def test_store_has_records_edges_and_fts(cache: Path) -> None:
    kb, _ = load_knowledge_base()
    assert kb.store_path is not None
    conn = sqlite3.connect(kb.store_path)
    assert conn.execute("select count(*) from records").fetchone()[0] == sum(kb.counts().values())
    assert conn.execute("select count(*) from edges where kind = 'implements'").fetchone()[0] > 100
    hits = conn.execute(
        "select r.key from records_fts f join records r on r.rowid = f.rowid where records_fts match 'lambda'"
    )
    assert "service/aws-lambda" in {h[0] for h in hits}


def test_corrupt_cache_is_rebuilt_with_a_warning(cache: Path) -> None:
    kb, _ = load_knowledge_base()
    assert kb.store_path is not None
    data = kb.store_path.read_bytes()
    kb.store_path.write_bytes(data[: len(data) // 3])
    again, warnings = load_knowledge_base()
    assert len(warnings) == 1 and "rebuilding" in warnings[0]
    assert again.counts() == kb.counts()
    read_store(kb.store_path)  # the rebuilt file is whole again


def test_overlay_change_gives_a_new_cache(cache: Path, tmp_path: Path) -> None:
    overlay = tmp_path / "overlay"
    (overlay / "tools").mkdir(parents=True)
    tool = overlay / "tools" / "our-ci.yaml"
    tool.write_text(
        "id: our-ci\nname: Our CI\ncategory: devtools\nsummary: Ours.\n"
        "sources: [https://docs.docker.com/]\n"
    )
    kb, _ = load_knowledge_base([overlay])
    assert "our-ci" in kb.tools
    tool.write_text(tool.read_text().replace("Our CI", "Our CI v2"))
    kb2, _ = load_knowledge_base([overlay])
    assert kb2.tools["our-ci"].name == "Our CI v2"
    assert kb2.fingerprint != kb.fingerprint


def test_unwritable_cache_dir_still_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("x")
    monkeypatch.setenv("ARCHKB_CACHE_DIR", str(blocked / "cache"))
    kb, warnings = load_knowledge_base()
    assert kb.services and len(warnings) == 1 and "cannot write cache" in warnings[0]


def test_builtin_kb_ships_inside_the_package() -> None:
    root = builtin_kb_root()
    assert (root / "patterns" / "cqrs.yaml").is_file()
    assert root.parent.name == "archkb" or (root / "__init__.py").is_file()
