"""Safe, bounded, located YAML reading.

KB files may come from other teams (overlays), so reading them must never run code and must stay
bounded in time and memory. We parse with PyYAML's safe machinery only, refuse every tag outside
the YAML core schema, and build Python objects ourselves from the node tree so that every value
keeps the line it came from (errors then say `file:line`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

try:  # The C parser is several times faster; fall back quietly where libyaml is absent.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_FILE_BYTES = 2 * 1024 * 1024
"""Largest KB file we read (the biggest built-in file is far below this)."""
MAX_DEPTH = 20
"""Deepest nesting of mappings and sequences."""
MAX_NODES = 200_000
"""Most values built from one file, counting every alias expansion (stops alias bombs)."""
MAX_SCALAR_CHARS = 20_000
"""Longest single string value."""

_CORE = "tag:yaml.org,2002:"
_ALLOWED_SCALAR_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_SCALARS = yaml.constructor.SafeConstructor()

Path = tuple[str | int, ...]


class YamlProblem(Exception):
    """A YAML file that cannot be read; `line` is 1-based or None when unknown."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass
class LocatedDocument:
    """The data of one YAML document and the line where each value (by path) starts."""

    data: Any
    lines: dict[Path, int] = field(default_factory=dict)

    def line_of(self, path: Path) -> int | None:
        """Line of the value at `path`, or of its closest located ancestor."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return None


def read_located(raw: bytes) -> LocatedDocument:
    """Parse one YAML document from bytes, enforcing the limits above.

    Raises:
        YamlProblem: for oversize input, bad encoding, syntax errors, disallowed tags,
            duplicate keys, or input past the nesting/alias limits.
    """
    if len(raw) > MAX_FILE_BYTES:
        raise YamlProblem(f"file is {len(raw):,} bytes; the limit is {MAX_FILE_BYTES:,}")
    text = _decode(raw)
    _check_depth(text)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise YamlProblem(f"YAML syntax error: {exc.problem or exc}", line) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"YAML error: {exc}") from None
    doc = LocatedDocument(data=None)
    if node is None:
        return doc
    budget = [MAX_NODES]
    doc.data = _build(node, (), doc.lines, budget)
    return doc


def _decode(raw: bytes) -> str:
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise YamlProblem("file contains a NUL byte", line)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlProblem(f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})", line) from None


def _check_depth(text: str) -> None:
    """Walk the event stream (iteratively) so deep nesting fails before recursive composing."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    line = event.start_mark.line + 1 if event.start_mark else None
                    raise YamlProblem(f"nesting deeper than {MAX_DEPTH} levels", line)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlProblem(
            f"YAML syntax error: {exc.problem or exc}", mark.line + 1 if mark else None
        ) from None


def _build(node: yaml.Node, path: Path, lines: dict[Path, int], budget: list[int]) -> Any:
    budget[0] -= 1
    line = node.start_mark.line + 1
    if budget[0] < 0:
        raise YamlProblem(f"more than {MAX_NODES:,} values (alias expansion?)", line)
    lines.setdefault(path, line)
    if isinstance(node, yaml.MappingNode):
        if node.tag != _CORE + "map":
            raise YamlProblem(f"tag {node.tag!r} is not allowed", line)
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _CORE + "merge":
                raise YamlProblem("merge keys (<<) are not supported", key_node.start_mark.line + 1)
            key = _build(key_node, path, {}, budget)
            if not isinstance(key, str):
                raise YamlProblem(
                    f"mapping key {key!r} is not a string", key_node.start_mark.line + 1
                )
            if key in result:
                raise YamlProblem(f"duplicate key {key!r}", key_node.start_mark.line + 1)
            lines[(*path, key)] = key_node.start_mark.line + 1
            result[key] = _build(value_node, (*path, key), lines, budget)
        return result
    if isinstance(node, yaml.SequenceNode):
        if node.tag != _CORE + "seq":
            raise YamlProblem(f"tag {node.tag!r} is not allowed", line)
        return [_build(item, (*path, i), lines, budget) for i, item in enumerate(node.value)]
    if node.tag not in _ALLOWED_SCALAR_TAGS:
        raise YamlProblem(f"tag {node.tag!r} is not allowed", line)
    if len(node.value) > MAX_SCALAR_CHARS:
        raise YamlProblem(f"value longer than {MAX_SCALAR_CHARS:,} characters", line)
    try:
        return _SCALARS.construct_object(node)
    except (yaml.YAMLError, ValueError) as exc:
        raise YamlProblem(f"bad value {node.value[:40]!r}: {exc}", line) from None
