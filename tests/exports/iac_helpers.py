"""Shared helpers for the IaC export tests: where the validators live, one checkov run, skips.

The validators (checkov, cfn-lint, ansible-playbook, yamllint) live in their own venv
(`make tools`), found through `ARCHKB_TOOLS_BIN` or `.venv-tools/bin`. checkov spends about
four seconds starting, so tests run it once over a parent folder of many outputs and then
look at the results per file.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

SKIP_COMMENT = re.compile(r"checkov:skip=([A-Z0-9_,]+)(?::\s*(\S.*))?")
"""An inline suppression in a comment (Terraform, Ansible, Kubernetes, Dockerfile)."""
SKIP_METADATA = re.compile(r"^(\s*)-\s*id:\s*(CKV2?_[A-Z0-9_]+)\s*$", re.MULTILINE)
"""A CloudFormation suppression: an entry of `Metadata: checkov: skip:` (`- id: CKV_…`)."""


def tools_bin() -> Path:
    """The folder with the validator executables; fails (not skips) when they are missing."""
    path = Path(os.environ.get("ARCHKB_TOOLS_BIN", REPO / ".venv-tools" / "bin"))
    assert (path / "checkov").exists(), f"validators missing in {path}: run `make tools`"
    return path


@dataclass
class CheckovFinding:
    check_id: str
    framework: str
    file: str
    """Path relative to the scanned folder, starting with `/` (checkov's convention)."""
    resource: str
    comment: str = ""


@dataclass
class CheckovReport:
    passed: list[CheckovFinding] = field(default_factory=list)
    failed: list[CheckovFinding] = field(default_factory=list)
    skipped: list[CheckovFinding] = field(default_factory=list)
    parsing_errors: list[str] = field(default_factory=list)

    def under(self, prefix: str) -> CheckovReport:
        """Only the findings in files below `prefix` (relative to the scanned folder)."""
        want = "/" + prefix.strip("/") + "/"

        def keep(items: list[CheckovFinding]) -> list[CheckovFinding]:
            return [f for f in items if f.file.startswith(want)]

        return CheckovReport(
            keep(self.passed),
            keep(self.failed),
            keep(self.skipped),
            [p for p in self.parsing_errors if p.startswith(want)],
        )

    def describe_failures(self) -> str:
        return "\n".join(f"{f.check_id} {f.file} {f.resource}" for f in self.failed)


def _findings(framework: str, items: list[dict[str, object]]) -> list[CheckovFinding]:
    found = []
    for item in items:
        suppress = item.get("check_result") or {}
        comment = suppress.get("suppress_comment", "") if isinstance(suppress, dict) else ""
        found.append(
            CheckovFinding(
                str(item["check_id"]),
                framework,
                str(item["file_path"]),
                str(item.get("resource", "")),
                str(comment or ""),
            )
        )
    return found


def checkov_command(
    path: Path,
    frameworks: Sequence[str],
    skip_checks: Sequence[str] = (),
    skip_paths: Sequence[str] = (),
) -> tuple[list[str], dict[str, str]]:
    """The checkov command line and environment for one offline run over `path` (JSON out).

    `skip_checks`: check ids skipped as the generated pipelines skip them (checks that read
    only deprecated arguments; see `checkov_stale` in the Terraform catalog).

    `CHECKOV_PARALLELIZATION_TYPE=none`: checkov otherwise forks a worker per core for each
    group of files. The suite already keeps both cores busy, so the forks buy no time and cost
    plenty: over the other formats' outputs (kubernetes, CI, CloudFormation, Ansible) 96 s of
    CPU, 43 of them in the kernel, against 46 s in one process, with the same findings."""
    cmd = [
        str(tools_bin() / "checkov"),
        "-d",
        str(path),
        "--framework",
        *frameworks,
        "--skip-download",
        "-o",
        "json",
        *(["--skip-check", ",".join(skip_checks)] if skip_checks else []),
        *(arg for pattern in skip_paths for arg in ("--skip-path", pattern)),
    ]
    env = {
        **os.environ,
        "BC_SKIP_MAPPING": "TRUE",
        "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false",
        "CHECKOV_PARALLELIZATION_TYPE": "none",
    }
    return cmd, env


def parse_checkov_json(stdout: str) -> CheckovReport:
    """checkov's JSON output (one block, or a list of blocks per framework) as a report."""
    data = json.loads(stdout) if stdout.strip() else []
    report = CheckovReport()
    for block in data if isinstance(data, list) else [data]:
        if "results" not in block:
            continue  # a framework that found nothing to scan reports only a summary
        framework = str(block.get("check_type", "?"))
        results = block["results"]
        report.passed += _findings(framework, results.get("passed_checks", []))
        report.failed += _findings(framework, results.get("failed_checks", []))
        report.skipped += _findings(framework, results.get("skipped_checks", []))
        report.parsing_errors += [str(p) for p in results.get("parsing_errors", [])]
    return report


def run_checkov(
    path: Path, frameworks: Sequence[str], skip_checks: Sequence[str] = ()
) -> CheckovReport:
    """One checkov run over `path` with the given frameworks, offline, parsed from JSON."""
    cmd, env = checkov_command(path, frameworks, skip_checks)
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env, cwd=path)
    assert proc.returncode in (0, 1), f"checkov crashed ({proc.returncode}):\n{proc.stderr[-3000:]}"
    return parse_checkov_json(proc.stdout)


def inline_skips(path: Path) -> list[tuple[str, str, str]]:
    """Every inline checkov suppression under `path`: (file, check id, justification)."""
    skips: list[tuple[str, str, str]] = []
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        try:
            text = file.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        rel = str(file.relative_to(path))
        for match in SKIP_COMMENT.finditer(text):
            for check in match.group(1).split(","):
                skips.append((rel, check, (match.group(2) or "").strip()))
        for match in SKIP_METADATA.finditer(text):
            after = text[match.end() :].lstrip("\n")
            comment = re.match(r"\s*comment:\s*(.+)", after)
            skips.append((rel, match.group(2), comment.group(1).strip() if comment else ""))
    return skips


def count_inline_skips(path: Path) -> int:
    """How many checks are suppressed inline under `path` (budget: 3 per output)."""
    return len(inline_skips(path))
