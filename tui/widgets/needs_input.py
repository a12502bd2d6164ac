"""Needs entry: comma-separated words completed from the needs vocabulary (ids and aliases)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option


def last_word(value: str) -> str:
    """The word being typed: what follows the last comma, without leading spaces."""
    return value.rpartition(",")[2].lstrip()


def completions(vocabulary: Mapping[str, str], word: str) -> list[str]:
    """Vocabulary words starting with `word` (ids before aliases, then shortest), or all."""
    folded = word.casefold()
    ids = set(vocabulary.values())
    matches = [w for w in vocabulary if w.startswith(folded)]
    return sorted(matches, key=lambda w: (w not in ids, len(w), w))


class NeedsSuggester(Suggester):
    """Suggests the completion of the last word (`serverless,e` → `serverless,eu`)."""

    def __init__(self, vocabulary: Mapping[str, str]) -> None:
        super().__init__(use_cache=False, case_sensitive=False)
        self.vocabulary = dict(vocabulary)

    async def get_suggestion(self, value: str) -> str | None:
        word = last_word(value)
        if not word:
            return None
        found = [w for w in completions(self.vocabulary, word) if w != word]
        return value + found[0][len(word) :] if found else None


class NeedsInput(Input):
    """The needs box: → or Tab completes the word, ↓ opens the list of matching needs."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "complete", "Complete", show=False),
        Binding("down", "open_menu", "Needs list", show=False),
    ]

    class OpenMenu(Message):
        """The user asked for the list of needs matching the current word."""

    def action_complete(self) -> None:
        if self._suggestion and self.cursor_at_end and self._suggestion != self.value:
            self.value = self._suggestion
            self.cursor_position = len(self.value)
        else:
            self.screen.focus_next()

    def action_open_menu(self) -> None:
        self.post_message(self.OpenMenu())

    def replace_last_word(self, word: str) -> None:
        head, comma, _ = self.value.rpartition(",")
        self.value = f"{head}{comma}{word},"
        self.cursor_position = len(self.value)


class NeedsMenu(OptionList):
    """Needs matching the word being typed: `word → need name`; Enter adds it."""

    class Picked(Message):
        def __init__(self, word: str) -> None:
            super().__init__()
            self.word = word

    def show_matches(
        self, vocabulary: Mapping[str, str], names: Mapping[str, str], word: str
    ) -> int:
        """Fill with the matches of `word` (every need when empty); returns how many."""
        words = completions(vocabulary, word) if word else sorted(set(vocabulary.values()))
        self.clear_options()
        for w in words:
            need = vocabulary[w]
            label = (
                Text.assemble((w, "bold"), "  ", (names.get(need, need), "dim"))
                if w == need
                else Text.assemble(
                    (w, "bold"), (f" → {need}", ""), "  ", (names.get(need, need), "dim")
                )
            )
            self.add_option(Option(label, id=w))
        if words:
            self.highlighted = 0
        return len(words)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.Picked(event.option.id))
