"""Located problems found while loading a knowledge base."""

from __future__ import annotations

from .datatypes import Data


class KbProblem(Data, frozen=True, order=True):
    """One thing wrong with the KB, pointing at the file and line to fix."""

    file: str
    line: int | None
    record: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        parts = [where]
        if self.record:
            parts.append(self.record)
        if self.field:
            parts.append(self.field)
        return ": ".join(parts) + f": {self.message}"


class KbLoadError(Exception):
    """Raised with every problem found, so users can fix them all in one pass."""

    def __init__(self, problems: list[KbProblem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0, p.message))
        super().__init__(f"{len(self.problems)} problem(s) in the knowledge base")
