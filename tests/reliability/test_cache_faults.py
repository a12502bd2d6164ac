"""The compiled cache under faults: truncation, other versions, full disk, concurrent builds."""

from __future__ import annotations

import errno
import os
import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from archkb.engine import store
from archkb.engine.store import load_knowledge_base, read_store

ARCHKB = str(Path(sys.executable).parent / "archkb")


def test_cache_from_another_format_is_rebuilt(cache: Path) -> None:
    kb, _ = load_knowledge_base()
    assert kb.store_path is not None
    conn = sqlite3.connect(kb.store_path)
    with conn:
        conn.execute("update meta set value = '999' where key = 'format'")
    conn.close()
    with pytest.raises(ValueError, match="format"):
        read_store(kb.store_path)
    again, warnings = load_knowledge_base()
    assert warnings and "rebuilding" in warnings[0]
    assert again.counts() == kb.counts()
    read_store(kb.store_path)


def test_cache_with_wrong_fingerprint_is_rebuilt(cache: Path) -> None:
    kb, _ = load_knowledge_base()
    assert kb.store_path is not None
    conn = sqlite3.connect(kb.store_path)
    with conn:
        conn.execute("update meta set value = 'someone-else' where key = 'fingerprint'")
    conn.close()
    again, warnings = load_knowledge_base()
    assert warnings and again.counts() == kb.counts()


def test_garbage_cache_file_is_rebuilt(cache: Path) -> None:
    kb, _ = load_knowledge_base()
    assert kb.store_path is not None
    kb.store_path.write_bytes(b"not a database at all" * 100)
    again, warnings = load_knowledge_base()
    assert warnings and again.counts() == kb.counts()


def test_full_disk_while_writing_the_cache(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_replace = os.replace

    def full_disk(src: str, dst: str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store.os, "replace", full_disk)
    kb, warnings = load_knowledge_base()
    assert kb.services and warnings and "No space left" in warnings[0]
    assert list(cache.glob("*")) == []  # the temp file was removed, nothing half-written
    monkeypatch.setattr(store.os, "replace", real_replace)
    kb2, warnings = load_knowledge_base()
    assert warnings == [] and kb2.store_path is not None and kb2.store_path.exists()


def test_eight_concurrent_processes_on_a_cold_cache(tmp_path: Path) -> None:
    env = {**os.environ, "ARCHKB_CACHE_DIR": str(tmp_path / "cache")}

    def stats(_: int) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [ARCHKB, "stats", "--json"], env=env, capture_output=True, text=True, timeout=300
        )

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(stats, range(8)))
    assert all(r.returncode == 0 for r in results), [r.stderr for r in results]
    assert len({r.stdout for r in results}) == 1
    assert all("Traceback" not in r.stderr for r in results)
    caches = list((tmp_path / "cache").glob("kb-*.sqlite"))
    assert len(caches) == 1
    read_store(caches[0])
    assert not list((tmp_path / "cache").glob(".tmp-*"))
