"""The cache key on a warm start: the KB files' stats vouch for their content (git-index style)
only while nothing changed and no file is racy; anything else hashes the files again."""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import time
from pathlib import Path

import pytest
from archkb.engine import store
from archkb.engine.store import (
    RACY_NS,
    FileStats,
    current_key,
    file_stats,
    fingerprint,
    load_knowledge_base,
    note_stats,
    store_meta,
    store_path,
)

HOUR_NS = 3600 * 10**9


def _kb_root(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    (root / "tools").mkdir(parents=True)
    (root / "tools" / "a.yaml").write_text("id: a\nname: Tool A\n")
    (root / "tools" / "b.yaml").write_text("id: b\nname: Tool B\n")
    return root


def _age(root: Path) -> None:
    """Set every file's mtime an hour back (ctime stays: it cannot be set)."""
    old = time.time_ns() - HOUR_NS
    for path in root.rglob("*.yaml"):
        os.utime(path, ns=(old, old))


def _store(tmp_path: Path, roots: list[Path], settled: bool = True) -> Path:
    """A store's `meta` as `write_store` leaves it, with the roots' stats noted. `settled`: as if
    noted well after the files last changed (else right after: every file is racy)."""
    tmp_path.mkdir(exist_ok=True)
    path = tmp_path / "store.sqlite"
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("create table meta (key text primary key, value text)")
        conn.executemany(
            "insert into meta values (?, ?)",
            [("fingerprint", fingerprint(roots)), ("format", str(store.STORE_FORMAT))],
        )
    conn.close()
    stats = file_stats(roots)
    if settled:
        stats = dataclasses.replace(stats, taken_ns=stats.newest_ns + RACY_NS + 1)
    note_stats(path, fingerprint(roots), stats)
    return path


def _key(path: Path, roots: list[Path]) -> tuple[str, bool]:
    return current_key(store_meta(path), roots, file_stats(roots))


def test_unchanged_files_are_vouched_for_by_their_stats(tmp_path: Path) -> None:
    root = _kb_root(tmp_path)
    path = _store(tmp_path, [root])
    assert _key(path, [root]) == (fingerprint([root]), True)


def test_edit_in_place_with_same_size_and_old_mtime_is_hashed(tmp_path: Path) -> None:
    root = _kb_root(tmp_path)
    _age(root)
    path = _store(tmp_path, [root])
    before = fingerprint([root])
    target = root / "tools" / "a.yaml"
    mtime = target.stat().st_mtime_ns
    target.write_text("id: a\nname: Tool Z\n")  # same size
    os.utime(target, ns=(mtime, mtime))  # mtime as it was: only the ctime moved
    key, trusted = _key(path, [root])
    assert not trusted
    assert key == fingerprint([root]) != before


def test_touch_is_hashed_then_noted_and_trusted_again(tmp_path: Path) -> None:
    root = _kb_root(tmp_path)
    _age(root)
    path = _store(tmp_path, [root])
    before = fingerprint([root])
    os.utime(root / "tools" / "b.yaml")  # now: content unchanged
    assert _key(path, [root]) == (before, False)  # hashed: same content, same key
    stats = file_stats([root])
    note_stats(path, before, dataclasses.replace(stats, taken_ns=stats.newest_ns + RACY_NS + 1))
    assert _key(path, [root]) == (before, True)


@pytest.mark.parametrize("change", ["add", "remove", "rename"])
def test_added_removed_or_renamed_file_is_hashed(tmp_path: Path, change: str) -> None:
    root = _kb_root(tmp_path)
    path = _store(tmp_path, [root])
    before = fingerprint([root])
    tools = root / "tools"
    if change == "add":
        (tools / "c.yaml").write_text("id: c\nname: Tool C\n")
    elif change == "remove":
        (tools / "b.yaml").unlink()
    else:
        (tools / "b.yaml").rename(tools / "c.yaml")
    key, trusted = _key(path, [root])
    assert not trusted and key == fingerprint([root]) != before


def test_overlay_roots_are_part_of_the_stats_and_the_store_name(tmp_path: Path) -> None:
    root = _kb_root(tmp_path)
    overlay = tmp_path / "overlay"
    (overlay / "tools").mkdir(parents=True)
    assert store_path([root]) != store_path([root, overlay]) != store_path([overlay, root])
    alone = _store(tmp_path / "alone", [root])
    assert _key(alone, [root, overlay])[1] is False  # another list of roots: not vouched for
    both = _store(tmp_path / "both", [root, overlay])
    assert _key(both, [root, overlay]) == (fingerprint([root, overlay]), True)
    (overlay / "tools" / "x.yaml").write_text("id: x\n")
    key, trusted = _key(both, [root, overlay])
    assert not trusted and key == fingerprint([root, overlay])


def test_another_version_uses_another_store_and_is_not_vouched_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _kb_root(tmp_path)
    path = _store(tmp_path, [root])
    name, key = store_path([root]), fingerprint([root])
    monkeypatch.setattr("archkb.engine.version.VERSION", "99.0.0")
    assert store_path([root]) != name
    new_key, trusted = _key(path, [root])
    assert not trusted and new_key == fingerprint([root]) != key


def test_racy_files_are_hashed_although_their_stats_match(tmp_path: Path) -> None:
    """Stats noted within RACY_NS after a file changed do not vouch for it: a second change in
    the same clock tick could leave every stat as it was."""
    root = _kb_root(tmp_path)
    path = _store(tmp_path, [root], settled=False)
    stats = file_stats([root])
    noted = int(store_meta(path)["stats_time"])
    assert stats.newest_ns >= noted - RACY_NS  # the files were written just before
    assert _key(path, [root]) == (fingerprint([root]), False)
    # the same stats noted one nanosecond past the racy window are trusted
    note_stats(path, fingerprint([root]), FileStats(stats.digest, 0, stats.newest_ns + RACY_NS + 1))
    assert _key(path, [root]) == (fingerprint([root]), True)


def test_stats_noted_for_another_fingerprint_are_refused(tmp_path: Path) -> None:
    root = _kb_root(tmp_path)
    path = _store(tmp_path, [root])
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("update meta set value = 'someone-else' where key = 'fingerprint'")
    conn.close()
    with pytest.raises(ValueError, match="do not belong"):
        _key(path, [root])


def test_warm_start_sees_a_same_size_edit_in_an_overlay_and_keeps_a_touched_store(
    cache: Path, tmp_path: Path
) -> None:
    overlay = tmp_path / "overlay"
    (overlay / "tools").mkdir(parents=True)
    tool = overlay / "tools" / "our-ci.yaml"
    tool.write_text(
        "id: our-ci\nname: Our CI 1\ncategory: devtools\nsummary: Ours.\n"
        "sources: [https://docs.docker.com/]\n"
    )
    _age(overlay)
    kb, warnings = load_knowledge_base([overlay])
    assert warnings == [] and kb.store_path is not None
    path = kb.store_path
    mtime = tool.stat().st_mtime_ns
    tool.write_text(tool.read_text().replace("Our CI 1", "Our CI 2"))  # same size
    os.utime(tool, ns=(mtime, mtime))
    edited, warnings = load_knowledge_base([overlay])
    assert warnings == [] and edited.tools["our-ci"].name == "Our CI 2"
    assert edited.fingerprint == fingerprint(store.kb_roots([overlay])) != kb.fingerprint
    inode = path.stat().st_ino
    os.utime(tool)  # touched: same content
    again, warnings = load_knowledge_base([overlay])
    assert warnings == [] and again.tools["our-ci"].name == "Our CI 2"
    assert path.stat().st_ino == inode  # read, not rebuilt
    assert store_meta(path)["stats"] == file_stats(store.kb_roots([overlay])).digest  # noted
