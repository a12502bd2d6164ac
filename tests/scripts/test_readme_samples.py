"""The README's sample outputs are what the commands print (scripts/readme_samples.py)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "readme_samples.py"


def check(readme: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--check", "--readme", str(readme)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_readme_samples_are_what_the_commands_print() -> None:
    result = check(REPO / "README.md")
    assert result.returncode == 0, result.stderr


def test_check_mode_fails_on_a_drifted_sample_and_the_script_repairs_it(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(
        "Intro.\n\n<!-- sample: archkb map lamda --to gcp -->\n```console\n"
        "$ archkb map lamda --to gcp\nAWS Lambda → something it no longer says\n```\n\nEnd.\n"
    )
    drifted = check(readme)
    assert drifted.returncode == 1
    assert "something it no longer says" in drifted.stderr and "drifted" in drifted.stderr
    assert "no longer says" in readme.read_text()  # --check changes nothing
    fixed = subprocess.run(
        [sys.executable, str(SCRIPT), "--readme", str(readme)], capture_output=True, text=True
    )
    assert fixed.returncode == 0, fixed.stderr
    text = readme.read_text()
    assert "Cloud Run functions (gcp-cloud-run-functions)" in text
    assert text.startswith("Intro.\n\n") and text.endswith("```\n\nEnd.\n")
    assert check(readme).returncode == 0


def test_a_failing_sample_command_is_reported(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("<!-- sample: archkb show no-such-record-here -->\n```console\n```\n")
    result = check(readme)
    assert result.returncode == 2 and "exited 1" in result.stderr


CITED = re.compile(r"\bdocs/[\w./-]+\.md\b|\b[A-Z][A-Z_]+\.md\b")
"""A repository document: a page under docs/, or an upper-case name such as SECURITY.md."""


def test_every_document_the_readme_docs_and_tests_cite_is_in_the_repository() -> None:
    """The README and tests once cited a design document that only the authors had."""
    present = {p.name for p in REPO.rglob("*.md") if ".venv" not in p.parts}
    sources = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
    sources += sorted((REPO / "tests").rglob("*.py"))
    missing = []
    for source in sources:
        for cited in set(CITED.findall(source.read_text())):
            if cited.startswith("docs/adr/"):
                continue  # where the README's `export adr` example writes, not a document
            found = (REPO / cited).exists() if "/" in cited else cited in present
            if not found:
                missing.append(f"{source.relative_to(REPO)}: {cited}")
    assert missing == []
