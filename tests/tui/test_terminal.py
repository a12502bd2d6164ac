"""End to end in a real terminal: tmux runs `archkb`, we type like a newcomer and read the screen.

Skipped only when tmux is absent (the CI script installs it).
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class Terminal:
    """A tmux session on a private server socket, 80×24."""

    def __init__(self, socket: str) -> None:
        self.socket = socket

    def tmux(self, *args: str) -> str:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True
        ).stdout

    def keys(self, *keys: str, literal: bool = False) -> None:
        self.tmux("send-keys", "-t", "e2e", *(["-l"] if literal else []), *keys)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "e2e")

    def wait_for(self, text: str, timeout: float = 20.0) -> float:
        """Seconds until `text` is on screen; fails with the screen when it never shows."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if text in self.screen():
                return time.monotonic() - start
            time.sleep(0.05)
        pytest.fail(f"{text!r} never appeared; the screen:\n{self.screen()}")


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    term = Terminal(f"archkb-e2e-{os.getpid()}")
    env = {"ARCHKB_CACHE_DIR": os.environ["ARCHKB_CACHE_DIR"], "TERM": "xterm-256color"}
    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    command = (
        f"cd {shlex.quote(str(tmp_path))} && env {exports} "
        f"{shlex.quote(sys.executable)} -m archkb; echo ARCHKB-EXITED-$?; sleep 30"
    )
    term.tmux("new-session", "-d", "-s", "e2e", "-x", "80", "-y", "24", command)
    socket_path = Path(term.tmux("display-message", "-p", "#{socket_path}").strip())
    try:
        yield term
    finally:
        subprocess.run(["tmux", "-L", term.socket, "kill-server"], capture_output=True)
        socket_path.unlink(missing_ok=True)


def test_newcomer_flow_with_the_keyboard_only(terminal: Terminal, tmp_path: Path) -> None:
    startup = terminal.wait_for("Providers (")
    print(f"archkb: KB tree on screen {startup:.2f}s after launch")
    terminal.keys("/")
    time.sleep(0.5)  # people pause after a command key; keys typed ahead go to the old focus
    terminal.keys("Cosmos DB", literal=True)
    terminal.wait_for("Azure Cosmos DB for MongoDB")  # live results
    terminal.keys("Enter")
    terminal.wait_for("Amazon DynamoDB")  # the AWS equivalent, among the page's links
    terminal.keys("m")  # map the open service
    terminal.wait_for("Fit")
    screen = terminal.screen()
    assert "AWS" in screen and "GCP" in screen and "partial" in screen
    terminal.keys("r")
    terminal.wait_for("Needs, comma-separated")
    terminal.keys("serverless,eu", literal=True)
    terminal.keys("Enter")
    terminal.wait_for("Serverless REST API")
    terminal.keys("e")
    terminal.wait_for("Export #1")
    if shutil.which("dot") is None:  # no Graphviz: untick the PNG (the first file kind)
        time.sleep(0.5)
        terminal.keys("BTab")
        terminal.keys("Space")
        terminal.keys("Tab")
    terminal.keys("Enter")  # the proposed folder is in the working directory
    terminal.wait_for("Wrote", timeout=60)
    folder = tmp_path / "archkb-serverless-rest-api-aws"
    assert (folder / "serverless-rest-api-aws.mmd").is_file()
    assert (folder / "adr-serverless-rest-api.md").is_file()
    terminal.keys("q")
    terminal.wait_for("ARCHKB-EXITED-0")
