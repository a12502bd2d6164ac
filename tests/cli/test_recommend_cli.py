"""`recommend`, `why-not` and `export adr` as users run them."""

from __future__ import annotations

import json
from pathlib import Path

from markdown_it import MarkdownIt

from tests.conftest import run_cli


def test_headline_text_output() -> None:
    result = run_cli("recommend", "--needs", "serverless,eu")
    assert result.exit_code == 0
    out = result.stdout
    assert "Serverless REST API" in out and "AWS Lambda" in out and "Azure Functions" in out
    assert "Cloud Run functions" in out
    assert "eu-central-1" in out and "westeurope" in out and "europe-west1" in out
    assert "What it gives you:" in out and "archkb export diagram" in out
    assert "What would change the answer:" in out


def test_json_shape_is_stable() -> None:
    data = json.loads(run_cli("recommend", "--needs", "serverless,eu", "--json").stdout)
    assert set(data) == {
        "needs",
        "constraints",
        "ranked",
        "qualifying",
        "notice",
        "suggestions",
        "recommendations",
        "excluded",
    }
    rec = data["recommendations"][0]
    assert set(rec) == {
        "rank",
        "blueprint",
        "name",
        "score",
        "reasons",
        "score_terms",
        "what_would_change",
        "tradeoffs",
        "patterns",
        "providers",
        "dropped",
    }
    aws = rec["providers"]["aws"]
    assert set(aws) == {"regions", "components", "notes"}
    assert set(aws["components"][0]) == {"role", "capability", "service", "service_name"}
    assert set(data["excluded"][0]) == {"blueprint", "provider", "reason"}
    assert len(data["recommendations"]) == 3


def test_explain_shows_every_term_and_exclusions() -> None:
    out = run_cli(
        "recommend", "--needs", "serverless,eu,low-cost", "--explain", "--top", "1"
    ).stdout
    assert "Constraints" in out and "Excluded:" in out and "weighted" in out
    assert "{'jurisdiction'" not in out  # a table, not a Python dict
    assert "every region in eu" in out and "cost ×3" in out


def test_provider_filter_and_unknown_provider() -> None:
    data = json.loads(
        run_cli("recommend", "--needs", "kubernetes,us", "--provider", "gcp", "--json").stdout
    )
    assert set(data["recommendations"][0]["providers"]) == {"gcp"}
    bad = run_cli("recommend", "--needs", "kubernetes", "--provider", "oracle")
    assert bad.exit_code == 2 and "unknown provider" in bad.stderr


def test_exit_2_paths() -> None:
    for needs, text in (
        ("eu,us", "clash"),
        ("serverlss", "did you mean 'serverless'"),
        (",", "known needs"),
    ):
        result = run_cli("recommend", "--needs", needs)
        assert result.exit_code == 2 and text in result.stderr


def test_nothing_qualifies_exits_1_in_text_and_json() -> None:
    result = run_cli("recommend", "--needs", "hybrid,serverless")
    assert result.exit_code == 1 and "no blueprint meets" in result.stderr
    as_json = run_cli("recommend", "--needs", "hybrid,serverless", "--json")
    assert as_json.exit_code == 1
    assert json.loads(as_json.stdout)["recommendations"] == []


def test_provider_need_and_provider_option_clash() -> None:
    result = run_cli("recommend", "--needs", "serverless,eu,aws", "--provider", "gcp")
    assert result.exit_code == 2
    assert "clash" in result.stderr and "'aws'" in result.stderr and "gcp" in result.stderr
    assert "Excluded" not in result.stdout


def test_constraint_only_needs_are_listed_unranked() -> None:
    result = run_cli("recommend", "--needs", "hipaa,us")
    assert result.exit_code == 0
    assert "Only constraint needs" in result.stdout and "unranked" in result.stdout
    assert "score" not in result.stdout.split("Only constraint needs")[1].split("\n")[0]
    data = json.loads(run_cli("recommend", "--needs", "ch", "--json").stdout)
    assert data["ranked"] is False and data["notice"] and data["suggestions"]
    assert len(data["recommendations"]) == data["qualifying"] > 3  # all of them, not --top
    ids = [r["blueprint"] for r in data["recommendations"]]
    assert ids == sorted(ids)


