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
from pathlib import Path

from .derive import derive, read_assembly, removed_arguments
from .schema import schema_dir, schema_file, sources


def _download(package: str, version: str, into: Path) -> Path:
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(into)]
    subprocess.run([*cmd, f"{package}=={version}"], check=True)
    wheel = next(into.glob(f"{package.replace('-', '_')}-{version}-*.whl"), None)
    if wheel is None:
        raise SystemExit(f"pip downloaded no wheel for {package}=={version} into {into}")
    return wheel


def fetch(out: Path) -> list[Path]:
    """Derive every missing schema into `out`; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for provider, source in sources().items():
        target = schema_file(out, provider)
        if target.exists():
            continue
        with tempfile.TemporaryDirectory() as tmp:
            assembly, version = read_assembly(
                _download(source["package"], source["version"], Path(tmp))
            )
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
                newer, newer_version = read_assembly(
                    _download(source["package"], later["version"], Path(tmp))
                )
                doc["deprecated"], doc["renamed"] = removed_arguments(schema, derive(newer))
                doc["deprecated_by"] = newer_version
        tmp_target = target.with_suffix(".tmp")
        tmp_target.write_text(json.dumps(doc, separators=(",", ":"), sort_keys=True))
        tmp_target.replace(target)
        written.append(target)
    return written


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
