"""The design-review pack: one folder to attach to a review, from a recommendation set.

README.md (needs, ranked options with reasons and trade-offs, the decision, the service table
per provider, the diagrams with their numbered steps, what was excluded and why), review.html
(the same as one self-contained page: pictures inlined), adr.md (MADR), the diagrams as PNG and
editable draw.io, and on request the starter IaC beside them. Pure: returns {path: content}; the
caller writes the folder atomically.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from archkb.engine.results import Recommendation, RecommendationSet, ResolvedArchitecture

from .adr import render_adr
from .diagram import diagram_model, render_diagram

TEMPLATES = Path(__file__).parent / "templates" / "review"

IacRenderer = Callable[[ResolvedArchitecture], Mapping[str, str]]
"""Renders the starter IaC of one architecture: {relative path: text}."""


class ReviewError(ValueError):
    """The pack cannot be made (no recommendation, rank out of range)."""


@dataclass(frozen=True)
class ReviewInputs:
    result: RecommendationSet
    need_names: Mapping[str, str]
    pattern_sources: Mapping[str, Sequence[str]]
    providers: Sequence[str]
    """The providers to review the decided option on (those it resolves on)."""
    date: str
    """The decision date (ISO) written into the pack's ADR: an input, so output is reproducible."""
    rank: int = 1
    command: str = ""
    """The command that made the pack (printed in it, for reproducibility)."""


def review_files(inputs: ReviewInputs, iac: IacRenderer | None = None) -> dict[str, bytes | str]:
    """{relative path: content} of the review pack. Image rendering needs Graphviz."""
    chosen = _chosen(inputs)
    archs = [chosen.providers[p] for p in inputs.providers if p in chosen.providers]
    if not archs:
        raise ReviewError(
            f"recommendation #{chosen.rank} ({chosen.blueprint}) resolves on none of "
            f"{', '.join(inputs.providers)}"
        )
    files: dict[str, bytes | str] = {}
    pictures: list[dict[str, Any]] = []
    for arch in archs:
        stem = f"diagrams/{arch.blueprint}-{arch.provider}"
        png = render_diagram(arch, "png")
        files[f"{stem}.png"] = png
        files[f"{stem}.drawio"] = render_diagram(arch, "drawio")
        model = diagram_model(arch)
        pictures.append(
            {
                "provider": arch.provider_name,
                "png": f"{stem}.png",
                "drawio": f"{stem}.drawio",
                "data_uri": "data:image/png;base64," + base64.b64encode(png).decode("ascii"),
                "steps": list(model.legend),
                "key": list(model.notes),
            }
        )
        if iac is not None:
            files.update({f"iac/{arch.provider}/{p}": t for p, t in iac(arch).items()})
    files["adr.md"] = render_adr(
        inputs.result,
        need_names=inputs.need_names,
        pattern_sources=inputs.pattern_sources,
        date=inputs.date,
        provider=archs[0].provider,
        rank=chosen.rank,
    )
    context = _context(inputs, chosen, archs, pictures, iac is not None)
    files["README.md"] = _template("README.md.j2", autoescape=False).render(context)
    files["review.html"] = _template("review.html.j2", autoescape=True).render(context)
    return files


def _chosen(inputs: ReviewInputs) -> Recommendation:
    recs = inputs.result.recommendations
    if not recs:
        raise ReviewError("no blueprint meets these needs; nothing to review")
    chosen = next((r for r in recs if r.rank == inputs.rank), None)
    if chosen is None:
        raise ReviewError(f"--rank {inputs.rank}: only {len(recs)} option(s) qualify")
    return chosen


def _context(
    inputs: ReviewInputs,
    chosen: Recommendation,
    archs: list[ResolvedArchitecture],
    pictures: list[dict[str, Any]],
    with_iac: bool,
) -> dict[str, Any]:
    roles = list(dict.fromkeys(c.role for a in archs for c in a.components))
    rows = []
    for role in roles:
        cells = []
        capability = ""
        for arch in archs:
            comp = next((c for c in arch.components if c.role == role), None)
            if comp is None:
                cells.append({"service": "—", "note": ""})
                continue
            capability = comp.capability_name
            note = comp.warning or ""
            zones = " (zone-redundant)" if comp.zone_redundant else ""
            cells.append({"service": comp.service_name + zones, "note": note})
        rows.append({"role": role, "capability": capability, "cells": cells})
    return {
        "title": f"Design review: {chosen.name}",
        "command": inputs.command,
        "needs": [(n, inputs.need_names.get(n, n)) for n in inputs.result.needs],
        "chosen": chosen,
        "options": inputs.result.recommendations,
        "archs": archs,
        "rows": rows,
        "pictures": pictures,
        "excluded": inputs.result.excluded,
        "with_iac": with_iac,
    }


def _template(name: str, autoescape: bool) -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        undefined=jinja2.StrictUndefined,
        autoescape=autoescape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["cell"] = lambda text: str(text).replace("|", "\\|").replace("\n", " ")
    return env.get_template(name)


def starter_iac(meta: Any) -> IacRenderer:
    """An IacRenderer writing Terraform where it fits, else the first tool that fits, under
    `<tool>/` (meta: an exports.iac.render.ExportMeta)."""
    from .iac.render import fitting_tools, render_tool

    def render(arch: ResolvedArchitecture) -> dict[str, str]:
        tools = fitting_tools(arch)
        if not tools:
            return {}
        tool = "terraform" if "terraform" in tools else tools[0]
        return {f"{tool}/{path}": text for path, text in render_tool(tool, arch, meta).items()}

    return render
