"""The `archkb` command line (`main`). The click group is `archkb.cli.cli` (in `app.py`).

`main` answers the headline command's plain forms (`archkb [--kb DIR]… [--no-cache] recommend
--needs …`, see `headline.py`) without importing click, and hands everything else — help,
other commands, anything it does not parse exactly as click would — to the click group.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import cli as cli


def main() -> None:
    """Console entry point."""
    try:
        from .headline import run_headline

        if run_headline(sys.argv[1:]):
            return
        from .app import cli

        cli(prog_name="archkb")
    except BrokenPipeError:  # `archkb list service | head`
        sys.stderr.close()
        sys.exit(0)


def __getattr__(name: str) -> Any:
    if name == "cli":  # imported on demand: click is not needed by the headline command
        from .app import cli

        return cli
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
