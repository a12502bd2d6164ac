"""Hostile KB overlays and Terraform inputs: exit 2, located message, bounded, nothing run or written.

Each case runs the real CLI in a subprocess with an address-space limit (bounded memory) and a
generous timeout that only guards against hangs (not a performance assertion).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

HOSTILE = Path(__file__).resolve().parents[1] / "data" / "hostile"
ARCHKB = str(Path(sys.executable).parent / "archkb")
MEMORY_LIMIT = 1536 * 1024 * 1024


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ARCHKB_CACHE_DIR": str(cwd / "cache")}
    return subprocess.run(
        [ARCHKB, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_limit_memory,
    )


def assert_refused(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr[-2000:]


YAML_CASES = {
    "python_object": ("t.yaml:2", "python/object"),
    "python_name": ("t.yaml:3", "python/name"),
    "alias_bomb": ("t.yaml", "alias expansion"),
    "non_utf8": ("t.yaml:2", "not valid UTF-8"),
    "tabs": ("t.yaml:4", "syntax error"),
    "duplicate_keys": ("t.yaml:3", "duplicate key 'name'"),
    "path_id": ("t.yaml:1", "id: String should match pattern"),
    "nul_id": ("t.yaml:1", "NUL byte"),
}


@pytest.mark.parametrize("case", sorted(YAML_CASES))
def test_hostile_yaml_overlay(case: str, tmp_path: Path) -> None:
    result = run(["--kb", str(HOSTILE / case), "validate"], tmp_path)
    assert_refused(result, *YAML_CASES[case])
    assert sorted(p.name for p in tmp_path.iterdir()) in ([], ["cache"])
    assert not list((tmp_path / "cache").glob("*")) if (tmp_path / "cache").exists() else True
    assert not (tmp_path / "HOSTILE_RAN").exists()


def test_bom_file_loads(tmp_path: Path) -> None:
    result = run(["--kb", str(HOSTILE / "bom_ok"), "show", "bom-tool", "--json"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert '"tool/bom-tool"' in result.stdout


def _overlay(tmp_path: Path, name: str, content: bytes) -> Path:
    folder = tmp_path / "overlay" / "tools"
    folder.mkdir(parents=True)
    (folder / name).write_bytes(content)
    return tmp_path / "overlay"


def test_fifty_megabyte_yaml_is_refused_unread(tmp_path: Path) -> None:
    overlay = _overlay(tmp_path, "huge.yaml", b"")
    with (overlay / "tools" / "huge.yaml").open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    assert_refused(run(["--kb", str(overlay), "validate"], tmp_path), "huge.yaml", "limit")


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    overlay = _overlay(
        tmp_path, "deep.yaml", b"id: deep\nx: " + b"[" * 10_000 + b"]" * 10_000 + b"\n"
    )
    assert_refused(run(["--kb", str(overlay), "validate"], tmp_path), "deep.yaml:2", "nesting")


def test_very_long_string_is_refused(tmp_path: Path) -> None:
    overlay = _overlay(tmp_path, "long.yaml", b"id: long\nname: " + b"x" * 1_000_000 + b"\n")
    assert_refused(run(["--kb", str(overlay), "validate"], tmp_path), "long.yaml:2", "longer than")


def test_invalid_hcl(tmp_path: Path) -> None:
    # Issue 15: a bad block is a row with its line; the rest of the folder still maps.
    result = run(["map", "--from", "aws", "--to", "gcp", str(HOSTILE / "tf_invalid")], tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "main.tf:3" in result.stdout and "invalid HCL" in result.stdout
    (tmp_path / "bad.tf").write_text("}}} not HCL {{{\n")
    assert_refused(  # nothing readable at all: exit 2, with the reason
        run(["map", "--from", "aws", "--to", "gcp", str(tmp_path / "bad.tf")], tmp_path),
        "bad.tf:1",
        "invalid HCL",
    )


def test_huge_terraform_file(tmp_path: Path) -> None:
    big = tmp_path / "big.tf"
    big.write_text('resource "aws_s3_bucket" "b" {}\n' + "# padding\n" * 700_000)
    assert_refused(
        run(["map", "--from", "aws", "--to", "gcp", str(big)], tmp_path), "big.tf", "limit"
    )


def test_terraform_symlinks(tmp_path: Path) -> None:
    folder = tmp_path / "tf"
    folder.mkdir()
    (folder / "zero.tf").symlink_to("/dev/zero")
    assert_refused(run(["map", "--from", "aws", "--to", "gcp", str(folder)], tmp_path), "zero.tf")
    (folder / "zero.tf").unlink()
    outside = tmp_path / "outside.tf"
    outside.write_text('resource "aws_s3_bucket" "b" {}\n')
    (folder / "out.tf").symlink_to(outside)
    assert_refused(run(["map", "--from", "aws", "--to", "gcp", str(folder)], tmp_path), "outside")
