"""The export dialog's request, handed to the one export service (`archkb.exports.service`) and
the one atomic writer, so an export either lands complete or not at all.

Nothing from the exporters is imported here: the dialog shows the files every design can have at
once (`file_choices`), asks which IaC tools fit in a worker (`iac_choices` loads the IaC
exporters and their catalogue, ~0.3-1 s the first time) and renders files when the user
confirms.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from archkb.engine.kb import KnowledgeBase
    from archkb.engine.results import Recommendation, RecommendationSet, ResolvedArchitecture

DEFAULT_CHOICES = frozenset({"diagram:png", "diagram:mermaid", "adr"})


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


def file_choices() -> list[tuple[str, str]]:
    """(choice id, label) of the diagrams, ADR and review pack: known without the exporters."""
    from archkb.exports.service import file_choices as choices

    return choices()


def iac_choices(arch: ResolvedArchitecture) -> list[tuple[str, str]]:
    """(choice id, label) of the IaC tools that fit `arch` (slow the first time: the dialog asks
    in a worker)."""
    from archkb.exports.service import iac_choices as choices

    return choices(arch)


def write_export(kb: KnowledgeBase, request: ExportRequest) -> list[Path]:
    """Render the chosen files (the export service) and write them into `request.folder`
    atomically. Raises the service's `ExportFailed` (every failed choice named) or the writer's
    `WriteProblem`."""
    from archkb.exports.service import ExportBundle, ExportFailed, bundle_files

    from archkb.writer import write_tree

    if not request.choices:
        raise ExportFailed("choose at least one file to export")
    bundle = ExportBundle(
        result=request.result,
        rank=request.rank,
        provider=request.provider,
        choices=request.choices,
        date=datetime.date.today().isoformat(),
    )
    return write_tree(request.folder, bundle_files(kb, bundle), force=request.force)
