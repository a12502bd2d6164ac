"""Benchmark of reading existing Terraform (issue 15, point 8): 1,000 `.tf` files mapped by a
whole `archkb map` process, beside the parse-only time of tree-sitter and of python-hcl2 on the
same files, all in one run.

    python benchmarks/tf_read.py [--files 1000] [--repeat 5] [--real DIR ...] [--write]

The tree is synthetic and our own (written to benchmarks/.synth/tf-N, reused): modules of ten
files, each file a mix of what real code has (variables, locals, resources with count, for_each,
dynamic blocks, heredoc policies, references, data sources, outputs), the root calling every
module. `--real` adds folders of real code (fetched by hand, never committed) to the parse
comparison. `--write` puts the result between the tf-read markers of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
START, END = "<!-- tf-read:start -->", "<!-- tf-read:end -->"

_FILE = """\
variable "name_{n}" {{
  type    = string
  default = "svc-{n}"
}}

locals {{
  tags_{n} = {{ owner = "team-{m}", index = {n} }}
  bucket_{n} = aws_s3_bucket.data_{n}.id
}}

resource "aws_s3_bucket" "data_{n}" {{
  bucket = "data-{m}-{n}"
  tags   = local.tags_{n}
}}

resource "aws_s3_bucket_versioning" "data_{n}" {{
  bucket = local.bucket_{n}
  versioning_configuration {{
    status = "Enabled"
  }}
}}

resource "aws_security_group" "svc_{n}" {{
  name   = var.name_{n}
  vpc_id = var.vpc_id

  dynamic "ingress" {{
    for_each = [80, 443]
    content {{
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["10.0.0.0/8"]
    }}
  }}
}}

resource "aws_iam_role" "svc_{n}" {{
  name               = "svc-{m}-{n}"
  assume_role_policy = <<POLICY
{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "sts:AssumeRole"}}]}}
POLICY
}}

resource "aws_lambda_function" "svc_{n}" {{
  count         = var.enabled ? 1 : 0
  function_name = "svc-{m}-{n}"
  role          = aws_iam_role.svc_{n}.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  environment {{
    variables = {{ BUCKET = aws_s3_bucket.data_{n}.bucket }}
  }}
}}

resource "aws_sqs_queue" "jobs_{n}" {{
  for_each = toset(["a", "b"])
  name     = "jobs-{m}-{n}-${{each.key}}"
}}

data "aws_iam_policy_document" "read_{n}" {{
  statement {{
    actions   = ["s3:GetObject"]
    resources = ["${{aws_s3_bucket.data_{n}.arn}}/*"]
  }}
}}

