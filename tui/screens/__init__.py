"""TUI screens, one per file."""
