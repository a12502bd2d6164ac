"""The lean read path (plain records from the compiled store, results without pydantic) answers
exactly as the full path (YAML validated by pydantic, `--no-cache`) does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from archkb.engine.kb import KnowledgeBase
from archkb.engine.mapping import ServiceMapping, map_service
from archkb.engine.needs import parse_needs
from archkb.engine.recommend import recommend
from archkb.engine.records import jsonable
from archkb.engine.results import RecommendationSet
from archkb.engine.store import load_knowledge_base
from pydantic import TypeAdapter

from tests.conftest import run_cli

CASES = [
    ["recommend", "--needs", "serverless,eu"],
    ["recommend", "--needs", "serverless,eu", "--json"],
    ["recommend", "--needs", "serverless,eu", "--explain"],
    ["recommend", "--needs", "containers,gdpr,high-availability", "--provider", "aws,azure"],
    ["recommend", "--needs", "hipaa,us,event-driven", "--json"],
    ["recommend", "--needs", "web-app,de,low-cost", "--top", "5"],
    ["recommend", "--needs", "eu"],
    ["recommend", "--needs", "streaming,multi-region,disaster-recovery", "--json"],
    ["map", "AWS Lambda"],
    ["map", "AWS Lambda", "--json"],
    ["map", "Cosmos DB"],
    ["map", "Key Vault", "--json"],
    ["map", "pub/sub", "--to", "aws"],
    ["map", "s3", "--to", "azure,gcp", "--json"],
    ["show", "service/aws-lambda"],
    ["show", "aws-lambda", "--json"],
    ["show", "pattern/cqrs"],
    ["show", "blueprint/serverless-rest-api", "--json"],
    ["show", "region/aws-eu-central-1", "--json"],
    ["show", "need/hipaa", "--json"],
    ["show", "capability/key-management"],
    ["search", "queue"],
    ["search", "queue", "--json"],
    ["search", "lamda"],
    ["search", "database", "--kind", "service", "--json"],
]


@pytest.fixture(scope="module")
def warm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder holding the compiled store of the built-in KB."""
    import os

    path = tmp_path_factory.mktemp("lean-cache")
    before = os.environ["ARCHKB_CACHE_DIR"]
    os.environ["ARCHKB_CACHE_DIR"] = str(path)
    try:
        load_knowledge_base()
    finally:
        os.environ["ARCHKB_CACHE_DIR"] = before
    return path


