"""The one export service of the CLI and the TUI: a request in, files (relative path → content)
out.

Both front ends used to assemble the provenance (`ExportMeta`), the ADR's and review pack's
inputs and the file names themselves, and drifted (the TUI wrote a fingerprint the CLI guarded).
Here they are built once; the front ends only say what the user asked for and hand the files to
`archkb.writer`. Exporter modules are imported when a file is rendered, not when this module is
imported, so opening the TUI's export dialog or `archkb export --help` stays cheap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from archkb.engine.kb import KnowledgeBase
    from archkb.engine.results import Recommendation, RecommendationSet, ResolvedArchitecture

    from .iac.render import ExportMeta

DIAGRAM_FORMATS: tuple[tuple[str, str], ...] = (
    ("png", "Diagram: PNG"),
    ("svg", "Diagram: SVG"),
    ("mermaid", "Diagram: Mermaid"),
    ("drawio", "Diagram: draw.io"),
)
"""(format, label) of the diagrams offered as choices."""


class ExportFailed(Exception):
    """One or more chosen files could not be produced; the message lists them all."""


@dataclass(frozen=True)
class ExportBundle:
    """Several files for one recommendation on one provider (the TUI's export dialog)."""

    result: RecommendationSet
    rank: int
    provider: str
    choices: tuple[str, ...]
    """Choice ids as `export_choices` names them: `diagram:png`, `adr`, `review`, `iac:TOOL`."""
    date: str
    """The decision date (ISO) written into ADRs: an input, so the same request gives the same
    files."""
    origin: str = "archkb tui"
    """Where the request was made, written into the files for provenance."""

    @property
    def recommendation(self) -> Recommendation:
        return next(r for r in self.result.recommendations if r.rank == self.rank)

    def command(self, tool: str | None = None) -> str:
        """The provenance line: origin, needs, recommendation, provider (and IaC tool)."""
        where = f"recommendation #{self.rank}, provider {self.provider}"
        return f"{self.origin} (needs {','.join(self.result.needs)}, {where}" + (
            f", tool {tool})" if tool else ")"
        )


def export_meta(kb: KnowledgeBase, needs: Sequence[str], command: str) -> ExportMeta:
    """The provenance every generated IaC README and header carries."""
    from archkb.engine.version import VERSION

    from .iac.render import ExportMeta

    return ExportMeta(
        archkb_version=VERSION,
        kb_fingerprint=kb.fingerprint or "unknown",
        needs=tuple(needs),
        command=command,
    )


def iac_files(
    kb: KnowledgeBase,
    arch: ResolvedArchitecture,
    tool: str,
    command: str,
    needs: Sequence[str] | None = None,
) -> dict[str, str]:
    """One tool's starter IaC for `arch` (raises `IacError` when the tool does not fit);
    `needs` for the provenance, the architecture's own by default."""
    from .iac.render import render_tool

    return render_tool(tool, arch, export_meta(kb, arch.needs if needs is None else needs, command))


def adr_text(
    kb: KnowledgeBase, result: RecommendationSet, *, date: str, provider: str | None, rank: int
) -> str:
    """The Markdown ADR deciding on recommendation `rank` (`provider`: None for all)."""
    from .adr import render_adr

    text: str = render_adr(
        result,
        need_names={n.id: n.name for n in kb.needs.values()},
        pattern_sources={p.id: [str(s) for s in p.sources] for p in kb.patterns.values()},
        date=date,
        provider=provider,
        rank=rank,
    )
    return text


def review_pack(
    kb: KnowledgeBase,
    result: RecommendationSet,
    *,
    providers: Sequence[str],
    date: str,
    rank: int,
    command: str,
    with_iac: bool = False,
) -> dict[str, bytes | str]:
    """The design-review pack (raises `ReviewError` or `DiagramError`)."""
    from .review import ReviewInputs, review_files, starter_iac

    inputs = ReviewInputs(
        result=result,
        need_names={n.id: n.name for n in kb.needs.values()},
        pattern_sources={p.id: [str(s) for s in p.sources] for p in kb.patterns.values()},
        providers=list(providers),
        date=date,
        rank=rank,
        command=command,
    )
    iac = starter_iac(export_meta(kb, result.needs, command)) if with_iac else None
    return review_files(inputs, iac)


def file_choices() -> list[tuple[str, str]]:
    """(choice id, label) of the files every architecture can have: the diagrams, the ADR and
    the review pack. Imports no exporter, so a dialog can show them at once."""
    choices = [(f"diagram:{fmt}", label) for fmt, label in DIAGRAM_FORMATS]
    choices.append(("adr", "ADR (Markdown)"))
    choices.append(("review", "Review pack: README, HTML page, diagrams"))
    return choices


def iac_choices(arch: ResolvedArchitecture) -> list[tuple[str, str]]:
    """(choice id, label) of the IaC tools that fit `arch` (loads the IaC exporters and their
    catalogue: slow the first time)."""
    from .iac.render import fitting_tools

    return [(f"iac:{tool}", f"IaC: {tool}") for tool in fitting_tools(arch)]


def export_choices(arch: ResolvedArchitecture) -> list[tuple[str, str]]:
    """(choice id, label) for every file kind available for `arch`."""
    return file_choices() + iac_choices(arch)


def bundle_files(kb: KnowledgeBase, bundle: ExportBundle) -> dict[str, bytes | str]:
    """Relative path → content for every choice; `ExportFailed` names each one that failed."""
    rec = bundle.recommendation
    arch = rec.providers[bundle.provider]
    stem = f"{rec.blueprint}-{bundle.provider}"
    files: dict[str, bytes | str] = {}
    problems: list[str] = []
    for choice in bundle.choices:
        kind, _, detail = choice.partition(":")
        try:
            if kind == "diagram":
                from .diagram import EXTENSIONS, render_diagram

                files[f"{stem}.{EXTENSIONS[detail]}"] = render_diagram(arch, detail)
            elif kind == "adr":
                files[f"adr-{rec.blueprint}.md"] = adr_text(
                    kb, bundle.result, date=bundle.date, provider=bundle.provider, rank=rec.rank
                )
            elif kind == "review":
                pack = review_pack(
                    kb,
                    bundle.result,
                    providers=[bundle.provider],
                    date=bundle.date,
                    rank=bundle.rank,
                    command=bundle.command(),
                )
                files.update({f"review/{path}": data for path, data in pack.items()})
            elif kind == "iac":
                rendered = iac_files(kb, arch, detail, bundle.command(detail), bundle.result.needs)
                files.update({f"iac/{detail}/{path}": text for path, text in rendered.items()})
            else:
                problems.append(f"{choice}: unknown choice")
        except Exception as exc:  # every exporter error becomes a message, never a crash
            problems.append(f"{choice}: {exc}")
    if problems:
        raise ExportFailed("; ".join(problems))
    return files
