"""Loading: every problem reported at once, located; overlays; nothing executed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from archkb.engine.errors import KbLoadError
from archkb.engine.load import builtin_kb_root, load_records

BAD = Path(__file__).resolve().parent.parent / "data" / "bad_kb"


def problems_for(case: str) -> list[str]:
    with pytest.raises(KbLoadError) as caught:
        load_records([builtin_kb_root(), BAD / case])
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("syntax", "syntax/patterns/broken.yaml:4: YAML syntax error"),
        (
            "wrong_type",
            "wrong_type/patterns/wrong-type.yaml:11: pattern wrong-type: effects.availability: ",
        ),
        (
            "unknown_field",
            "unknown_field/tools/typo.yaml:5: tool typo-tool: relatd: Extra inputs are not permitted",
        ),
        (
            "dangling",
            "dangling/tools/dangling.yaml:5: tool/dangling-tool: related: unknown tool 'no-such-tool'",
        ),
        (
            "duplicate",
            "duplicate/tools/two.yaml:1: tool/twin-tool: id: duplicate id tool/twin-tool, also defined at ",
        ),
        (
            "python_tag",
            "python_tag/tools/evil.yaml:2: tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed",
        ),
        (
            "redefine",
            "redefine/patterns/retry.yaml:1: pattern/retry: id: redefines pattern/retry from ",
        ),
        (
            "http_source",
            "http_source/tools/plain-http.yaml:6: tool plain-http-tool: sources.0: "
            "String should match pattern '^https://",
        ),
        (
            "global_with_gaps",
            "global_with_gaps/services/dns.yaml:2: service azure-global-typo: "
            "Value error, a global service has no available_in or unavailable_in",
        ),
    ],
)
def test_bad_kb_reports_the_exact_location(case: str, expected: str) -> None:
    problems = problems_for(case)
    assert len(problems) == 1, problems
    assert expected in problems[0]


def test_python_tag_runs_nothing(tmp_path: Path) -> None:
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        problems_for("python_tag")
    finally:
        os.chdir(cwd)
    assert not (tmp_path / "ARCHKB_PWNED").exists()
    assert not Path(cwd, "ARCHKB_PWNED").exists()


def test_all_problems_come_at_once(tmp_path: Path) -> None:
    (tmp_path / "tools").mkdir()
    for i in range(3):
        (tmp_path / "tools" / f"t{i}.yaml").write_text(
            f"id: tool-{i}\nname: T{i}\ncategory: nope\nsummary: s\nsources: [https://docs.docker.com/]\n"
        )
    with pytest.raises(KbLoadError) as caught:
        load_records([builtin_kb_root(), tmp_path])
    assert [p.record for p in caught.value.problems] == [
        "tool/tool-0",
        "tool/tool-1",
        "tool/tool-2",
    ]
    assert all(p.line == 3 and p.field == "category" for p in caught.value.problems)


def test_overlay_adds_and_overrides(tmp_path: Path) -> None:
    (tmp_path / "patterns").mkdir()
    (tmp_path / "patterns" / "retry.yaml").write_text(
        (builtin_kb_root() / "patterns" / "retry.yaml")
        .read_text()
        .replace("name: Retry", "name: Retry (ours)")
        + "override: true\n"
    )
    records = {r.key: r for r in load_records([builtin_kb_root(), tmp_path])}
    assert records["pattern/retry"].record.name == "Retry (ours)"
    assert records["pattern/retry"].root_index == 1


def test_file_outside_a_kind_folder_is_reported(tmp_path: Path) -> None:
    (tmp_path / "stray.yaml").write_text("id: x\n")
    with pytest.raises(KbLoadError) as caught:
        load_records([builtin_kb_root(), tmp_path])
    assert "not inside a kind folder" in str(caught.value.problems[0])


def test_missing_overlay_folder_is_reported(tmp_path: Path) -> None:
    with pytest.raises(KbLoadError) as caught:
        load_records([builtin_kb_root(), tmp_path / "nope"])
    assert "KB folder not found" in str(caught.value.problems[0])
