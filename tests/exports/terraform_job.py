"""The Terraform suite's expensive part, run once per test session in a process of its own.

Rendering every blueprint × provider, validating it against the provider schemas and scanning it
with checkov takes minutes of CPU, checkov most of it. Run as a fixture, it either ran in every
xdist worker (twice the work) or, confined to one worker, became the session's long tail. So the
first worker to collect the Terraform tests starts this module as a separate process
(`python -m tests.exports.terraform_job ROOT`) the moment the session begins, and the fixtures
of test_iac_terraform.py wait for its results in ROOT, shared by all workers:

- `tree/<output>/…`, then `rendered.ok`: every output written;
- `validated.pickle`, then `validated.ok`: `archkb validate-iac`'s report per output;
- `checkov.json`, then `checkov.ok`: checkov's terraform checks over `tree/` and, at the same
  time, its secrets scan over each distinct file text once (`distinct/`);
- `failed`: the traceback, when any step fails (the waiting fixture shows it).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import subprocess
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from filelock import FileLock

from tests.exports import hcl_cache
from tests.exports.iac_helpers import REPO, CheckovReport, checkov_command, parse_checkov_json

STEPS = ("rendered", "validated", "checkov")
WAIT_LIMIT = 1800.0
"""Seconds a fixture waits for a step before failing (checkov alone takes minutes)."""


def start(root: Path) -> None:
    """Start the job for this session unless a worker already did (idempotent across workers)."""
    root.mkdir(parents=True, exist_ok=True)
    with FileLock(str(root / "start.lock")):
        if (root / "pid").exists():
            return
        log = (root / "job.log").open("w")
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.exports.terraform_job", str(root)],
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        (root / "pid").write_text(str(proc.pid))


def wait_for(root: Path, step: str) -> Path:
    """Block until the job finished `step`; fails with the job's own traceback or log."""
    assert step in STEPS, step
    start(root)  # a session that deselected every trigger still gets its job
    deadline = time.monotonic() + WAIT_LIMIT
    while not (root / f"{step}.ok").exists():
        if (root / "failed").exists():
            raise AssertionError(f"the Terraform job failed:\n{(root / 'failed').read_text()}")
        if not _alive(int((root / "pid").read_text())) and not (root / f"{step}.ok").exists():
            log = (root / "job.log").read_text()[-4000:]
            raise AssertionError(f"the Terraform job died before `{step}`:\n{log}")
        assert time.monotonic() < deadline, f"the Terraform job took over {WAIT_LIMIT:.0f} s"
        time.sleep(0.5)
    return root


def rendered(root: Path) -> Path:
    return wait_for(root, "rendered") / "tree"


def validated(root: Path) -> dict[str, Any]:
    data: dict[str, Any] = pickle.loads(
        (wait_for(root, "validated") / "validated.pickle").read_bytes()
    )
    return data


def scan(root: Path) -> CheckovReport:
    return parse_checkov_json((wait_for(root, "checkov") / "checkov.json").read_text())


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with contextlib.suppress(ChildProcessError):  # our own child: reap it if it exited
        if os.waitpid(pid, os.WNOHANG) != (0, 0):
            return False
    return True


def _publish(root: Path, name: str, data: bytes) -> None:
    """Write `name` whole, then its `.ok` marker: a waiter never reads half a file."""
    tmp = root / f".{name}.tmp"
    tmp.write_bytes(data)
    tmp.rename(root / name)


