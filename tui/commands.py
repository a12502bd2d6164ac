"""Command-palette provider that opens any record by name ("Open Cosmos DB…")."""

from __future__ import annotations

from functools import partial

from textual.command import Hit, Hits, Provider

from .messages import OpenRecord


class RecordCommands(Provider):
    """Every KB record as an `Open …` command (the app's actions come from system commands)."""

    async def search(self, query: str) -> Hits:
        kb = getattr(self.app, "kb", None)
        if kb is None or len(query.strip()) < 2:
            return
        matcher = self.matcher(query)
        for kind, record in kb.records():
            text = f"Open {record.name} ({kind})"
            score = matcher.match(text)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(text),
                    partial(self.app.post_message, OpenRecord(f"{kind}/{record.id}")),
                    text=text,
                    help=record.summary,
                )
