"""Custom messages the TUI's widgets post to their screens and to the app."""

from __future__ import annotations

from textual.message import Message


class OpenRecord(Message):
    """Ask the app to show a record (`kind/id`) in the browser."""

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key


class KbReady(Message):
    """The knowledge base finished loading (posted to the browse screen)."""
