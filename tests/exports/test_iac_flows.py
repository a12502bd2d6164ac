"""Every blueprint flow (from → to) is wired in the generated Terraform, per provider.

A flow is wired when the prod root passes one end's output to the other end's module: a grant
(`grants = [module.table.grant]`), an invoker or access member (`members = [module.api.member]`),
a link (`backend_url = module.handler.url`) or a shared piece (`log_analytics_workspace_id =
module.logs.workspace_id`). The flows not wired are listed in `unwired_flows.txt` beside this
file (issue 16, point 3), each with why (`# cannot: …` when no resource at the pinned providers
expresses it, `# todo: …` naming what it needs): the test fails when a flow outside the list is
unwired, and when a listed one becomes wired (then delete its line), so the list only shrinks.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from archkb.engine.kb import KnowledgeBase
from archkb.engine.resolve import resolve_architecture
from archkb.engine.results import ResolvedArchitecture
from archkb.exports.iac.render import ExportMeta, render_tool
from archkb.exports.iac.tools.terraform import hcl_ident
from archkb.exports.iac.validate.config import parse_file

PROVIDERS = ("aws", "azure", "gcp")
BLUEPRINTS = sorted(
    p.stem for p in (Path(__file__).parents[2] / "kb" / "blueprints").glob("*.yaml")
)
KNOWN_GAPS = Path(__file__).with_name("unwired_flows.txt")
META = ExportMeta("0.0-test", "0" * 64, (), "archkb export iac (test)")


def _known_gap_lines() -> dict[str, str]:
    """Each listed gap with the reason after its `#` (empty when the line gives none)."""
    gaps = {}
    for line in KNOWN_GAPS.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        gap, _, reason = line.partition("#")
        gaps[gap.strip()] = reason.strip()
    return gaps


def _known_gaps() -> set[str]:
    return set(_known_gap_lines())


def _references(body: dict[str, object]) -> set[str]:
    """The modules a module block takes inputs from (`module.NAME.` anywhere in its arguments)."""
    return set(re.findall(r"module\.([A-Za-z_][\w-]*)\.", str(body)))


def unwired_flows(arch: ResolvedArchitecture, root_main: Path) -> list[str]:
    """The flows of `arch` whose two modules the root does not connect, as gap lines."""
    calls = {
        b.name: _references(b.body) for b in parse_file(root_main, "main.tf") if b.kind == "module"
    }
    gaps = []
    for flow in arch.flows:
        source, target = hcl_ident(flow.source), hcl_ident(flow.target)
        if source == target:
            continue
        wired = target in calls.get(source, set()) or source in calls.get(target, set())
        if not wired:
            gaps.append(f"{arch.blueprint} {arch.provider} {flow.source} -> {flow.target}")
    return gaps


@pytest.fixture(scope="module")
def gaps(kb: KnowledgeBase, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    root = tmp_path_factory.mktemp("flows")
    found: dict[str, list[str]] = {}
    for blueprint in BLUEPRINTS:
        for provider in PROVIDERS:
            arch = resolve_architecture(kb, kb.blueprints[blueprint], provider)
            assert isinstance(arch, ResolvedArchitecture)
            main = root / blueprint / provider / "main.tf"
            main.parent.mkdir(parents=True)
            main.write_text(render_tool("terraform", arch, META)["envs/prod/main.tf"])
            found[f"{blueprint}/{provider}"] = unwired_flows(arch, main)
    return found


@pytest.mark.parametrize("stack", [f"{b}/{p}" for b in BLUEPRINTS for p in PROVIDERS])
def test_every_flow_is_wired_or_a_known_gap(gaps: dict[str, list[str]], stack: str) -> None:
    new = [gap for gap in gaps[stack] if gap not in _known_gaps()]
    assert not new, "flows not wired (wire them, see the module docstring):\n" + "\n".join(new)


def test_known_gaps_are_still_gaps(gaps: dict[str, list[str]]) -> None:
    now = {gap for found in gaps.values() for gap in found}
    closed = sorted(_known_gaps() - now)
    assert not closed, "wired now; delete from unwired_flows.txt:\n" + "\n".join(closed)


def test_every_known_gap_says_why() -> None:
    """A flow left unwired is either impossible at the pinned providers or still to do, and
    its line says which and why (`# cannot: …` or `# todo: …`)."""
    vague = [
        gap
        for gap, reason in _known_gap_lines().items()
        if not re.match(r"(cannot|todo): \S.{20,}", reason)
    ]
    assert not vague, "give these a `# cannot: …` or `# todo: …` reason:\n" + "\n".join(vague)


def test_grants_and_invokers_follow_the_flows(gaps: dict[str, list[str]]) -> None:
    """The flows the issue names are wired: an API reaching its function on every provider."""
    for provider in PROVIDERS:
        assert not [g for g in gaps[f"serverless-rest-api/{provider}"] if " api -> handler" in g]
