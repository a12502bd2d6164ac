"""Record kinds, in display order (import-free, so the CLI can list them without pydantic)."""

KINDS = (
    "provider",
    "jurisdiction",
    "region",
    "category",
    "capability",
    "service",
    "pattern",
    "blueprint",
    "tool",
    "need",
)
