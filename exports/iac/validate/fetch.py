"""Set-up step: download the pinned provider bindings with pip and derive compact schemas.

    python -m archkb.exports.iac.validate.fetch [--out DIR]

Writes `<provider>-<provider version>-<package version>.json` per provider of sources.json
into DIR (default: `schema_dir()`), skipping those already there. The wheels (50–70 MB each)
are downloaded into a temporary folder and removed once derived.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from .derive import derive, read_assembly, removed_arguments
from .schema import schema_dir, schema_file, sources


def _download(package: str, version: str, into: Path) -> Path:
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(into)]
    subprocess.run([*cmd, f"{package}=={version}"], check=True)
    wheel = next(into.glob(f"{package.replace('-', '_')}-{version}-*.whl"), None)
    if wheel is None:
        raise SystemExit(f"pip downloaded no wheel for {package}=={version} into {into}")
    return wheel


def _download_all(wanted: list[tuple[str, str]], into: Path) -> dict[tuple[str, str], Path]:
    """Every (package, version) wheel, downloaded side by side: the set-up waits on the network
    (four wheels of 50–70 MB), not on the CPU, so one pip per wheel at once saves most of it."""
    with ThreadPoolExecutor(max_workers=max(1, len(wanted))) as pool:
        futures = {key: pool.submit(_download, *key, into / f"{key[0]}-{key[1]}") for key in wanted}
        return {key: future.result() for key, future in futures.items()}


def fetch(out: Path) -> list[Path]:
    """Derive every missing schema into `out`; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    missing = {p: s for p, s in sources().items() if not schema_file(out, p).exists()}
    wanted = [(s["package"], s["version"]) for s in missing.values()]
    wanted += [
        (s["package"], s["next_major"]["version"]) for s in missing.values() if "next_major" in s
    ]
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        wheels = _download_all(wanted, Path(tmp)) if wanted else {}
        for provider, source in missing.items():
            written.append(_derive_one(out, provider, source, wheels))
    return written


def _derive_one(
    out: Path, provider: str, source: dict[str, Any], wheels: dict[tuple[str, str], Path]
) -> Path:
    """Derive one provider's schema from its downloaded wheel(s) and write it whole."""
    target = schema_file(out, provider)
    assembly, version = read_assembly(wheels[source["package"], source["version"]])
    if version != source["provider_version"]:
        raise SystemExit(
            f"{source['package']}=={source['version']} is {provider} {version}, "
            f"sources.json says {source['provider_version']}"
        )
    schema = derive(assembly)
    del assembly
    doc = {
        "package": source["package"],
        "version": source["version"],
        "provider": source["provider"],
        "provider_version": version,
        **schema,
    }
    later = source.get("next_major")
    if later:
        newer, newer_version = read_assembly(wheels[source["package"], later["version"]])
        doc["deprecated"], doc["renamed"] = removed_arguments(schema, derive(newer))
        doc["deprecated_by"] = newer_version
    tmp_target = target.with_suffix(".tmp")
    tmp_target.write_text(json.dumps(doc, separators=(",", ":"), sort_keys=True))
    tmp_target.replace(target)
    return target


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=None, help="folder for the schemas")
    args = parser.parse_args(argv)
    out = args.out or schema_dir()
    for path in fetch(out):
        print(f"wrote {path}")
    print(f"provider schemas in {out}")


if __name__ == "__main__":
    main()
