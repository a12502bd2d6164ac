"""The compiled KB: a SQLite file (records, edges, FTS5 index) cached by content hash.

Reading the cache uses the stdlib `sqlite3` and `pickle` only (fast start-up, no pydantic);
building it uses sqlite-utils. The cache is an optimisation: every failure to read or write it
ends in a warning and a load from YAML, never in an error.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import io
import json
import os
import pickle
import sqlite3
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from .kb import KnowledgeBase, Origin
from .kinds import KINDS
from .load import LoadedRecord, builtin_kb_root, kb_file_entries
from .records import ROW_LAYOUT, jsonable

STORE_FORMAT = 5
"""Bump when the table layout changes; part of the cache key. 2: the `names` table; 5: the
`tables` table (each kind's plain records, and the origins, pickled)."""


def cache_dir() -> Path:
    """`$ARCHKB_CACHE_DIR`, else `$XDG_CACHE_HOME/archkb`, else `~/.cache/archkb`."""
    if os.environ.get("ARCHKB_CACHE_DIR"):
        return Path(os.environ["ARCHKB_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "archkb"


def kb_roots(overlays: Sequence[Path] = ()) -> list[Path]:
    """The built-in KB, then `$ARCHKB_PATH` entries, then explicit overlays."""
    env = [Path(p) for p in os.environ.get("ARCHKB_PATH", "").split(os.pathsep) if p]
    return [builtin_kb_root(), *env, *overlays]


def fingerprint(roots: Sequence[Path]) -> str:
    """Hash of archkb's version, the store format, the plain records' field layout and every KB
    file's path and bytes."""
    from .version import VERSION

    digest = hashlib.sha256(f"archkb {VERSION} store {STORE_FORMAT}\n{ROW_LAYOUT}\n".encode())
    for index, root in enumerate(roots):
        digest.update(f"root {index}\n".encode())
        if not root.is_dir():
            digest.update(b"missing\n")
            continue
        for relative, path in kb_file_entries(root):
            try:
                data = path.read_bytes()
            except OSError:
                data = b"<unreadable>"
            digest.update(f"{relative}\n{len(data)}\n".encode())
            digest.update(data)
    return digest.hexdigest()


def load_knowledge_base(
    overlays: Sequence[Path] = (), *, use_cache: bool = True
) -> tuple[KnowledgeBase, list[str]]:
    """Load the KB (built-in + overlays), from the compiled cache when it is current.

    Returns:
        The KnowledgeBase and warnings (cache problems) for the caller to show.

    Raises:
        KbLoadError: when the YAML has problems (all of them, located).
    """
    roots = kb_roots(overlays)
    warnings: list[str] = []
    key = fingerprint(roots)
    path = cache_dir() / f"kb-{key[:24]}.sqlite"
    if use_cache and path.exists():
        try:
            kb = read_store(path, key)
            return kb, warnings
        except (sqlite3.Error, ValueError, KeyError, OSError) as exc:
            warnings.append(f"cache {path} is unreadable ({exc}); rebuilding it")
    from .load import load_records

    kb = KnowledgeBase.from_records(load_records(roots))
    kb.fingerprint = key
    if use_cache:
        try:
            write_store(kb, path)
            kb.store_path = path
            _prune_old_caches(path)
        except OSError as exc:
            warnings.append(
                f"cannot write cache {path} ({exc.strerror or exc}); continuing without it"
            )
    return kb, warnings


def write_store(kb: KnowledgeBase, path: Path) -> None:
    """Write the compiled KB atomically: build a temp file beside `path`, then rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".sqlite", dir=path.parent)
    os.close(fd)
    try:
        build_database(kb, Path(tmp))
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def build_database(kb: KnowledgeBase, target: Path | sqlite3.Connection) -> None:
    """Create the SQLite database (a file, replaced; or an open, empty connection): meta,
    records (+ FTS5), edges, names (exact-match words)."""
    import sqlite_utils

    db = (
        sqlite_utils.Database(target)
        if isinstance(target, sqlite3.Connection)
        else sqlite_utils.Database(target, recreate=True)
    )
    with db.conn:
        db.table("meta").insert_all(
            [
                {"key": "fingerprint", "value": kb.fingerprint},
                {"key": "format", "value": str(STORE_FORMAT)},
            ],
            pk="key",
        )
        rows = []
        for kind, record in kb.records():
            origin = kb.origins.get(f"{kind}/{record.id}", Origin("", None))
            rows.append(
                {
                    "key": f"{kind}/{record.id}",
                    "kind": kind,
                    "id": record.id,
                    "name": record.name,
                    "aliases": " ".join(record.aliases),
                    "summary": record.summary,
                    "provider": getattr(record, "provider", None),
                    "category": getattr(record, "category", None),
                    "file": origin.file,
                    "line": origin.line,
                    "data": data_json(kind, record),
                }
            )
        db.table("records").insert_all(rows, pk="key")
        db.table("tables").insert_all(_pickled_tables(kb), pk="name")
        db.table("records").enable_fts(
            ["name", "aliases", "summary", "id"], fts_version="FTS5", tokenize="porter"
        )
        graph = kb.graph
        db.table("edges").insert_all(
            (
                {
                    "source": s,
                    "target": t,
                    "kind": d["kind"],
                    "attrs": json.dumps(
                        {k: v for k, v in d.items() if k != "kind"}, sort_keys=True
                    ),
                }
                for s, t, d in graph.edges(data=True)
            ),
        )
        db.table("edges").create_index(["source"])
        db.table("edges").create_index(["target"])
        db.table("names").create({"word": str, "stage": str, "kind": str, "key": str})
        db.conn.executemany(
            "insert into names (word, stage, kind, key) values (?, ?, ?, ?)", _name_rows(kb)
        )
        db.table("names").create_index(["word"])


def _name_rows(kb: KnowledgeBase) -> Iterator[tuple[str, str, str, str]]:
    """The exact-match words of `search.resolve_name` (case-folded ids and keys: stage `id`;
    names and aliases: stage `name`), so a lookup by name is one indexed query instead of a
    name index built over the whole KB in every process."""
    for kind, record in kb.records():
        key = f"{kind}/{record.id}"
        for word in dict.fromkeys((record.id.casefold(), key.casefold())):
            yield word, "id", kind, key
        for word in dict.fromkeys(name.casefold() for name in (record.name, *record.aliases)):
            yield word, "name", kind, key


def data_json(kind: str, record: Any) -> str:
    """The record as KB-file JSON without its default values (the `data` column that
    `archkb export sqlite` users query), as pydantic's `model_dump_json(by_alias=True,
    exclude_defaults=True)` wrote it."""
    from .load import KIND_OF_FOLDER
    from .schema import KIND_MODELS

    folder = next(f for f, k in KIND_OF_FOLDER.items() if k == kind)
    return json.dumps(
        _without_defaults(record, KIND_MODELS[folder]), ensure_ascii=False, separators=(",", ":")
    )


def _without_defaults(record: Any, model: Any) -> dict[str, Any]:
    from . import schema

    out: dict[str, Any] = {}
    for name, alias, has_default, default in _defaults(model):
        value = getattr(record, name)
        if has_default and _is_default(value, default):
            continue
        out[alias] = _nested_without_defaults(value, schema)
    return out


def _is_default(value: Any, default: Any) -> bool:
    kind = type(value)
    if value is None or kind is str or kind is bool or kind is int or kind is float:
        return bool(value == default and type(default) is kind)
    if kind is list and not value:
        return bool(default == [])
    return bool(jsonable(value) == default)


@functools.cache
def _defaults(model: Any) -> tuple[tuple[str, str, bool, Any], ...]:
    """(field, JSON name, has a default, the default as JSON) per field of a pydantic model."""
    return tuple(
        (
            name,
            info.alias or name,
            not info.is_required(),
            None if info.is_required() else jsonable(info.get_default(call_default_factory=True)),
        )
        for name, info in model.model_fields.items()
    )


def _nested_without_defaults(value: Any, schema: Any) -> Any:
    nested = getattr(schema, type(value).__name__, None) if hasattr(value, "_fields") else None
    if nested is not None:
        return _without_defaults(value, nested)
    if isinstance(value, list):
        return [_nested_without_defaults(v, schema) for v in value]
    if isinstance(value, dict):
        return {jsonable(k): _nested_without_defaults(v, schema) for k, v in value.items()}
    return jsonable(value)


def _pickled_tables(kb: KnowledgeBase) -> Iterator[dict[str, Any]]:
    """The KB's tables and origins as one pickle (the one row of the `tables` table).

    Equal strings, dates, lists of them and hashable nested records are shared first, so the
    pickle holds each once and unpickling builds each once: KB text repeats a lot (capability
    and provider ids, Terraform types, source URLs, file names, empty lists, the default
    lifecycle), and a KB read from the store then costs time and memory per distinct value, not
    per occurrence. Records are read-only, so a list two records share is never changed.
    """
    shared: dict[Any, Any] = {}
    tables: dict[str, Any] = {
        kind: {
            _shared(record_id, shared): _shared(kb.table(kind)[record_id], shared)
            for record_id in sorted(kb.table(kind))
        }
        for kind in KINDS
    }
    tables["origins"] = {
        key: _shared(Origin(*kb.origins[key]), shared) for key in sorted(kb.origins)
    }
    yield {"name": "kb", "data": pickle.dumps(tables, protocol=5)}


def _shared(value: Any, shared: dict[Any, Any]) -> Any:
    """`value` with every equal str, date, list of hashables and hashable record replaced by one
    shared instance."""
    kind = type(value)
    if kind is str or kind is dt.date:
        return shared.setdefault((kind, value), value)
    if kind is list:
        items = [_shared(v, shared) for v in value]
        try:
            return shared.setdefault((list, tuple(items)), items)
        except TypeError:  # holds a list or dict
            return items
    if kind is dict:
        return {_shared(k, shared): _shared(v, shared) for k, v in value.items()}
    if hasattr(kind, "_fields"):  # a plain record or Origin (named tuples)
        rebuilt = kind(*[_shared(v, shared) for v in value])
        try:
            return shared.setdefault((kind, rebuilt), rebuilt)
        except TypeError:  # holds a list or dict: not hashable, not shared
            return rebuilt
    return value


class _BlobReader(io.RawIOBase):
    """A SQLite blob as a raw binary stream (what `io.BufferedReader` wraps for the unpickler)."""

    def __init__(self, blob: sqlite3.Blob) -> None:
        self._blob = blob

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._blob.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


class _StoreUnpickler(pickle.Unpickler):
    """Unpickles only what `_pickled_tables` writes: the plain record types, their enums,
    dates and `Origin`. Any other class in a (damaged or planted) store is an error, so reading
    the cache can never run code it names."""

    def find_class(self, module: str, name: str) -> Any:
        allowed = _ALLOWED.get(module)
        if allowed is None or name not in allowed:
            raise ValueError(f"store names a type it may not hold: {module}.{name}")
        return super().find_class(module, name)


def _allowed_types() -> dict[str, set[str]]:
    from . import records

    own = {
        name
        for name, value in vars(records).items()
        if isinstance(value, type) and value.__module__ == records.__name__
    }
    return {records.__name__: own, Origin.__module__: {"Origin"}, "datetime": {"date"}}


_ALLOWED = _allowed_types()


def read_store(path: Path, expected_fingerprint: str | None = None) -> KnowledgeBase:
    """Read a compiled KB. Raises sqlite3.Error/ValueError when it is corrupt or stale.

    Records come back as the plain records they were written as (one pickle), not
    validated again: the store is only ever written from records that passed validation, and
    its key covers the KB files, the archkb version and the records' field layout. Unpickling
    admits only the record types (`_StoreUnpickler`); a damaged pickle raises, and the caller
    answers every error here by rebuilding.
    """
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        meta = dict(conn.execute("select key, value from meta"))
        if meta.get("format") != str(STORE_FORMAT):
            raise ValueError(f"store format {meta.get('format')} is not {STORE_FORMAT}")
        if expected_fingerprint and meta.get("fingerprint") != expected_fingerprint:
            raise ValueError("store fingerprint does not match the KB files")
        kb = KnowledgeBase()
        found = conn.execute("select rowid from tables where name = 'kb'").fetchone()
        if found is None:
            raise ValueError("store has no tables")
        # Streamed from SQLite (incremental blob I/O) rather than fetched as one bytes object:
        # at 100× the pickle is tens of MB, and holding it whole next to the records it builds
        # raised the peak memory of a load by that much again.
        with conn.blobopen("tables", "data", found[0], readonly=True) as blob:
            tables = _StoreUnpickler(io.BufferedReader(_BlobReader(blob), 1 << 16)).load()
        if not isinstance(tables, dict) or not all(isinstance(t, dict) for t in tables.values()):
            raise ValueError("store tables are not mappings")
        kb.origins = tables.pop("origins")
        for kind, table in tables.items():
            kb.table(kind).update(table)  # KeyError on an unknown kind
    except (pickle.UnpicklingError, EOFError, TypeError, AttributeError) as exc:
        raise ValueError(f"store holds a damaged table ({exc})") from exc
    finally:
        conn.close()
    if not isinstance(meta.get("fingerprint"), str):
        raise ValueError("store has no fingerprint")
    kb.fingerprint = meta["fingerprint"]
    kb.store_path = path
    if sum(kb.counts().values()) == 0:
        raise ValueError("store holds no records")
    return kb


def _prune_old_caches(current: Path) -> None:
    """Remove stale compiled caches (other fingerprints) so the cache dir does not grow."""
    for old in current.parent.glob("kb-*.sqlite"):
        if old != current:
            with contextlib.suppress(OSError):
                old.unlink()


def records_from(kb: KnowledgeBase) -> list[LoadedRecord]:
    """The KB as LoadedRecords again (used by tools that re-export a loaded KB)."""
    out = []
    for kind in KINDS:
        for record in kb.table(kind).values():
            origin = kb.origins.get(f"{kind}/{record.id}", Origin("", None))
            out.append(LoadedRecord(kind, record, origin.file, origin.line, 0))
    return out
