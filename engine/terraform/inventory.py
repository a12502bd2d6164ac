"""A Terraform tree → an inventory: every resource, data source and unread module call with its
address (module path included), file and line; files that cannot be read become `unparsed` items.

Each block is listed once, where it is written: a folder of roots that call shared modules lists
the module's resources under the first caller's address (roots in path order), not once per call.
Local module sources are followed (cycle and depth guard); registry and remote modules are kept as
`module` items for the mapping to match. `count` / `for_each` are noted, not expanded.
"""

from __future__ import annotations

import dataclasses
import os
import stat
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from .hcl import (
    TEMPLATE_MARK,
    VARIABLE_MARK,
    Block,
    ParsedFile,
    SyntaxProblem,
    parse_hcl,
    parse_json,
)

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_MODULE_DEPTH = 16
SUFFIXES = (".tf", ".tf.json", ".tofu", ".tofu.json")

ItemKind = Literal["resource", "data", "module", "unparsed"]


@dataclass(frozen=True, slots=True)
class InventoryItem:
    """One thing the code declares (or one file or block that could not be read).

    A plain dataclass, not a pydantic model: there is one per resource, built from parsed
    blocks that are typed already, and validating them again cost more than a tenth of
    reading 1,000 files."""

    kind: ItemKind
    address: str
    """`module.a.aws_s3_bucket.logs`; for unparsed items the file and line."""
    type: str
    """Resource type; for a module, its source; empty for unparsed items."""
    file: str
    """Path relative to the folder read (posix separators)."""
    line: int
    module: str
    """Module path (`module.a.module.b`), empty at a root."""
    attributes: dict[str, str] = field(default_factory=dict)
    refs: list[str] = field(default_factory=list)
    """Resource addresses this one references, directly or through locals."""
    repeat: Literal["count", "for_each"] | None = None
    message: str = ""


class Inventory(BaseModel):
    model_config = ConfigDict(frozen=True)
    root: str
    files: int
    items: list[InventoryItem]
    regions: list[str] = []
    """Literal regions and locations in the code (provider blocks, resources), most used first,
    normalised as codes (`West Europe` → `westeurope`)."""


class InventoryInputError(ValueError):
    """The path itself cannot be read (missing, or holds no Terraform at all)."""


Progress = Callable[[int, int], None]
"""Called with (files read, files found) as reading goes on."""


@dataclass
class _Walk:
    base: Path
    items: list[InventoryItem] = field(default_factory=list)
    visited: set[Path] = field(default_factory=set)
    files: int = 0
    total: int = 0
    progress: Progress | None = None
    detail: frozenset[str] | None = None
    parsed: dict[Path, list[tuple[Path, Block]]] = field(default_factory=dict)
    places: Counter[str] = field(default_factory=Counter)
    names: dict[str, str] = field(default_factory=dict)
    """File → its name relative to the folder read (computed once per file)."""
    problems: dict[Path, list[tuple[Path, SyntaxProblem]]] = field(default_factory=dict)


def read_inventory(
    path: Path, progress: Progress | None = None, detail: frozenset[str] | None = None
) -> Inventory:
    """Read a `.tf` / `.tf.json` / `.tofu` file or a folder (recursively) into an inventory.

    Args:
        path: a Terraform file or a folder.
        progress: called with (files read, files found) as reading goes on.
        detail: resource types whose literal attributes are kept in full (those attribute
            rules read, see `owners.rule_types`); None keeps them for every type.

    Raises:
        InventoryInputError: the path does not exist or holds no Terraform files.
    """
    if not path.exists():
        raise InventoryInputError(f"{path}: no such file or folder")
    if path.is_file():
        folders = {path.parent.resolve(): [path.parent.resolve() / path.name]}
        base = path.parent
    else:
        folders = _folders(path)
        base = path
    if not folders:
        raise InventoryInputError(f"{path}: no .tf, .tf.json or .tofu files in this folder")
    walk = _Walk(
        base.resolve(),
        total=sum(len(f) for f in folders.values()),
        progress=progress,
        detail=detail,
    )
    # Roots first: a folder some other folder calls as a local module is read through its
    # caller, so its resources carry the caller's module path (and are listed once).
    called = {
        target
        for folder in folders
        for _, block in _blocks(walk, folder, folders[folder])
        if block.kind == "module"
        and (target := _local_target(folder, block.attributes.get("source", ""))) is not None
        and target != folder
    }
    for folder in sorted(folders, key=lambda f: f in called):
        if folder not in walk.visited:
            _read_module(walk, folder, "", [], folders)
    regions = [code for code, _ in sorted(walk.places.items(), key=lambda kv: (-kv[1], kv[0]))]
    return Inventory(root=str(path), files=walk.files, items=walk.items, regions=regions)


def _local_target(folder: Path, source: str) -> Path | None:
    if source.startswith(("./", "../")) or source in (".", ".."):
        return (folder / source).resolve()
    return None


