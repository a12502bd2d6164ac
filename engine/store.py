"""The compiled KB: a SQLite file (records, edges, FTS5 index) per list of KB roots, holding
the KB for one content hash of their files (found from the files' stats on a warm start).

Reading the cache uses the stdlib `sqlite3` and `pickle` only (fast start-up, no pydantic);
building it uses sqlite-utils. The cache is an optimisation: every failure to read or write it
ends in a warning and a load from YAML, never in an error.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
import os
import pickle
import sqlite3
import time
from array import array
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from .datatypes import Data
from .kb import KnowledgeBase, Origin, StoredOrigins
from .kinds import KINDS
from .load import LoadedRecord, builtin_kb_root, kb_file_entries, kb_file_names
from .records import ROW_LAYOUT, jsonable, new_record

STORE_FORMAT = 6
"""Bump when the table layout changes; part of the cache key. 2: the `names` table; 5: the
`tables` table (each kind's plain records, and the origins, pickled); 6: records pickled as
`tuple.__new__` calls, origins per kind in columns, the KB files' stats in `meta`."""

RACY_NS = 2_000_000_000
"""A KB file changed less than this long before the store noted the files' stats is "racy" (as
in git's index): a second change within the same timestamp tick of a coarse file-system clock
(1–2 s on some file systems) would leave its stats as they were, so its content is hashed."""


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


def _small_sha256(data: bytes) -> Any:
    """SHA-256 for the warm path's small inputs (the file stats, the roots) from CPython's own
    module where it has one: `hashlib` loads OpenSSL, a few percent of `archkb recommend`'s
    start-up. Contents are hashed with `hashlib` (faster on large inputs)."""
    try:
        from _sha256 import sha256  # type: ignore[import-not-found,unused-ignore]  # ≤ 3.11
    except ImportError:
        try:
            from _sha2 import sha256  # type: ignore[import-not-found,unused-ignore]  # ≥ 3.12
        except ImportError:
            from hashlib import sha256
    return sha256(data)


def _layout_header() -> str:
    from .version import VERSION

    return f"archkb {VERSION} store {STORE_FORMAT}\n{ROW_LAYOUT}\n"


def fingerprint(roots: Sequence[Path]) -> str:
    """Hash of archkb's version, the store format, the plain records' field layout and every KB
    file's path and bytes."""
    import hashlib

    digest = hashlib.sha256(_layout_header().encode())
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


class FileStats(Data, frozen=True):
    """What `os.stat` says about every KB file: the cache key's cheap stand-in for their bytes."""

    digest: str
    """Hash of each file's path, size, mtime, ctime, inode and device, per root in order."""
    newest_ns: int
    """The latest mtime or ctime among the files."""
    taken_ns: int
    """The wall clock just before the files were looked at."""


def file_stats(roots: Sequence[Path]) -> FileStats:
    """Stat every KB file of the roots (the files `fingerprint` reads, in the same order).

    Any change to a file's bytes moves its mtime and ctime (ctime cannot be set back), an
    added, removed or replaced file changes the list or an inode, so equal stats mean equal
    files — except for a change within one tick of the clock that stamped the files, which is
    what `RACY_NS` guards against.
    """
    taken = time.time_ns()
    digest = _small_sha256(_layout_header().encode())
    newest = 0
    for index, root in enumerate(roots):
        if not root.is_dir():
            digest.update(f"root {index} {root}: missing\n".encode(errors="surrogateescape"))
            continue
        base, names = kb_file_names(root)
        lines = [f"root {index} {base}"]
        for name in names:
            try:
                st = os.stat(os.path.join(base, name))
            except OSError:
                lines.append(f"{name}\0unreadable")
                continue
            lines.append(
                f"{name}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}\0{st.st_ino}\0{st.st_dev}"
            )
            newest = max(newest, st.st_mtime_ns, st.st_ctime_ns)
        digest.update("\n".join(lines).encode(errors="surrogateescape"))
        digest.update(b"\n")
    return FileStats(digest.hexdigest(), newest, taken)


def store_path(roots: Sequence[Path]) -> Path:
    """The compiled store for these roots (in this order) and this build of archkb.

    Named after the roots, not the files' content, so a warm start can find it before hashing
    anything: the store's `meta` says which content (`fingerprint`) it holds and which file
    stats that content had.
    """
    digest = _small_sha256(_layout_header().encode())
    for root in roots:
        digest.update(f"{root.resolve()}\n".encode(errors="surrogateescape"))
    return cache_dir() / f"kb-{digest.hexdigest()[:24]}.sqlite"


def _stats_check(key: str, stats_digest: str) -> str:
    """Binds the stats noted in a store to the fingerprint they were taken for."""
    return str(_small_sha256(f"{key}\n{stats_digest}".encode()).hexdigest())


def store_meta(path: Path) -> dict[str, str]:
    """The `meta` rows of a store; ValueError when it is of another format."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        meta = dict(conn.execute("select key, value from meta"))
    finally:
        conn.close()
    if meta.get("format") != str(STORE_FORMAT):
        raise ValueError(f"store format {meta.get('format')} is not {STORE_FORMAT}")
    return meta


def current_key(meta: dict[str, str], roots: Sequence[Path], stats: FileStats) -> tuple[str, bool]:
    """The fingerprint of the roots' files now, and whether the store's noted stats vouched
    for it (True: no file was read).

    The stats vouch when they equal the files' stats now and no file had changed within
    `RACY_NS` before they were noted; otherwise every file is hashed (`fingerprint`).
    Raises ValueError when the store's stats belong to another fingerprint than its own.
    """
    if meta.get("stats") == stats.digest:
        key = meta.get("fingerprint", "")
        if meta.get("stats_check") != _stats_check(key, stats.digest):
            raise ValueError("store's file stats do not belong to its fingerprint")
        if stats.newest_ns < int(meta.get("stats_time", "0")) - RACY_NS:
            return key, True
    return fingerprint(roots), False


def note_stats(path: Path, key: str, stats: FileStats) -> None:
    """Note in the store that `stats` are its files' stats, if it still holds `key`'s KB, so
    the next start trusts them (best effort: a read-only cache is only slower)."""
    rows = [
        ("stats", stats.digest),
        ("stats_check", _stats_check(key, stats.digest)),
        ("stats_time", str(stats.taken_ns)),
    ]
    with contextlib.suppress(sqlite3.Error, OSError):
        conn = sqlite3.connect(path, timeout=1)
        try:
            with conn:
                found = conn.execute("select value from meta where key = 'fingerprint'").fetchone()
                if found and found[0] == key:
                    conn.executemany("insert or replace into meta (key, value) values (?, ?)", rows)
        finally:
            conn.close()


def read_current(
    path: Path, roots: Sequence[Path], stats: FileStats
) -> tuple[KnowledgeBase | None, str]:
    """The store's KB if it holds the roots' files as they are now (else None: they changed),
    and their fingerprint. Raises sqlite3.Error/ValueError/KeyError/OSError when the store is
    unreadable or damaged."""
    meta = store_meta(path)
    key, trusted = current_key(meta, roots, stats)
    if key != meta.get("fingerprint"):
        return None, key
    kb = read_store(path, key)
    if not trusted:
        note_stats(path, key, stats)
    return kb, key


def load_knowledge_base(
    overlays: Sequence[Path] = (), *, use_cache: bool = True
) -> tuple[KnowledgeBase, list[str]]:
    """Load the KB (built-in + overlays), from the compiled cache when it is current.

    A warm start stats the KB files (`file_stats`) and reads the store's records when the
    stats it noted still hold; otherwise it hashes the files, and reads the store only when it
    holds that content (then notes the new stats), else builds it again from YAML.

    Returns:
        The KnowledgeBase and warnings (cache problems) for the caller to show.

    Raises:
        KbLoadError: when the YAML has problems (all of them, located).
    """
    roots = kb_roots(overlays)
    warnings: list[str] = []
    stats = file_stats(roots)
    path = store_path(roots)
    key: str | None = None
    if use_cache and path.exists():
        try:
            current, key = read_current(path, roots, stats)
            if current is not None:
                return current, warnings
        except (sqlite3.Error, ValueError, KeyError, OSError) as exc:
            warnings.append(f"cache {path} is unreadable ({exc}); rebuilding it")
    from .load import load_records

    kb = KnowledgeBase.from_records(load_records(roots))
    kb.fingerprint = key or fingerprint(roots)
    if use_cache:
        try:
            write_store(kb, path, stats)
            kb.store_path = path
            _prune_old_caches(path)
        except OSError as exc:
            warnings.append(
                f"cannot write cache {path} ({exc.strerror or exc}); continuing without it"
            )
    return kb, warnings


def write_store(kb: KnowledgeBase, path: Path, stats: FileStats | None = None) -> None:
    """Write the compiled KB atomically: build a temp file beside `path`, then rename.

    `stats`: the KB files' stats, taken before `kb.fingerprint` was computed (they are noted
    only when given)."""
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".sqlite", dir=path.parent)
    os.close(fd)
    try:
        build_database(kb, Path(tmp))
        if stats is not None:
            note_stats(Path(tmp), kb.fingerprint, stats)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def build_database(kb: KnowledgeBase, target: Path | sqlite3.Connection) -> None:
    """Create the SQLite database (a file, replaced; or an open, empty connection): meta,
    records (+ FTS5), edges, names (exact-match words)."""
    import json

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
    import json

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

    Equal values are shared first (`_shared`), so the pickle holds each once and unpickling
    builds each once: KB text repeats a lot (capability and provider ids, Terraform types,
    source URLs, file names, empty lists and maps, the default lifecycle), and a KB read from
    the store then costs time and memory per distinct value, not per occurrence. Records are
    read-only, so a list or map two records share is never changed.

    Records are pickled as `new_record(cls, values)` (`_RecordPickler`), and memo entries that
    nothing refers back to are dropped (`pickletools.optimize`): both halve what unpickling
    does per record. Origins go per kind as three columns in the order of the kind's ids —
    ids (the records' own strings), files, lines — which `StoredOrigins` turns into a mapping
    only when something asks.
    """
    import pickletools

    shared: dict[Any, Any] = {}
    tables: dict[str, Any] = {
        kind: {
            _shared(record_id, shared): _shared(kb.table(kind)[record_id], shared)
            for record_id in sorted(kb.table(kind))
        }
        for kind in KINDS
    }
    origins: dict[str, tuple[list[str], list[str], bytes]] = {}
    for kind in KINDS:
        ids = list(tables[kind])
        found = [kb.origins.get(f"{kind}/{record_id}", Origin("", None)) for record_id in ids]
        origins[kind] = (
            ids,
            [_shared(origin.file, shared) for origin in found],
            array("i", [origin.line or 0 for origin in found]).tobytes(),
        )
    tables["origins"] = origins
    buffer = io.BytesIO()
    _RecordPickler(buffer, protocol=5).dump(tables)
    yield {"name": "kb", "data": pickletools.optimize(buffer.getvalue())}


