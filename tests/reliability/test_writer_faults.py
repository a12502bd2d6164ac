"""The one writer under faults: no overwrite without force, no partial output, atomic swaps."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archkb.writer import WriteProblem, write_file, write_tree
from tests.conftest import run_cli


def test_existing_file_is_untouched_without_force(tmp_path: Path) -> None:
    target = tmp_path / "adr.md"
    target.write_text("my notes")
    result = run_cli("export", "adr", "--needs", "serverless,eu", "-o", str(target))
    assert result.exit_code == 2 and "--force" in result.stderr
    assert target.read_text() == "my notes"
    assert (
        run_cli("export", "adr", "--needs", "serverless,eu", "-o", str(target), "--force").exit_code
        == 0
    )
    assert target.read_text().startswith("---\nstatus: proposed")


def test_missing_folders_are_created_as_export_iac_does(tmp_path: Path) -> None:
    target = tmp_path / "docs" / "adr" / "0001.md"
    result = run_cli("export", "adr", "--needs", "serverless,eu", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert target.read_text().startswith("---\nstatus: proposed")


def test_unwritable_folder_exits_2_and_leaves_nothing(tmp_path: Path) -> None:
    (tmp_path / "file.txt").write_text("a file, not a folder")
    result = run_cli(
        "export", "adr", "--needs", "serverless,eu", "-o", str(tmp_path / "file.txt" / "a.md")
    )
    assert result.exit_code == 2 and "is not a folder" in result.stderr
    (tmp_path / "file.txt").unlink()
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where a folder should be")
    with pytest.raises(WriteProblem):
        write_tree(blocked, {"a.txt": "x"})
    assert blocked.read_text() == "a file where a folder should be"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocked"]


def test_write_errors_leave_no_temp_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(WriteProblem, match="No space left"):
        write_file(tmp_path / "out.txt", "data")
    assert list(tmp_path.iterdir()) == []


def test_tree_refuses_paths_outside_the_target(tmp_path: Path) -> None:
    with pytest.raises(WriteProblem, match="outside"):
        write_tree(tmp_path / "out", {"../escape.txt": "x"})
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_force_replaces_a_tree_whole(tmp_path: Path) -> None:
    target = tmp_path / "infra"
    write_tree(target, {"a.tf": "1", "sub/b.tf": "2"})
    with pytest.raises(WriteProblem, match="not empty"):
        write_tree(target, {"c.tf": "3"})
    write_tree(target, {"c.tf": "3"}, force=True)
    assert sorted(str(p.relative_to(target)) for p in target.rglob("*")) == ["c.tf"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["infra"]


SLOW_EXPORT = """
import sys, time
from pathlib import Path
from archkb import writer
real_write = Path.write_bytes
def slow_write(self, data):
    time.sleep(0.002)
    return real_write(self, data)
Path.write_bytes = slow_write
files = {f"f{i:04d}.txt": "new" for i in range(3000)}
print("ready", flush=True)
writer.write_tree(Path(sys.argv[1]), files, force=True)
"""


def test_interrupted_export_leaves_old_or_complete_new(tmp_path: Path) -> None:
    target = tmp_path / "out"
    write_tree(target, {"old.txt": "old"})
    proc = subprocess.Popen(
        [sys.executable, "-c", SLOW_EXPORT, str(target)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=60)
    names = sorted(p.name for p in target.iterdir())
    assert names == ["old.txt"] or len(names) == 3000
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "out"]
    assert leftovers == []