@pytest.mark.parametrize("args", CASES, ids=[" ".join(c) for c in CASES])
def test_cached_answer_is_the_validated_answer(
    args: list[str], warm: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARCHKB_CACHE_DIR", str(warm))
    lean = run_cli(*args)
    full = run_cli("--no-cache", *args)
    assert lean.exit_code == full.exit_code == 0
    assert lean.stdout == full.stdout
    assert list(warm.glob("kb-*.sqlite")), "the lean run read the store"


@pytest.fixture(scope="module")
def stored(warm: Path) -> KnowledgeBase:
    import os

    before = os.environ["ARCHKB_CACHE_DIR"]
    os.environ["ARCHKB_CACHE_DIR"] = str(warm)
    try:
        kb, warnings = load_knowledge_base()
    finally:
        os.environ["ARCHKB_CACHE_DIR"] = before
    assert warnings == [] and kb.store_path is not None
    return kb


NEEDS = ["serverless,eu", "containers,gdpr,high-availability", "hipaa,us", "eu", "batch,apac"]


@pytest.mark.parametrize("needs", NEEDS)
def test_results_serialise_as_pydantic_would(
    needs: str, kb: KnowledgeBase, stored: KnowledgeBase
) -> None:
    """The result dataclasses, checked and dumped by pydantic, give what `jsonable` gives; and
    the store's KB recommends what the YAML KB recommends."""
    lean = recommend(stored, parse_needs(stored, needs))
    full = recommend(kb, parse_needs(kb, needs))
    adapter: TypeAdapter[Any] = TypeAdapter(RecommendationSet)
    checked = adapter.validate_python(lean, strict=True)  # every field of the declared type
    assert adapter.dump_python(checked, mode="json") == jsonable(lean) == jsonable(full)


@pytest.mark.parametrize("service", ["aws-lambda", "azure-key-vault", "gcp-pubsub", "aws-s3"])
def test_mappings_serialise_as_pydantic_would(
    service: str, kb: KnowledgeBase, stored: KnowledgeBase
) -> None:
    targets = ["aws", "azure", "gcp"]
    lean = map_service(stored, service, stored.services[service], targets)
    full = map_service(kb, service, kb.services[service], targets)
    adapter: TypeAdapter[Any] = TypeAdapter(ServiceMapping)
    checked = adapter.validate_python(lean, strict=True)
    assert adapter.dump_python(checked, mode="json") == jsonable(lean) == jsonable(full)


def test_store_holds_the_records_and_origins_of_the_yaml(
    kb: KnowledgeBase, stored: KnowledgeBase
) -> None:
    """Records (shared values and all) and origins (kept in columns until asked) read back as
    the YAML load built them."""
    from archkb.engine.kinds import KINDS

    for kind in KINDS:
        assert stored.table(kind) == kb.table(kind), kind
        assert [jsonable(r) for r in stored.table(kind).values()] == [
            jsonable(r) for r in kb.table(kind).values()
        ]
    assert dict(stored.origins) == dict(kb.origins)
    assert stored.origins["service/aws-lambda"] == kb.origins["service/aws-lambda"]
    assert len(stored.origins) == sum(kb.counts().values())


HEADLINE_CASES = [
    *[case for case in CASES if case[0] == "recommend"],
    ["recommend", "--needs=serverless,eu", "--top=1"],
    ["recommend", "--json", "--provider", "gcp", "--needs", "batch,apac", "--top", "0"],
    ["recommend", "--needs", "hipaa,us"],  # only constraints: all qualifying, unranked
    ["recommend", "--needs", "hipaa,us", "--top", "3"],  # the same with --top given
    ["recommend", "--needs", "nonsense-need"],  # exit 2
    ["recommend", "--needs", "serverless,eu", "--provider", "ibm"],  # exit 2
    ["recommend", "--needs", "hybrid,serverless"],  # nothing qualifies: exit 1
    ["recommend", "--needs", "hybrid,serverless", "--json"],
    ["recommend", "--needs", "kubernetes,serverless", "--provider", "aws"],  # a clash: exit 2
    ["--no-cache", "recommend", "--needs", "eu", "--json"],
]


@pytest.mark.parametrize("args", HEADLINE_CASES, ids=[" ".join(c) for c in HEADLINE_CASES])
def test_recommend_without_click_answers_as_click(
    args: list[str], warm: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`main` runs plain `recommend` command lines without click (`archkb.cli.headline`): same
    output, messages and exit code as the click command."""
    from archkb.cli.headline import parse_headline, run_headline

    monkeypatch.setenv("ARCHKB_CACHE_DIR", str(warm))
    assert parse_headline(args) is not None
    code = 0
    try:
        assert run_headline(args)
    except SystemExit as exc:
        code = int(exc.code or 0)
    fast = capsys.readouterr()
    click = run_cli(*args)
    assert (fast.out, fast.err, code) == (click.stdout, click.stderr, click.exit_code)


@pytest.mark.parametrize(
    "args",
    [
        ["recommend", "--help"],
        ["recommend"],  # --needs missing: click's usage error
        ["recommend", "--needs"],
        ["recommend", "--needs", "eu", "--needs", "us"],  # repeated
        ["recommend", "--needs", "eu", "--top", "101"],  # out of range
        ["recommend", "--needs", "eu", "--top", "-1"],
        ["recommend", "--needs", "eu", "--top", "1_0"],
        ["recommend", "--needs", "--json"],  # a value that looks like an option
        ["recommend", "--needs", "eu", "--json=yes"],
        ["recommend", "--needs", "eu", "extra"],
        ["recommend", "--needs", "eu", "--no-cache"],  # a group option after the command
        ["--kb", "recommend"],
        ["--kb=", "recommend", "--needs", "eu"],
        ["--version"],
        ["map", "AWS Lambda"],
        ["why-not", "recommend", "--needs", "eu"],
        [],
    ],
    ids=lambda args: " ".join(args) or "(none)",
)
def test_command_lines_click_should_read_are_left_to_click(args: list[str]) -> None:
    from archkb.cli.headline import parse_headline

    assert parse_headline(args) is None


def test_global_options_before_recommend_are_read_as_click_reads_them() -> None:
    from archkb.cli.headline import parse_headline

    options = parse_headline(["--kb", "a", "--kb=b", "--no-cache", "recommend", "--needs", "eu"])
    assert options is not None
    assert options["context"].overlays == ("a", "b") and options["context"].use_cache is False
    assert (options["needs"], options["provider"], options["top"]) == ("eu", "all", 3)
    assert options["top_given"] is False and not options["explain"] and not options["as_json"]


def test_winner_shortcuts_agree_with_the_explained_score(kb: KnowledgeBase) -> None:
    """`winners_by_added_need` asks `_fails` / `_score` (no sentences) for every candidate under
    every added need: they must say what `blueprint_failures` / `score_terms` say."""
    import itertools

    from archkb.engine.needs import NeedsError
    from archkb.engine.recommend import _fails, _score, blueprint_failures, score_terms

    ids = sorted(kb.needs)
    combos = [[n] for n in ids] + [list(p) for p in itertools.combinations(ids, 2)][::7]
    checked = 0
    for combo in combos:
        try:
            needs = parse_needs(kb, combo)
        except NeedsError:
            continue
        for blueprint in kb.blueprints.values():
            compute = [c for c in blueprint.components if kb.is_compute(c.capability)]
            failures = blueprint_failures(kb, blueprint, needs)
            assert _fails(kb, blueprint, needs, compute) == bool(failures)
            terms = score_terms(kb, blueprint, needs)
            assert _score(kb, blueprint, needs, compute) == round(sum(t.value for t in terms), 2)
            checked += 1
    assert checked > 10_000


def test_needs_named_by_their_ids_parse_as_the_resolver_reads_them(kb: KnowledgeBase) -> None:
    """`parse_needs` skips the resolver (`search.resolve_need`) when every word is a need's id
    as written; it answers what the resolver answers for those words and their other spellings
    (which still go through it)."""
    from archkb.engine.search import resolve_need

    for need_id in sorted(kb.needs):
        by_id = parse_needs(kb, need_id)
        resolved = resolve_need(kb, need_id).key
        assert resolved == f"need/{need_id}"
        assert by_id == parse_needs(kb, [need_id.upper()]) == parse_needs(kb, f" {need_id} ,")
        assert by_id.needs[0].id == need_id
