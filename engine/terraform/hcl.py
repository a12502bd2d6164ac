"""Terraform source (HCL native syntax or JSON) → the top-level blocks the inventory needs.

HCL is parsed with tree-sitter and its HCL grammar: it is error-tolerant (a file with one bad
block still yields the others, each error with its line) and parses about 40× faster than
python-hcl2 on real trees (measured in docs/terraform-input.md).
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tree_sitter import Node, Parser, Query

BLOCK_KINDS = frozenset({"resource", "data", "module", "locals", "provider", "variable"})
"""Top-level blocks the inventory reads (providers for their region, variables for a literal
default that an attribute rule may need); outputs carry no resources."""
PLACE_ATTRIBUTES = ("region", "location")
TEMPLATE_MARK = "${…}"
"""Stands for the interpolated rest of a string whose literal head is kept."""
VARIABLE_MARK = "${var."
"""An attribute that is exactly `var.NAME` is kept as `${var.NAME}` (no literal string reads
so: it would be a template), for the inventory to replace by the variable's literal default."""

_NON_RESOURCE_ROOTS = frozenset({"var", "each", "count", "path", "terraform", "self", "module"})
_MAX_ATTRIBUTE_DEPTH = 4


@dataclass(frozen=True)
class Block:
    """One top-level block: `resource "TYPE" "NAME"`, `data …`, `module "NAME"` or `locals`."""

    kind: str
    labels: tuple[str, ...]
    line: int
    attributes: dict[str, str] = field(default_factory=dict)
    """Dotted attribute path → value, for literal values only (`engine`, `settings.tier`)."""
    refs: dict[str, frozenset[str]] = field(default_factory=dict)
    """Top-level attribute (or nested block) name → what its expressions reference:
    `TYPE.NAME`, `data.TYPE.NAME`, `module.NAME`, `local.NAME`."""
    error_line: int | None = None
    """Line of a syntax error inside the block (the block's labels were still readable)."""


@dataclass(frozen=True)
class SyntaxProblem:
    line: int
    message: str


@dataclass(frozen=True)
class ParsedFile:
    blocks: list[Block]
    problems: list[SyntaxProblem]


@cache
def _parser() -> tuple[Parser, Query]:
    import tree_sitter
    import tree_sitter_hcl

    language = tree_sitter.Language(tree_sitter_hcl.language())
    query = tree_sitter.Query(language, "(variable_expr (identifier) @root)")
    return tree_sitter.Parser(language), query


def parse_hcl(source: bytes, detail: frozenset[str] | None = None) -> ParsedFile:
    """Blocks of one `.tf` / `.tofu` file; syntax errors become problems with their line.

    Args:
        source: the file's bytes.
        detail: resource and data types whose literal attributes are read in full (the types
            attribute rules look at); None reads them for every type. Other blocks keep only
            `count` / `for_each`; module blocks always keep `source` and `version`.
    """

    import tree_sitter

    parser, query = _parser()
    tree = parser.parse(source)
    root = tree.root_node
    blocks: list[Block] = []
    problems: list[SyntaxProblem] = []
    body = next((c for c in root.children if c.type == "body"), None)
    top = body.children if body is not None else root.children
    # One query over the file finds every `name.attr…` reference; blocks take theirs by range.
    captured = tree_sitter.QueryCursor(query).captures(root)
    roots = sorted((n for nodes in captured.values() for n in nodes), key=lambda n: n.start_byte)
    _collect(top, _File(source, roots, [r.start_byte for r in roots], detail), blocks, problems)
    return ParsedFile(blocks, problems)


@dataclass(frozen=True)
class _File:
    source: bytes
    roots: list[Node]
    starts: list[int]
    detail: frozenset[str] | None


def _collect(
    nodes: list[Node],
    f: _File,
    blocks: list[Block],
    problems: list[SyntaxProblem],
) -> None:
    source = f.source
    for node in nodes:
        if node.type == "block":
            if not node.has_error and _text(node.child(0), source) not in BLOCK_KINDS:
                continue  # variables, outputs, providers: nothing the inventory needs
            kind, labels, inner = _head(node, source)
            if node.has_error:
                # A block missing its closing brace swallows the blocks after it: take them back.
                hoisted = [
                    c
                    for c in (inner.children if inner is not None else [])
                    if c.type == "block" and _text(c.child(0), source) in BLOCK_KINDS
                ]
            else:
                hoisted = []
            if kind in BLOCK_KINDS:
                block = _block(node, kind, labels, inner, f, hoisted)
                if block is None:
                    problems.append(
                        SyntaxProblem(_error_line(node), f"invalid HCL: unreadable {kind} block")
                    )
                else:
                    blocks.append(block)
                    if block.error_line is not None:  # mapped, and the error listed too
                        problems.append(
                            SyntaxProblem(
                                block.error_line,
                                f"invalid HCL inside {kind} {'.'.join(labels)} (its type and "
                                "name were read; the rest of the block may be missing)",
                            )
                        )
            elif node.has_error and not hoisted:
                problems.append(SyntaxProblem(_error_line(node), f"invalid HCL in a {kind} block"))
            _collect(hoisted, f, blocks, problems)
        elif node.type == "ERROR" or node.has_error or node.is_missing:
            inner_blocks = [c for c in node.children if c.type == "block"]
            problems.append(SyntaxProblem(_error_line(node), "invalid HCL (syntax error)"))
            _collect(inner_blocks, f, blocks, problems)