output "queue_{n}" {{
  value = aws_sqs_queue.jobs_{n}
}}
"""


def synth_tree(files: int, under: Path | None = None) -> Path:
    """A tree of `files` .tf files in modules of ten, the root calling each module; kept in
    benchmarks/.synth (git-ignored) unless `under` says where."""
    if under is None:
        under = HERE / ".synth"
        under.mkdir(exist_ok=True)
        (under / ".gitignore").write_text("*\n")
    root = under / f"tf-{files}"
    marker = root / ".complete"
    if marker.exists():
        return root
    modules = max(1, (files - 1 + 9) // 10)
    calls = []
    written = 0
    for m in range(modules):
        folder = root / "modules" / f"m{m:03}"
        folder.mkdir(parents=True, exist_ok=True)
        for n in range(min(10, files - 1 - written)):
            (folder / f"f{n:02}.tf").write_text(_FILE.format(n=n, m=m))
            written += 1
        calls.append(f'module "m{m:03}" {{\n  source = "./modules/m{m:03}"\n}}\n')
    (root / "main.tf").write_text("".join(calls))
    marker.write_text("")
    return root


def tf_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.tf") if ".terraform" not in p.parts)


def parse_tree_sitter(files: list[Path]) -> tuple[float, int, float]:
    """Wall seconds, files with errors, CPU seconds of parsing every file (read included)."""
    import tree_sitter
    import tree_sitter_hcl

    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_hcl.language()))
    started, cpu = time.perf_counter(), time.process_time()
    errors = sum(parser.parse(f.read_bytes()).root_node.has_error for f in files)
    return time.perf_counter() - started, errors, time.process_time() - cpu


def parse_hcl2(files: list[Path]) -> tuple[float, int]:
    import hcl2

    started = time.perf_counter()
    errors = 0
    for file in files:
        try:
            hcl2.loads(file.read_text())
        except Exception:  # python-hcl2 raises lark errors of several kinds
            errors += 1
    return time.perf_counter() - started, errors


def whole_process(root: Path, repeat: int) -> tuple[list[float], list[float]]:
    """Wall-clock seconds of fresh `archkb map` processes, and the CPU seconds (user + system)
    each used: on a shared machine the CPU time moves less with the load than the wall time."""
    archkb = Path(sys.executable).with_name("archkb")
    cmd = [str(archkb), "map", str(root), "--to", "gcp", "--json"]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)  # compiles the KB store once
    times, cpu = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return times, cpu


def fmt(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s (min {min(values):.2f}, max {max(values):.2f})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark reading existing Terraform.")
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--real", type=Path, nargs="*", default=[])
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args(argv)
    load_before = os.getloadavg()[0]
    root = synth_tree(args.files)
    files = tf_files(root)
    process, process_cpu = whole_process(root, args.repeat)
    ts = [parse_tree_sitter(files) for _ in range(args.repeat)]
    parse_cpu = [c for _, _, c in ts]
    hcl2_time, hcl2_errors = parse_hcl2(files)
    size = sum(f.stat().st_size for f in files)
    goal = "met" if statistics.median(process) <= 1.5 else "NOT met"
    lines = [
        START,
        "## Reading Terraform (issue 15)",
        "",
        f"A synthetic tree of our own (`benchmarks/tf_read.py`): {len(files):,} `.tf` files, "
        f"{size / 1e6:.1f} MB, about {(len(files) - 1) * 6:,} resources and data sources with "
        "locals, count, for_each, dynamic blocks, heredocs and module calls. One run, the same "
        "files for every row; whole processes are fresh `archkb map DIR --to gcp --json` runs "
        f"(KB store compiled, files in the OS cache); median of {args.repeat} with min and max.",
        "",
        "| what | time | goal |",
        "|---|---|---|",
        f"| `archkb map` on {len(files):,} files, whole process | {fmt(process)} | ≤ 1.5 s: "
        f"{goal} |",
        f"| the same, CPU time (user + system) | {fmt(process_cpu)} | |",
        f"| tree-sitter-hcl, parse only (in-process) | {fmt([t for t, _, _ in ts])}; "
        f"{ts[0][1]} file(s) with errors | |",
        f"| the same, CPU time | {fmt(parse_cpu)} | |",
        f"| whole process ÷ parse only (medians of CPU time) | "
        f"{statistics.median(process_cpu) / statistics.median(parse_cpu):.1f}× | |",
        f"| python-hcl2, parse only (in-process, once) | {hcl2_time:.2f} s; {hcl2_errors} "
        "file(s) rejected | |",
    ]
    for folder in args.real:
        real = tf_files(folder)
        t_ts, e_ts, _ = min(parse_tree_sitter(real) for _ in range(3))
        t_h, e_h = parse_hcl2(real)
        lines.append(
            f"| real tree `{folder.name}` ({len(real)} files): tree-sitter / python-hcl2 | "
            f"{t_ts:.2f} s ({e_ts} with errors) / {t_h:.2f} s ({e_h} rejected) | |"
        )
    load_after = os.getloadavg()[0]
    lines += [
        "",
        f"Machine: {os.cpu_count()} logical cores shared with other work (load average "
        f"{load_before:.1f} before the run, {load_after:.1f} after: the minimum is the figure "
        f"least disturbed by it); Python {sys.version.split()[0]}; measured "
        f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC.",
        END,
    ]
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    if args.write:
        doc = REPO / "docs" / "benchmarks.md"
        current = doc.read_text(encoding="utf-8")
        if START in current:
            head, rest = current.split(START, 1)
            current = head + text + rest.split(END, 1)[1].lstrip("\n")
        else:
            current = current.rstrip("\n") + "\n\n" + text
        tmp = doc.with_suffix(".md.tmp")
        tmp.write_text(current, encoding="utf-8")
        os.replace(tmp, doc)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
