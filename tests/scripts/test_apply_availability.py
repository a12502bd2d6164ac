"""`scripts/apply_availability.py`: findings become KB text without claims beyond the checked scope."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import yaml

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "apply_availability.py"
SCOPE = {"eu-a", "eu-b", "us-a"}


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("apply_availability", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def finding(**lists: object) -> dict[str, object]:
    return {
        "scope": "regional",
        "basis": "region-list",
        "checked": "2026-01-01",
        "source": "https://cloud.google.com/about/locations",
        **lists,
    }


def test_offered_in_few_regions_becomes_gaps_inside_the_scope_only() -> None:
    script = load_script()
    current = {"unavailable_in": ["asia-x"]}
    available, unavailable = script.regional_lists(current, finding(available_in=["eu-a"]), SCOPE)
    assert available is None
    assert unavailable == ["eu-b", "us-a", "asia-x"]


def test_an_available_in_record_keeps_its_other_regions() -> None:
    script = load_script()
    current = {"available_in": ["eu-a", "asia-x"]}
    available, unavailable = script.regional_lists(current, finding(unavailable_in=["eu-a"]), SCOPE)
    assert available == ["eu-b", "us-a", "asia-x"] and unavailable == []


def test_global_clears_both_lists() -> None:
    script = load_script()
    current = {"unavailable_in": ["eu-a"]}
    assert script.regional_lists(current, {"scope": "global"}, SCOPE) == (None, [])


def test_rewrite_puts_the_block_before_sources_and_replaces_an_old_one() -> None:
    script = load_script()
    block = [
        "  - id: x-svc\n",
        "    name: X  # a comment that must survive\n",
        "    unavailable_in: [eu-b]\n",
        "    availability:\n",
        "      scope: regional\n",
        "    sources: [https://cloud.google.com/x]\n",
        "\n",
    ]
    entry = finding(unavailable_in=["us-a"], note="Checked: us-a lacks it.")
    out = script.rewrite(block, entry, SCOPE)
    text = "".join(out)
    assert "a comment that must survive" in text
    record = yaml.safe_load(text)[0]
    assert record["unavailable_in"] == ["us-a"]
    assert record["availability"]["basis"] == "region-list"
    assert record["availability"]["note"] == "Checked: us-a lacks it."
    assert text.index("availability:") < text.index("sources:")
    assert text.count("availability:") == 1