def _shared(value: Any, shared: dict[Any, Any]) -> Any:
    """`value` with every equal str, number, date, list, map and record replaced by one shared
    instance.

    Scalars are keyed by type and value; lists, maps and records by their type and the
    identities of their (already shared) items, in order — so `[1]` and `[True]`, or two maps
    with the same items in another order, stay apart. `shared` keeps every instance it hands
    out alive, which keeps those identities unique while it is in use.
    """
    kind = type(value)
    if kind is str or kind is int or kind is float or kind is dt.date:
        return shared.setdefault((kind, value), value)
    if kind is list:
        items = [_shared(v, shared) for v in value]
        return shared.setdefault((list, *map(id, items)), items)
    if kind is dict:
        pairs = {_shared(k, shared): _shared(v, shared) for k, v in value.items()}
        return shared.setdefault((dict, *(id(x) for pair in pairs.items() for x in pair)), pairs)
    if kind in _RECORD_CLASSES:
        fields = [_shared(v, shared) for v in value]
        return shared.setdefault((kind, *map(id, fields)), new_record(kind, tuple(fields)))
    return value  # None, booleans and enum members: one instance each already


def _record_classes() -> frozenset[type[Any]]:
    from . import records

    return frozenset(
        value
        for value in vars(records).values()
        if isinstance(value, type) and issubclass(value, tuple) and hasattr(value, "_fields")
    )