def run(root: Path) -> None:
    from archkb.engine.kb import KnowledgeBase
    from archkb.engine.load import builtin_kb_root, load_records
    from archkb.exports.iac.render import render_tool
    from archkb.exports.iac.tools.terraform import catalog
    from archkb.exports.iac.validate import validate_modules
    from archkb.exports.iac.validate.config import read_folder

    from tests.exports.terraform_outputs import META, OUTPUTS, architecture
    from tests.exports.tfschema_helpers import schemas

    kb = KnowledgeBase.from_records(load_records([builtin_kb_root()]))
    tree = root / "tree"
    for output in OUTPUTS:
        for relative, text in render_tool("terraform", architecture(kb, output), META).items():
            path = tree / output / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    (root / "rendered.ok").touch()

    stale = sorted({c.id for checks in catalog().checkov_stale.values() for c in checks})
    distinct = _distinct_files(tree, root / "distinct")
    # Module folders are read through the roots that call them (every resource is reported
    # once per calling root, with its caller); walked again as folders of their own they only
    # cost time: about 70 of the job's 470 s of CPU, for the same findings (compared finding by
    # finding on 12 outputs; the matrix in docs/iac-validation.md holds the counts per stack).
    terraform = _start_checkov(tree, ["terraform"], stale, ["/modules/"])
    secrets = _start_checkov(root / "distinct", ["secrets"], [])
    # Schema validation (about a minute) runs while checkov does.
    # Last output first: the tests that read the plain stacks again start at the first, so the
    # two meet in the middle instead of parsing the same texts side by side (hcl_cache.py).
    reports = {
        out: validate_modules(read_folder(tree / out), schemas()) for out in reversed(OUTPUTS)
    }
    _publish(root, "validated.pickle", pickle.dumps(reports))
    (root / "validated.ok").touch()
    blocks = _blocks(terraform) + _restore_paths(_blocks(secrets), distinct)
    _publish(root, "checkov.json", json.dumps(blocks).encode())
    (root / "checkov.ok").touch()


def _distinct_files(tree: Path, target: Path) -> dict[str, list[str]]:
    """Each distinct file text under `tree` once, as `target/<digest>/<file name>`; returns
    {that path: every path under `tree` with the same text} (checkov's `/relative` form).

    The secrets framework judges a file by its text alone, so scanning each text once finds what
    scanning every file would (8,127 files held 6,560 distinct texts: a small saving)."""
    copies: dict[str, list[str]] = {}
    for path in sorted(p for p in tree.rglob("*") if p.is_file()):
        data = path.read_bytes()
        where = f"/{hashlib.sha256(data).hexdigest()[:20]}/{path.name}"
        if where not in copies:
            (target / where[1:]).parent.mkdir(parents=True, exist_ok=True)
            (target / where[1:]).write_bytes(data)
        copies.setdefault(where, []).append(f"/{path.relative_to(tree)}")
    return copies


def _start_checkov(
    path: Path, frameworks: list[str], skip: list[str], skip_paths: Sequence[str] = ()
) -> tuple[subprocess.Popen[str], Path]:
    cmd, env = checkov_command(path, frameworks, skip, skip_paths)
    return subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=path
    ), path


def _blocks(started: tuple[subprocess.Popen[str], Path]) -> list[Any]:
    proc, path = started
    stdout, stderr = proc.communicate(timeout=1500)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"checkov over {path} crashed ({proc.returncode}):\n{stderr[-3000:]}")
    data = json.loads(stdout) if stdout.strip() else []
    return data if isinstance(data, list) else [data]


def _restore_paths(blocks: list[Any], copies: dict[str, list[str]]) -> list[Any]:
    """The secrets findings on each distinct text, once per file that holds it."""
    for block in blocks:
        for key, findings in block.get("results", {}).items():
            if isinstance(findings, list) and key.endswith("_checks"):
                block["results"][key] = [
                    {**finding, "file_path": original}
                    for finding in findings
                    for original in copies.get(
                        finding.get("file_path", ""), [finding.get("file_path", "")]
                    )
                ]
    return blocks


if __name__ == "__main__":
    import gc

    gc.set_threshold(50_000, 20, 20)  # as tests/conftest.py's TEST_GC_THRESHOLD, for the parsing
    job_root = Path(sys.argv[1])
    if os.environ.get(hcl_cache.ENV):  # the session's shared readings (tests/conftest.py)
        hcl_cache.install(Path(os.environ[hcl_cache.ENV]))
    try:
        run(job_root)
    except BaseException:
        _publish(job_root, "failed", traceback.format_exc().encode())
        raise