def test_next_commands_only_for_qualifying_providers() -> None:
    out = run_cli("recommend", "--needs", "serverless,ch", "--provider", "gcp", "--top", "1").stdout
    assert "--provider aws" not in out and "--provider gcp" in out
    out = run_cli("recommend", "--needs", "vms,uk,disaster-recovery", "--top", "1").stdout
    assert "--provider azure" in out and "--provider aws " not in out


def test_dropped_providers_and_substitutions_shown_by_default() -> None:
    out = run_cli("recommend", "--needs", "vms,uk,disaster-recovery", "--top", "1").stdout
    assert "Not possible on:" in out and "only one location" in out
    out = run_cli("recommend", "--needs", "serverless,ch", "--provider", "gcp").stdout
    assert "Substitution:" in out and "europe-west6" in out


def test_why_not() -> None:
    result = run_cli("why-not", "three-tier-web-vms", "--needs", "serverless,eu")
    assert result.exit_code == 0 and "not serverless" in result.stdout
    first = " ".join(
        run_cli("why-not", "serverless-rest-api", "--needs", "serverless,eu").stdout.split()
    )
    assert "#1 of" in first and "below" not in first
    data = json.loads(
        run_cli("why-not", "serverless-rest-api", "--needs", "serverless,eu", "--json").stdout
    )
    assert data["rank"] == 1 and data["qualifies_on"] == ["aws", "azure", "gcp"]
    data = json.loads(run_cli("why-not", "dr-warm-standby", "--needs", "dr,uk", "--json").stdout)
    reasons = {r["provider"]: r["reason"] for r in data["reasons"]}
    assert "only one location" in reasons["aws"] and data["qualifies_on"] == ["azure"]
    assert run_cli("why-not", "no-such-blueprint", "--needs", "eu").exit_code == 1


def test_adr_is_valid_markdown_in_madr_layout(tmp_path: Path) -> None:
    target = tmp_path / "0001.md"
    result = run_cli(
        "export", "adr", "--needs", "serverless,eu", "--provider", "aws", "-o", str(target),
        "--date", "2026-01-15",
    )  # fmt: skip
    assert result.exit_code == 0
    text = target.read_text()
    assert "date: 2026-01-15" in text and "YYYY" not in text
    assert ".;" not in text and "rated 5/5" not in text and "weighted" not in text
    assert "Good, because for `serverless`" in text
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    for section in (
        "Context and Problem Statement",
        "Decision Drivers",
        "Considered Options",
        "Decision Outcome",
        "Consequences",
        "Pros and Cons of the Options",
        "More Information",
    ):
        assert section in headings, headings
    assert any(t.type == "table_open" for t in tokens)
    assert "AWS Lambda" in text and "eu-central-1" in text and "https://" in text
    second = tmp_path / "second.md"
    assert (
        run_cli(
            "export", "adr", "--needs", "serverless,eu", "--rank", "2", "-o", str(second)
        ).exit_code
        == 0
    )
    assert "# Use Serverless event processing" in second.read_text()
    assert (
        run_cli(
            "export",
            "adr",
            "--needs",
            "static-website",
            "--rank",
            "9",
            "-o",
            str(tmp_path / "x.md"),
        ).exit_code
        == 2
    )
    again = tmp_path / "0002.md"
    run_cli(
        "export", "adr", "--needs", "serverless,eu", "--provider", "aws", "-o", str(again),
        "--date", "2026-01-15",
    )  # fmt: skip
    assert again.read_text() == text  # deterministic


def test_next_iac_command_runs(tmp_path: Path) -> None:
    out = run_cli("recommend", "--needs", "serverless,ch", "--provider", "gcp", "--top", "1").stdout
    flat = " ".join(out.split())
    command = flat[flat.index("archkb export iac") : flat.index("infra-gcp/") + len("infra-gcp/")]
    args = command.split()[1:]
    args[args.index("-o") + 1] = str(tmp_path / "infra-gcp")
    result = run_cli(*args)
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "infra-gcp" / "README.md").exists()
