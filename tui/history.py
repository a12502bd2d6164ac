"""Back/forward history of the records visited in the browser."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class History:
    """A browser-style history: visiting a new record drops the forward stack."""

    entries: list[str] = field(default_factory=list)
    position: int = -1

    @property
    def current(self) -> str | None:
        return self.entries[self.position] if self.entries else None

    @property
    def can_back(self) -> bool:
        return self.position > 0

    @property
    def can_forward(self) -> bool:
        return self.position < len(self.entries) - 1

    def visit(self, key: str) -> None:
        """Record a visit (re-visiting the current record is not a new entry)."""
        if key == self.current:
            return
        del self.entries[self.position + 1 :]
        self.entries.append(key)
        self.position = len(self.entries) - 1

    def back(self) -> str | None:
        """Step back; None when there is nothing behind."""
        if not self.can_back:
            return None
        self.position -= 1
        return self.current

    def forward(self) -> str | None:
        """Step forward; None when there is nothing ahead."""
        if not self.can_forward:
            return None
        self.position += 1
        return self.current
