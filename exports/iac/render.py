"""The one IaC renderer: a tool's manifest + templates + context → {relative path: text}."""

from __future__ import annotations

import functools
import importlib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import jinja2
import yaml
from archkb.engine.results import ResolvedArchitecture

from . import TOOL_MODULES

TEMPLATE_ROOT = Path(__file__).parent


class IacError(ValueError):
    """The tool does not fit the architecture, or is unknown; the message says which fit."""


@dataclass(frozen=True)
class ExportMeta:
    """Provenance written into every generated README and header."""

    archkb_version: str
    kb_fingerprint: str
    needs: tuple[str, ...]
    command: str


def tool_module(tool: str) -> ModuleType:
    if tool not in TOOL_MODULES:
        raise IacError(f"unknown tool {tool!r}; tools: {', '.join(TOOL_MODULES)}")
    return importlib.import_module(f"archkb.exports.iac.tools.{TOOL_MODULES[tool]}")


def fitting_tools(arch: ResolvedArchitecture) -> list[str]:
    """The tools whose output makes sense for this architecture."""
    return [t for t in TOOL_MODULES if tool_module(t).fits(arch) is None]


@functools.cache
def _environment(tool: str) -> jinja2.Environment:
    """One environment per tool for the process: it keeps every template it compiled, and
    compiling (not rendering) was nine tenths of an export's time when each call built its own."""
    env = jinja2.Environment(
        cache_size=-1,  # the templates are a fixed, small set: never evict one
        loader=jinja2.FileSystemLoader(
            [str(TEMPLATE_ROOT / tool.replace("-", "_")), str(TEMPLATE_ROOT / "_shared")]
        ),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters["to_yaml"] = lambda value: yaml.safe_dump(
        value, sort_keys=False, default_flow_style=False
    ).rstrip()
    env.filters["hcl_string"] = lambda value: (
        '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'
    )
    return env


@functools.cache
def _manifest(tool: str) -> tuple[dict[str, str], ...]:
    """The entries of the tool's `files.yaml` (read once per process)."""
    path = TEMPLATE_ROOT / tool.replace("-", "_") / "files.yaml"
    return tuple(yaml.safe_load(path.read_text())["files"])


@functools.cache
def _path_template(tool: str, source: str) -> jinja2.Template:
    """A manifest's path template, compiled once (`from_string` does not cache)."""
    return _environment(tool).from_string(source)


def render_tool(tool: str, arch: ResolvedArchitecture, meta: ExportMeta) -> dict[str, str]:
    """Render one tool's files for `arch`.

    The manifest (`files.yaml`) lists entries `{template, path, foreach?}`; `path` is itself a
    template; with `foreach: NAME`, the entry is rendered once per item of context[NAME] (bound
    to `item`).

    Raises:
        IacError: when the tool is unknown or does not fit the architecture.
    """
    module = tool_module(tool)
    reason = module.fits(arch)
    if reason:
        others = ", ".join(fitting_tools(arch))
        raise IacError(f"{tool} does not fit {arch.blueprint}: {reason}; tools that fit: {others}")
    context: dict[str, Any] = {
        "arch": arch,
        "meta": meta,
        "tool": tool,
        **module.context(arch, meta),
    }
    env = _environment(tool)
    files: dict[str, str] = {}
    for entry in _manifest(tool):
        items = context[entry["foreach"]] if entry.get("foreach") else [None]
        for item in items:
            scope = {**context, "item": item}
            path = _path_template(tool, entry["path"]).render(scope)
            text = env.get_template(entry["template"]).render(scope)
            if path in files:
                raise IacError(f"two templates write {path}")
            files[path] = text
    return files