_RECORD_CLASSES = _record_classes()
"""The plain record types (named tuples) of `records.py`, nested ones included."""


class _RecordPickler(pickle.Pickler):
    """Pickles each plain record as `new_record(cls, values)` rather than the named tuple's own
    `cls.__new__(cls, *values)`, a Python function call per record when unpickled."""

    def reducer_override(self, obj: Any) -> Any:
        if type(obj) in _RECORD_CLASSES:
            return new_record, (type(obj), tuple(obj))
        return NotImplemented


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
    """Unpickles only what `_pickled_tables` writes: the plain record types, their enums and
    dates, and `new_record`, for which it calls `tuple.__new__` directly. Any other name in a
    (damaged or planted) store is an error, so reading the cache can never run code it names."""

    def find_class(self, module: str, name: str) -> Any:
        if module == new_record.__module__ and name == new_record.__name__:
            return tuple.__new__
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
    return {records.__name__: own, "datetime": {"date"}}


_ALLOWED = _allowed_types()
_TABLE_FIELDS = {
    kind: "categories"
    if kind == "category"
    else "capabilities"
    if kind == "capability"
    else kind + "s"
    for kind in KINDS
}
"""Kind → the `KnowledgeBase` field holding its table."""
_LINE_BYTES = array("i").itemsize


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
        origins = tables.pop("origins")
        for kind, table in tables.items():
            kb.table(kind)  # KeyError on an unknown kind
            setattr(kb, _TABLE_FIELDS[kind], table)  # the unpickled dict itself, not a copy
            ids, files, lines = origins[kind]
            if not len(ids) == len(files) == len(lines) // _LINE_BYTES == len(table):
                raise ValueError(f"store's origins of {kind} do not match its records")
        kb.origins = StoredOrigins(origins)
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
