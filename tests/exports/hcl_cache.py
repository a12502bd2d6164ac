"""python-hcl2's reading of a text, kept on disk for the whole test session.

The suite reads the same Terraform many times over: the Terraform job's schema validation reads
every rendered output, and the profile, flow, defect and exposure tests read the same roots and
modules again, in two xdist workers. python-hcl2 is pure Python (about 10 ms for a module file,
the suite's largest cost after checkov) and its answer depends only on the text and the
options, so the first process to read a text stores the result under the text's digest in a
folder shared by the session (`ARCHKB_TEST_HCL_CACHE`), and every later reading of that text
unpickles it. A text that does not parse is never stored: the error is raised again each time.

`install()` points the validator's reader (`exports.iac.validate.config`) at `loads`, in the
test workers and in the Terraform job; without the environment variable both behave exactly as
python-hcl2 does.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
import types
from pathlib import Path
from typing import Any

import hcl2
from hcl2.utils import SerializationOptions

ENV = "ARCHKB_TEST_HCL_CACHE"


def loads(text: str, *, serialization_options: SerializationOptions | None = None) -> Any:
    """`hcl2.loads(text, serialization_options=…)`, from the session's cache when it has it."""
    folder = os.environ.get(ENV)
    if not folder:
        return hcl2.loads(text, serialization_options=serialization_options)
    digest = hashlib.sha256(f"{serialization_options!r}\0{text}".encode()).hexdigest()
    path = Path(folder) / digest[:2] / f"{digest}.pickle"
    try:
        return pickle.loads(path.read_bytes())
    except FileNotFoundError:
        pass
    data = hcl2.loads(text, serialization_options=serialization_options)
    _store(path, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
    return data


def _store(path: Path, data: bytes) -> None:
    """Write whole, then rename: a concurrent reader sees the complete file or none."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.replace(tmp, path)


def install(folder: Path) -> None:
    """Share readings through `folder` in this process and in the processes it starts."""
    from archkb.exports.iac.validate import config

    os.environ[ENV] = str(folder)
    # The validator calls `hcl2.loads` through its module attribute; only that reference is
    # replaced, python-hcl2 itself stays untouched for every other caller.
    setattr(config, "hcl2", types.SimpleNamespace(loads=loads))  # noqa: B010
