"""What the export dialog offers for a recommendation, and the files each choice produces.

The exporters do the rendering; this module only names the files and hands them to the one
atomic writer, so an export either lands complete or not at all.
"""

from __future__ import annotations

import datetime
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from archkb.engine.kb import KnowledgeBase
    from archkb.engine.results import Recommendation, RecommendationSet, ResolvedArchitecture

DIAGRAM_CHOICES = (
    ("png", "Diagram: PNG", "diagram"),
    ("svg", "Diagram: SVG", "diagram"),
    ("mermaid", "Diagram: Mermaid", "mermaid"),
    ("drawio", "Diagram: draw.io", "drawio"),
)
"""(format, label, module under archkb.exports that renders it)."""
DEFAULT_CHOICES = frozenset({"diagram:png", "diagram:mermaid", "adr"})


class ExportFailed(Exception):
    """One or more chosen files could not be produced; the message lists them all."""


@dataclass(frozen=True)
class ExportRequest:
    """What the user chose in the dialog."""

    result: RecommendationSet
    rank: int
    provider: str
    choices: tuple[str, ...]
    folder: Path
    force: bool = False

    @property
    def recommendation(self) -> Recommendation:
        return next(r for r in self.result.recommendations if r.rank == self.rank)


def export_choices(arch: ResolvedArchitecture) -> list[tuple[str, str]]:
    """(choice id, label) for every file kind available for `arch` (exporters present)."""
    choices: list[tuple[str, str]] = []
    if _present("archkb.exports.diagram"):
        choices += [
            (f"diagram:{fmt}", label)
            for fmt, label, module in DIAGRAM_CHOICES
            if _present(f"archkb.exports.{module}")
        ]
    choices.append(("adr", "ADR (Markdown)"))
    if _present("archkb.exports.review"):
        choices.append(("review", "Review pack: README, HTML page, diagrams"))
    choices += [(f"iac:{tool}", f"IaC: {tool}") for tool in _fitting_tools(arch)]
    return choices


def export_files(kb: KnowledgeBase, request: ExportRequest) -> dict[str, bytes | str]:
    """Relative path → content for every choice; ExportFailed names each one that failed."""
    rec = request.recommendation
    arch = rec.providers[request.provider]
    stem = f"{rec.blueprint}-{request.provider}"
    files: dict[str, bytes | str] = {}
    problems: list[str] = []
    for choice in request.choices:
        kind, _, detail = choice.partition(":")
        try:
            if kind == "diagram":
                files.update(_diagram(arch, detail, stem))
            elif kind == "adr":
                files[f"adr-{rec.blueprint}.md"] = _adr(kb, request)
            elif kind == "review":
                files.update(_review(kb, request))
            elif kind == "iac":
                files.update(_iac(kb, request, arch, detail))
            else:
                problems.append(f"{choice}: unknown choice")
        except Exception as exc:  # every exporter error becomes a message, never a crash
            problems.append(f"{choice}: {exc}")
    if problems:
        raise ExportFailed("; ".join(problems))
    return files


def write_export(kb: KnowledgeBase, request: ExportRequest) -> list[Path]:
    """Render and write the chosen files into `request.folder` atomically."""
    from archkb.writer import write_tree

    if not request.choices:
        raise ExportFailed("choose at least one file to export")
    return write_tree(request.folder, export_files(kb, request), force=request.force)


def _diagram(arch: ResolvedArchitecture, fmt: str, stem: str) -> dict[str, bytes | str]:
    """The same bytes as `archkb export diagram --format FMT` for this architecture."""
    from archkb.exports.diagram import EXTENSIONS, render_diagram

    return {f"{stem}.{EXTENSIONS[fmt]}": render_diagram(arch, fmt)}


def _adr(kb: KnowledgeBase, request: ExportRequest) -> str:
    from archkb.exports.adr import render_adr

    text: str = render_adr(
        request.result,
        need_names={n.id: n.name for n in kb.needs.values()},
        pattern_sources={p.id: [str(s) for s in p.sources] for p in kb.patterns.values()},
        date=datetime.date.today().isoformat(),
        provider=request.provider,
        rank=request.recommendation.rank,
    )
    return text


def _review(kb: KnowledgeBase, request: ExportRequest) -> dict[str, bytes | str]:
    """The same pack as `archkb export review`, for the dialog's provider, under review/."""
    from archkb.exports.review import ReviewInputs, review_files

    inputs = ReviewInputs(
        result=request.result,
        need_names={n.id: n.name for n in kb.needs.values()},
        pattern_sources={p.id: [str(s) for s in p.sources] for p in kb.patterns.values()},
        providers=[request.provider],
        date=datetime.date.today().isoformat(),
        rank=request.rank,
        command=f"archkb tui (needs {','.join(request.result.needs)}, recommendation "
        f"#{request.rank}, provider {request.provider})",
    )
    return {f"review/{path}": data for path, data in review_files(inputs).items()}


def _iac(
    kb: KnowledgeBase, request: ExportRequest, arch: ResolvedArchitecture, tool: str
) -> dict[str, str]:
    from archkb.exports.iac.render import ExportMeta, render_tool

    from archkb import __version__

    needs = ",".join(request.result.needs)
    meta = ExportMeta(
        archkb_version=__version__,
        kb_fingerprint=kb.fingerprint,
        needs=tuple(request.result.needs),
        command=f"archkb tui (needs {needs}, recommendation #{request.rank}, "
        f"provider {request.provider}, tool {tool})",
    )
    return {f"iac/{tool}/{path}": text for path, text in render_tool(tool, arch, meta).items()}


def _fitting_tools(arch: ResolvedArchitecture) -> list[str]:
    """IaC tools that fit `arch`; a tool whose module is not written yet is left out."""
    if not _present("archkb.exports.iac.render"):
        return []
    from archkb.exports.iac import TOOL_MODULES
    from archkb.exports.iac.render import tool_module

    fitting = []
    for tool in TOOL_MODULES:
        try:
            if tool_module(tool).fits(arch) is None:
                fitting.append(tool)
        except ImportError:
            continue
    return fitting


def _present(module: str) -> bool:
    """Whether an exporter module exists (found without importing it)."""
    try:
        return importlib.util.find_spec(module) is not None
    except ImportError:
        return False
