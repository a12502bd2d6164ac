"""Synthetic knowledge bases for the benchmarks: N copies of the built-in KB, valid and deterministic.

    python benchmarks/synth.py --scale 10 --out /tmp/kb-10x [--seed 7] [--force]

The output is a *full KB root* (same folder layout as `kb/`), meant to be loaded on its own with
`load_records([root])` — never as an overlay of the built-in KB, whose ids it reuses.

What scales and what does not:

- services, regions, patterns, blueprints and tools are copied N times (copy 0 is the built-in
  record unchanged; copy k > 0 gets `-s<k>` on its id, name, aliases and region codes), so their
  counts — and the graph's edges between them — grow N×;
- providers, jurisdictions, categories, capabilities and needs are the shared vocabulary and stay
  as they are. That keeps `--needs serverless,eu` meaningful at every scale and keeps the
  blueprint × provider candidate space linear in N (copying providers would make it quadratic).

References stay inside a copy (a copied blueprint uses the same copy's patterns, a copied tool the
same copy's services), except references to the shared vocabulary. Copied regions drop
`default_for`/`secondary_for` (the KB allows one default per provider and jurisdiction), so the
built-in defaults stay the primary regions.

The seed drives small perturbations that make copies differ the way real records do: blueprint
quality ratings and pattern effects move by ±1, and some copied services become unavailable in
some copied regions. Same scale + seed + built-in KB → byte-identical files.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

COPIES_PER_FILE = 10
"""Copies k..k+9 of one built-in file share an output file: at 100× that is ~1,800 files of ~10×
the built-in records per file, rather than 17,800 small files (close to the loader's 20,000-file
limit per root) — both grow with the scale, neither explodes."""

GENERATOR = 1
"""Bump when the generated files change for the same inputs: a KB made by another version of
this generator is regenerated rather than reused."""

MANIFEST = "_synth.json"
"""Written beside the kind folders; the leading `_` keeps it out of the KB (see `load.kb_files`)."""

COPIED_KINDS = ("region", "service", "pattern", "blueprint", "tool")
FOLDER = {
    "provider": "providers",
    "jurisdiction": "jurisdictions",
    "region": "regions",
    "category": "categories",
    "capability": "capabilities",
    "service": "services",
    "pattern": "patterns",
    "blueprint": "blueprints",
    "tool": "tools",
    "need": "needs",
}

Record = dict[str, Any]


FILE_KEY = "__file"
"""Private key on generated records: the built-in file (relative to kb/) the record came from."""


def builtin_records() -> dict[str, list[Record]]:
    """The built-in KB as plain data per kind, in file order, each record tagged with its file.

    Copies are written file by file like the original (`services/aws/compute.yaml` →
    `services/aws/compute-copy0011.yaml` holding copies 11–20), so the mix of records per file
    stays close to the real KB's.
    """
    from archkb.engine.load import builtin_kb_root, load_records

    root = builtin_kb_root().resolve()
    out: dict[str, list[Record]] = defaultdict(list)
    for item in load_records([root]):
        data = item.record.model_dump(mode="json", by_alias=True, exclude_defaults=True)
        data.pop("kind", None)
        data[FILE_KEY] = Path(item.file).resolve().relative_to(root).as_posix()
        out[item.kind].append(data)
    return dict(out)


def _suffix(k: int) -> Callable[[str], str]:
    return lambda text: f"{text}-s{k}"


def copy_records(
    base: dict[str, list[Record]], k: int, rng: random.Random
) -> dict[str, list[Record]]:
    """Copy k (k ≥ 1) of the copied kinds, references rewired to the same copy."""
    sid = _suffix(k)
    pattern_ids = {p["id"] for p in base.get("pattern", [])}
    service_ids = {s["id"] for s in base.get("service", [])}
    tool_ids = {t["id"] for t in base.get("tool", [])}

    def local(ids: Iterable[str], known: set[str]) -> list[str]:
        return [sid(i) if i in known else i for i in ids]

    def names(record: Record) -> None:
        record["name"] = f"{record['name']} s{k}"
        if record.get("aliases"):
            record["aliases"] = [f"{alias} s{k}" for alias in record["aliases"]]

    out: dict[str, list[Record]] = {}
    regions = []
    for region in base.get("region", []):
        copy = json.loads(json.dumps(region))
        copy["code"] = sid(region["code"])
        copy["name"] = f"{region['name']} s{k}"
        copy.pop("default_for", None)
        copy.pop("secondary_for", None)
        regions.append(copy)
    out["region"] = regions
    codes_of: dict[str, list[str]] = defaultdict(list)
    for region in regions:
        codes_of[region["provider"]].append(region["code"])

    services = []
    for service in base.get("service", []):
        copy = json.loads(json.dumps(service))
        copy["id"] = sid(service["id"])
        names(copy)
        for field in ("available_in", "unavailable_in"):
            if copy.get(field):
                copy[field] = [sid(code) for code in copy[field]]
        is_global = (copy.get("availability") or {}).get("scope") == "global"
        if "available_in" not in copy and not is_global and rng.random() < 0.2:
            codes = codes_of[copy["provider"]]
            copy["unavailable_in"] = sorted({*copy.get("unavailable_in", []), rng.choice(codes)})
        services.append(copy)
    out["service"] = services

    patterns = []
    for pattern in base.get("pattern", []):
        copy = json.loads(json.dumps(pattern))
        copy["id"] = sid(pattern["id"])
        names(copy)
        relations = copy.get("relations", {})
        for relation, ids in relations.items():
            relations[relation] = local(ids, pattern_ids)
        effects = copy.get("effects", {})
        for quality, effect in effects.items():
            effects[quality] = max(-2, min(2, effect + rng.choice((-1, 0, 0, 1))))
        patterns.append(copy)
    out["pattern"] = patterns

    blueprints = []
    for blueprint in base.get("blueprint", []):
        copy = json.loads(json.dumps(blueprint))
        copy["id"] = sid(blueprint["id"])
        names(copy)
        copy["patterns"] = local(copy["patterns"], pattern_ids)
        copy["quality"] = {
            quality: max(1, min(5, rating + rng.choice((-1, 0, 0, 1))))
            for quality, rating in copy["quality"].items()
        }
        blueprints.append(copy)
    out["blueprint"] = blueprints

    tools = []
    for tool in base.get("tool", []):
        copy = json.loads(json.dumps(tool))
        copy["id"] = sid(tool["id"])
        names(copy)
        copy["related"] = local(copy.get("related", []), tool_ids)
        copy["practices"] = local(copy.get("practices", []), pattern_ids)
        copy["managed_equivalents"] = {
            provider: local(ids, service_ids)
            for provider, ids in copy.get("managed_equivalents", {}).items()
        }
        tools.append(copy)
    out["tool"] = tools
    return out


def _dump(path: Path, records: list[Record]) -> int:
    """Write `records:` YAML with the C emitter when present; returns bytes written."""
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text = yaml.dump(
        {"records": records},
        Dumper=dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return len(text.encode())


def _write_copy(root: Path, k: int, records: dict[str, list[Record]]) -> tuple[int, int]:
    """Write copy `k` (or a block of copies from `k`) as one file per built-in file.

    Returns:
        (files, bytes) written.
    """
    by_file: dict[str, list[Record]] = defaultdict(list)
    for items in records.values():
        for item in items:
            clean = dict(item)
            by_file[clean.pop(FILE_KEY)].append(clean)
    size = 0
    for name, group in sorted(by_file.items()):
        target = root / name
        if k:
            target = target.with_name(f"{target.stem}-copy{k:04d}{target.suffix}")
        size += _dump(target, group)
    return len(by_file), size


def generate(out: Path, scale: int, seed: int = 1, *, force: bool = False) -> dict[str, Any]:
    """Write a synthetic KB root at `out`: `scale` copies of the built-in KB.

    Reuses an existing root when its manifest says it was made from the same built-in KB with the
    same scale and seed (generation at 100× takes a while); `force` regenerates regardless.

    Returns:
        The manifest: scale, seed, source fingerprint, record counts, files and bytes written.
    """
    from archkb.engine.load import builtin_kb_root
    from archkb.engine.store import fingerprint

    if scale < 1:
        raise ValueError("scale must be at least 1")
    source = fingerprint([builtin_kb_root()])
    manifest_path = out / MANIFEST
    if not force and manifest_path.is_file():
        try:
            manifest: dict[str, Any] = json.loads(manifest_path.read_text())
        except (OSError, ValueError):
            manifest = {}
        wanted = {"scale": scale, "seed": seed, "source": source, "generator": GENERATOR}
        if all(manifest.get(key) == value for key, value in wanted.items()):
            manifest["reused"] = True
            return manifest
    started = time.perf_counter()
    if out.exists():
        if not (out / MANIFEST).is_file() and any(out.iterdir()):
            raise FileExistsError(f"{out} exists and is not a synthetic KB; choose another --out")
        shutil.rmtree(out)
    out.mkdir(parents=True)
    # Marks the folder as ours before anything else is written, so an interrupted run is
    # regenerated next time instead of refused as a foreign folder.
    manifest_path.write_text(json.dumps({"generator": GENERATOR, "complete": False}) + "\n")
    base = builtin_records()
    rng = random.Random(seed)
    counts = {
        kind: len(base.get(kind, [])) * (scale if kind in COPIED_KINDS else 1) for kind in FOLDER
    }
    files = size = 0
    f, s = _write_copy(out, 0, base)
    files, size = files + f, size + s
    for first in range(1, scale, COPIES_PER_FILE):
        block: dict[str, list[Record]] = defaultdict(list)
        for k in range(first, min(first + COPIES_PER_FILE, scale)):
            for kind, items in copy_records(base, k, rng).items():
                block[kind].extend(items)
        f, s = _write_copy(out, first, block)
        files, size = files + f, size + s
    manifest = {
        "generator": GENERATOR,
        "scale": scale,
        "seed": seed,
        "source": source,
        "counts": counts,
        "files": files,
        "bytes": size,
        "seconds": round(time.perf_counter() - started, 2),
    }
    manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    manifest["reused"] = False
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, required=True, help="copies of the built-in KB (≥ 1)")
    parser.add_argument(
        "--seed", type=int, default=1, help="seed for the perturbations (default 1)"
    )
    parser.add_argument(
        "--out", type=Path, help="KB root to write (default benchmarks/.synth/scale-N)"
    )
    parser.add_argument(
        "--force", action="store_true", help="regenerate even if a matching KB exists"
    )
    parser.add_argument("--json", action="store_true", help="print the manifest as JSON")
    args = parser.parse_args(argv)
    out = (
        args.out
        or Path(__file__).resolve().parent / ".synth" / f"scale-{args.scale}-seed-{args.seed}"
    )
    try:
        manifest = generate(out, args.scale, args.seed, force=args.force)
    except (ValueError, FileExistsError) as exc:
        print(f"synth: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(manifest, sort_keys=True))
        return 0
    what = (
        "reused"
        if manifest["reused"]
        else f"wrote {manifest['files']} files in {manifest['seconds']} s"
    )
    print(f"{out}: {sum(manifest['counts'].values())} records ({what})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
