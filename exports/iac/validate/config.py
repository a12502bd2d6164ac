"""A folder of Terraform read into modules (one per directory) of located blocks.

python-hcl2 gives the structure but no line numbers, so each block's line is found by its
header in the text, and an argument's line by the first line after it that assigns it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hcl2
from hcl2.utils import SerializationOptions

OPTIONS = SerializationOptions(with_comments=False, explicit_blocks=True, strip_string_quotes=True)
SKIP_DIRS = {".terraform", ".git"}


class ConfigError(ValueError):
    """A .tf file that does not parse; the message names the file and, when known, the line."""


@dataclass
class Block:
    """One top-level block: resource, data, module, variable, output or locals."""

    kind: str
    type: str
    name: str
    body: dict[str, Any]
    file: str
    line: int
    text_lines: list[str] = field(repr=False, default_factory=list)

    @property
    def address(self) -> str:
        if self.kind == "resource":
            return f"{self.type}.{self.name}"
        if self.kind == "data":
            return f"data.{self.type}.{self.name}"
        return f"{self.kind}.{self.name}" if self.name else self.kind

    def line_of(self, *path: str) -> int:
        """The line assigning the last of `path` (nested block names first), else the block's."""
        line = self.line
        for part in path:
            pattern = re.compile(rf"^\s*{re.escape(part)}\s*(=|\{{|\"|$)")
            for number in range(line, len(self.text_lines) + 1):
                if pattern.match(self.text_lines[number - 1]):
                    line = number
                    break
        return line

    def line_containing(self, text: str) -> int:
        for number in range(self.line, len(self.text_lines) + 1):
            if text in self.text_lines[number - 1]:
                return number
        return self.line


@dataclass
class Module:
    """The .tf files of one directory."""

    path: str
    """Relative to the validated folder ('.' for its top)."""
    blocks: list[Block] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[Block]:
        return [b for b in self.blocks if b.kind == kind]

    def find(self, kind: str, type_: str, name: str = "") -> Block | None:
        for block in self.blocks:
            if block.kind == kind and block.type == type_ and (not name or block.name == name):
                return block
        return None


def _unquote(key: str) -> str:
    return key[1:-1] if len(key) >= 2 and key[0] == key[-1] == '"' else key


def _header_line(lines: list[str], kind: str, labels: list[str]) -> int:
    quoted = r"\s+".join(rf'"?{re.escape(label)}"?' for label in labels)
    pattern = re.compile(rf"^\s*{kind}\s+{quoted}\s*\{{" if labels else rf"^\s*{kind}\s*\{{")
    for number, text in enumerate(lines, 1):
        if pattern.match(text):
            return number
    return 1


def _blocks(data: dict[str, Any], file: str, lines: list[str]) -> list[Block]:
    found: list[Block] = []
    for kind in ("resource", "data"):
        for entry in data.get(kind, []):
            for type_, named in entry.items():
                for name, body in named.items():
                    t, n = _unquote(type_), _unquote(name)
                    line = _header_line(lines, kind, [t, n])
                    found.append(Block(kind, t, n, body, file, line, lines))
    for kind in ("module", "variable", "output"):
        for entry in data.get(kind, []):
            for name, body in entry.items():
                n = _unquote(name)
                found.append(Block(kind, "", n, body, file, _header_line(lines, kind, [n]), lines))
    for body in data.get("locals", []):
        found.append(Block("locals", "", "", body, file, _header_line(lines, "locals", []), lines))
    return found


def parse_file(path: Path, relative: str) -> list[Block]:
    """The blocks of one .tf file.

    Raises:
        ConfigError: when it does not parse.
    """
    text = path.read_text(encoding="utf-8")
    try:
        data = hcl2.loads(text, serialization_options=OPTIONS)
    except Exception as exc:  # python-hcl2 raises lark errors of many kinds
        where = getattr(exc, "line", None)
        at = f":{where}" if isinstance(where, int) else ""
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ConfigError(f"{relative}{at}: does not parse as HCL: {first}") from exc
    return _blocks(data, relative, text.splitlines())


def read_folder(root: Path) -> list[Module]:
    """Every directory under `root` holding .tf files, as a Module.

    Raises:
        ConfigError: when `root` is not a folder, has no .tf file, or one does not parse.
    """
    if not root.is_dir():
        raise ConfigError(f"{root}: not a folder")
    modules: dict[str, Module] = {}
    for path in sorted(root.rglob("*.tf")):
        if SKIP_DIRS & set(path.relative_to(root).parts):
            continue
        rel = path.relative_to(root)
        folder = str(rel.parent)
        module = modules.setdefault(folder, Module(folder))
        module.blocks += parse_file(path, str(rel))
        module.files.append(str(rel))
    if not modules:
        raise ConfigError(f"{root}: no .tf files")
    return list(modules.values())
