"""Starter IaC from a `ResolvedArchitecture`: one renderer, templates per tool.

Each tool has a template folder `exports/iac/<tool>/` holding Jinja2 templates and a
`files.yaml` manifest, and a small module `exports/iac/tools/<module>.py` with two functions:

- `fits(arch) -> str | None`: None when the tool fits the architecture, else why not;
- `context(arch, meta) -> dict`: the template variables (data only; no file text built in Python).

`render.render_tool` does the rest for every tool.
"""

from __future__ import annotations

TOOL_MODULES: dict[str, str] = {
    "terraform": "terraform",
    "cloudformation": "cloudformation",
    "kubernetes": "kubernetes",
    "helm": "helm",
    "compose": "compose",
    "ansible": "ansible",
    "github-actions": "github_actions",
    "gitlab-ci": "gitlab_ci",
}
"""Tool name (as on the CLI) → module under `archkb.exports.iac.tools`."""
