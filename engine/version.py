"""The archkb version, part of the compiled store's cache key (the engine owns it so that it needs
nothing from the application package)."""

VERSION = "0.1.0"
