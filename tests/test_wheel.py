"""The built wheel works on its own: a fresh venv, run from another folder."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_wheel_installs_and_validates_anywhere(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(REPO)],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    wheels = list(dist.glob("archkb-*.whl"))
    assert len(wheels) == 1
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    pip = env_dir / "bin" / "pip"
    subprocess.run(
        [str(pip), "install", "--quiet", str(wheels[0])], check=True, capture_output=True
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "ARCHKB_CACHE_DIR": str(tmp_path / "cache")}
    result = subprocess.run(
        [str(env_dir / "bin" / "archkb"), "validate"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "no problems" in result.stdout
    shown = subprocess.run(
        [str(env_dir / "bin" / "archkb"), "show", "lambda", "--json"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env=env,
    )
    assert '"service/aws-lambda"' in shown.stdout
