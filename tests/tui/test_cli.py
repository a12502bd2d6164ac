"""The `tui` command and bare `archkb`: help stays help, and Textual loads only for the TUI."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from archkb.cli.tui import tui_command
from tests.conftest import run_cli


def test_tui_help_lists_keys() -> None:
    result = CliRunner().invoke(tui_command, ["--help"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "--kb" in result.output and "ctrl+p" in result.output


def test_bare_archkb_without_a_terminal_prints_help() -> None:
    result = run_cli()
    assert result.exit_code == 0
    assert "Usage:" in result.output and "terminal UI" in result.output


def test_help_does_not_import_textual() -> None:
    code = (
        "import sys\nfrom click.testing import CliRunner\nfrom archkb.cli import cli\n"
        "r = CliRunner().invoke(cli, ['--help'])\nassert r.exit_code == 0, r.output\n"
        "r = CliRunner().invoke(cli, [])\nassert r.exit_code == 0, r.output\n"
        "print('textual' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
