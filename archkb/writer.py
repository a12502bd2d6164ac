"""The one place that writes user files: atomic, and never over existing work without force.

A single file is written to a temp file beside it and renamed into place. A folder of files is
staged in a temp folder beside the target and swapped in with renames, so an interrupted export
leaves either the old state or the complete new one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path


class WriteProblem(Exception):
    """A write that must not or cannot happen; the message names the path."""


def write_file(path: Path, data: bytes | str, *, force: bool = False) -> None:
    """Write one file atomically; refuse to replace an existing file unless `force`."""
    payload = data.encode() if isinstance(data, str) else data
    if path.is_dir():
        raise WriteProblem(f"{path} is a folder; give a file name")
    if path.exists() and not force:
        raise WriteProblem(f"{path} exists; use --force to overwrite it")
    parent = path.parent if str(path.parent) else Path(".")
    created = _make_folders(parent)
    done = False
    try:
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
        except OSError as exc:
            raise WriteProblem(f"cannot write in {parent}: {exc.strerror}") from None
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
            done = True
        except OSError as exc:
            raise WriteProblem(f"cannot write {path}: {exc.strerror}") from None
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
    finally:
        if not done:
            _remove_folders(created)


def _make_folders(folder: Path) -> list[Path]:
    """Create `folder` and its missing parents (as `mkdir -p`); return those created, deepest
    last, so a failed write can take them away again."""
    missing: list[Path] = []
    probe = folder
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    if not probe.is_dir():
        raise WriteProblem(f"{probe} is not a folder, so {folder} cannot be created")
    created: list[Path] = []
    for step in reversed(missing):
        try:
            step.mkdir()
        except OSError as exc:
            _remove_folders(created)
            raise WriteProblem(f"cannot create folder {step}: {exc.strerror}") from None
        created.append(step)
    return created


def _remove_folders(created: list[Path]) -> None:
    for folder in reversed(created):
        with contextlib.suppress(OSError):
            folder.rmdir()


def write_tree(
    target: Path, files: Mapping[str, bytes | str], *, force: bool = False
) -> list[Path]:
    """Write `files` (relative path → content) as the folder `target`, atomically.

    Without `force`, `target` must not exist or be empty. With it, an existing folder is
    replaced as a whole (its old contents are removed only after the new tree is in place).
    """
    if target.exists() and not target.is_dir():
        raise WriteProblem(f"{target} exists and is not a folder")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise WriteProblem(f"{target} exists and is not empty; use --force to replace it")
    parent = target.parent if str(target.parent) else Path(".")
    created = _make_folders(parent)
    try:
        stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=parent))
    except OSError as exc:
        _remove_folders(created)
        raise WriteProblem(f"cannot write in {parent}: {exc.strerror}") from None
    backup: Path | None = None
    done = False
    try:
        for relative, content in sorted(files.items()):
            rel = Path(relative)
            if rel.is_absolute() or ".." in rel.parts:
                raise WriteProblem(f"refusing to write outside {target}: {relative}")
            dest = stage / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(content.encode() if isinstance(content, str) else content)
        os.chmod(stage, 0o755)
        if target.exists():
            backup = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=parent))
            os.rmdir(backup)
            os.rename(target, backup)
        os.rename(stage, target)
        done = True
    except OSError as exc:
        if backup is not None and not target.exists():
            os.rename(backup, target)
            backup = None
        raise WriteProblem(f"cannot write {target}: {exc.strerror}") from None
    finally:
        if stage.exists():
            shutil.rmtree(stage, ignore_errors=True)
        if backup is not None:
            shutil.rmtree(backup, ignore_errors=True)
        if not done:
            _remove_folders(created)
    return [target / rel for rel in sorted(files)]
