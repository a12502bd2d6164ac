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


def test_cache_key_covers_kb_files_overlays_version_and_record_layout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from archkb.engine import store

    root = tmp_path / "kb"
    shutil.copytree(builtin_kb_root(), root)
    overlay = tmp_path / "overlay"
    (overlay / "tools").mkdir(parents=True)
    keys = [store.fingerprint([root])]
    lam = root / "services" / "aws" / "lambda.yaml"
    if not lam.is_file():
        lam = next((root / "services").rglob("*.yaml"))
    lam.write_text(lam.read_text() + "\n")  # one byte more in one KB file
    keys.append(store.fingerprint([root]))
    keys.append(store.fingerprint([root, overlay]))  # an (empty) overlay root
    (overlay / "tools" / "x.yaml").write_text("id: x\n")
    keys.append(store.fingerprint([root, overlay]))  # a file in the overlay
    monkeypatch.setattr("archkb.engine.version.VERSION", "99.0.0")
    keys.append(store.fingerprint([root, overlay]))
    monkeypatch.setattr(store, "ROW_LAYOUT", store.ROW_LAYOUT + ";Service:extra")
    keys.append(store.fingerprint([root, overlay]))
    assert len(set(keys)) == len(keys)


def _replace_tables_blob(path: Path, data: bytes) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("update tables set data = ? where name = 'kb'", (data,))
    conn.close()


def test_store_that_names_another_type_is_refused_and_rebuilt(cache: Path) -> None:
    """The store's pickle may hold only record types: one that names any other callable (here
    `os.system`) is an error before anything runs, and the CLI path rebuilds the cache."""
    import os
    import pickle

    class Planted:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.system, ("true",))

    kb, _ = load_knowledge_base()
    assert kb.store_path is not None
    _replace_tables_blob(kb.store_path, pickle.dumps({"service": {"x": Planted()}}))
    with pytest.raises(ValueError, match=r"may not hold: posix\.system"):
        read_store(kb.store_path)
    again, warnings = load_knowledge_base()
    assert len(warnings) == 1 and "rebuilding" in warnings[0]
    assert again.services == kb.services


def test_store_with_a_damaged_table_is_rebuilt(cache: Path) -> None:
    kb, _ = load_knowledge_base()
    assert kb.store_path is not None
    conn = sqlite3.connect(kb.store_path)
    blob = conn.execute("select data from tables where name = 'kb'").fetchone()[0]
    conn.close()
    _replace_tables_blob(kb.store_path, blob[: len(blob) // 2])
    with pytest.raises(ValueError, match="damaged"):
        read_store(kb.store_path)
    again, warnings = load_knowledge_base()
    assert len(warnings) == 1 and again.counts() == kb.counts()
