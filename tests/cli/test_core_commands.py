"""Core CLI commands through click's runner, plus one real subprocess run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATA, run_cli


def test_validate_prints_counts() -> None:
    result = run_cli("validate")
    assert result.exit_code == 0
    assert "service" in result.stdout and "no problems" in result.stdout


def test_validate_with_broken_overlay_lists_every_error(tmp_path: Path) -> None:
    (tmp_path / "tools").mkdir()
    for i in range(2):
        (tmp_path / "tools" / f"t{i}.yaml").write_text(
            f"id: t{i}\nname: T\ncategory: devtools\nsummary: s\nrelated: [ghost-{i}]\n"
            "sources: [https://docs.docker.com/]\n"
        )
    result = run_cli("--kb", str(tmp_path), "validate")
    assert result.exit_code == 2
    assert "2 problem(s)" in result.stderr
    assert f"{tmp_path / 'tools' / 't0.yaml'}:5" in result.stderr or "t0.yaml:5" in result.stderr
    assert "unknown tool 'ghost-1'" in result.stderr


def test_stats_json_counts() -> None:
    data = json.loads(run_cli("stats", "--json").stdout)
    assert data["counts"]["service"] >= 180
    assert set(data["providers"]) == {"aws", "azure", "gcp"}
    assert data["categories"]["capabilities"]["database"] >= 5


def test_stats_counts_checked_availability_per_basis() -> None:
    providers = json.loads(run_cli("stats", "--json").stdout)["providers"]
    for row in providers.values():
        assert row["availability_checked"] == sum(row["availability_basis"].values())
        assert 0 < row["availability_checked"] <= row["services"]
    text = run_cli("stats").stdout
    assert "availability" in text and "checked" in text


def test_show_states_regional_availability_and_its_source() -> None:
    tasks = run_cli("show", "gcp-cloud-tasks").stdout
    assert "not offered in europe-north1" in tasks and "cloud.google.com/about/locations" in tasks
    assert "global service" in run_cli("show", "azure-front-door").stdout
    region = run_cli("show", "region/gcp-europe-west4").stdout
    assert "Services not offered here" in region and "Cloud Tasks" in region
    assert "Cloud Run (" not in region


def test_list_and_filters() -> None:
    data = json.loads(
        run_cli("list", "service", "--provider", "gcp", "--category", "database", "--json").stdout
    )
    ids = {row["id"] for row in data}
    assert "gcp-cloud-sql" in ids and all(i.startswith("gcp-") for i in ids)
    assert run_cli("list", "nonsense").exit_code == 2


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("lambda", "service/aws-lambda"),
        ("Azure Functions", "service/azure-functions"),
        ("pattern/cqrs", "pattern/cqrs"),
    ],
)
def test_show_json(query: str, key: str) -> None:
    result = run_cli("show", query, "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["key"] == key and data["defined_in"]["file"].endswith(".yaml")


def test_show_text_renders_markdown() -> None:
    result = run_cli("show", "Azure Functions")
    assert (
        result.exit_code == 0 and "Equivalents" in result.stdout and "AWS Lambda" in result.stdout
    )


def test_show_unknown_suggests_and_exits_1() -> None:
    result = run_cli("show", "dynamodbb")
    assert result.exit_code in (0, 1)
    if result.exit_code == 1:
        assert "did you mean" in result.stderr
    result = run_cli("show", "qqqqzzzz")
    assert result.exit_code == 1 and "no record matches" in result.stderr


def test_show_ambiguous_lists_candidates() -> None:
    result = run_cli("show", "serverless")
    assert result.exit_code == 1 and "need/serverless" in result.stderr


def test_search_queue() -> None:
    result = run_cli("search", "queue", "--json")
    keys = [hit["key"] for hit in json.loads(result.stdout)]
    assert "service/aws-sqs" in keys and "capability/message-queue" in keys
    assert run_cli("search", "qqqqzzzz").exit_code == 1


def test_graph_neighbors_and_export(tmp_path: Path) -> None:
    data = json.loads(run_cli("graph", "neighbors", "aws-lambda", "--json").stdout)
    implements = {n["key"] for n in data["neighbors"]["implements"]}
    assert "capability/function-as-a-service" in implements
    out = tmp_path / "g.graphml"
    assert run_cli("graph", "export", "--format", "graphml", "-o", str(out)).exit_code == 0
    assert out.read_text().startswith("<?xml")
    again = run_cli("graph", "export", "--format", "graphml", "-o", str(out))
    assert again.exit_code == 2 and "--force" in again.stderr
    assert (
        run_cli("graph", "export", "--format", "json", "-o", str(tmp_path / "g.json")).exit_code
        == 0
    )
    assert json.loads((tmp_path / "g.json").read_text())["nodes"]


def test_compare_database_and_all_formats() -> None:
    result = run_cli("compare", "--category", "database", "--format", "json")
    rows = json.loads(result.stdout)
    relational = next(r for r in rows if "relational" in r["capability"].lower())
    assert relational["aws"].startswith("Amazon RDS") and relational["gcp"].startswith("Cloud SQL")
    assert any(r["azure"].startswith("— (closest:") for r in rows)
    csv = run_cli("compare", "--all", "--format", "csv").stdout.splitlines()
    assert csv[0] == "category,capability,aws,azure,gcp" and len(csv) > 55
    assert run_cli("compare", "--category", "nope").exit_code == 2
    assert run_cli("compare").exit_code == 2


def test_export_sqlite(tmp_path: Path) -> None:
    import sqlite3

    target = tmp_path / "kb.sqlite"
    assert run_cli("export", "sqlite", str(target)).exit_code == 0
    assert sqlite3.connect(target).execute("select count(*) from records").fetchone()[0] > 500
    assert run_cli("export", "sqlite", str(tmp_path / "new" / "kb.sqlite")).exit_code == 0
    (tmp_path / "file").write_text("not a folder")
    assert run_cli("export", "sqlite", str(tmp_path / "file" / "kb.sqlite")).exit_code == 2


def test_every_command_has_help() -> None:
    from archkb.cli import cli

    def walk(group: object, prefix: list[str]) -> list[list[str]]:
        import click

        found = []
        assert isinstance(group, click.Group)
        for name in group.list_commands(None):  # type: ignore[arg-type]
            command = group.get_command(None, name)  # type: ignore[arg-type]
            assert command is not None
            found.append([*prefix, name])
            if isinstance(command, click.Group):
                found += walk(command, [*prefix, name])
        return found

    commands = walk(cli, [])
    assert len(commands) >= 12
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for path in commands:
        result = run_cli(*path, "--help")
        assert result.exit_code == 0 and len(result.stdout) > 80, path
        assert f"archkb {' '.join(path)}" in readme, f"README lacks `archkb {' '.join(path)}`"


def test_real_process_and_lazy_imports(tmp_path: Path) -> None:
    env = {**os.environ, "ARCHKB_CACHE_DIR": str(tmp_path / "cache")}
    code = (
        "import sys; from archkb.cli import main; sys.argv=['archkb','--help'];\n"
        "try:\n main()\nexcept SystemExit: pass\n"
        "print(sorted(m for m in ('textual','diagrams','networkx','sqlite_utils') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip().endswith("[]")
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "archkb"),
            "recommend",
            "--needs",
            "serverless,eu",
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["recommendations"][0]["blueprint"] == "serverless-rest-api"
    bad = subprocess.run(
        [str(Path(sys.executable).parent / "archkb"), "recommend", "--needs", "eu,us"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert bad.returncode == 2 and "clash" in bad.stderr and "Traceback" not in bad.stderr
    assert DATA.is_dir()


def test_show_with_an_empty_name_is_bad_input() -> None:
    for query in ("", "   "):
        result = run_cli("show", query)
        assert result.exit_code == 2 and "empty" in result.stderr


def test_search_tries_names_first_like_the_tui() -> None:
    """`lamda` has no full-text hit, but names Lambda; the TUI and the CLI answer alike."""
    from archkb.engine.search import find_records, search_text
    from archkb.engine.store import load_knowledge_base
    from archkb.tui.lookup import find_records as tui_find

    kb = load_knowledge_base()[0]
    assert search_text(kb, "lamda") == []
    result = run_cli("search", "lamda", "--json")
    keys = [hit["key"] for hit in json.loads(result.stdout)]
    assert keys[0] == "service/aws-lambda"
    assert [f.key for f in tui_find(kb, "lamda")] == [
        h.key for h in find_records(kb, "lamda", limit=30)
    ]
