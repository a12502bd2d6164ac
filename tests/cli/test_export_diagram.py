"""`archkb export diagram` as users run it: files, defaults, overwrite rules, exit-2 paths."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from archkb.engine.kb import KnowledgeBase
from archkb.engine.needs import parse_needs
from archkb.engine.recommend import recommend

from tests.conftest import REPO, run_cli

NEEDS = "serverless,eu"
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz `dot`")


def top_blueprint(kb: KnowledgeBase, rank: int = 1, provider: str = "aws") -> str:
    result = recommend(kb, parse_needs(kb, NEEDS), [provider], top=0)
    return result.recommendations[rank - 1].blueprint


@needs_dot
def test_headline_png(tmp_path: Path) -> None:
    out = tmp_path / "review.png"
    result = run_cli(
        "export",
        "diagram",
        "--needs",
        NEEDS,
        "--provider",
        "aws",
        "--format",
        "png",
        "-o",
        str(out),
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:4] == b"\x89PNG"
    assert f"wrote {out}" in result.stderr


def test_default_path_is_blueprint_provider_ext_in_cwd(
    kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli(
        "export", "diagram", "--needs", NEEDS, "--provider", "gcp", "--format", "mermaid"
    )
    assert result.exit_code == 0, result.output
    expected = tmp_path / f"{top_blueprint(kb, provider='gcp')}-gcp.mmd"
    assert expected.read_text().startswith("---\ntitle:")
    assert [p.name for p in tmp_path.iterdir()] == [expected.name]  # nothing else, no temp files


def test_rank_picks_the_nth_recommendation(kb: KnowledgeBase, tmp_path: Path) -> None:
    out = tmp_path / "second.mmd"
    args = [
        "export",
        "diagram",
        "--needs",
        NEEDS,
        "--rank",
        "2",
        "--provider",
        "aws",
        "-o",
        str(out),
    ]
    assert run_cli(*args).exit_code == 0
    assert f"blueprint {top_blueprint(kb, 2)} " in out.read_text()


def test_provider_all_writes_one_file_per_provider(tmp_path: Path) -> None:
    out = tmp_path / "review.drawio"  # the suffix chooses the format
    result = run_cli("export", "diagram", "--needs", NEEDS, "--provider", "all", "-o", str(out))
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["review-aws.drawio", "review-azure.drawio", "review-gcp.drawio"]
    assert "<mxfile" in (tmp_path / "review-gcp.drawio").read_text()


def test_mermaid_in_markdown_is_fenced(tmp_path: Path) -> None:
    out = tmp_path / "review.md"  # as in the README: GitHub draws the fenced block
    args = ["export", "diagram", "--needs", NEEDS, "--provider", "gcp", "--format", "mermaid"]
    assert run_cli(*args, "-o", str(out)).exit_code == 0
    text = out.read_text()
    assert text.startswith("```mermaid\n---\ntitle:") and text.endswith("```\n")
    assert "flowchart LR" in text


def test_output_folder_gets_default_names(tmp_path: Path) -> None:
    args = ["export", "diagram", "--blueprint", "three-tier-web-vms", "--provider", "azure"]
    result = run_cli(*args, "--format", "dot", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "three-tier-web-vms-azure.dot").read_text().startswith("//")


def test_blueprint_with_needs_places_it_in_the_jurisdiction(tmp_path: Path) -> None:
    out = tmp_path / "d.mmd"
    args = ["export", "diagram", "--blueprint", "Three-tier web app on virtual machines"]
    assert run_cli(*args, "--needs", "uk", "--provider", "aws", "-o", str(out)).exit_code == 0
    assert "eu-west-2" in out.read_text()


def test_existing_file_needs_force(tmp_path: Path) -> None:
    out = tmp_path / "d.mmd"
    out.write_text("mine")
    args = ["export", "diagram", "--needs", NEEDS, "--provider", "aws", "-o", str(out)]
    refused = run_cli(*args)
    assert refused.exit_code == 2 and "--force" in refused.stderr
    assert out.read_text() == "mine"
    assert run_cli(*args, "--force").exit_code == 0
    assert out.read_text().startswith("---")


def test_provider_all_writes_nothing_when_one_file_exists(tmp_path: Path) -> None:
    (tmp_path / "d-gcp.mmd").write_text("mine")
    args = [
        "export",
        "diagram",
        "--needs",
        NEEDS,
        "--provider",
        "all",
        "-o",
        str(tmp_path / "d.mmd"),
    ]
    result = run_cli(*args)
    assert result.exit_code == 2 and "d-gcp.mmd exists" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d-gcp.mmd"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--blueprint", "no-such-blueprint"], "--blueprint: no blueprint matches"),
        (["--needs", "serverless,moon"], "--needs"),
        ([], "give --needs LIST"),
        (["--blueprint", "three-tier-web-vms", "--rank", "2"], "--rank"),
        (["--needs", NEEDS, "--rank", "99"], "--rank 99"),
        (["--needs", NEEDS, "--provider", "ibm"], "unknown provider"),
        (["--needs", NEEDS, "--format", "gif"], "gif"),
    ],
)
def test_bad_input_exits_2_with_one_message(tmp_path: Path, args: list[str], message: str) -> None:
    result = run_cli("export", "diagram", *args, "-o", str(tmp_path / "x.mmd"))
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("output", "fmt", "message"),
    [
        ("review.jpg", "png", "is a jpg file name but --format is png"),
        ("review.png", "svg", "is a png file name but --format is svg"),
        ("review.gif", None, "unsupported extension '.gif'"),
        ("review.txt", "mermaid", "unsupported extension '.txt'"),
    ],
)
def test_output_extension_must_match_the_format(
    tmp_path: Path, output: str, fmt: str | None, message: str
) -> None:
    """Never PNG bytes in a .jpg: the -o suffix and --format must agree."""
    args = [
        "export",
        "diagram",
        "--needs",
        NEEDS,
        "--provider",
        "aws",
        "-o",
        str(tmp_path / output),
    ]
    result = run_cli(*args, *(["--format", fmt] if fmt else []))
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert not list(tmp_path.iterdir())


@needs_dot
def test_jpg_from_the_file_name(tmp_path: Path) -> None:
    out = tmp_path / "review.jpg"
    result = run_cli("export", "diagram", "--needs", NEEDS, "--provider", "aws", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:3] == b"\xff\xd8\xff"


def test_unwritable_path_exits_2(tmp_path: Path) -> None:
    (tmp_path / "file.txt").write_text("a file, not a folder")
    args = ["export", "diagram", "--needs", NEEDS, "--provider", "aws"]
    result = run_cli(*args, "-o", str(tmp_path / "file.txt" / "x.mmd"))
    assert result.exit_code == 2
    assert result.stderr.startswith("archkb: ") and "is not a folder" in result.stderr


def test_missing_folders_are_created(tmp_path: Path) -> None:
    args = ["export", "diagram", "--needs", NEEDS, "--provider", "aws", "--format", "mermaid"]
    result = run_cli(*args, "-o", str(tmp_path / "missing" / "x.mmd"))
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "missing" / "x.mmd").read_text()


def run_without_dot(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real command in a fresh interpreter whose PATH has no Graphviz."""
    env = {**os.environ, "PATH": str(tmp_path / "empty-bin")}
    return subprocess.run(
        [sys.executable, "-m", "archkb", "export", "diagram", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_image_without_dot_exits_2_with_an_install_hint(tmp_path: Path) -> None:
    done = run_without_dot(tmp_path, "--needs", NEEDS, "--provider", "aws", "--format", "png")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "install Graphviz" in done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_text_formats_without_dot_still_work(tmp_path: Path) -> None:
    done = run_without_dot(tmp_path, "--needs", NEEDS, "--provider", "azure", "--format", "dot")
    assert done.returncode == 0, done.stderr
    assert [p.suffix for p in tmp_path.iterdir()] == [".dot"]


def test_help_does_not_import_diagrams() -> None:
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from archkb.cli import cli\n"
        "for args in (['--help'], ['export', '--help'], ['export', 'diagram', '--help']):\n"
        "    result = CliRunner().invoke(cli, args)\n"
        "    assert result.exit_code == 0, result.output\n"
        "print('diagrams' in sys.modules, 'archkb.exports.diagram' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["False", "False"]
