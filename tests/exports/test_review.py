"""The design-review pack: what is in the folder, and that the HTML page stands alone."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from archkb.engine.kb import KnowledgeBase
from archkb.engine.needs import parse_needs
from archkb.engine.recommend import recommend
from archkb.exports.iac.render import ExportMeta
from archkb.exports.review import ReviewError, ReviewInputs, review_files, starter_iac

from tests.conftest import run_cli

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="pictures need Graphviz")


def inputs(kb: KnowledgeBase, needs: str, providers: list[str], rank: int = 1) -> ReviewInputs:
    result = recommend(kb, parse_needs(kb, needs), providers, 3)
    return ReviewInputs(
        result=result,
        need_names={n.id: n.name for n in kb.needs.values()},
        pattern_sources={p.id: [str(s) for s in p.sources] for p in kb.patterns.values()},
        providers=providers,
        date="2026-12-03",
        rank=rank,
        command=f"archkb export review --needs {needs}",
    )


def test_pack_has_readme_html_adr_and_diagrams(kb: KnowledgeBase) -> None:
    pack = inputs(kb, "dr,eu", ["aws", "gcp"])
    chosen = pack.result.recommendations[0]
    files = review_files(pack)
    stems = [f"diagrams/{chosen.blueprint}-{p}" for p in ("aws", "gcp")]
    assert set(files) == {"README.md", "review.html", "adr.md"} | {
        f"{s}.{ext}" for s in stems for ext in ("png", "drawio")
    }
    readme = str(files["README.md"])
    for heading in ("## Needs", "## Options, ranked", "## Decision", "## Services per provider",
                    "## Diagrams", "## Excluded, and why"):  # fmt: skip
        assert heading in readme
    for rec in pack.result.recommendations:
        assert rec.name in readme and all(t in readme for t in rec.tradeoffs)
    assert "| Amazon Web Services | Google Cloud |" in readme
    assert all(f"]({s}.png)" in readme for s in stems)
    assert "1. Users →" in readme  # the numbered request path beside each picture
    assert re.search(r"eu-\w+-1 \(\w+, primary\) and eu-\w+-\d \(\w+, secondary\)", readme)


def test_html_page_is_self_contained(kb: KnowledgeBase) -> None:
    html = str(review_files(inputs(kb, "serverless,eu", ["azure"]))["review.html"])
    assert html.startswith("<!DOCTYPE html>")
    sources = re.findall(r'\bsrc="([^"]*)"', html)
    assert sources and all(s.startswith("data:image/png;base64,") for s in sources)
    assert "<link" not in html and "<script" not in html  # nothing fetched from elsewhere
    assert "Serverless REST API" in html


def test_with_iac_adds_the_starter_code_per_provider(kb: KnowledgeBase) -> None:
    meta = ExportMeta("test", "fingerprint", ("serverless", "eu"), "archkb export review")
    files = review_files(inputs(kb, "serverless,eu", ["aws", "gcp"]), starter_iac(meta))
    for provider in ("aws", "gcp"):
        assert any(p.startswith(f"iac/{provider}/terraform/") and p.endswith(".tf") for p in files)


def test_rank_out_of_range_is_an_error(kb: KnowledgeBase) -> None:
    with pytest.raises(ReviewError, match="--rank 9"):
        review_files(inputs(kb, "serverless,eu", ["aws"], rank=9))


def test_cli_writes_the_folder_and_refuses_to_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "review"
    args = ["export", "review", "--needs", "serverless,eu", "--provider", "aws", "-o", str(out)]
    done = run_cli(*args, "--with-iac")
    assert done.exit_code == 0, done.output
    assert {"README.md", "review.html", "adr.md", "diagrams", "iac"} == {
        p.name for p in out.iterdir()
    }
    before = (out / "README.md").read_text()
    again = run_cli(*args)
    assert again.exit_code == 2 and "not empty" in again.stderr
    assert (out / "README.md").read_text() == before and (out / "iac").exists()
    assert run_cli(*args, "--force").exit_code == 0
    assert not (out / "iac").exists()  # replaced as a whole


def test_cli_bad_needs_exit_2_and_write_nothing(tmp_path: Path) -> None:
    out = tmp_path / "review"
    done = run_cli("export", "review", "--needs", "serverless,moon", "-o", str(out))
    assert done.exit_code == 2 and "--needs" in done.stderr
    assert not out.exists()