def _head(node: Node, source: bytes) -> tuple[str, tuple[str, ...], Node | None]:
    """A block's type, labels and body, in one pass over its children."""
    kind = ""
    labels: list[str] = []
    for child in node.children:
        kind_of = child.type
        if kind_of == "identifier":
            if kind:
                labels.append(_text(child, source))  # Terraform 0.11 allowed unquoted labels
            else:
                kind = _text(child, source)
        elif kind_of == "string_lit":
            labels.append(_text(child, source).strip('"'))
        elif kind_of == "body":
            return kind, tuple(labels), child
    return kind, tuple(labels), None


def _block(
    node: Node,
    kind: str,
    labels: tuple[str, ...],
    body: Node | None,
    f: _File,
    skip: list[Node],
) -> Block | None:
    source = f.source
    expected = {"resource": 2, "data": 2, "module": 1, "locals": 0, "provider": 1, "variable": 1}
    if len(labels) != expected[kind] or not all(labels):
        return None
    if kind == "variable":
        default = next(
            (
                value
                for c in (body.children if body is not None else [])
                if c.type == "attribute"
                and _text(c.child(0), source) == "default"
                and (value := _literal(c, source)) is not None
                and not value.endswith(TEMPLATE_MARK)
            ),
            None,
        )
        kept = {} if default is None else {"default": default}
        return Block(kind, labels, node.start_point[0] + 1, kept, {}, None)
    attributes: dict[str, str] = {}
    members = body.children if body is not None else []
    end = skip[0].start_byte if skip else node.end_byte
    if body is not None:
        brief = kind in ("resource", "data") and f.detail is not None and labels[0] not in f.detail
        if kind == "locals" or brief:
            _meta_arguments(members, source, attributes)
        else:
            _attributes(body, source, "", attributes, 0, end)
    refs = _refs(node, members, f, end) if kind not in ("data", "provider") else {}
    error = _error_line(node) if node.has_error else None
    return Block(kind, labels, node.start_point[0] + 1, attributes, refs, error)


def _meta_arguments(members: list[Node], source: bytes, out: dict[str, str]) -> None:
    """`count` / `for_each` and a literal region or location: all a resource needs when no
    rule reads its attributes."""
    for child in members:
        if child.type == "attribute":
            name = _text(child.child(0), source)
            if name in ("count", "for_each"):
                out[name] = _literal(child, source) or "(expression)"
            elif name in PLACE_ATTRIBUTES and (value := _literal(child, source)) is not None:
                out[name] = value


def _attributes(
    body: Node, source: bytes, prefix: str, out: dict[str, str], depth: int, end: int
) -> None:
    for child in body.children:
        if child.start_byte >= end:
            return
        if child.type == "attribute":
            name = _text(child.child(0), source)
            value = _literal(child, source)
            if value is None:
                value = _variable(child, source)
            if value is not None:
                out[prefix + name] = value
            elif name in ("count", "for_each", "source", "version", "type"):
                out[prefix + name] = "(expression)"
        elif child.type == "block" and depth < _MAX_ATTRIBUTE_DEPTH:
            kind, labels, inner = _head(child, source)
            if inner is None:
                continue
            if kind == "dynamic" and labels:
                out.setdefault(prefix + labels[0], "(dynamic)")
                content = next(
                    (
                        c
                        for c in inner.children
                        if c.type == "block" and _text(c.child(0), source) == "content"
                    ),
                    None,
                )
                if content is not None and (content_body := _head(content, source)[2]):
                    _attributes(content_body, source, f"{prefix}{labels[0]}.", out, depth + 1, end)
            else:
                out.setdefault(prefix + kind, "(block)")
                _attributes(inner, source, f"{prefix}{kind}.", out, depth + 1, end)


def _literal(attribute: Node, source: bytes) -> str | None:
    expression = next((c for c in attribute.children if c.type == "expression"), None)
    if expression is None or expression.child_count != 1:
        return None
    value = expression.child(0)
    if value.type == "template_expr":
        # "Microsoft.ContainerService/managedClusters@${local.api_version}": the literal head
        # is what prefix rules read; equals rules never match the marker.
        quoted = value.child(0) if value.child_count == 1 else None
        parts = quoted.children[1:2] if quoted and quoted.type == "quoted_template" else []
        if parts and parts[0].type == "template_literal":
            return _text(parts[0], source) + TEMPLATE_MARK
        return None
    if value.type != "literal_value" or value.child_count != 1:
        return None
    inner = value.child(0)
    if inner.type == "string_lit":
        parts = [
            c
            for c in inner.children
            if c.type not in ("quoted_template_start", "quoted_template_end")
        ]
        if all(p.type == "template_literal" for p in parts):
            return "".join(_text(p, source) for p in parts)
        return None
    return _text(inner, source)


