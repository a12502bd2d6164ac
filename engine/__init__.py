"""The archkb engine: pure library code (no printing, no UI, no rendering)."""
