"""Shared fixtures: one loaded KB per session, a private cache dir, a CLI runner."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest
from archkb.engine.kb import KnowledgeBase
from click.testing import CliRunner, Result
from hypothesis import settings

from tests.builtin_kb import builtin_kb

# Property tests explore new inputs on every local run; in CI (CI=true) they replay a fixed
# sequence, so a submission never fails on a draw nobody has seen.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data"


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Never touch the user's cache; no overlays from the environment."""
    os.environ["ARCHKB_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    os.environ.pop("ARCHKB_PATH", None)


TERRAFORM_TESTS = "tests/exports/test_iac_terraform.py"
EARLY_TESTS = ("tests/tui/", "tests/test_wheel.py")
"""Scheduled first: tests that often wait rather than compute (Textual's Pilot), and the
wheel install, one test of half a minute that would otherwise end the session alone."""


def _shared_by_workers(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    """A folder of this test run that every xdist worker sees at the same path."""
    base = tmp_path_factory.getbasetemp()
    return (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / name


@pytest.fixture(scope="session")
def terraform_job(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder the session's Terraform job (tests/exports/terraform_job.py) writes into:
    one per test run, shared by all xdist workers."""
    return _shared_by_workers(tmp_path_factory, "terraform-job")


@pytest.fixture(autouse=True, scope="session")
def _shared_hcl_readings(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each Terraform text is parsed once per session, whichever process reads it first
    (tests/exports/hcl_cache.py); the Terraform job, started later, inherits the folder."""
    from tests.exports import hcl_cache

    hcl_cache.install(_shared_by_workers(tmp_path_factory, "hcl-readings"))


@pytest.fixture(autouse=True, scope="session")
def _start_terraform_job(
    request: pytest.FixtureRequest, _private_cache: None, _shared_hcl_readings: None
) -> None:
    """Start the Terraform job as the session begins when it runs any Terraform test, so its
    minutes of checkov overlap the rest of the suite instead of trailing it."""
    if any(item.nodeid.startswith(TERRAFORM_TESTS) for item in request.session.items):
        from tests.exports import terraform_job

        terraform_job.start(request.getfixturevalue("terraform_job"))


SHARED_SETUP = (
    "tests/exports/test_iac_other.py",
    "tests/exports/test_iac_roundtrip.py",
    "tests/exports/test_iac_flows.py",
    "tests/exports/test_iac_defects.py",
    "tests/exports/test_iac_profiles.py",
    "tests/engine/test_terraform_migration.py",
    "tests/engine/test_terraform_reader.py",
    "tests/benchmarks/test_synth_smoke.py",
)
"""Files whose tests share an expensive module-scoped fixture (every stack rendered and read,
a checkov or cfn-lint run, a synthetic KB): each runs on one xdist worker (`--dist
loadgroup`), so the fixture is built once; every other test goes to whichever worker is free."""


TEST_GC_THRESHOLD = (50_000, 20, 20)
"""The collector's thresholds in test processes (Python's default: 700, 10, 10). The suite
allocates parse trees and rendered stacks by the million while module fixtures keep large
caches alive, so a collection every 700 allocations keeps re-walking live objects: measured on
test_iac_exposure + test_iac_profiles, 93 → 78 s of CPU. Only how often it runs changes."""


def pytest_configure(config: pytest.Config) -> None:
    """Know the xdist_group mark also when xdist is not loaded (`-p no:xdist`); collect
    garbage less often (`TEST_GC_THRESHOLD`, in every worker)."""
    config.addinivalue_line("markers", "xdist_group(name): run these tests on one xdist worker")
    gc.set_threshold(*TEST_GC_THRESHOLD)


@pytest.hookimpl(tryfirst=True)  # before xdist reads the xdist_group marks
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Group the SHARED_SETUP files' tests per file. Order: EARLY_TESTS first, the tests
    that read the Terraform job's checkov results last, the rest in collection order between.

    The suite is CPU-bound, so the order decides how well the two cores stay busy. Pilot tests
    spend about half their time waiting for the screen; run last, they left a core idle for
    the final two minutes, while early on the Terraform job takes whatever they leave. The
    checkov readers go last so the job has the whole session to finish and no worker waits."""
    for item in items:
        path = item.nodeid.split("::", 1)[0]
        if path in SHARED_SETUP:
            item.add_marker(pytest.mark.xdist_group(name=path))
    items.sort(key=_phase)  # stable: collection order within each phase


def _phase(item: pytest.Item) -> int:
    if item.nodeid.startswith(EARLY_TESTS):
        return 0
    if item.nodeid.startswith(TERRAFORM_TESTS) and _reads_scan(item):
        return 2
    return 1


def _reads_scan(item: pytest.Item) -> bool:
    return "scan" in getattr(item, "fixturenames", ())


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    """The built-in KB, loaded from YAML (validated, integrity-checked), once per process."""
    return builtin_kb()


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty cache folder for this test (ARCHKB_CACHE_DIR points at it)."""
    path = tmp_path / "cache"
    monkeypatch.setenv("ARCHKB_CACHE_DIR", str(path))
    return path


def run_cli(*args: str, input: str | None = None) -> Result:
    """Invoke the CLI in-process (standalone mode: exit codes as users see them)."""
    from archkb.cli import cli

    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)