def _variable(attribute: Node, source: bytes) -> str | None:
    """`${var.NAME}` when the attribute's whole expression is `var.NAME`."""
    expression = attribute.child(attribute.child_count - 1)
    if expression is None or expression.type != "expression" or expression.child_count != 2:
        return None
    root, step = expression.children
    if root.type != "variable_expr" or _text(root, source) != "var" or step.type != "get_attr":
        return None
    name = step.child(step.child_count - 1)
    return f"{VARIABLE_MARK}{_text(name, source)}}}" if name is not None else None


def _refs(node: Node, members: list[Node], f: _File, end: int) -> dict[str, frozenset[str]]:
    """References in the block, keyed by the top-level attribute or nested block they sit in."""
    source = f.source
    roots = f.roots[
        bisect.bisect_left(f.starts, node.start_byte) : bisect.bisect_left(f.starts, end)
    ]
    if not roots:
        return {}
    member_starts = [m.start_byte for m in members]
    found: dict[str, set[str]] = {}
    for root in roots:
        ref = _reference(root.start_byte, root.end_byte, source)
        if ref is None:
            continue
        index = bisect.bisect_right(member_starts, root.start_byte) - 1
        member = members[index] if index >= 0 else None
        key = _text(member.child(0), source) if member and member.child_count else ""
        found.setdefault(key, set()).add(ref)
    return {k: frozenset(v) for k, v in found.items()}


_STEPS = re.compile(rb"\s*\.\s*([A-Za-z_][A-Za-z0-9_-]*)(?:\s*\.\s*([A-Za-z_][A-Za-z0-9_-]*))?")


def _reference(start: int, end: int, source: bytes) -> str | None:
    name = source[start:end].decode("utf-8", "replace")
    if name in _NON_RESOURCE_ROOTS and name != "module":
        return None
    match = _STEPS.match(source, end)
    if match is None:
        return None
    step1 = match.group(1).decode()
    step2 = match.group(2).decode() if match.group(2) else None
    if name == "local":
        return f"local.{step1}"
    if name == "module":
        return f"module.{step1}"
    if name == "data":
        return f"data.{step1}.{step2}" if step2 else None
    if "_" not in name:
        return None
    return f"{name}.{step1}"


def _error_line(node: Node) -> int:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "ERROR" or current.is_missing:
            return current.start_point[0] + 1
        stack.extend(reversed([c for c in current.children if c.has_error or c.is_missing]))
    return node.start_point[0] + 1


def _text(node: Node, source: bytes) -> str:
    return source[node.start_byte : node.end_byte].decode("utf-8", "replace")


def parse_json(text: str) -> ParsedFile:
    """Blocks of one `.tf.json` file (Terraform's JSON syntax); lines are found by search."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return ParsedFile([], [SyntaxProblem(exc.lineno, f"invalid JSON ({exc.msg})")])
    if not isinstance(data, dict):
        return ParsedFile([], [SyntaxProblem(1, "a .tf.json file holds a JSON object")])
    blocks: list[Block] = []
    for kind in ("resource", "data"):
        for rtype, name, body in _json_pairs(data.get(kind)):
            line = _json_line(text, rtype, name)
            attributes = {
                k: str(v) for k, v in body.items() if isinstance(v, str | int | float | bool)
            }
            for meta in ("count", "for_each"):
                if meta in body and meta not in attributes:
                    attributes[meta] = "(expression)"
            refs = {"": frozenset(_json_refs(json.dumps(body)))}
            blocks.append(Block(kind, (rtype, name), line, attributes, refs))
    for name, body in _json_items(data.get("module")):
        attributes = {k: str(v) for k, v in body.items() if isinstance(v, str)}
        blocks.append(Block("module", (name,), _json_line(text, name), attributes, {}))
    return ParsedFile(blocks, [])


def _json_items(value: Any) -> list[tuple[str, dict[str, Any]]]:
    chunks = value if isinstance(value, list) else [value]
    out = []
    for chunk in chunks:
        if isinstance(chunk, dict):
            for key, body in chunk.items():
                for item in body if isinstance(body, list) else [body]:
                    if isinstance(item, dict):
                        out.append((str(key), item))
    return out


def _json_pairs(value: Any) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (rtype, name, body)
        for rtype, by_name in _json_items(value)
        for name, body in _json_items(by_name)
    ]


def _json_line(text: str, *keys: str) -> int:
    position = 0
    for key in keys:
        found = text.find(f'"{key}"', position)
        if found < 0:
            break
        position = found
    return text.count("\n", 0, position) + 1


def _json_refs(text: str) -> set[str]:
    return {
        m.group(1)
        for m in re.finditer(
            r"\$\{[^}]*?\b((?:data\.)?[a-z][a-z0-9]*_[a-z0-9_]+\.[A-Za-z0-9_-]+)", text
        )
    }
