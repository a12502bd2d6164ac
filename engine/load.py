"""Read KB folders (built-in + overlays) into validated records, reporting every problem at once.

Layout of a KB root: one folder per kind (see `schema.KIND_MODELS`). A file holds one record, or
`records:` (a list) with optional `defaults:` merged under each record. Files and folders whose
names start with `.` or `_` are ignored.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .datatypes import Data
from .errors import KbLoadError, KbProblem
from .kinds import KINDS

if TYPE_CHECKING:
    from pydantic import BaseModel

    from .yamlsafe import LocatedDocument

KIND_OF_FOLDER: dict[str, str] = {
    "categories"
    if kind == "category"
    else "capabilities"
    if kind == "capability"
    else f"{kind}s": kind
    for kind in KINDS
}
"""KB folder → record kind (the folders of `schema.KIND_MODELS`)."""
MAX_FILES_PER_ROOT = 20_000


def builtin_kb_root() -> Path:
    """The folder of the KB that ships inside the package.

    Found through the import system's spec rather than `importlib.resources.files`, which costs
    a headline command more to import (tempfile, shutil, zipfile) than the rest of this module.
    """
    spec = importlib.util.find_spec("archkb.kb")
    locations = list(spec.submodule_search_locations or []) if spec else []
    if not locations:
        raise KbLoadError([KbProblem("archkb.kb", None, None, None, "built-in KB not found")])
    return Path(locations[0])


class LoadedRecord(Data, frozen=True):
    """A validated record and where it came from."""

    kind: str
    record: Any
    file: str
    line: int | None
    root_index: int
    """0 for the built-in KB, 1.. for overlays in the order given."""
    field_lines: tuple[tuple[str, int], ...] = ()
    """Line of each top-level field, so cross-record problems can point at the field."""

    def line_of(self, field_path: str) -> int | None:
        name = field_path.split(".", 1)[0]
        return dict(self.field_lines).get(name, self.line)

    @property
    def key(self) -> str:
        return f"{self.kind}/{self.record.id}"


def kb_files(root: Path) -> list[Path]:
    """Every YAML file of a KB root, sorted, skipping hidden and `_` names and symlinks out."""
    return [path for _, path in kb_file_entries(root)]


def kb_file_entries(root: Path) -> list[tuple[str, Path]]:
    """`kb_files` with each file's path relative to the root (as `str(relative path)`).

    Walks with `os.scandir` (file types come with the directory listing) instead of sorting
    `Path.rglob("*")`: same files, same order — paths sorted part by part, symlinked folders
    listed but not entered, hidden and `_` names skipped — in a fraction of the time, which
    matters because every `archkb` start hashes the KB files to find its cache.
    """
    root = root.resolve()
    return [(os.sep.join(parts), root.joinpath(*parts)) for parts in _file_parts(str(root))]


def kb_file_names(root: Path) -> tuple[str, list[str]]:
    """The resolved root and `kb_file_entries`' relative paths, without a `Path` per file (the
    cache key stats every KB file on every start; at 100× building the paths cost more than
    the stats)."""
    resolved = str(root.resolve())
    return resolved, [os.sep.join(parts) for parts in _file_parts(resolved)]


def _file_parts(root: str) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []
    _scan(root, (), found)
    found.sort()
    return found[: MAX_FILES_PER_ROOT + 1]


def _scan(directory: str, prefix: tuple[str, ...], found: list[tuple[str, ...]]) -> None:
    try:
        with os.scandir(directory) as listing:
            entries = list(listing)
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith((".", "_")):
            continue
        parts = (*prefix, entry.name)
        try:
            if entry.is_dir():
                if not entry.is_symlink():
                    _scan(entry.path, parts, found)
            elif entry.name.endswith((".yaml", ".yml")) and entry.is_file():
                found.append(parts)
        except OSError:
            continue


def read_records(roots: Sequence[Path]) -> list[LoadedRecord]:
    """Read and validate every record under the roots (index 0 = built-in).

    Raises:
        KbLoadError: with every problem found (file, line, record, field, message).
    """
    problems: list[KbProblem] = []
    loaded: list[LoadedRecord] = []
    for index, root in enumerate(roots):
        if not root.is_dir():
            problems.append(KbProblem(str(root), None, None, None, "KB folder not found"))
            continue
        files = kb_files(root)
        if len(files) > MAX_FILES_PER_ROOT:
            problems.append(
                KbProblem(str(root), None, None, None, f"more than {MAX_FILES_PER_ROOT} files")
            )
            continue
        for path in files:
            loaded.extend(_read_file(root, path, index, problems))
    if problems:
        raise KbLoadError(problems)
    return loaded


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _read_file(
    root: Path, path: Path, index: int, problems: list[KbProblem]
) -> Iterator[LoadedRecord]:
    # Imported here, not at module level: reading the compiled cache needs this module (for
    # `kb_files`) but neither the YAML parser nor pydantic, and `archkb recommend` should not pay
    # for importing them.
    from .schema import KIND_MODELS
    from .yamlsafe import MAX_FILE_BYTES, YamlProblem, read_located

    shown = _display(path)
    folder = path.relative_to(root.resolve()).parts[0] if path.parent != root.resolve() else ""
    model = KIND_MODELS.get(folder)
    if model is None:
        known = ", ".join(sorted(KIND_MODELS))
        problems.append(
            KbProblem(shown, None, None, None, f"file is not inside a kind folder ({known})")
        )
        return
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise YamlProblem(f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}")
        doc = read_located(path.read_bytes())
    except YamlProblem as exc:
        problems.append(KbProblem(shown, exc.line, None, None, exc.message))
        return
    except OSError as exc:
        problems.append(KbProblem(shown, None, None, None, f"cannot read: {exc.strerror}"))
        return
    children = _children(doc)
    for data, base, record_line in _split_records(doc, shown, problems):
        yield from _validate(
            model,
            KIND_OF_FOLDER[folder],
            data,
            base,
            doc,
            shown,
            record_line,
            index,
            problems,
            children,
        )


def _children(doc: LocatedDocument) -> dict[tuple[str | int, ...], list[tuple[str, int]]]:
    """Located path → its direct children as (key, line), in document order.

    Built once per file: looking up each record's fields by scanning every located path of the
    file made loading quadratic in the records per file (a 1,000-record overlay took seconds).
    """
    children: dict[tuple[str | int, ...], list[tuple[str, int]]] = {}
    for path, line in doc.lines.items():
        if path:
            children.setdefault(path[:-1], []).append((str(path[-1]), line))
    return children


def _split_records(
    doc: LocatedDocument, shown: str, problems: list[KbProblem]
) -> Iterable[tuple[dict[str, Any], tuple[str | int, ...], int | None]]:
    data = doc.data
    if not isinstance(data, dict):
        problems.append(
            KbProblem(shown, 1, None, None, "expected a mapping (one record, or records:)")
        )
        return []
    if "records" not in data:
        return [(data, (), doc.line_of(()))]
    extra = set(data) - {"records", "defaults"}
    if extra:
        problems.append(
            KbProblem(
                shown,
                doc.line_of((sorted(extra)[0],)),
                None,
                None,
                f"unexpected top-level keys {sorted(extra)} beside records:",
            )
        )
        return []
    defaults = data.get("defaults") or {}
    records = data["records"]
    if not isinstance(defaults, dict) or not isinstance(records, list):
        problems.append(
            KbProblem(shown, 1, None, None, "defaults: must be a mapping and records: a list")
        )
        return []
    out = []
    for i, item in enumerate(records):
        if not isinstance(item, dict):
            problems.append(
                KbProblem(
                    shown, doc.line_of(("records", i)), None, None, "a record must be a mapping"
                )
            )
            continue
        out.append(({**defaults, **item}, ("records", i), doc.line_of(("records", i))))
    return out


def _validate(
    model: type[BaseModel],
    kind: str,
    data: dict[str, Any],
    base: tuple[str | int, ...],
    doc: LocatedDocument,
    shown: str,
    record_line: int | None,
    index: int,
    problems: list[KbProblem],
    children: dict[tuple[str | int, ...], list[tuple[str, int]]] | None = None,
) -> Iterator[LoadedRecord]:
    from pydantic import ValidationError

    label = str(data.get("id") or data.get("code") or "?")[:80]
    try:
        record = model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            field_path = ".".join(str(p) for p in loc) or None
            line = doc.line_of(base + loc) if loc and loc[0] in _own_keys(doc, base) else None
            if line is None and loc and base and ("defaults", loc[0]) in doc.lines:
                line = doc.line_of(("defaults", *loc))
            problems.append(
                KbProblem(shown, line or record_line, f"{kind} {label}", field_path, err["msg"])
            )
        return
    field_lines = tuple((children if children is not None else _children(doc)).get(base, ()))
    yield LoadedRecord(kind, record, shown, record_line, index, field_lines)


def _own_keys(doc: LocatedDocument, base: tuple[str | int, ...]) -> set[Any]:
    return {
        path[len(base)] for path in doc.lines if len(path) > len(base) and path[: len(base)] == base
    }


def load_records(roots: Sequence[Path]) -> list[LoadedRecord]:
    """Read, validate and integrity-check the roots; raise KbLoadError listing all problems."""
    from .integrity import apply_overrides, check_references

    records, problems = apply_overrides(read_records(roots))
    problems += check_references(records)
    if problems:
        raise KbLoadError(problems)
    return records