def inventory_from_text(text: str, name: str = "<stdin>") -> Inventory:
    """An inventory of one piece of HCL given as text (standard input); no modules followed."""
    walk = _Walk(Path("."), files=1, total=1)
    parsed = parse_json(text) if text.lstrip().startswith("{") else parse_hcl(text.encode())
    for problem in parsed.problems:
        walk.items.append(
            InventoryItem(
                kind="unparsed",
                address=f"{name}:{problem.line}",
                type="",
                file=name,
                line=problem.line,
                module="",
                message=problem.message,
            )
        )
    locals_refs = _locals([(Path(name), b) for b in parsed.blocks])
    defaults = _defaults([(Path(name), b) for b in parsed.blocks])
    for block in parsed.blocks:
        if block.kind in ("resource", "data"):
            item = _resource_item(walk, Path(name), block, "", "", locals_refs, defaults)
            walk.items.append(dataclasses.replace(item, file=name))
        elif block.kind == "module":
            walk.items.append(
                InventoryItem(
                    kind="module",
                    address=f"module.{block.labels[0]}",
                    type=block.attributes.get("source", ""),
                    file=name,
                    line=block.line,
                    module="",
                    message=""
                    if block.attributes.get("source")
                    else "module without a literal source",
                )
            )
    return Inventory(root=name, files=1, items=walk.items)


def _folders(root: Path) -> dict[Path, list[Path]]:
    """Folders holding Terraform files, the root first, then by path; dot-folders skipped."""
    found: dict[Path, list[Path]] = {}
    for current, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        files = _terraform_files(Path(current), names)
        if files:
            found[Path(current).resolve()] = files
    return found


def _terraform_files(folder: Path, names: list[str]) -> list[Path]:
    chosen = sorted(n for n in names if n.endswith(SUFFIXES) and not _is_override(n))
    # OpenTofu reads x.tofu instead of x.tf when both exist.
    tofu = {n.replace(".tofu", ".tf") for n in chosen if ".tofu" in n}
    return [folder / n for n in chosen if n not in tofu]


def _is_override(name: str) -> bool:
    stem = name.split(".", 1)[0]
    return stem == "override" or stem.endswith("_override")


def _read_module(
    walk: _Walk, folder: Path, module: str, stack: list[Path], folders: dict[Path, list[Path]]
) -> None:
    walk.visited.add(folder)
    files = folders.get(folder)
    if files is None:
        files = _terraform_files(folder, os.listdir(folder))
        walk.total += len(files)
    blocks = _blocks(walk, folder, files)
    for file, problem in walk.problems.pop(folder, []):
        walk.items.append(_unparsed(walk, file, problem.line, module, problem.message))
    locals_refs = _locals(blocks)
    defaults = _defaults(blocks)
    prefix = f"{module}." if module else ""
    for file, block in blocks:
        if block.kind in ("resource", "data"):
            item = _resource_item(walk, file, block, module, prefix, locals_refs, defaults)
            walk.items.append(item)
        elif block.kind == "module":
            _module_call(walk, folder, file, block, module, stack, folders)
        if (
            block.kind in ("provider", "resource")
            and (place := block.attributes.get("region") or block.attributes.get("location"))
            and not place.endswith(TEMPLATE_MARK)
        ):
            walk.places[place.replace(" ", "").lower()] += 1


def _blocks(walk: _Walk, folder: Path, files: list[Path]) -> list[tuple[Path, Block]]:
    """The blocks of a folder's files, parsed once; their problems wait in `walk.problems`
    until the folder is read (when its module path is known)."""
    if folder in walk.parsed:
        return walk.parsed[folder]
    blocks: list[tuple[Path, Block]] = []
    problems: list[tuple[Path, SyntaxProblem]] = []
    for file in files:
        walk.files += 1
        if walk.progress is not None:
            walk.progress(walk.files, walk.total)
        parsed, reason = _parse(walk, file)
        if parsed is None:
            problems.append((file, SyntaxProblem(1, reason)))
            continue
        lines = set()
        for problem in parsed.problems:
            if problem.line not in lines:  # one row per place, however many errors start there
                lines.add(problem.line)
                problems.append((file, problem))
        blocks.extend((file, b) for b in parsed.blocks)
    walk.parsed[folder] = blocks
    walk.problems[folder] = problems
    return blocks


def _parse(walk: _Walk, file: Path) -> tuple[ParsedFile | None, str]:
    try:
        # One lstat for the common case (a regular file); links cost a second look.
        status = os.lstat(file)
        if stat.S_ISLNK(status.st_mode):
            if not file.resolve().is_relative_to(walk.base):
                return None, "symlink points outside the folder read; not followed"
            status = os.stat(file)
        if not stat.S_ISREG(status.st_mode):
            return None, "not a regular file"
        if status.st_size > MAX_FILE_BYTES:
            return (
                None,
                f"{status.st_size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit; not read",
            )
        with open(file, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        return None, f"cannot read ({exc.strerror})"
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, f"not UTF-8 text (byte {exc.start})"
    if file.name.endswith(".json"):
        return parse_json(text), ""
    return parse_hcl(data, walk.detail), ""


def _relative(walk: _Walk, file: Path) -> str:
    # Not resolved: a symlinked file is named where it is linked, not where it points.
    name = walk.names.get(str(file))
    if name is None:
        name = walk.names[str(file)] = Path(os.path.relpath(file, walk.base)).as_posix()
    return name


def _unparsed(walk: _Walk, file: Path, line: int, module: str, message: str) -> InventoryItem:
    name = _relative(walk, file)
    return InventoryItem(
        kind="unparsed",
        address=f"{name}:{line}",
        type="",
        file=name,
        line=line,
        module=module,
        message=message,
    )


def _defaults(blocks: list[tuple[Path, Block]]) -> dict[str, str]:
    """`${var.NAME}` → the literal default of variable NAME in this module."""
    return {
        f"{VARIABLE_MARK}{block.labels[0]}}}": block.attributes["default"]
        for _, block in blocks
        if block.kind == "variable" and "default" in block.attributes
    }


def _locals(blocks: list[tuple[Path, Block]]) -> dict[str, frozenset[str]]:
    """`local.NAME` → the resources it references, through other locals too."""
    direct: dict[str, frozenset[str]] = {}
    for _, block in blocks:
        if block.kind == "locals":
            for name, refs in block.refs.items():
                direct[f"local.{name}"] = refs
    resolved: dict[str, frozenset[str]] = {}

    def resolve(name: str, seen: frozenset[str]) -> frozenset[str]:
        if name in resolved:
            return resolved[name]
        out: set[str] = set()
        for ref in direct.get(name, frozenset()):
            if ref.startswith("local."):
                if ref not in seen:
                    out |= resolve(ref, seen | {ref})
            else:
                out.add(ref)
        resolved[name] = frozenset(out)
        return resolved[name]

    for name in direct:
        resolve(name, frozenset({name}))
    return resolved


def _resource_item(
    walk: _Walk,
    file: Path,
    block: Block,
    module: str,
    prefix: str,
    locals_refs: dict[str, frozenset[str]],
    defaults: dict[str, str],
) -> InventoryItem:
    rtype, name = block.labels
    refs: set[str] = set()
    for key, found in block.refs.items():
        if key == "depends_on":
            continue
        for ref in found:
            refs |= locals_refs.get(ref, set()) if ref.startswith("local.") else {ref}
    address = f"{'data.' if block.kind == 'data' else ''}{rtype}.{name}"
    attributes = block.attributes
    if defaults and any(v.startswith(VARIABLE_MARK) for v in attributes.values()):
        # `type = var.resource_type`: the module's default is what it deploys unless its
        # caller says otherwise (Azure Verified Modules pass azapi types this way)
        attributes = {k: defaults.get(v, v) for k, v in attributes.items()}
    repeat: Literal["count", "for_each"] | None = (
        "for_each" if "for_each" in attributes else "count" if "count" in attributes else None
    )
    message = (
        f"syntax error inside this block at line {block.error_line}" if block.error_line else ""
    )
    return InventoryItem(
        kind="resource" if block.kind == "resource" else "data",
        address=prefix + address,
        type=rtype,
        file=_relative(walk, file),
        line=block.line,
        module=module,
        attributes=attributes,
        refs=sorted(prefix + r for r in refs if not r.startswith(("module.", "local."))),
        repeat=repeat,
        message=message,
    )


def _module_call(
    walk: _Walk,
    folder: Path,
    file: Path,
    block: Block,
    module: str,
    stack: list[Path],
    folders: dict[Path, list[Path]],
) -> None:
    (name,) = block.labels
    address = f"{module}.module.{name}" if module else f"module.{name}"
    source = block.attributes.get("source", "")
    target = _local_target(folder, source)
    if target is not None:
        if target in stack or target == folder:
            message = f"module source {source} calls a module already being read (a cycle)"
        elif len(stack) >= MAX_MODULE_DEPTH:
            message = f"modules nested deeper than {MAX_MODULE_DEPTH}; {source} not read"
        elif not target.is_dir():
            message = f"local module source {source} not found"
        elif target in walk.visited:
            return  # read already: its resources are listed under their first caller
        else:
            _read_module(walk, target, address, [*stack, folder], folders)
            return
    else:
        message = "" if source else "module without a literal source"
    walk.items.append(
        InventoryItem(
            kind="module",
            address=address,
            type=source,
            file=_relative(walk, file),
            line=block.line,
            module=module,
            attributes={k: v for k, v in block.attributes.items() if k in ("source", "version")},
            repeat="for_each"
            if "for_each" in block.attributes
            else "count"
            if "count" in block.attributes
            else None,
            message=message,
        )
    )
